/**
 * Rays stopped on the way: backward propagation (RayStatus.BACKWARD), apertures and obscurations
 * (VIGNETTED, OBSCURED), each checked against an independent geometric computation, and spot
 * diagrams counting only the rays that reach the image.
 */
import { describe, expect, it } from 'vitest';
import fs from 'node:fs';
import path from 'node:path';
import { spotDiagram } from '../analysis/spot.ts';
import { parsePrescriptionJson } from '../io/json.ts';
import type { Prescription, SurfaceAperture } from '../io/prescription.ts';
import { GlassLibrary } from '../materials/glassLibrary.ts';
import type { LensSystem } from '../optics/system.ts';
import { buildSystem } from '../paraxial/buildSystem.ts';
import { objectField } from '../paraxial/pupil.ts';
import { gridPupil } from './pupilSampling.ts';
import { RayBatch, RayStatus } from './rayBatch.ts';
import { launchContext, launchRays, traceField } from './rayAiming.ts';
import { traceBatch } from './realTrace.ts';

const root = path.resolve(import.meta.dirname, '../..');
const glass = GlassLibrary.builtin();

/** A biconvex N-BK7 singlet, R = ±20 mm, 1 mm thick at the centre, EPD 12 mm, on axis. */
function thinBiconvex(): Prescription {
  return {
    format: 'lens-studio/1', name: 'thin biconvex', units: 'mm', object: { distance: 'infinity' },
    aperture: { type: 'EPD', value: 12 }, fields: { type: 'angle', points: [{ x: 0, y: 0 }] },
    wavelengths: { valuesUm: [0.5875618], primaryIndex: 0 },
    surfaces: [
      { type: 'standard', radius: 20, thickness: 1, material: 'N-BK7', stop: true },
      { type: 'standard', radius: -20, thickness: 19 },
    ],
  };
}

/** A plano-convex singlet with the stop on its plane face, EPD 10 mm. */
function singlet(front: Partial<Prescription['surfaces'][number]>): LensSystem {
  return buildSystem(
    {
      format: 'lens-studio/1', name: 'singlet', units: 'mm', object: { distance: 'infinity' },
      aperture: { type: 'EPD', value: 10 }, fields: { type: 'angle', points: [{ x: 0, y: 0 }, { x: 0, y: 5 }] },
      wavelengths: { valuesUm: [0.5875618], primaryIndex: 0 },
      surfaces: [
        { type: 'standard', radius: null, thickness: 3, material: 'N-BK7', stop: true, ...front } as Prescription['surfaces'][number],
        { type: 'standard', radius: -25, thickness: 45 },
      ],
    },
    glass,
  );
}

/** Where rays of field index f through a pupil grid meet surface 0, with nothing clipped. */
function hitsOnSurface0(system: LensSystem, f: number, px: ArrayLike<number>, py: ArrayLike<number>): RayBatch {
  const ctx = launchContext(system);
  const b = launchRays(system, objectField(system, 0, system.fieldY[f], ctx.pupil), px, py, new RayBatch(px.length), ctx);
  return traceBatch(system, b, 0, { lastSurface: 0, ignoreApertures: true });
}

describe('backward propagation', () => {
  it('flags rays that meet the next refracting surface only by going backwards, and spots leave them out', () => {
    const system = buildSystem(thinBiconvex(), glass);
    // The two spheres cross where 2 (20 − sqrt(400 − h²)) = 1: h* = sqrt(19.75) ≈ 4.444 mm.
    const hStar = Math.sqrt(19.75);
    const n = 61;
    const py = Float64Array.from({ length: n }, (_, k) => k / (n - 1));
    const px = new Float64Array(n);
    const b = traceField(system, 0, 0, 0, px, py);
    let lost = 0;
    for (let k = 0; k < n; k++) {
      const h = 6 * py[k]; // height at surface 1 (on axis, the ray is parallel to the axis)
      if (h < hStar - 0.2) expect(b.status[k], `h = ${h}`).toBe(RayStatus.OK);
      if (h > hStar + 0.3) {
        expect(b.status[k], `h = ${h}`).toBe(RayStatus.BACKWARD);
        expect(b.lostAt[k]).toBe(1);
      }
      if (b.status[k] !== RayStatus.OK) lost++;
    }
    expect(lost).toBeGreaterThan(10);
    // With allowBackward (fits whose intermediate shapes may cross) they are traced virtually.
    const ctx = launchContext(system);
    const v = launchRays(system, objectField(system, 0, 0, ctx.pupil), px, py, new RayBatch(n), ctx);
    traceBatch(system, v, 0, { allowBackward: true });
    expect(v.countValid()).toBe(n);
    const spot = spotDiagram(system, 0, 0, { pattern: 'grid', density: 16 });
    const grid = gridPupil(16);
    const expected = Array.from(grid.px, (x, i) => Math.hypot(x, grid.py[i]) * 6).filter((h) => h < hStar - 0.2).length;
    expect(spot.validCount).toBeGreaterThanOrEqual(expected);
    expect(spot.validCount).toBeLessThan(grid.px.length);
    expect(Number.isFinite(spot.rmsRadius!)).toBe(true);
  });

  it('allows virtual propagation through dummy surfaces (a plane reached past the next lens, then a negative thickness back)', () => {
    const p = parsePrescriptionJson(fs.readFileSync(path.join(root, 'lens-library/cooke-triplet.json'), 'utf8'));
    const gap = p.surfaces[1].thickness;
    const withDummy: Prescription = {
      ...p,
      surfaces: [p.surfaces[0], { ...p.surfaces[1], thickness: gap + 4 }, { type: 'standard', radius: null, thickness: -4 }, ...p.surfaces.slice(2)],
    };
    const plain = buildSystem(p, glass);
    const system = buildSystem(withDummy, glass);
    for (let f = 0; f < system.fieldY.length; f++) {
      const a = spotDiagram(plain, f, 1);
      const b = spotDiagram(system, f, 1);
      expect(b.validCount).toBe(127);
      expect(Math.abs(b.rmsRadius! - a.rmsRadius!)).toBeLessThan(1e-12);
    }
  });
});

describe('apertures and obscurations', () => {
  const grid = gridPupil(24);

  /** Status of every grid ray after the full trace, and where it met surface 0 when unclipped. */
  function statusAndHits(system: LensSystem, f: number) {
    const traced = traceField(system, 0, system.fieldY[f], 0, grid.px, grid.py);
    const hits = hitsOnSurface0(system, f, grid.px, grid.py);
    return { traced, hits };
  }

  it('a circular central obscuration (`obscuration`) blocks exactly the rays inside it', () => {
    const system = singlet({ obscuration: 2.2 });
    for (const f of [0, 1]) {
      const { traced, hits } = statusAndHits(system, f);
      let obscured = 0;
      for (let i = 0; i < grid.px.length; i++) {
        const inside = Math.hypot(hits.x[i], hits.y[i]) < 2.2;
        expect(traced.status[i]).toBe(inside ? RayStatus.OBSCURED : RayStatus.OK);
        if (inside) obscured++;
      }
      expect(obscured).toBeGreaterThan(10);
      const spot = spotDiagram(system, f, 0, { pattern: 'grid', density: 24 });
      expect(spot.validCount).toBe(grid.px.length - obscured);
    }
  });

  const cases: [string, SurfaceAperture, (x: number, y: number) => RayStatus][] = [
    ['decentred rectangular aperture', { shape: 'rectangular', halfWidthX: 3, halfWidthY: 2, decenterX: 0.5, decenterY: -1 },
      (x, y) => (Math.abs(x - 0.5) <= 3 && Math.abs(y + 1) <= 2 ? RayStatus.OK : RayStatus.VIGNETTED)],
    ['decentred rectangular obscuration', { shape: 'rectangular', halfWidthX: 1, halfWidthY: 4, decenterX: -1, obscuration: true },
      (x, y) => (Math.abs(x + 1) < 1 && Math.abs(y) < 4 ? RayStatus.OBSCURED : RayStatus.OK)],
    ['decentred elliptical aperture', { shape: 'elliptical', halfWidthX: 4, halfWidthY: 2.5, decenterY: 0.7 },
      (x, y) => ((x / 4) ** 2 + ((y - 0.7) / 2.5) ** 2 <= 1 ? RayStatus.OK : RayStatus.VIGNETTED)],
    ['decentred elliptical obscuration', { shape: 'elliptical', halfWidthX: 1.5, halfWidthY: 3, decenterX: 1, decenterY: 1, obscuration: true },
      (x, y) => (((x - 1) / 1.5) ** 2 + ((y - 1) / 3) ** 2 < 1 ? RayStatus.OBSCURED : RayStatus.OK)],
    ['annular circular aperture', { shape: 'circular', minRadius: 1.5, maxRadius: 4 },
      (x, y) => (Math.hypot(x, y) <= 4 && Math.hypot(x, y) >= 1.5 ? RayStatus.OK : RayStatus.VIGNETTED)],
    ['annular circular obscuration', { shape: 'circular', minRadius: 1, maxRadius: 2.5, decenterY: 0.3, obscuration: true },
      (x, y) => (Math.hypot(x, y - 0.3) < 2.5 && Math.hypot(x, y - 0.3) > 1 ? RayStatus.OBSCURED : RayStatus.OK)],
  ];
  for (const [name, aperture, expected] of cases) {
    it(`${name}: the traced status of every ray matches the shape at its intercept`, () => {
      const system = singlet({ aperture });
      for (const f of [0, 1]) {
        const { traced, hits } = statusAndHits(system, f);
        const counts = new Map<number, number>();
        for (let i = 0; i < grid.px.length; i++) {
          const want = expected(hits.x[i], hits.y[i]);
          expect(traced.status[i]).toBe(want);
          if (want !== RayStatus.OK) expect(traced.lostAt[i]).toBe(0);
          counts.set(want, (counts.get(want) ?? 0) + 1);
        }
        expect(counts.size).toBe(2);
      }
    });
  }

  it('real ray aiming aims through apertures (they vignette the ray, not its aim)', () => {
    const p = parsePrescriptionJson(fs.readFileSync(path.join(root, 'lens-library/cooke-triplet.json'), 'utf8'));
    p.rayAiming = 'real';
    p.surfaces[0] = { ...p.surfaces[0], aperture: { shape: 'rectangular', halfWidthX: 20, halfWidthY: 6 } } as Prescription['surfaces'][number];
    const system = buildSystem(p, glass);
    const b = traceField(system, 0, 20, 1, grid.px, grid.py);
    let vignetted = 0;
    for (let i = 0; i < b.size; i++) {
      expect(b.status[i] === RayStatus.OK || b.status[i] === RayStatus.VIGNETTED).toBe(true);
      if (b.status[i] === RayStatus.VIGNETTED) vignetted++;
    }
    expect(vignetted).toBeGreaterThan(0);
  });
});
