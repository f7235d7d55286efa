/**
 * The finite-difference check of a Wiener reconstruction step's gradients (test/e2e): ∂L/∂y at
 * `sensorIdx`, ∂L/∂h at `psfIdx`, ∂L/∂log κ and ∂L/∂a against central differences of a float64
 * loss. The network's input gradient is float32 (≈1e-7 relative), hence 1e-5 of the largest entry.
 */
import { expect } from 'vitest';
import type { ReconStepResult } from '../../engine/e2e/reconstruction.ts';

export function expectWienerReconGradients(
  res: ReconStepResult,
  loss64: (y: Float64Array, psf: Float64Array, logK: number, mix: number) => number,
  y: Float64Array,
  psf: Float64Array,
  logK: number,
  mix: number,
  sensorIdx: number[],
  psfIdx: number[],
): void {
  const dy = res.dSensor![0];
  const dh = res.dMeanPsf!.get(psf)!;
  const maxDy = Math.max(...dy.map(Math.abs));
  const maxDh = Math.max(...dh.map(Math.abs));
  const eps = 1e-6;
  const central = (f: (d: number) => number) => (f(eps) - f(-eps)) / (2 * eps);
  const bumped = (a: Float64Array, i: number, d: number) => {
    const c = Float64Array.from(a);
    c[i] += d;
    return c;
  };
  for (const i of sensorIdx) expect(Math.abs(dy[i] - central((d) => loss64(bumped(y, i, d), psf, logK, mix)))).toBeLessThanOrEqual(1e-5 * maxDy);
  for (const i of psfIdx) expect(Math.abs(dh[i] - central((d) => loss64(y, bumped(psf, i, d), logK, mix)))).toBeLessThanOrEqual(1e-5 * maxDh);
  const fdK = central((d) => loss64(y, psf, logK + d, mix));
  expect(Math.abs(res.dLogK! - fdK)).toBeLessThanOrEqual(1e-5 * Math.abs(fdK));
  const fdA = central((d) => loss64(y, psf, logK, mix + d));
  expect(Math.abs(res.dMixLogit! - fdA)).toBeLessThanOrEqual(1e-5 * Math.abs(fdA));
}
