/**
 * f-tan distortion of the real chief ray.
 *
 * Distortion, %: 100 (y − y_ref)/y_ref for the real chief ray at the image plane, with
 * y_ref = K · tan θ (object at infinity) or K · h (finite object), K the paraxial image height per
 * unit field at the same wavelength (the limit of y/tan θ as θ → 0; paraxial/pupil.ts
 * imageHeightPerField).
 */
import type { LensSystem } from '../optics/system.ts';
import { imageHeightPerField, objectField } from '../paraxial/pupil.ts';
import { RayStatus } from '../trace/rayBatch.ts';
import { launchContext, traceField, type LaunchContext } from '../trace/rayAiming.ts';

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
