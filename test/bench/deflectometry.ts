/**
 * Benchmark `deflectometry_calibrate_s`: decode plus full self-calibration of a simulated LE1234-A
 * session of the real rig at 512×512 per camera (the 2048² sensors binned 4×), both cameras,
 * 16-bit quantisation plus shot and read noise, started from flat surfaces (curvatures 0,
 * thickness 3.0 mm, the mount pose, no screen offset). The simulation itself is not timed.
 */
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { calibrate, type CameraMeasurements } from '../../engine/deflectometry/calibrate.ts';
import { decodeScreenPoints } from '../../engine/deflectometry/fringe.ts';
import { makePatternSet, patternFrames } from '../../engine/deflectometry/patterns.ts';
import { parseRig } from '../../engine/deflectometry/rig.ts';
import { buildRigScene, captureHits, mountPose, sceneLens } from '../../engine/deflectometry/rigScene.ts';
import { DEFAULT_SENSOR, frameSeed, renderFrame } from '../../engine/deflectometry/simulate.ts';
import { parsePrescriptionJson } from '../../engine/io/json.ts';
import { GlassLibrary } from '../../engine/materials/glassLibrary.ts';

const root = path.resolve(import.meta.dirname, '../..');

export async function benchDeflectometry(): Promise<{ deflectometry_calibrate_s: number }> {
  const rig = parseRig(fs.readFileSync(path.resolve(root, '../shared/data/deflectometry/rig-2021-04-03.json'), 'utf8'));
  const truth = parsePrescriptionJson(fs.readFileSync(path.join(root, 'lens-library/thorlabs-le1234-a.json'), 'utf8'));
  const glass = GlassLibrary.builtin();
  const mount = mountPose(rig);
  const pose = { xMm: mount.xMm + 0.3, yMm: mount.yMm - 0.2, zMm: mount.zMm + 0.4, tiltXDeg: 0.5, tiltYDeg: -0.4 };
  const binning = 4;
  const scene = buildRigScene(rig, binning, sceneLens(truth, glass, 0.562, 16), pose, [0.15, -0.25]);
  const set = makePatternSet(rig.periodsPx, rig.steps);
  const frames = patternFrames(set);
  const captures = scene.cameras.map((cam, ci) => {
    const render = (capture: 'lens' | 'reference') => {
      const hits = captureHits(scene, ci, capture);
      return frames.map((f, k) => renderFrame(hits, set, f, scene.screen, DEFAULT_SENSOR, frameSeed(7, ci, capture === 'lens' ? 0 : 1, k), binning));
    };
    return { cam, lens: render('lens'), reference: render('reference') };
  });
  const nominal = { ...truth, surfaces: truth.surfaces.map((s, i) => (i === 0 ? { ...s, thickness: 3.0 } : s)) };
  const t0 = performance.now();
  const measurements: CameraMeasurements[] = captures.map(({ cam, lens, reference }) => ({
    camera: cam,
    lens: decodeScreenPoints(lens, cam.widthPx, cam.heightPx, set, rig.screen),
    reference: decodeScreenPoints(reference, cam.widthPx, cam.heightPx, set, rig.screen),
  }));
  const result = await calibrate({
    measurements,
    nominal,
    glass,
    wavelengthUm: 0.562,
    initialPose: mount,
    vary: ['curvatures', 'thickness', 'pose', 'screen-offset'],
    start: 'flat',
  });
  const seconds = (performance.now() - t0) / 1000;
  if (result.stopReason !== 'converged') throw new Error(`deflectometry bench: calibration ${result.stopReason}`);
  return { deflectometry_calibrate_s: Number(seconds.toFixed(3)) };
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  process.stdout.write(`${JSON.stringify(await benchDeflectometry())}\n`);
}
