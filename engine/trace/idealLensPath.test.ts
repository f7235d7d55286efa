/**
 * The ideal (PARAXIAL) lens's optical path: its partials against finite differences, and the
 * physics it exists for — a perfect lens adds no wavefront error at the conjugate the system gives
 * it (finite conjugates, a collimator, a camera lens), checked through the whole OPD pipeline against
 * systems without the ideal lens and against Fermat's principle (equal paths object → image).
 */
import { describe, expect, it } from 'vitest';
import type { Prescription } from '../io/prescription.ts';
import { GlassLibrary } from '../materials/glassLibrary.ts';
import { buildSystem } from '../paraxial/buildSystem.ts';
import { opdAboutReferenceSphere } from '../wave/opd.ts';
import { hexapolar } from './pupilSampling.ts';
import { IL_SLOTS, idealLensPath } from './idealLensPath.ts';

function unit(l: number, m: number): [number, number, number] {
  const n = Math.sqrt(1 - l * l - m * m);
  return [l, m, n];
}

describe('idealLensPath', () => {
  it('is f − √(r² + f²) on axis for a collimated input (the perfect-lens phase)', () => {
    const f = 80, r = 12;
    const t = -r / f;
    const inv = 1 / Math.sqrt(1 + t * t);
    const phi = idealLensPath(r, 0, 0, 0, 1, t * inv, 0, inv, f, 0, 1, 1);
    expect(phi).toBeCloseTo(f - Math.hypot(r, f), 12);
  });

  it('partials match central finite differences (finite and infinite conjugates, both signs of f)', () => {
    // z_O = −150, ∞ (collimated input), −f (collimated output), 90, −200, 40 mm.
    const cases: { vO: number; f: number }[] = [
      { vO: -1 / 150, f: 60 }, { vO: 0, f: 60 }, { vO: -1 / 60, f: 60 }, { vO: 1 / 90, f: -45 }, { vO: -1 / 200, f: -70 }, { vO: 1 / 40, f: 100 },
    ];
    const g = new Float64Array(IL_SLOTS);
    for (const { vO, f } of cases) {
      const [l, m, n] = unit(0.05, -0.08);
      const [l2, m2, n2] = unit(-0.11, 0.03);
      const x0 = [3.1, -2.4, l, m, n, l2, m2, n2, f, vO, 1.0003, 1.52];
      const F = (v: number[]) => idealLensPath(v[0], v[1], v[2], v[3], v[4], v[5], v[6], v[7], v[8], v[9], v[10], v[11]);
      F(x0);
      idealLensPath(x0[0], x0[1], x0[2], x0[3], x0[4], x0[5], x0[6], x0[7], x0[8], x0[9], x0[10], x0[11], g);
      for (let k = 0; k < IL_SLOTS; k++) {
        const h = k === 9 ? 1e-7 : 1e-5 * Math.max(1, Math.abs(x0[k]));
        const at = (d: number) => F(x0.map((v, j) => (j === k ? v + d : v)));
        const d1 = (at(h) - at(-h)) / (2 * h);
        const d2 = (at(h / 2) - at(-h / 2)) / h;
        const fd = (4 * d2 - d1) / 3;
        const scale = Math.max(Math.abs(fd), Math.abs(g[k]), 1e-6);
        expect(Math.abs(g[k] - fd) / scale, `slot ${k}, vO ${vO}, f ${f}: ${g[k]} vs ${fd}`).toBeLessThan(1e-6);
      }
    }
  });
});

const lens = (over: Partial<Prescription>): Prescription => ({
  format: 'lens-studio/1', name: 'ideal', units: 'mm', object: { distance: 'infinity' },
  aperture: { type: 'EPD', value: 20 }, fields: { type: 'angle', points: [{ x: 0, y: 0 }] },
  wavelengths: { valuesUm: [0.55], primaryIndex: 0 }, surfaces: [], ...over,
});

function maxAbsOpd(p: Prescription, field: number): { max: number; valid: number; opd: Float64Array } {
  const system = buildSystem(p, GlassLibrary.builtin());
  // Inside the rim: a ray exactly on the stop's edge is a rounding tie between two systems.
  const { px, py } = hexapolar(6);
  px.forEach((v, i) => (px[i] = 0.98 * v));
  py.forEach((v, i) => (py[i] = 0.98 * v));
  const o = opdAboutReferenceSphere(system, field, 0, px, py);
  let max = 0;
  for (let i = 0; i < px.length; i++) if (o.valid[i]) max = Math.max(max, Math.abs(o.opd[i]));
  return { max, valid: o.validCount, opd: o.opd };
}

describe('a perfect lens adds no wavefront error at its conjugate', () => {
  it('alone, object at 2f, image at 2f (finite conjugates), on axis and at 4°: |OPD| < 1e-9 waves', () => {
    const p = lens({
      object: { distance: 150 },
      aperture: { type: 'objectNA', value: 0.08 },
      fields: { type: 'objectHeight', points: [{ x: 0, y: 0 }, { x: 0, y: 10 }] },
      surfaces: [{ type: 'paraxial', focalLength: 75, thickness: 150, stop: true }],
    });
    for (const fIdx of [0, 1]) {
      const r = maxAbsOpd(p, fIdx);
      expect(r.valid).toBe(127);
      expect(r.max).toBeLessThan(1e-9);
    }
  });

  it('as a collimator in front of a real singlet: the same OPD as the singlet with its object at infinity', () => {
    const f = 100, h = 8;
    const singlet: Prescription['surfaces'] = [
      { type: 'standard', radius: 52, thickness: 5, material: 'N-BK7', stop: true, semiDiameter: 12 },
      { type: 'standard', radius: -300, thickness: 94 },
    ];
    const collimated = lens({
      object: { distance: f },
      aperture: { type: 'floatByStop' },
      fields: { type: 'objectHeight', points: [{ x: 0, y: 0 }, { x: 0, y: h }] },
      surfaces: [{ type: 'paraxial', focalLength: f, thickness: 10 }, ...singlet],
    });
    const atInfinity = lens({
      aperture: { type: 'floatByStop' },
      fields: { type: 'angle', points: [{ x: 0, y: 0 }, { x: 0, y: (-Math.atan(h / f) * 180) / Math.PI }] },
      surfaces: singlet,
    });
    for (const fIdx of [0, 1]) {
      const a = maxAbsOpd(collimated, fIdx), b = maxAbsOpd(atInfinity, fIdx);
      expect(a.valid).toBe(b.valid);
      expect(b.max).toBeGreaterThan(0.5); // the singlet has waves of aberration to reproduce
      let err = 0;
      for (let i = 0; i < a.opd.length; i++) err = Math.max(err, Math.abs(a.opd[i] - b.opd[i]));
      expect(err).toBeLessThan(1e-6);
    }
  });
});
