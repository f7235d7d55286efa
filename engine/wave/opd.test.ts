/**
 * OPD about the reference sphere: zero for a perfect system (an on-axis paraboloid), the third-order
 * spherical aberration of a slow singlet (W = W040 ρ⁴, W040 = S1 / 8), and — issue 11, item 1 —
 * curved image surfaces, against an independent brute-force computation written here (own ray
 * geometry, own image-surface intersection by Newton, own sphere crossing by bisection).
 */
import { describe, expect, it } from 'vitest';
import fs from 'node:fs';
import path from 'node:path';
import type { Prescription } from '../io/prescription.ts';
import { parsePrescriptionJson } from '../io/json.ts';
import { GlassLibrary } from '../materials/glassLibrary.ts';
import { buildSystem } from '../paraxial/buildSystem.ts';
import { hexapolar } from '../trace/pupilSampling.ts';
import { traceField } from '../trace/rayAiming.ts';
import { firstOrder } from '../analysis/firstOrder.ts';
import { seidelSums } from '../analysis/seidel.ts';
import { opdAboutReferenceSphere } from './opd.ts';
import { wavefrontStatistics } from './wavefront.ts';

const root = path.resolve(import.meta.dirname, '../..');

const base = (surfaces: Prescription['surfaces'], epd: number, imageSolve = false, fieldDeg = 0, imageRadius?: number): Prescription => ({
  format: 'lens-studio/1', name: 't', units: 'mm', object: { distance: 'infinity' },
  aperture: { type: 'EPD', value: epd }, fields: { type: 'angle', points: [{ x: 0, y: fieldDeg }] },
  wavelengths: { valuesUm: [0.55], primaryIndex: 0 }, surfaces, imageSolve: imageSolve ? 'paraxialFocus' : 'none',
  ...(imageRadius !== undefined ? { image: { radius: imageRadius } } : {}),
});

/** Point on the line p + s·d where it crosses z = z0 + sag(r) (sphere of radius R), by Newton. */
function crossSphereSurface(p: number[], d: number[], z0: number, R: number): number[] {
  const sag = (r2: number) => r2 / R / (1 + Math.sqrt(1 - r2 / (R * R)));
  let s = (z0 - p[2]) / d[2];
  for (let it = 0; it < 60; it++) {
    const x = p[0] + s * d[0], y = p[1] + s * d[1], z = p[2] + s * d[2];
    const g = z - z0 - sag(x * x + y * y);
    const h = 1e-7;
    const x2 = p[0] + (s + h) * d[0], y2 = p[1] + (s + h) * d[1], z2 = p[2] + (s + h) * d[2];
    const dg = (z2 - z0 - sag(x2 * x2 + y2 * y2) - g) / h;
    const ds = g / dg;
    s -= ds;
    if (Math.abs(ds) < 1e-14) break;
  }
  return [p[0] + s * d[0], p[1] + s * d[1], p[2] + s * d[2]];
}

/** s ≤ 0 with |q + s·d − c| = R, by bisection on [−2R − |q − c|, 0]. */
function backToSphere(q: number[], d: number[], c: number[], R: number): number {
  const f = (s: number) => Math.hypot(q[0] + s * d[0] - c[0], q[1] + s * d[1] - c[1], q[2] + s * d[2] - c[2]) - R;
  let lo = -2 * R - Math.hypot(q[0] - c[0], q[1] - c[1], q[2] - c[2]), hi = 0;
  for (let it = 0; it < 200; it++) {
    const mid = (lo + hi) / 2;
    if (f(mid) > 0) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}

describe('opdAboutReferenceSphere', () => {
  it('is zero for an on-axis paraboloidal mirror focused at its focus', () => {
    const p = base([
      { type: 'standard', radius: null, thickness: 100, stop: true },
      { type: 'standard', radius: -400, conic: -1, thickness: -200, material: 'MIRROR' },
    ], 80);
    const st = wavefrontStatistics(buildSystem(p, GlassLibrary.builtin()), 0, 0);
    expect(st.transmittedFraction).toBeCloseTo(1, 12);
    expect(st.rms!).toBeLessThan(1e-6);
    expect(st.pv!).toBeLessThan(1e-6);
  });

  it('a spherical mirror of the same shape shows spherical aberration (non-zero)', () => {
    const p = base([
      { type: 'standard', radius: null, thickness: 100, stop: true },
      { type: 'standard', radius: -400, thickness: -200, material: 'MIRROR' },
    ], 80);
    expect(wavefrontStatistics(buildSystem(p, GlassLibrary.builtin()), 0, 0).rms!).toBeGreaterThan(0.01);
  });

  it('matches W040 ρ⁴ = (S1/8) ρ⁴ for a slow singlet at the paraxial focus', () => {
    const p = base([
      { type: 'standard', radius: 103.3, thickness: 4, material: 'N-BK7', stop: true },
      { type: 'standard', radius: null, thickness: 190 },
    ], 8, true);
    const system = buildSystem(p, GlassLibrary.builtin());
    const s1 = seidelSums(system).S1;
    const { px, py } = hexapolar(6);
    const w = opdAboutReferenceSphere(system, 0, 0, px, py);
    const edge = px.findIndex((x, i) => Math.abs(Math.hypot(x, py[i]) - 1) < 1e-12);
    // Under-corrected (S1 > 0): the edge of the real wavefront runs ahead of the reference sphere,
    // so the edge ray meets the sphere with less path than the chief ray: OPD = +(S1/8) ρ⁴ / λ.
    // Fifth-order terms are small at F/25.
    const expected = s1 / 8 / 0.55e-3;
    expect(w.opd[edge] / expected).toBeGreaterThan(0.97);
    expect(w.opd[edge] / expected).toBeLessThan(1.03);
  });

  it('curved image behind an ideal lens: 3-D sphere centre and 3-D ray intercepts (brute force)', () => {
    const f = 50, Rimg = -80, theta = 8, epd = 12, lambda = 0.55e-3;
    const p = base([{ type: 'paraxial', focalLength: f, thickness: f, stop: true }], epd, false, theta, Rimg);
    const system = buildSystem(p, GlassLibrary.builtin());
    const { px, py } = hexapolar(4);
    const got = opdAboutReferenceSphere(system, 0, 0, px, py);
    // Independent: a perfect lens brings the plane wave to the ideal focus F on the focal plane
    // with one optical path for every ray (Fermat), so the ray through pupil point P = (x, y, 0) has
    // OPL |F| − |F − P| at the lens (relative to the pupil centre's) and then heads for F.
    const t = Math.tan((theta * Math.PI) / 180);
    const F = [0, f * t, f];
    const ray = (Px: number, Py: number) => {
      const P = [(Px * epd) / 2, (Py * epd) / 2, 0];
      const opl0 = Math.hypot(F[0], F[1], F[2]) - Math.hypot(F[0] - P[0], F[1] - P[1], F[2] - P[2]);
      const v = [F[0] - P[0], F[1] - P[1], F[2] - P[2]];
      const nv = Math.hypot(v[0], v[1], v[2]);
      const d = v.map((c) => c / nv);
      const Q = crossSphereSurface(P, d, f, Rimg);
      return { Q, d, opl: opl0 + Math.hypot(Q[0] - P[0], Q[1] - P[1], Q[2] - P[2]) };
    };
    const chief = ray(0, 0);
    const E = [0, 0, 0]; // the stop is the ideal lens: the exit pupil is there
    const R = Math.hypot(chief.Q[0] - E[0], chief.Q[1] - E[1], chief.Q[2] - E[2]);
    const oplAtSphere = (r: ReturnType<typeof ray>) => r.opl + backToSphere(r.Q, r.d, chief.Q, R);
    const ref = oplAtSphere(chief);
    let maxAbs = 0, maxErr = 0;
    for (let i = 0; i < px.length; i++) {
      const expected = (ref - oplAtSphere(ray(px[i], py[i]))) / lambda;
      expect(got.valid[i]).toBe(1);
      maxAbs = Math.max(maxAbs, Math.abs(expected));
      maxErr = Math.max(maxErr, Math.abs(got.opd[i] - expected));
    }
    // The curved image defocuses this field by several waves: a planar-image construction is far off.
    expect(maxAbs).toBeGreaterThan(1);
    expect(maxErr).toBeLessThan(1e-8);
    // The sphere centre is the chief ray's 3-D intercept (z = sag ≠ 0 off axis).
    expect(got.sphere!.cz).toBeCloseTo(chief.Q[2] - f, 10);
    expect(Math.abs(got.sphere!.cz)).toBeGreaterThan(0.01);
  });

  it('curved image on a real lens (Cooke triplet, R = −120 mm image): matches rays traced to the vertex plane and continued by hand', () => {
    const flatP = parsePrescriptionJson(fs.readFileSync(path.join(root, 'lens-library/cooke-triplet.json'), 'utf8'));
    const Rimg = -120;
    const curved = buildSystem({ ...flatP, image: { radius: Rimg } }, GlassLibrary.builtin());
    const flat = buildSystem(flatP, GlassLibrary.builtin());
    const { px, py } = hexapolar(5);
    const fi = 2, w = 1, lambda = curved.wavelengthsUm[w] * 1e-3;
    const got = opdAboutReferenceSphere(curved, fi, w, px, py);
    // Own continuation: rays at the flat vertex plane (trusted tracer), then straight to the sphere.
    const all = traceField(flat, 0, flat.fieldY[fi], w, [...px, 0], [...py, 0]);
    const cont = (i: number) => {
      const P = [all.x[i], all.y[i], 0], d = [all.l[i], all.m[i], all.n[i]];
      const Q = crossSphereSurface(P, d, 0, Rimg);
      // Signed path: the image surface lies before the vertex plane here (s < 0).
      return { Q, d, opl: all.opl[i] + (Q[0] - P[0]) * d[0] + (Q[1] - P[1]) * d[1] + (Q[2] - P[2]) * d[2] };
    };
    const c = cont(px.length);
    const E = [0, 0, firstOrder(flat).xpl];
    const R = Math.hypot(c.Q[0] - E[0], c.Q[1] - E[1], c.Q[2] - E[2]);
    const ref = c.opl + backToSphere(c.Q, c.d, c.Q, R);
    let maxErr = 0, maxAbs = 0;
    for (let i = 0; i < px.length; i++) {
      const r = cont(i);
      const expected = (ref - (r.opl + backToSphere(r.Q, r.d, c.Q, R))) / lambda;
      maxErr = Math.max(maxErr, Math.abs(got.opd[i] - expected));
      maxAbs = Math.max(maxAbs, Math.abs(expected));
    }
    expect(maxAbs).toBeGreaterThan(1);
    expect(maxErr).toBeLessThan(1e-7);
  });

  it('masks every sample (no NaN) when the chief ray is lost', () => {
    const p = base([
      { type: 'standard', radius: null, thickness: 10, stop: true, semiDiameter: 5 },
      { type: 'standard', radius: 50, thickness: 5, material: 'N-BK7', semiDiameter: 0.5 },
      { type: 'standard', radius: null, thickness: 90 },
    ], 8, false, 20);
    const s = opdAboutReferenceSphere(buildSystem(p, GlassLibrary.builtin()), 0, 0, [0, 0.5], [0, 0.5]);
    expect(s.sphere).toBeNull();
    expect(Array.from(s.valid)).toEqual([0, 0]);
    expect(Array.from(s.opd).every(Number.isFinite)).toBe(true);
  });
});
