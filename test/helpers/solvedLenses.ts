/**
 * Test lenses with every kind of solve and pickup (engine/io/solves.ts), built on the library's
 * Cooke triplet. Each solve's target is the lens's own current value, nudged, so the solved lens
 * stays close to the design (the targets are read from the unsolved lens, never typed in).
 */
import fs from 'node:fs';
import path from 'node:path';
import { parsePrescriptionJson } from '../../engine/io/json.ts';
import type { Prescription } from '../../engine/io/prescription.ts';
import { GlassLibrary } from '../../engine/materials/glassLibrary.ts';
import { maxField, type LensSystem } from '../../engine/optics/system.ts';
import { sagAt } from '../../engine/optics/sag.ts';
import { buildSystem } from '../../engine/paraxial/buildSystem.ts';
import { signedIndexAfter, traceParaxial } from '../../engine/paraxial/paraxial.ts';
import { entrancePupil, objectField } from '../../engine/paraxial/pupil.ts';
import { chiefRayStart, marginalRayStart } from '../../engine/paraxial/rays.ts';

const root = path.resolve(import.meta.dirname, '../..');

/** The library's Cooke triplet (f = 50, F/5, EPD 10, fields 0/14/20°). */
export const cookeTriplet = (): Prescription => parsePrescriptionJson(fs.readFileSync(path.join(root, 'lens-library/cooke-triplet.json'), 'utf8'));

/** Paraxial marginal and chief rays (largest field) of a system at its primary wavelength. */
export function paraxialRays(system: LensSystem) {
  const w = system.primaryIndex;
  const pupil = entrancePupil(system);
  const F = objectField(system, 0, maxField(system), pupil).y;
  return {
    marginal: traceParaxial(system, w, ...marginalRayStart(system, pupil.epd, pupil.epl, w)),
    chief: traceParaxial(system, w, ...chiefRayStart(system, pupil.epl, w, F)),
    /** Slope u' = Nu'/N' after surface s. */
    slopeAfter: (nuAfter: Float64Array, s: number) => nuAfter[s] / signedIndexAfter(system, s, w),
  };
}

/**
 * The Cooke triplet at infinity with a model glass on surface 1 and:
 * - radius 1: chief-ray-angle solve; radius 2: marginal-ray-angle solve; radius 6: F-number solve (F/5.1);
 * - thickness 2: pickup of thickness 1 (×1.8 + 0.14); thickness 4: edge-thickness solve at 5 mm;
 * - thickness 5: chief-ray-height solve (on surface 6); thickness 6: paraxial focus;
 * - conic 4: pickup of conic 3 (×−1 + 0.1); glass 5: pickup of surface 1's model glass.
 * Surface numbers here are 1-based (OpticStudio's); the JSON indices are one less.
 */
export function cookeWithSolves(): Prescription {
  const p = cookeTriplet();
  (p.surfaces[0] as { material?: unknown }).material = { model: { nd: 1.62, vd: 60.3 } };
  (p.surfaces[2] as { conic?: number }).conic = -0.3;
  const plain = buildSystem(p, GlassLibrary.builtin());
  const { marginal, chief, slopeAfter } = paraxialRays(plain);
  const et3 = p.surfaces[3].thickness + sagAt(plain.surfaces[4], 5) - sagAt(plain.surfaces[3], 5);
  p.surfaces[1].solves = { radius: { type: 'marginalRayAngle', angle: 1.02 * slopeAfter(marginal.nuAfter, 1) } };
  p.surfaces[0].solves = { radius: { type: 'chiefRayAngle', angle: 0.98 * slopeAfter(chief.nuAfter, 0) } };
  p.surfaces[1].solves.thickness = { type: 'pickup', surface: 0, scale: 1.8, offset: 0.14 };
  p.surfaces[3].solves = { thickness: { type: 'edgeThickness', thickness: et3 + 0.1, heightMm: 5 }, conic: { type: 'pickup', surface: 2, scale: -1, offset: 0.1 } };
  p.surfaces[4].solves = { thickness: { type: 'chiefRayHeight', height: chief.y[5] + 0.05 }, material: { type: 'pickup', surface: 0 } };
  p.surfaces[5].solves = { radius: { type: 'fNumber', fNumber: 5.1 }, thickness: { type: 'marginalRayHeight' } };
  return p;
}

/**
 * The Cooke triplet with the object at 600 mm (EPD 10), where solves feed each other through the
 * pupil: a marginal-ray-height solve on thickness 2 (before the stop, so it moves the entrance
 * pupil, which sets the slope of the marginal ray it follows), a marginal ray height of 0.2 mm on the
 * image, and radius 1 picking up radius 6 (×−0.85).
 */
export function finiteCookeWithSolves(): Prescription {
  const p = cookeTriplet();
  p.object = { distance: 600 };
  for (const s of p.surfaces) delete s.semiDiameter;
  const plain = buildSystem(p, GlassLibrary.builtin());
  const { marginal } = paraxialRays(plain);
  p.surfaces[1].solves = { thickness: { type: 'marginalRayHeight', height: 1.03 * marginal.y[2] } };
  p.surfaces[5].solves = { thickness: { type: 'marginalRayHeight', height: 0.2 } };
  p.surfaces[0].solves = { radius: { type: 'pickup', surface: 5, scale: -0.85 } };
  return p;
}
