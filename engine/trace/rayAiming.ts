/**
 * Launching rays for a field point and pupil coordinates (ray aiming).
 *
 * Paraxial aiming (default, as OpticStudio): the ray of normalised pupil coordinates (Px, Py)
 * passes through (Px·EPD/2, Py·EPD/2, EPL) on the paraxial entrance-pupil plane.
 * - Object at infinity: every ray of field (tan θx, tan θy) has direction ∝ (tan θx, tan θy, 1).
 *   It starts on the plane through the entrance-pupil centre perpendicular to that direction,
 *   so its optical path is counted from a common incoming plane wavefront.
 * - Finite object: the ray starts at the object point (x, y, −d) towards the pupil point; its
 *   optical path is counted from the object point.
 * Real aiming (`"rayAiming": "real"`): the launch pupil coordinates are solved per ray so that the
 * real ray crosses the stop at (Px, Py) times the paraxial stop radius (realAim.ts: damped Newton
 * with continuation in field and pupil); a ray that cannot be aimed is flagged AIM_FAILED.
 * Positions are in the object-space frame (surface 1's vertex at z = 0).
 */
import type { LensSystem } from '../optics/system.ts';
import type { EntrancePupil, ObjectField } from '../paraxial/pupil.ts';
import { entrancePupil, objectField } from '../paraxial/pupil.ts';
import { RayBatch, RayStatus } from './rayBatch.ts';
import { aimRays, paraxialStopRadius, type AimedPupil } from './realAim.ts';
import { traceBatch } from './realTrace.ts';

export type { AimedPupil } from './realAim.ts';

/** Pupil and field context reused across many launches (computed once per system state). */
export interface LaunchContext {
  pupil: EntrancePupil;
}

export function launchContext(system: LensSystem): LaunchContext {
  return { pupil: entrancePupil(system) };
}

/**
 * Fills `batch` (resetting status and OPL) with rays of one field through pupil points.
 * @param field object-space field (see objectField)
 * @param px, py normalised pupil coordinates, length ≥ batch.size
 * @param offset first batch slot to fill; fills px.length rays
 */
export function launchRays(
  system: LensSystem,
  field: ObjectField,
  px: ArrayLike<number>,
  py: ArrayLike<number>,
  batch: RayBatch,
  ctx: LaunchContext = launchContext(system),
  offset = 0,
): RayBatch {
  const { epd, epl } = ctx.pupil;
  const r = epd / 2;
  const count = px.length;
  if (field.atInfinity) {
    let dx = field.x, dy = field.y, dz = 1;
    const inv = 1 / Math.sqrt(dx * dx + dy * dy + 1);
    dx *= inv;
    dy *= inv;
    dz *= inv;
    for (let k = 0; k < count; k++) {
      const i = offset + k;
      const ex = px[k] * r, ey = py[k] * r;
      const proj = ex * dx + ey * dy; // (P − C)·d, C the pupil centre
      batch.x[i] = ex - proj * dx;
      batch.y[i] = ey - proj * dy;
      batch.z[i] = epl - proj * dz;
      batch.l[i] = dx;
      batch.m[i] = dy;
      batch.n[i] = dz;
      batch.resetRay(i);
    }
  } else {
    const d = system.objectDistance;
    for (let k = 0; k < count; k++) {
      const i = offset + k;
      const vx = px[k] * r - field.x, vy = py[k] * r - field.y, vz = epl + d;
      const inv = Math.sign(vz) / Math.sqrt(vx * vx + vy * vy + vz * vz);
      batch.x[i] = field.x;
      batch.y[i] = field.y;
      batch.z[i] = -d;
      batch.l[i] = vx * inv;
      batch.m[i] = vy * inv;
      batch.n[i] = vz * inv;
      batch.resetRay(i);
    }
  }
  return batch;
}

/**
 * Real ray aiming: the launch pupil coordinates that make each ray cross the stop at (px, py) ×
 * the paraxial stop radius (realAim.ts). Where an aim fails, `ok` is 0 and the coordinates are the
 * requested ones, unusable as an aim: launch with launchAimed, which flags those rays AIM_FAILED.
 */
export function aimAtStop(
  system: LensSystem,
  field: ObjectField,
  w: number,
  px: ArrayLike<number>,
  py: ArrayLike<number>,
  ctx: LaunchContext = launchContext(system),
): AimedPupil {
  const launch = (f: ObjectField, ax: ArrayLike<number>, ay: ArrayLike<number>, b: RayBatch) => launchRays(system, f, ax, ay, b, ctx);
  return aimRays(system, field, w, px, py, launch, paraxialStopRadius(system, ctx.pupil));
}

/**
 * Fills `batch` with rays of one field through normalised pupil points as the system aims them:
 * paraxially, or with real aiming (aimAtStop), where rays that cannot be aimed are flagged
 * AIM_FAILED (lostAt −1) and are not traced.
 * @returns the launch pupil coordinates (what the adjoint's LaunchInfo needs)
 */
export function launchAimed(
  system: LensSystem,
  field: ObjectField,
  w: number,
  px: ArrayLike<number>,
  py: ArrayLike<number>,
  batch: RayBatch,
  ctx: LaunchContext = launchContext(system),
): { px: ArrayLike<number>; py: ArrayLike<number> } {
  if (system.rayAiming !== 'real') {
    launchRays(system, field, px, py, batch, ctx);
    return { px, py };
  }
  const aim = aimAtStop(system, field, w, px, py, ctx);
  launchRays(system, field, aim.px, aim.py, batch, ctx);
  for (let i = 0; i < aim.ok.length; i++) if (!aim.ok[i]) batch.lose(i, -1, RayStatus.AIM_FAILED);
  return { px: aim.px, py: aim.py };
}

/**
 * Convenience: launch and trace rays of field (fx, fy) (system field units) through pupil points
 * at wavelength index w, honouring the system's ray-aiming setting. Returns the traced batch
 * (positions in the image surface's frame).
 */
export function traceField(
  system: LensSystem,
  fx: number,
  fy: number,
  w: number,
  px: ArrayLike<number>,
  py: ArrayLike<number>,
  ctx: LaunchContext = launchContext(system),
  batch: RayBatch = new RayBatch(px.length),
): RayBatch {
  launchAimed(system, objectField(system, fx, fy, ctx.pupil), w, px, py, batch, ctx);
  return traceBatch(system, batch, w);
}
