/**
 * The MTF of a vignetted pupil: a perfect (ideal) lens whose off-axis beam is clipped by an aperture
 * behind it. With no aberration the OTF is the transmitted pupil's overlap with its shifted copy
 * over its area, computed here by brute force on a 4000 × 4000 grid of the pupil from the geometry
 * of straight rays — independent of the tracer. The adaptive quadrature must give a value (not
 * "undersampled") within its stated vignetted-pupil accuracy (psf.ts QUADRATURE_TOLERANCE).
 */
import { describe, expect, it } from 'vitest';
import type { Prescription } from '../io/prescription.ts';
import { GlassLibrary } from '../materials/glassLibrary.ts';
import { buildSystem } from '../paraxial/buildSystem.ts';
import { launchContext } from '../trace/rayAiming.ts';
import { otfAtShift, transmittedFraction } from './mtf.ts';
import { QUADRATURE_TOLERANCE } from './psf.ts';

const f = 50, r = 10, d = 20, clip = 7, thetaDeg = 10;

describe('MTF of a vignetted pupil (ideal lens, clipped off-axis beam)', () => {
  it('matches the brute-force overlap of the transmitted pupil to the stated accuracy', () => {
    const p: Prescription = {
      format: 'lens-studio/1', name: 'vignetted ideal lens', units: 'mm', object: { distance: 'infinity' },
      aperture: { type: 'EPD', value: 2 * r }, fields: { type: 'angle', points: [{ x: 0, y: thetaDeg }] },
      wavelengths: { valuesUm: [0.55], primaryIndex: 0 },
      surfaces: [
        { type: 'paraxial', focalLength: f, thickness: d, stop: true },
        { type: 'standard', radius: null, thickness: f - d, semiDiameter: clip },
      ],
    };
    const system = buildSystem(p, GlassLibrary.builtin());
    const oc = { ctx: launchContext(system) };
    // Brute force: pupil point P (mm, at the lens) is transmitted when its ray, heading for the
    // ideal focus F = (0, f tan θ, f), passes the aperture at z = d within `clip`.
    const N = 4000, h = (2 * r) / N;
    const fy = f * Math.tan((thetaDeg * Math.PI) / 180);
    const T = new Uint8Array(N * N);
    let area = 0;
    for (let i = 0; i < N; i++) {
      const y = -r + (i + 0.5) * h;
      for (let j = 0; j < N; j++) {
        const x = -r + (j + 0.5) * h;
        if (x * x + y * y > r * r) continue;
        const ax = x * (1 - d / f), ay = y * (1 - d / f) + fy * (d / f);
        if (ax * ax + ay * ay <= clip * clip) {
          T[i * N + j] = 1;
          area++;
        }
      }
    }
    const transmitted = area / (N * N * Math.PI / 4);
    expect(transmitted).toBeLessThan(0.95); // genuinely vignetted
    expect(transmitted).toBeGreaterThan(0.5);
    expect(Math.abs(transmittedFraction(system, 0, 0, oc) - transmitted)).toBeLessThan(5e-3);
    for (const delta of [0.1, 0.5, 1.0]) {
      const s = Math.round((delta * r) / h);
      for (const axis of ['tangential', 'sagittal'] as const) {
        let overlap = 0;
        for (let i = 0; i < N; i++) {
          for (let j = 0; j < N; j++) {
            if (!T[i * N + j]) continue;
            const i2 = axis === 'tangential' ? i - s : i, j2 = axis === 'sagittal' ? j - s : j;
            if (i2 >= 0 && j2 >= 0 && T[i2 * N + j2]) overlap++;
          }
        }
        const ref = overlap / area;
        const v = otfAtShift(system, 0, 0, delta, axis, oc);
        expect(v.converged, `${axis} Δ = ${delta}`).toBe(true);
        expect(Math.abs(Math.hypot(v.re, v.im) - ref), `${axis} Δ = ${delta}: ${Math.hypot(v.re, v.im)} vs ${ref}`).toBeLessThan(QUADRATURE_TOLERANCE.vignetted);
      }
    }
  });
});
