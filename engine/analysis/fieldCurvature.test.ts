/**
 * Field curvature against numbers computed independently: the paraxial focus on axis, a closed
 * form (a spherical mirror with the stop at its centre of curvature, whose foci lie on a sphere of
 * radius R/2), and a brute-force search for the parabasal rays' crossing with flat image planes.
 */
import { describe, expect, it } from 'vitest';
import fs from 'node:fs';
import path from 'node:path';
import { parsePrescriptionJson } from '../io/json.ts';
import type { Prescription } from '../io/prescription.ts';
import { GlassLibrary } from '../materials/glassLibrary.ts';
import { buildSystem } from '../paraxial/buildSystem.ts';
import { traceField } from '../trace/rayAiming.ts';
import { fieldCurvature } from './fieldCurvature.ts';
import { firstOrder } from './firstOrder.ts';

const root = path.resolve(import.meta.dirname, '../..');
const lens = (file: string): Prescription => parsePrescriptionJson(fs.readFileSync(path.join(root, 'lens-library', file), 'utf8'));
const glass = GlassLibrary.builtin();

/** A concave mirror of radius |R| = 200 mm with the stop at its centre of curvature, EPD 10. */
function monocentricMirror(imageRadius: number | null): Prescription {
  return {
    format: 'lens-studio/1', name: 'mirror, stop at the centre', units: 'mm', object: { distance: 'infinity' },
    aperture: { type: 'EPD', value: 10 }, fields: { type: 'angle', points: [{ x: 0, y: 0 }, { x: 0, y: 20 }] },
    wavelengths: { valuesUm: [0.55], primaryIndex: 0 },
    surfaces: [
      { type: 'standard', radius: null, thickness: 200, stop: true },
      { type: 'standard', radius: -200, thickness: -100, material: 'MIRROR' },
    ],
    image: { radius: imageRadius },
  };
}

describe('field curvature', () => {
  it('on axis: tangential = sagittal focus = the paraxial focus F2', () => {
    const system = buildSystem(lens('double-gauss.json'), glass);
    const f2 = firstOrder(system).F2;
    const fc = fieldCurvature(system, 0, system.primaryIndex);
    expect(Math.abs(fc.tangential! - f2)).toBeLessThan(1e-7);
    expect(Math.abs(fc.sagittal! - f2)).toBeLessThan(1e-7);
  });

  it('closed form: a mirror with the stop at its centre focuses on a sphere of radius R/2 about the centre', () => {
    // Every chief ray passes through the centre and meets the mirror normally, so the bundle around
    // it is the axial bundle turned: both foci lie R/2 from the centre along the chief ray, at
    // z = (R/2) cos θ from the centre, i.e. (R/2)(cos θ − 1) from the flat image plane.
    const flat = buildSystem(monocentricMirror(null), glass);
    const concentric = buildSystem(monocentricMirror(-100), glass);
    // Tolerance: the tangential pair's directions differ by ~1e-6 rad, so round-off in them moves
    // the crossing by ~1e-8 mm (the oracle README's 1e-7 mm); the sagittal pair is symmetric.
    for (const deg of [0, 5, 12, 20, 40]) {
      const expected = 100 * (Math.cos((deg * Math.PI) / 180) - 1);
      const a = fieldCurvature(flat, deg, 0);
      expect(Math.abs(a.tangential! - expected), `flat, ${deg}°`).toBeLessThan(1e-7);
      expect(Math.abs(a.sagittal! - expected), `flat, ${deg}°`).toBeLessThan(1e-10);
      // On the concentric image sphere the foci are on the image surface itself.
      const b = fieldCurvature(concentric, deg, 0);
      expect(Math.abs(b.tangential!), `concentric, ${deg}°`).toBeLessThan(1e-7);
      expect(Math.abs(b.sagittal!), `concentric, ${deg}°`).toBeLessThan(1e-10);
    }
  });

  it('brute force: a Petzval lens with an R = −60 mm image, against the crossing found with flat image planes', () => {
    const p = lens('petzval.json');
    const curved = buildSystem({ ...p, image: { radius: -60 } }, glass);
    const w = curved.primaryIndex;
    const last = p.surfaces.length - 1;
    const tLast = p.surfaces[last].thickness;
    for (const fy of [3.5, 7]) {
      const fc = fieldCurvature(curved, fy, w);
      const chiefZ = traceField(curved, 0, fy, w, [0], [0]).z[0];
      expect(Math.abs(chiefZ)).toBeGreaterThan(1e-3); // the image really is curved there
      // Flat image planes at last thickness + dz: y₁ − y₂ (tangential) and x₁ − x₂ (sagittal) are
      // linear in dz (straight rays), so a secant step from two planes lands on the crossing.
      const gap = (dz: number, sagittal: boolean) => {
        const flat = buildSystem({ ...p, surfaces: p.surfaces.map((s, k) => (k === last ? { ...s, thickness: tLast + dz } : s)) }, glass);
        const b = sagittal ? traceField(flat, 0, fy, w, [-1e-5, 1e-5], [0, 0]) : traceField(flat, 0, fy, w, [0, 0], [-1e-5, 1e-5]);
        return sagittal ? b.x[0] - b.x[1] : b.y[0] - b.y[1];
      };
      for (const sagittal of [false, true]) {
        const g0 = gap(-1, sagittal), g1 = gap(1, sagittal);
        let z = -1 - (2 * g0) / (g1 - g0);
        z -= gap(z, sagittal) / ((g1 - g0) / 2); // one more step, to round-off
        const got = sagittal ? fc.sagittal! : fc.tangential!;
        expect(Math.abs(got - (z - chiefZ)), `${fy}° ${sagittal ? 'sagittal' : 'tangential'}`).toBeLessThan(1e-7);
      }
    }
  });
});
