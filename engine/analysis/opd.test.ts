/**
 * Wavefront error: zero for a perfect system (an on-axis paraboloid), and the third-order
 * spherical aberration of a slow singlet at its paraxial focus (W = W040 ρ⁴, W040 = S1 / 8).
 */
import { describe, expect, it } from 'vitest';
import type { Prescription } from '../io/prescription.ts';
import { GlassLibrary } from '../materials/glassLibrary.ts';
import { buildSystem } from '../paraxial/buildSystem.ts';
import { wavefront } from './opd.ts';
import { seidelSums } from './seidel.ts';

const base = (surfaces: Prescription['surfaces'], epd: number, imageSolve = false): Prescription => ({
  format: 'lens-studio/1', name: 't', units: 'mm', object: { distance: 'infinity' },
  aperture: { type: 'EPD', value: epd }, fields: { type: 'angle', points: [{ x: 0, y: 0 }] },
  wavelengths: { valuesUm: [0.55], primaryIndex: 0 }, surfaces, imageSolve: imageSolve ? 'paraxialFocus' : 'none',
});

describe('wavefront (OPD)', () => {
  it('is zero for an on-axis paraboloidal mirror focused at its focus', () => {
    const p = base([
      { type: 'standard', radius: null, thickness: 100, stop: true },
      { type: 'standard', radius: -400, conic: -1, thickness: -200, material: 'MIRROR' },
    ], 80);
    const w = wavefront(buildSystem(p, GlassLibrary.builtin()), 0, 0);
    expect(w.valid.every((v) => v === 1)).toBe(true);
    expect(w.rms!).toBeLessThan(1e-9);
  });

  it('a spherical mirror of the same shape shows spherical aberration (non-zero)', () => {
    const p = base([
      { type: 'standard', radius: null, thickness: 100, stop: true },
      { type: 'standard', radius: -400, thickness: -200, material: 'MIRROR' },
    ], 80);
    expect(wavefront(buildSystem(p, GlassLibrary.builtin()), 0, 0).rms!).toBeGreaterThan(0.01);
  });

  it('matches W040 ρ⁴ = (S1/8) ρ⁴ for a slow singlet at the paraxial focus', () => {
    const p = base([
      { type: 'standard', radius: 103.3, thickness: 4, material: 'N-BK7', stop: true },
      { type: 'standard', radius: null, thickness: 190 },
    ], 8, true);
    const system = buildSystem(p, GlassLibrary.builtin());
    const s1 = seidelSums(system).S1;
    const w = wavefront(system, 0, 0, { rings: 6 });
    const lambdaMm = 0.55e-3;
    const edge = w.px.findIndex((x, i) => Math.abs(Math.hypot(x, w.py[i]) - 1) < 1e-12);
    // Under-corrected (S1 > 0): the edge of the real wavefront runs ahead of the reference sphere,
    // so the edge ray meets the sphere with less path than the chief ray: OPD = +(S1/8) ρ⁴ / λ.
    // Fifth-order terms are small at F/25.
    const expected = s1 / 8 / lambdaMm;
    expect(w.opd[edge] / expected).toBeGreaterThan(0.97);
    expect(w.opd[edge] / expected).toBeLessThan(1.03);
  });
});
