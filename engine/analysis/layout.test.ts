import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parsePrescriptionJson } from '../io/json.ts';
import type { Prescription } from '../io/prescription.ts';
import { GlassLibrary } from '../materials/glassLibrary.ts';
import { buildSystem } from '../paraxial/buildSystem.ts';
import { RayStatus } from '../trace/rayBatch.ts';
import { traceField } from '../trace/rayAiming.ts';
import { conicSag } from '../trace/sag.ts';
import { layoutRays, surfaceFrames, surfaceProfiles } from './layout.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const cooke = parsePrescriptionJson(readFileSync(path.join(root, 'lens-library/cooke-triplet.json'), 'utf8'));
const build = (p: Prescription) => buildSystem(p, GlassLibrary.builtin());

/** Segment lengths between consecutive valid points of ray i. */
function segments(points: Float64Array, per: number, i: number, from: number): number[] {
  const out: number[] = [];
  for (let k = from; k + 1 < per; k++) {
    const a = 3 * (i * per + k), b = a + 3;
    out.push(Math.hypot(points[b] - points[a], points[b + 1] - points[a + 1], points[b + 2] - points[a + 2]));
  }
  return out;
}

describe('layout', () => {
  it('places surface vertices at the running sum of thicknesses (no coordinate break)', () => {
    const sys = build(cooke);
    const frames = surfaceFrames(sys);
    let z = 0;
    cooke.surfaces.forEach((s, i) => {
      expect(frames[i].origin[2]).toBeCloseTo(z, 12);
      expect(frames[i].origin[0]).toBe(0);
      z += s.thickness;
    });
    expect(frames[frames.length - 1].origin[2]).toBeCloseTo(z, 12);
  });

  it('draws the rays the tracer traces: image points equal traceField, crossings lie on the surfaces', () => {
    const sys = build(cooke);
    const lay = layoutRays(sys, { fieldIndex: 2, wavelengthIndex: 1, nRays: 5, plane: 'yz' });
    expect(lay.nRays).toBe(5);
    expect(lay.pointsPerRay).toBe(sys.surfaces.length + 1);
    const py = [-1, -0.5, 0, 0.5, 1];
    const ref = traceField(sys, 0, 20, 1, [0, 0, 0, 0, 0], py);
    const imageZ = surfaceFrames(sys)[sys.surfaces.length - 1].origin[2];
    for (let i = 0; i < 5; i++) {
      expect(ref.status[i]).toBe(RayStatus.OK);
      const img = 3 * (i * lay.pointsPerRay + lay.pointsPerRay - 1);
      expect(lay.points[img + 1]).toBeCloseTo(ref.y[i], 12);
      expect(lay.points[img + 2]).toBeCloseTo(imageZ, 12);
      // The crossing of surface 1 lies on its sphere: z = sag(r).
      const p1 = 3 * (i * lay.pointsPerRay + 1);
      const c = 1 / (cooke.surfaces[0] as { radius: number }).radius;
      const r2 = lay.points[p1] ** 2 + lay.points[p1 + 1] ** 2;
      expect(lay.points[p1 + 2]).toBeCloseTo(conicSag(c, 0, r2), 12);
      expect(Array.from(lay.valid.subarray(i * lay.pointsPerRay, (i + 1) * lay.pointsPerRay)).every((v) => v === 1)).toBe(true);
    }
    // Rays start in front of surface 1, going towards it.
    expect(lay.points[2]).toBeLessThan(0);
  });

  it('keeps every segment as long as the ray travelled, through tilted and decentred frames', () => {
    // A plane-parallel tilted plate and a decenter between two coordinate breaks.
    const p: Prescription = structuredClone(cooke);
    p.surfaces.splice(2, 0,
      { type: 'coordinateBreak', thickness: 0, tiltX: 8, decenterY: 0.3 },
      { type: 'standard', radius: null, thickness: 2, material: 'N-BK7' },
      { type: 'standard', radius: null, thickness: 1.5, material: null },
      { type: 'coordinateBreak', thickness: 0, tiltX: -8, decenterY: -0.3, order: 1 },
    );
    const sys = build(p);
    const lay = layoutRays(sys, { fieldIndex: 1, wavelengthIndex: 1, nRays: 3, plane: '3d' });
    const per = lay.pointsPerRay;
    const rec = traceField(sys, 0, 14, 1, [0], [1]); // a reference ray: traced fine
    expect(rec.status[0]).toBe(RayStatus.OK);
    for (let i = 0; i < lay.nRays; i++) {
      const seg = segments(lay.points, per, i, 1);
      // Points k and k+1 are crossings of surfaces k−1 and k: a coordinate break adds no path.
      sys.surfaces.forEach((s, k) => {
        if (k === 0) return;
        if (s.kind === 'coordinateBreak') expect(seg[k - 1]).toBeCloseTo(0, 10);
        else expect(seg[k - 1]).toBeGreaterThan(0);
      });
    }
    // A plane-parallel plate in air does not turn a ray: the air path into the tilted plate
    // (points 3 → 4: surface 2 after the first break → the plate's front) and the air path after
    // it (points 6 → 7: the second break → the next lens surface) are parallel in global space.
    const dir = (i: number, a: number, b: number) => {
      const pa = 3 * (i * per + a), pb = 3 * (i * per + b);
      const v = [lay.points[pb] - lay.points[pa], lay.points[pb + 1] - lay.points[pa + 1], lay.points[pb + 2] - lay.points[pa + 2]];
      const n = Math.hypot(...v);
      return v.map((x) => x / n);
    };
    for (let i = 0; i < lay.nRays; i++) {
      const before = dir(i, 3, 4);
      const after = dir(i, 6, 7);
      for (let k = 0; k < 3; k++) expect(after[k]).toBeCloseTo(before[k], 12);
      // ...and inside the plate it is refracted (not parallel to the air path).
      const inside = dir(i, 4, 5);
      expect(Math.abs(inside[1] - before[1]) + Math.abs(inside[0] - before[0])).toBeGreaterThan(1e-4);
    }
    // Same total optical axis length as the plain lens: the breaks undo each other.
    const frames = surfaceFrames(sys);
    const last = frames[frames.length - 1];
    expect(last.axes[8]).toBeCloseTo(1, 12);
  });

  it('stops a vignetted ray at the surface that clipped it', () => {
    const p: Prescription = structuredClone(cooke);
    p.surfaces[0].semiDiameter = 3;
    const sys = build(p);
    const lay = layoutRays(sys, { fieldIndex: 0, wavelengthIndex: 1, nRays: 3, plane: 'yz' });
    const per = lay.pointsPerRay;
    // Py = ±1 hit surface 1 at 5 mm > 3 mm: start and surface 1 drawn, nothing after.
    for (const i of [0, 2]) {
      expect(Array.from(lay.valid.subarray(i * per, (i + 1) * per))).toEqual([1, 1, ...new Array(per - 2).fill(0)]);
      expect(Math.abs(lay.points[3 * (i * per + 1) + 1])).toBeCloseTo(5, 6);
    }
    expect(lay.valid[per + per - 1]).toBe(1); // the chief ray reaches the image
  });

  it('gives surface profiles with stop, glass and semi-diameters from the rays', () => {
    const sys = build(cooke);
    const prof = surfaceProfiles(sys, { samples: 16 });
    expect(prof).toHaveLength(sys.surfaces.length);
    expect(prof.filter((x) => x.isStop).map((x) => x.index)).toEqual([sys.stopIndex]);
    expect(prof[0].material).toBe('SK16');
    expect(prof[1].material).toBeNull();
    expect(prof[prof.length - 1].isImage).toBe(true);
    for (const x of prof) {
      expect(x.r).toHaveLength(16);
      expect(x.r[0]).toBe(0);
      expect(x.z[0]).toBeCloseTo(x.z0, 12);
      expect(x.semiDiameter).toBeGreaterThan(0);
    }
    // Surface 1's semi-diameter holds the marginal ray of the axial field (EPD/2 = 5 mm at surface 1).
    expect(prof[0].semiDiameter).toBeGreaterThanOrEqual(5);
    // The image semi-diameter is the full-field image height (≈ 18.1 mm).
    expect(prof[prof.length - 1].semiDiameter).toBeGreaterThan(18);
  });
});
