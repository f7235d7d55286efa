/**
 * Paraxial (y-nu) ray trace.
 *
 * A paraxial ray is (y, Nu) at each surface, y the height in mm and Nu the reduced slope: the
 * signed index N = n·direction times the slope u = dy/dz. At a surface of paraxial power φ,
 *   Nu' = Nu − y φ,   φ = (N' − N) c_p  (refracting or reflecting, c_p the paraxial curvature),
 * and the transfer to the next vertex is y ← y + t · Nu'/N' (t signed). Mirrors flip the sign of N.
 * Coordinate breaks are treated as identity (the paraxial model is the unfolded, centred system).
 * Paraxial curvature: 1/R + 2·A2 for even aspheres (the r² term adds power), 2·a_{2,0} for XY
 * polynomials (the y² coefficient), and φ = 1/f for ideal paraxial surfaces.
 */
import type { LensSystem, Surface } from '../optics/system.ts';
import { directionBefore } from '../optics/system.ts';

/** Paraxial curvature c_p of a surface, 1/mm. */
export function paraxialCurvature(s: Surface): number {
  switch (s.kind) {
    case 'evenAsphere':
      return s.c + (s.asphere.length > 0 ? 2 * s.asphere[0] : 0);
    case 'xyPolynomial':
      return s.xy.length > 3 ? 2 * s.xy[3] : 0;
    case 'coordinateBreak':
    case 'paraxial':
      return 0;
    default:
      return s.c;
  }
}

/** Signed index N = n·direction after surface s (s = −1 for object space), wavelength w. */
export function signedIndexAfter(system: LensSystem, s: number, w: number): number {
  if (s < 0) return system.nObject[w];
  const surf = system.surfaces[s];
  return surf.nAfter[w] * surf.direction;
}

/** Paraxial power φ of surface s at wavelength w, 1/mm. */
export function surfacePower(system: LensSystem, s: number, w: number): number {
  const surf = system.surfaces[s];
  if (surf.kind === 'coordinateBreak') return 0;
  if (surf.kind === 'paraxial') return 1 / surf.focalLength;
  const nBefore = signedIndexAfter(system, s - 1, w);
  const nAfter = signedIndexAfter(system, s, w);
  return (nAfter - nBefore) * paraxialCurvature(surf);
}

/** Heights and reduced slopes of one paraxial ray at every surface (index = surface). */
export interface ParaxialRay {
  /** Height at each surface, mm (length = surfaces.length, image last). */
  y: Float64Array;
  /** Reduced slope N·u after each surface. */
  nuAfter: Float64Array;
  /** Reduced slope before each surface. */
  nuBefore: Float64Array;
}

/**
 * Traces one paraxial ray from surface `from` (given its height and reduced slope before that
 * surface) to the image surface.
 * @param y0 height at surface `from`, mm
 * @param nu0 reduced slope N·u arriving at surface `from`
 */
export function traceParaxial(system: LensSystem, w: number, y0: number, nu0: number, from = 0): ParaxialRay {
  const ns = system.surfaces.length;
  const y = new Float64Array(ns);
  const nuAfter = new Float64Array(ns);
  const nuBefore = new Float64Array(ns);
  let yy = y0;
  let nu = nu0;
  for (let s = from; s < ns; s++) {
    if (s > from) {
      const prev = system.surfaces[s - 1];
      yy += (prev.thickness * nu) / signedIndexAfter(system, s - 1, w);
    }
    y[s] = yy;
    nuBefore[s] = nu;
    nu -= yy * surfacePower(system, s, w);
    nuAfter[s] = nu;
  }
  return { y, nuAfter, nuBefore };
}

/** Paraxial state at the image plane of the ray (y0, nu0) launched at surface 1. */
export function paraxialAtImage(system: LensSystem, w: number, y0: number, nu0: number): [number, number] {
  const ns = system.surfaces.length;
  let yy = y0;
  let nu = nu0;
  for (let s = 0; s < ns; s++) {
    if (s > 0) yy += (system.surfaces[s - 1].thickness * nu) / signedIndexAfter(system, s - 1, w);
    nu -= yy * surfacePower(system, s, w);
  }
  return [yy, nu];
}

/** Paraxial height at surface `target` (before refraction) of the ray (y0, nu0) at surface 1. */
export function paraxialHeightAt(system: LensSystem, w: number, y0: number, nu0: number, target: number): number {
  let yy = y0;
  let nu = nu0;
  for (let s = 0; s <= target; s++) {
    if (s > 0) yy += (system.surfaces[s - 1].thickness * nu) / signedIndexAfter(system, s - 1, w);
    if (s === target) return yy;
    nu -= yy * surfacePower(system, s, w);
  }
  return yy;
}

/** Propagation direction along local z after the last real surface (towards the image). */
export function imageDirection(system: LensSystem): number {
  return directionBefore(system, system.surfaces.length - 1);
}
