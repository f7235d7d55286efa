/**
 * PSFs through depth on dO's EDOF lens (the edof task preset's lens): depth sampling in diopters,
 * per-depth PSF caching invalidated by any lens change, and the gradient of a Wiener-restored image
 * with respect to lens parameters (image → Wiener → sensor patch and mean PSF → PSF per depth →
 * lens) against central finite differences.
 */
import { describe, expect, it } from 'vitest';
import fs from 'node:fs';
import path from 'node:path';
import { E2eTask } from '../../engine/io/e2eTask.ts';
import { validatePrescription } from '../../engine/io/json.ts';
import { GlassLibrary } from '../../engine/materials/glassLibrary.ts';
import { buildSystem } from '../../engine/paraxial/buildSystem.ts';
import { getParam, setParam, type ParamRef } from '../../engine/optics/params.ts';
import { DepthPsfStack, depthsInDiopters, formatDepth, lensSnapshot } from '../../engine/imaging/depthPsf.ts';
import { makeSensor } from '../../engine/imaging/sensor.ts';
import { SensorImager } from '../../engine/imaging/sensorImager.ts';
import { createImage } from '../../engine/imaging/image.ts';
import { Rng } from '../../engine/imaging/prng.ts';
import { WienerDeconvolver } from '../../engine/e2e/wiener.ts';

const root = path.resolve(import.meta.dirname, '../..');
const task = E2eTask.parse(JSON.parse(fs.readFileSync(path.join(root, 'lens-library/e2e/edof.json'), 'utf8')));
const lens = () => buildSystem(validatePrescription(task.lens), GlassLibrary.builtin());

function setup(depths: number[], K = 15, cubic = 6e-6) {
  const system = lens();
  system.surfaces[4].xy[9] = cubic;
  system.surfaces[4].xy[8] = -0.5 * cubic;
  const sensor = makeSensor({ pixelPitchUm: 6.9, width: 256, height: 256, mode: 'rgb', wavelengthsUm: Array.from(system.wavelengthsUm), primaryIndex: system.primaryIndex });
  const params: ParamRef[] = [
    { kind: 'xy', surface: 4, index: 9 },
    { kind: 'xy', surface: 4, index: 8 },
    { kind: 'thickness', surface: 4 }, // the image distance
  ];
  const stack = new DepthPsfStack(system, sensor, params, depths, { nx: 1, ny: 1, psfSize: K, pupil: { type: 'grid', n: 16 } });
  return { system, sensor, params, stack };
}

describe('object distances equally spaced in diopters', () => {
  it('spans far to near, both included, with infinity as 0 D', () => {
    const d = depthsInDiopters(4500, 8000, 3);
    expect(d[0]).toBeCloseTo(8000, 9);
    expect(d[2]).toBeCloseTo(4500, 9);
    expect(1 / d[1]).toBeCloseTo((1 / 4500 + 1 / 8000) / 2, 15);
    expect(depthsInDiopters(1000, Infinity, 3)).toEqual([Infinity, 2000, 1000]);
    expect(formatDepth(Infinity)).toBe('∞');
    expect(formatDepth(4500)).toBe('4.5 m');
    expect(() => depthsInDiopters(8000, 4500, 3)).toThrow(/near ≤ far/);
  });
});

describe('PSF grids through depth', () => {
  it('trace once per lens state: cached until any lens number changes, and the object distance is restored', () => {
    const { system, stack } = setup([8000, 4500]);
    const z0 = system.objectDistance;
    const a = stack.grids();
    expect(stack.computations).toBe(1);
    expect(stack.grids()).toBe(a);
    expect(stack.meanGrid().psf.length).toBe(a[0].psf.length);
    expect(stack.computations).toBe(1);
    expect(system.objectDistance).toBe(z0);
    expect(stack.stale).toBe(false);
    // the two depths differ (defocus), each PSF has unit energy per channel
    expect(a[0].psf).not.toEqual(a[1].psf);
    const K2 = 15 * 15;
    for (const g of a) for (let c = 0; c < 3; c++) expect(g.psf.subarray(c * K2, (c + 1) * K2).reduce((s, v) => s + v, 0)).toBeCloseTo(1, 12);
    // any lens number invalidates: an XY coefficient, a thickness, a glass index
    for (const change of [() => (system.surfaces[4].xy[6] = 1e-6), () => (system.surfaces[4].thickness += 0.01), () => (system.surfaces[1].nAfter[0] += 1e-6)]) {
      const before = stack.computations;
      const snap = lensSnapshot(system);
      change();
      expect(lensSnapshot(system)).not.toEqual(snap);
      expect(stack.stale).toBe(true);
      const b = stack.grids();
      expect(stack.computations).toBe(before + 1);
      expect(b).not.toBe(a);
      stack.grids();
      expect(stack.computations).toBe(before + 1);
    }
    // the object distance is the stack's business, not part of the lens state
    system.objectDistance = 12345;
    expect(stack.stale).toBe(false);
  });

  it('refuses a gradient for a lens that changed after the trace', () => {
    const { system, stack } = setup([8000, 4500]);
    const g = stack.grids();
    system.surfaces[4].thickness += 0.01;
    expect(() => stack.gradient([new Float64Array(g[0].psf.length)])).toThrow(/lens changed/);
  });

  it("the Wiener-restored image's lens gradient (through sensor patch, mean PSF and PSF per depth) matches central differences", () => {
    const depths = [8000, 5500, 4500];
    const { system, sensor, params, stack } = setup(depths);
    const P = 16;
    const K = 15;
    const S = P + K - 1;
    const rng = new Rng(3);
    const examples = depths.map((z, i) => {
      const scene = createImage(S, S, 3);
      scene.data.forEach((_, k) => (scene.data[k] = rng.next()));
      return { scene, xMm: 0.1 * i, yMm: -0.05 * i, noiseSeed: i, depthMm: z };
    });
    const imager = new SensorImager(stack, sensor, depths, false);
    const wiener = new WienerDeconvolver(P, K, 3, 'gradient');
    const g = examples.map(() => Float64Array.from({ length: P * P * 3 }, () => rng.normal()));
    const loss = () => {
      const shot = imager.capture(examples, P, true);
      const { outputs, context } = wiener.forward(shot.images, shot.meanPsfs!, Math.log(0.01));
      let L = 0;
      outputs.forEach((o, b) => o.forEach((v, i) => (L += v * g[b][i])));
      return { L, shot, context };
    };
    const { shot, context } = loss();
    const w = wiener.backward(context, g);
    const dGrids = imager.adjoint(shot, w.dInputs, w.dPsfs);
    const grad = stack.gradient(dGrids);
    const steps = [2e-11, 2e-11, 1e-7];
    params.forEach((p, j) => {
      const x0 = getParam(system, p);
      setParam(system, p, x0 + steps[j]);
      const lp = loss().L;
      setParam(system, p, x0 - steps[j]);
      const lm = loss().L;
      setParam(system, p, x0);
      const fd = (lp - lm) / (2 * steps[j]);
      expect(Math.abs(fd)).toBeGreaterThan(0);
      expect(Math.abs(grad[j] - fd)).toBeLessThanOrEqual(1e-5 * Math.abs(fd));
    });
  });
});
