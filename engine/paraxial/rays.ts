/**
 * Where the paraxial marginal and chief rays start: their (y, Nu) at surface 1, the inputs of the
 * y-nu trace (paraxial.ts) and its tangents (paraxialTangent.ts). Every first-order quantity,
 * solve, ray-aiming radius and Seidel sum starts its rays here.
 *
 * With d the object distance (Infinity for an object at infinity), n₀ the object-space index and
 * EPL, EPD the entrance pupil (pupil.ts):
 * - marginal ray (axial object point → pupil edge): y = EPD/2, Nu = 0 at infinity; otherwise
 *   u = (EPD/2)/(d + EPL), y = u d, Nu = n₀ u;
 * - chief ray (object field F → pupil centre): y = −EPL F, Nu = n₀ F at infinity (F = tan θ);
 *   otherwise u = −F/(d + EPL), y = F + u d, Nu = n₀ u (F the object height, mm).
 * Heights in mm, Nu the reduced slope (n times the slope).
 */
import type { LensSystem } from '../optics/system.ts';
import { signedIndexAfter, surfacePower } from './paraxial.ts';

/** (y, Nu) at surface 1, mm and reduced slope. */
export type ParaxialStart = [number, number];

/**
 * A ray from the axial object point of unit slope (y = d, Nu = n₀), or parallel to the axis at unit
 * height for an object at infinity: the marginal ray up to scale, without needing the pupil (the
 * focus solve is scale-free).
 */
export function axialRayStart(system: LensSystem, w: number): ParaxialStart {
  const d = system.objectDistance;
  return Number.isFinite(d) ? [d, system.nObject[w]] : [1, 0];
}

/** Paraxial marginal ray at surface 1: from the axial object point through the entrance-pupil edge. */
export function marginalRayStart(system: LensSystem, epd: number, epl: number, w: number): ParaxialStart {
  const n0 = system.nObject[w];
  const d = system.objectDistance;
  if (!Number.isFinite(d)) return [epd / 2, 0];
  const u = epd / 2 / (d + epl);
  return [u * d, n0 * u];
}

/**
 * Derivative of {@link marginalRayStart} with respect to one lens parameter, given dEPD/dθ,
 * dEPL/dθ and dd/dθ (pupilTangent.ts).
 */
export function marginalRayStartTangent(
  system: LensSystem,
  epd: number,
  epl: number,
  w: number,
  pt: { readonly depd: number; readonly depl: number; readonly dd: number },
): ParaxialStart {
  const n0 = system.nObject[w];
  const d = system.objectDistance;
  if (!Number.isFinite(d)) return [pt.depd / 2, 0];
  const L = d + epl;
  const u = epd / 2 / L;
  const du = pt.depd / 2 / L - (epd / 2) * (pt.dd + pt.depl) / (L * L);
  return [du * d + u * pt.dd, n0 * du];
}

/**
 * Paraxial chief ray at surface 1 from the object-space field F (tan θ at infinity, object height
 * in mm otherwise) through the entrance-pupil centre. F = 1 gives the image height per unit field.
 */
export function chiefRayStart(system: LensSystem, epl: number, w: number, F = 1): ParaxialStart {
  const n0 = system.nObject[w];
  const d = system.objectDistance;
  if (!Number.isFinite(d)) return [-epl * F, n0 * F];
  const u = -F / (d + epl);
  return [F + u * d, n0 * u];
}

/**
 * Derivative of {@link chiefRayStart} with respect to one lens parameter, given dEPL/dθ and
 * dd/dθ (pupilTangent.ts) and dF/dθ (default 0: a fixed field).
 */
export function chiefRayStartTangent(
  system: LensSystem,
  epl: number,
  w: number,
  pt: { readonly depl: number; readonly dd: number },
  F = 1,
  dF = 0,
): ParaxialStart {
  const n0 = system.nObject[w];
  const d = system.objectDistance;
  if (!Number.isFinite(d)) return [-pt.depl * F - epl * dF, n0 * dF];
  const L = d + epl;
  const u = -F / L;
  const du = -dF / L + (F * (pt.dd + pt.depl)) / (L * L);
  return [dF + du * d + u * pt.dd, n0 * du];
}

/**
 * Object-side vergence v_O = 1/z_O (1/mm) of an ideal (PARAXIAL) surface s at wavelength w, z_O the
 * local z (from the surface's vertex, + along +z) where the paraxial axial ray arriving at s crosses
 * the axis: 0 when it arrives parallel to the axis, ±∞ when the axial object point is on the surface.
 * The ideal lens's optical path is exact at this conjugate (engine/trace/idealLensPath.ts).
 */
export function idealLensVergence(system: LensSystem, s: number, w: number): number {
  const [y0, nu0] = axialRayStart(system, w);
  let yy = y0;
  let nu = nu0;
  for (let k = 0; k < s; k++) {
    nu -= yy * surfacePower(system, k, w);
    yy += (system.surfaces[k].thickness * nu) / signedIndexAfter(system, k, w);
  }
  return vergenceFromParaxial(yy, nu, signedIndexAfter(system, s - 1, w));
}

/** v = −u/y with u = Nu/N the local slope: −Nu/(y N); ±∞ for y = 0 (a ray through the vertex). */
export function vergenceFromParaxial(y: number, nu: number, N: number): number {
  if (y === 0) return nu * N >= 0 ? -Infinity : Infinity;
  return -nu / (y * N);
}
