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
 * Real aiming: the pupil coordinates are solved per ray so that the real ray crosses the stop at
 * (Px, Py) times the paraxial stop radius (Newton on the entrance-pupil point, finite-difference
 * Jacobian, tolerance 1e-10 mm).
 * Vignetting factors (a defined field point's, carried by its ObjectField: paraxial/pupil.ts
 * fieldPointObjectField) reshape the pupil first, as OpticStudio's: Px' = VDX + Px(1 − VCX),
 * Py' = VDY + Py(1 − VCY), for every ray of that field, the centre ray included.
 * Positions are in the object-space frame (surface 1's vertex at z = 0).
 */
import type { LensSystem } from '../optics/system.ts';
import type { EntrancePupil, ObjectField } from '../paraxial/pupil.ts';
import { entrancePupil, fieldPointObjectField, objectField } from '../paraxial/pupil.ts';
import { paraxialHeightAt } from '../paraxial/paraxial.ts';
import { marginalRayStart } from '../paraxial/rays.ts';
import { RayBatch, RayStatus } from './rayBatch.ts';
import { traceBatch } from './realTrace.ts';
// Real-ray (pupil-zone) solves need the tracer: installed wherever rays are launched.
import './realRaySolve.ts';

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
  const v = field.vignetting;
  if (v) ({ px, py } = vignettedPupil(v, px, py));
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
      batch.opl[i] = 0;
      batch.status[i] = RayStatus.OK;
      batch.lostAt[i] = -1;
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
      batch.opl[i] = 0;
      batch.status[i] = RayStatus.OK;
      batch.lostAt[i] = -1;
    }
  }
  return batch;
}

/** Pupil coordinates through a field's vignetting factors: Px' = VDX + Px(1 − VCX), Py' = VDY + Py(1 − VCY). */
export function vignettedPupil(v: NonNullable<ObjectField['vignetting']>, px: ArrayLike<number>, py: ArrayLike<number>): { px: Float64Array; py: Float64Array } {
  const n = px.length;
  const ox = new Float64Array(n), oy = new Float64Array(n);
  for (let k = 0; k < n; k++) {
    ox[k] = v.vdx + px[k] * (1 - v.vcx);
    oy[k] = v.vdy + py[k] * (1 - v.vcy);
  }
  return { px: ox, py: oy };
}

/**
 * Real ray aiming: returns pupil coordinates (px', py') such that each ray crosses the stop at
 * (px, py) × the paraxial stop radius (vignetted, when the field carries vignetting factors: the
 * returned coordinates are then to be launched with that field). Rays that cannot be aimed keep
 * their paraxial aim.
 */
export function aimAtStop(
  system: LensSystem,
  field: ObjectField,
  w: number,
  px: ArrayLike<number>,
  py: ArrayLike<number>,
  ctx: LaunchContext = launchContext(system),
): { px: Float64Array; py: Float64Array } {
  const stop = system.stopIndex;
  const { epd, epl } = ctx.pupil;
  const w0 = system.primaryIndex;
  // Paraxial stop radius: the marginal ray height at the stop.
  const [y0, nu0] = marginalRayStart(system, epd, epl, w0);
  const rStop = Math.abs(paraxialHeightAt(system, w0, y0, nu0, stop));
  const count = px.length;
  const outX = Float64Array.from(px);
  const outY = Float64Array.from(py);
  // The stop is crossed at the vignetted pupil point; launchRays applies the factors to the aim.
  const aim = field.vignetting ? vignettedPupil(field.vignetting, px, py) : { px, py };
  const b = new RayBatch(3);
  const ax = new Float64Array(3), ay = new Float64Array(3);
  const h = 1e-6;
  for (let k = 0; k < count; k++) {
    const tx = aim.px[k] * rStop, ty = aim.py[k] * rStop;
    let ux = outX[k], uy = outY[k];
    for (let it = 0; it < 30; it++) {
      ax[0] = ux; ay[0] = uy;
      ax[1] = ux + h; ay[1] = uy;
      ax[2] = ux; ay[2] = uy + h;
      launchRays(system, field, ax, ay, b, ctx);
      traceBatch(system, b, w, { lastSurface: stop });
      if (b.status[0] !== RayStatus.OK || b.status[1] !== RayStatus.OK || b.status[2] !== RayStatus.OK) break;
      const fx = b.x[0] - tx, fy = b.y[0] - ty;
      if (Math.abs(fx) < 1e-10 && Math.abs(fy) < 1e-10) break;
      const j11 = (b.x[1] - b.x[0]) / h, j21 = (b.y[1] - b.y[0]) / h;
      const j12 = (b.x[2] - b.x[0]) / h, j22 = (b.y[2] - b.y[0]) / h;
      const det = j11 * j22 - j12 * j21;
      if (!(Math.abs(det) > 0)) break;
      ux -= (j22 * fx - j12 * fy) / det;
      uy -= (-j21 * fx + j11 * fy) / det;
    }
    outX[k] = ux;
    outY[k] = uy;
  }
  return { px: outX, py: outY };
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
  const field = objectField(system, fx, fy, ctx.pupil);
  let ux = px, uy = py;
  if (system.rayAiming === 'real') ({ px: ux, py: uy } = aimAtStop(system, field, w, px, py, ctx));
  launchRays(system, field, ux, uy, batch, ctx);
  return traceBatch(system, batch, w);
}

/**
 * {@link traceField} for defined field point f (its vignetting factors applied): the rays of that
 * field's bundle, for spots, fans and layouts.
 */
export function traceFieldPoint(
  system: LensSystem,
  f: number,
  w: number,
  px: ArrayLike<number>,
  py: ArrayLike<number>,
  ctx: LaunchContext = launchContext(system),
  batch: RayBatch = new RayBatch(px.length),
): RayBatch {
  const field = fieldPointObjectField(system, f, ctx.pupil);
  let ux = px, uy = py;
  if (system.rayAiming === 'real') ({ px: ux, py: uy } = aimAtStop(system, field, w, px, py, ctx));
  launchRays(system, field, ux, uy, batch, ctx);
  return traceBatch(system, batch, w);
}
