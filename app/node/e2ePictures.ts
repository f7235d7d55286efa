/**
 * The pictures of an end-to-end report (PNG): PSFs through depth for the three arms and example
 * restorations per object distance (images, pngjs through ./images.ts), PSNR against object
 * distance (a Vega-Lite chart) and the lens layouts (SVG), both rasterised by ./chartPng.ts. Each is written atomically into <out>/images/; returns report keys → relative paths.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { LensSystem } from '../../engine/optics/system.ts';
import { hstack, psfStripImage, upscale, vstack } from '../../engine/imaging/psfImage.ts';
import type { ArmName, PhaseOutcome } from './e2eReport.ts';
import { savePng } from './images.ts';
import { writeFileAtomicSync } from './atomicWrite.ts';
import { layoutImage, plateSagImage } from './e2eLayout.ts';
import { psnrDepthPlot } from './e2ePlots.ts';

export interface PictureInput {
  outcomes: PhaseOutcome[];
  /** The seed whose lenses and images are shown. */
  seed: number;
  evalDepthsMm: readonly number[];
  systems: { nominal: LensSystem; sequential: LensSystem | null; joint: LensSystem };
  /** Surface index of the XY plate (its sag map is drawn), or null. */
  xyPlate: number | null;
}

export async function writePictures(out: string, p: PictureInput): Promise<Record<string, string>> {
  const files: Record<string, string> = {};
  fs.mkdirSync(path.join(out, 'images'), { recursive: true });
  const of = (arm: ArmName) => p.outcomes.find((o) => o.arm === arm && o.seed === p.seed) ?? null;
  const arms = (['nominal', 'sequential', 'joint'] as const).map(of).filter((o): o is PhaseOutcome => o !== null);
  const put = (key: string, file: string, img: Parameters<typeof savePng>[1], linear = true) => {
    savePng(path.join(out, 'images', file), img, linear);
    files[key] = `images/${file}`;
  };
  const putPng = (key: string, file: string, png: Uint8Array) => {
    writeFileAtomicSync(path.join(out, 'images', file), png);
    files[key] = `images/${file}`;
  };
  // PSF strips: rows = arms, columns = held-out depths (far to near)
  const K = arms[0].grids[0].size;
  put('psf strips', 'psf-depth.png', psfStripImage(arms.map((o) => o.grids), K < 32 ? 4 : 3, 2), false);
  // restorations: one row per depth of the first held-out scene
  const joint = of('joint')!;
  const nominal = of('nominal');
  const sequential = of('sequential');
  const rows = joint.eval.images.map((im, d) => {
    const panels = [nominal?.eval.images[d].blurred, nominal?.eval.images[d].restored, sequential?.eval.images[d].restored, im.restored, im.truth, im.blurred].filter((x) => x !== undefined);
    return hstack(panels.map((x) => upscale(x, x.width < 128 ? 2 : 1)), 4);
  });
  if (rows.length) put('restorations', 'restorations.png', vstack(rows, 4));
  // PSNR vs object distance
  putPng('psnr vs depth', 'psnr-depth.png', await psnrDepthPlot(p.outcomes, p.evalDepthsMm));
  // lens layouts before / after, and the plate's departure
  const lenses = [
    { label: '(a) nominal', system: p.systems.nominal },
    ...(p.systems.sequential ? [{ label: '(b) sequential', system: p.systems.sequential }] : []),
    { label: '(c) joint', system: p.systems.joint },
  ];
  putPng('layout', 'layout.png', layoutImage(lenses));
  if (p.xyPlate !== null) putPng('plate sag', 'plate-sag.png', plateSagImage(p.systems.joint, p.xyPlate));
  return files;
}
