/**
 * f-tan distortion and field curvature versus field.
 *
 * Distortion, %: 100 (y − y_ref)/y_ref for the real chief ray at the image plane, with
 * y_ref = K · tan θ (object at infinity) or K · h (finite object), K the paraxial image height per
 * unit field at the same wavelength (the limit of y/tan θ as θ → 0).
 * Field curvature, mm: the z distance from the image plane to where two parabasal rays around the
 * chief ray cross (Py = ±1e-5 tangential, Px = ±1e-5 sagittal), positive beyond the image plane:
 * the Coddington t and s foci.
 */
import type { LensSystem } from '../optics/system.ts';
import { entrancePupil, imageHeightPerField, objectField } from '../paraxial/pupil.ts';
import { RayStatus } from '../trace/rayBatch.ts';
import { launchContext, traceField, type LaunchContext } from '../trace/rayGen.ts';

const PARABASAL = 1e-5;

/**
 * Distortion in % of the real chief ray for the field value (fx, fy) (system field units, y used)
 * at wavelength w; null if the chief ray is lost or the field is zero.
 */
export function distortionPercent(system: LensSystem, fy: number, w: number, ctx: LaunchContext = launchContext(system)): number | null {
  if (fy === 0) return 0;
  const field = objectField(system, 0, fy, ctx.pupil);
  const b = traceField(system, 0, fy, w, [0], [0], ctx);
  if (b.status[0] !== RayStatus.OK) return null;
  const yRef = imageHeightPerField(system, ctx.pupil, w) * field.y;
  if (yRef === 0) return null;
  return (100 * (b.y[0] - yRef)) / yRef;
}

/** Tangential and sagittal focus positions (mm from the image plane) for field (0, fy) at wavelength w. */
export function fieldCurvature(system: LensSystem, fy: number, w: number, ctx: LaunchContext = launchContext(system)): { tangential: number | null; sagittal: number | null } {
  const b = traceField(system, 0, fy, w, [0, 0, -PARABASAL, PARABASAL], [-PARABASAL, PARABASAL, 0, 0], ctx);
  const cross = (i: number, j: number, axis: 'x' | 'y'): number | null => {
    if (b.status[i] !== RayStatus.OK || b.status[j] !== RayStatus.OK) return null;
    const p1 = axis === 'y' ? b.y[i] : b.x[i];
    const p2 = axis === 'y' ? b.y[j] : b.x[j];
    const t1 = (axis === 'y' ? b.m[i] : b.l[i]) / b.n[i];
    const t2 = (axis === 'y' ? b.m[j] : b.l[j]) / b.n[j];
    if (t1 === t2) return null;
    return (p1 - p2) / (t2 - t1);
  };
  return { tangential: cross(0, 1, 'y'), sagittal: cross(2, 3, 'x') };
}

/** Samples distortion and field curvature from 0 to the largest field (count points) at wavelength w. */
export function fieldSweep(system: LensSystem, w: number, count = 21) {
  const ctx = launchContext(system);
  let fmax = 0;
  for (let i = 0; i < system.fieldY.length; i++) fmax = Math.max(fmax, Math.hypot(system.fieldX[i], system.fieldY[i]));
  const field: number[] = [];
  const distortion: (number | null)[] = [];
  const tangential: (number | null)[] = [];
  const sagittal: (number | null)[] = [];
  for (let k = 0; k < count; k++) {
    const f = count === 1 ? fmax : (fmax * k) / (count - 1);
    field.push(f);
    distortion.push(distortionPercent(system, f, w, ctx));
    const fc = fieldCurvature(system, f, w, ctx);
    tangential.push(fc.tangential);
    sagittal.push(fc.sagittal);
  }
  return { field, distortion, tangential, sagittal, pupil: entrancePupil(system) };
}
