/**
 * The rendered image's gradient with respect to lens parameters (splat adjoint + real-ray adjoint
 * + rendering adjoint) against central finite differences, on the library Cooke triplet.
 */
import { describe, expect, it } from 'vitest';
import fs from 'node:fs';
import path from 'node:path';
import { parsePrescriptionJson } from '../../engine/io/json.ts';
import { GlassLibrary } from '../../engine/materials/glassLibrary.ts';
import { buildSystem } from '../../engine/paraxial/buildSystem.ts';
import { getParam, setParam, type ParamRef } from '../../engine/optics/params.ts';
import { LensPsf, sensorForLens } from '../../engine/imaging/lensPsf.ts';
import { firstOrder } from '../../engine/analysis/firstOrder.ts';
import { makeSensor } from '../../engine/imaging/sensor.ts';
import { renderImage, renderImageAdjointPsf } from '../../engine/imaging/render.ts';
import { Rng } from '../../engine/imaging/prng.ts';

const root = path.resolve(import.meta.dirname, '../..');
const cooke = (rayAiming: 'paraxial' | 'real' = 'paraxial') =>
  buildSystem({ ...parsePrescriptionJson(fs.readFileSync(path.join(root, 'lens-library/cooke-triplet.json'), 'utf8')), rayAiming }, GlassLibrary.builtin());

function setup(useSymmetry = true, pupil: { type: 'hexapolar'; rings: number } | { type: 'grid'; n: number } = { type: 'hexapolar', rings: 5 }, rayAiming: 'paraxial' | 'real' = 'paraxial') {
  const system = cooke(rayAiming);
  const sensor = makeSensor({ pixelPitchUm: 5, width: 5120, height: 5120, mode: 'rgb', wavelengthsUm: Array.from(system.wavelengthsUm), primaryIndex: system.primaryIndex });
  const params: ParamRef[] = [
    ...[0, 1, 2, 3, 4, 5].map((s) => ({ kind: 'curvature' as const, surface: s })),
    { kind: 'thickness', surface: 2 }, // an air gap
    { kind: 'thickness', surface: 5 }, // the image distance
  ];
  const lens = new LensPsf(system, sensor, params, { nx: 3, ny: 3, psfSize: 15, pupil, useSymmetry });
  return { system, sensor, params, lens };
}

describe('default sensor for a lens', () => {
  it('is the square inscribed in the paraxial image circle of the largest field, RGB from three wavelengths', () => {
    const system = cooke();
    const h = Math.abs(firstOrder(system).paraxialImageHeight); // ≈ 18.12 mm at 20°
    const { sensor, note } = sensorForLens(system, 5, false);
    expect(sensor.width).toBe(Math.floor((2 * h) / Math.SQRT2 / 0.005));
    expect(sensor.height).toBe(sensor.width);
    expect(sensor.channels.map((c) => c.wavelengthsUm[0])).toEqual([0.65, 0.55, 0.48]);
    expect(note).toBeUndefined();
    expect(sensorForLens(system, 5, true).sensor.channels).toHaveLength(1);
  });
});

describe('lens PSF grid', () => {
  it('uses one traced field per node radius for the symmetric Cooke triplet', () => {
    const { lens } = setup();
    expect(lens.symmetric).toBe(true);
    expect(lens.tracedFields).toBe(3); // radii 0, h, √2 h
    const grid = lens.compute();
    for (let n = 0; n < 9; n++) {
      for (let c = 0; c < 3; c++) {
        let s = 0;
        for (let k = 0; k < 225; k++) s += grid.psf[(n * 3 + c) * 225 + k];
        expect(s).toBeCloseTo(1, 12);
      }
    }
  });

  it('the symmetry shortcut reproduces full tracing where the square pupil grid maps onto itself', () => {
    const sym = setup(true, { type: 'grid', n: 16 }).lens.compute();
    const full = setup(false, { type: 'grid', n: 16 }).lens.compute();
    // nodes on the axes are rotations by multiples of 90°, under which the square grid is invariant
    for (const n of [1, 3, 4, 5, 7]) {
      for (let k = 0; k < 3 * 225; k++) expect(sym.psf[n * 675 + k]).toBeCloseTo(full.psf[n * 675 + k], 10);
    }
    // diagonal nodes sample a rotated pupil: close, not equal
    let diff = 0;
    for (let k = 0; k < 675; k++) diff = Math.max(diff, Math.abs(sym.psf[k] - full.psf[k]));
    expect(diff).toBeGreaterThan(0);
  });

  it.each(['paraxial', 'real'] as const)('d(rendered image)/d(lens parameters) matches central finite differences (%s ray aiming)', (aiming) => {
    const { system, params, lens } = setup(true, undefined, aiming);
    const K = 15;
    const W = 20;
    const H = 16;
    const rng = new Rng(5);
    const scene = Float64Array.from({ length: (W + K - 1) * (H + K - 1) * 3 }, () => rng.next());
    const G = Float64Array.from({ length: W * H * 3 }, () => rng.normal());
    // a patch between field nodes, so four nodes' PSFs are interpolated; two tiles
    const place = { x0Mm: 3.7, y0Mm: -6.1, pitchMm: 0.005 };
    const shape = { width: W, height: H, tile: 10 };
    const loss = () => {
      const img = renderImage(scene, lens.compute(), place, shape);
      let s = 0;
      for (let i = 0; i < img.length; i++) s += G[i] * img[i];
      return s;
    };
    const L0 = loss();
    const grid = lens.compute();
    const grad = lens.gradient(renderImageAdjointPsf(scene, G, grid, place, shape));
    params.forEach((p, j) => {
      const v = getParam(system, p);
      // steps move rays by ~1e-7 mm (2e-5 px): few rays cross a splat kink (pixel-centre line),
      // and float64 round-off in the difference stays near 1e-8 relative
      // (with real aiming the air gap's gradient is ten times smaller, so its difference needs a
      // larger step to stay above round-off: measured error 4e-7 at 1e-6 vs 4e-6 at 1e-7)
      const h = p.kind === 'curvature' ? 1e-9 : aiming === 'real' ? 1e-6 : 1e-7;
      setParam(system, p, v + h);
      const Lp = loss();
      setParam(system, p, v - h);
      const Lm = loss();
      setParam(system, p, v);
      const fd = (Lp - Lm) / (2 * h);
      expect(Math.abs(grad[j] - fd)).toBeLessThanOrEqual(1e-6 * Math.abs(fd));
    });
    expect(loss()).toBe(L0);
    // the support-only rendering adjoint gives the same lens gradient
    lens.compute();
    const gSupport = lens.gradient(renderImageAdjointPsf(scene, G, lens.compute(), place, shape, undefined, { supportOnly: true }));
    gSupport.forEach((v, j) => expect(Math.abs(v - grad[j])).toBeLessThanOrEqual(1e-12 * Math.abs(grad[j])));
  });
});
