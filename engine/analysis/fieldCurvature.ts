/**
 * Field curvature: the tangential and sagittal foci of a field.
 *
 * Field curvature, mm: the z distance (along the image surface's local z axis) from the chief
 * ray's intercept on the image surface to the point where two parabasal rays around the chief ray
 * cross (Py = ±1e-5 tangential, Px = ±1e-5 sagittal): the Coddington t and s foci. Positive
 * beyond the image surface (towards +z). On axis both are the paraxial focus F2.
 *
 * The crossing is computed in 3-D from each ray's intercept on the image surface and its
 * direction: the point of closest approach of the two lines (their crossing when they meet, as
 * they do in a plane-symmetric system), taking the midpoint of the shortest segment. With a
 * curved image surface the two rays end at different z, and the reference is the chief ray's z on
 * that surface (a flat image: z = 0).
 */
import type { LensSystem } from '../optics/system.ts';
import { RayStatus } from '../trace/rayBatch.ts';
import type { RayBatch } from '../trace/rayBatch.ts';
import { launchContext, traceField, type LaunchContext } from '../trace/rayAiming.ts';

const PARABASAL = 1e-5;

/**
 * z of the closest approach of rays i and j of a traced batch (image frame), or null when either
 * is lost or they are parallel. The cross product n = d_i × d_j is formed component by component,
 * so nearly parallel parabasal rays keep their relative precision.
 */
export function crossingZ(b: RayBatch, i: number, j: number): number | null {
  if (b.status[i] !== RayStatus.OK || b.status[j] !== RayStatus.OK) return null;
  const ax = b.l[i], ay = b.m[i], az = b.n[i];
  const bx = b.l[j], by = b.m[j], bz = b.n[j];
  const nx = ay * bz - az * by, ny = az * bx - ax * bz, nz = ax * by - ay * bx;
  const nn = nx * nx + ny * ny + nz * nz;
  if (!(nn > 0)) return null;
  // p_i + s d_i and p_j + t d_j; w = p_j − p_i; s = ((w × d_j) · n)/|n|², t = ((w × d_i) · n)/|n|².
  const wx = b.x[j] - b.x[i], wy = b.y[j] - b.y[i], wz = b.z[j] - b.z[i];
  const s = ((wy * bz - wz * by) * nx + (wz * bx - wx * bz) * ny + (wx * by - wy * bx) * nz) / nn;
  const t = ((wy * az - wz * ay) * nx + (wz * ax - wx * az) * ny + (wx * ay - wy * ax) * nz) / nn;
  return 0.5 * (b.z[i] + s * az + b.z[j] + t * bz);
}

/**
 * Tangential and sagittal focus positions (mm from the chief ray's image-surface intercept, along
 * z) for field (0, fy) at wavelength w; null where a ray is lost.
 */
export function fieldCurvature(system: LensSystem, fy: number, w: number, ctx: LaunchContext = launchContext(system)): { tangential: number | null; sagittal: number | null } {
  const b = traceField(system, 0, fy, w, [0, 0, -PARABASAL, PARABASAL, 0], [-PARABASAL, PARABASAL, 0, 0, 0], ctx);
  if (b.status[4] !== RayStatus.OK) return { tangential: null, sagittal: null };
  const zChief = b.z[4];
  const t = crossingZ(b, 0, 1);
  const s = crossingZ(b, 2, 3);
  return { tangential: t === null ? null : t - zChief, sagittal: s === null ? null : s - zChief };
}
