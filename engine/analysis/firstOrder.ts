/**
 * First-order (paraxial) data at the primary wavelength, from a y-nu trace.
 *
 * With the system matrix from surface 1 (before refraction) to the image plane,
 *   [y'; N'u'] = [A B; C D] [y; Nu],   φ = −C,
 * EFL = n'/φ (f2), f1 = −n/φ, front focal point F1 = D n / C from surface 1, back focal point
 * F2 = −A n'/C from the image plane, principal points P1 = F1 + n/φ and P2 = F2 − n'/φ, nodal
 * points N1 = F1 + n'/φ and N2 = F2 − n/φ. FFL = −F1. BFL = F2 + the axial distance from the last
 * surface that is not a coordinate break (the last lens or mirror surface) to the image plane: the
 * thicknesses after it summed along the unfolded paraxial axis (thickness × propagation direction),
 * so trailing coordinate breaks (a fold or tilt before the image) do not move it.
 * The exit pupil is where the paraxial chief ray crosses the axis in image space (XPL from the
 * image plane), XPD twice the paraxial marginal-ray height there. The Lagrange invariant is
 * H = n(ȳu − yū) at surface 1 with the marginal ray (y = EPD/2, u = 0 for an object at infinity)
 * and the chief ray of the largest field. All lengths in mm, signs as ../shared/oracles/README.md.
 *
 * Afocal systems (φ = 0 to working precision: |EFL| beyond 1e12 times the system's length scale)
 * have no focal points: EFL, BFL, FFL, F/# and the cardinal points are +Infinity (never NaN, never
 * a sign picked by round-off), `afocal` is true, and `angularMagnification` = n u′ / n′ u of the
 * chief ray = D n / n′ (with C = 0, n′u′ = D n u).
 */
import type { LensSystem } from '../optics/system.ts';
import { directionBefore } from '../optics/system.ts';
import { entrancePupil, imageHeightPerField, maxFieldChiefRayStart, nImage, type EntrancePupil } from '../paraxial/pupil.ts';
import { paraxialAtImage } from '../paraxial/paraxial.ts';
import { chiefRayStart, marginalRayStart } from '../paraxial/rays.ts';

export interface FirstOrderData {
  efl: number;
  bfl: number;
  ffl: number;
  /** Paraxial working F-number at infinity, EFL / EPD. */
  fno: number;
  epd: number;
  epl: number;
  xpd: number;
  xpl: number;
  /** Lagrange invariant H, mm (negative for a positive lens with a positive field). */
  invariant: number;
  f1: number;
  F1: number;
  F2: number;
  P1: number;
  P2: number;
  N1: number;
  N2: number;
  /** Paraxial image height of the largest field, mm. */
  paraxialImageHeight: number;
  /** Paraxial magnification (0 for an object at infinity). */
  magnification: number;
  /** Distance from surface 1 to the image plane along the axis, mm. */
  totalTrack: number;
  /** Image-space paraxial working F-number, n'/(2 n'|u'|) of the marginal ray. */
  workingFno: number;
  /** True when the system has no optical power (a telescope, a window): no focal points. */
  afocal: boolean;
  /** Afocal systems: image-space over object-space chief-ray angle (paraxial); null otherwise. */
  angularMagnification: number | null;
}

/**
 * True when a system with power φ (1/mm) and length scale `lengthMm` is afocal to working
 * precision: |EFL| = 1/|φ| beyond 1e12 × the length scale (or φ exactly 0).
 */
export function isAfocal(phi: number, lengthMm: number): boolean {
  return !(Math.abs(phi) * Math.max(1, Math.abs(lengthMm)) > 1e-12);
}

/** Effective focal length EFL = n'/φ at wavelength w (default primary), mm. */
export function efl(system: LensSystem, w = system.primaryIndex): number {
  const C = paraxialAtImage(system, w, 1, 0)[1];
  return nImage(system, w) / -C;
}

/**
 * The surface BFL is measured from: the last one before the image that is not a coordinate break
 * (surface 0 if every one is).
 */
export function bflSurface(system: LensSystem): number {
  let k = system.surfaces.length - 2;
  while (k > 0 && system.surfaces[k].kind === 'coordinateBreak') k--;
  return k;
}

/**
 * Back focal length at wavelength w (default primary), mm: from the vertex of the last surface that
 * is not a coordinate break (bflSurface) to the paraxial focus F2, along the unfolded axis.
 */
export function bfl(system: LensSystem, w = system.primaryIndex): number {
  const [A, C] = paraxialAtImage(system, w, 1, 0);
  let d = 0;
  for (let s = bflSurface(system); s < system.surfaces.length - 1; s++) d += system.surfaces[s].thickness * directionBefore(system, s + 1);
  return d + (-A * nImage(system, w)) / C;
}

/** Paraxial working F-number at infinity, EFL / EPD (primary wavelength). */
export function fno(system: LensSystem, pupil: EntrancePupil = entrancePupil(system)): number {
  return efl(system) / pupil.epd;
}

/** Surface 1's vertex to the image plane along the axis (Σ thicknesses), mm. */
export function totalTrack(system: LensSystem): number {
  let t = 0;
  for (let s = 0; s < system.surfaces.length - 1; s++) t += system.surfaces[s].thickness;
  return t;
}

/** Computes the first-order data of a system (primary wavelength). */
export function firstOrder(system: LensSystem): FirstOrderData {
  const w = system.primaryIndex;
  const n0 = system.nObject[w];
  const nI = nImage(system, w);
  const [A, C] = paraxialAtImage(system, w, 1, 0);
  const [, D] = paraxialAtImage(system, w, 0, 1);
  const phi = -C;
  const f = efl(system, w);
  const F1 = (D * n0) / C;
  const F2 = (-A * nI) / C;
  const pupil = entrancePupil(system);
  const { epd, epl } = pupil;

  const [ym0, num0] = marginalRayStart(system, epd, epl, w);
  const [yc0, nuc0] = maxFieldChiefRayStart(system, pupil, w);
  const [ymI, numI] = paraxialAtImage(system, w, ym0, num0);
  const [ycI] = paraxialAtImage(system, w, yc0, nuc0);
  // The exit pupil from a unit chief ray (defined even when every field is on axis).
  const [yuI, nuuI] = paraxialAtImage(system, w, ...chiefRayStart(system, epl, w));
  // Slopes along the propagation direction in image space: dy/ds = N·u / n.
  const um = numI / nI;
  const uu = nuuI / nI;
  const xpl = nuuI === 0 ? Infinity : -yuI / uu;
  const xpd = Number.isFinite(xpl) ? 2 * Math.abs(ymI + um * xpl) : Infinity;
  const invariant = n0 * (yc0 * (num0 / n0) - ym0 * (nuc0 / n0));

  const finite = Number.isFinite(system.objectDistance);
  const track = totalTrack(system);
  const afocal = isAfocal(phi, Math.max(Math.abs(track), epd));
  const common = {
    epd,
    epl,
    xpd,
    xpl,
    invariant,
    paraxialImageHeight: ycI,
    totalTrack: track,
    workingFno: um === 0 ? Infinity : 1 / (2 * Math.abs(um)),
  };
  if (afocal) {
    const inf = Infinity;
    return {
      ...common,
      efl: inf, bfl: inf, ffl: inf, fno: inf, f1: inf, F1: inf, F2: inf, P1: inf, P2: inf, N1: inf, N2: inf,
      magnification: finite ? imageHeightPerField(system, pupil) : 0,
      afocal: true,
      angularMagnification: (D * n0) / nI,
    };
  }
  return {
    ...common,
    efl: f,
    bfl: bfl(system, w),
    ffl: -F1,
    fno: fno(system, pupil),
    f1: -n0 / phi,
    F1,
    F2,
    P1: F1 + n0 / phi,
    P2: F2 - nI / phi,
    N1: F1 + nI / phi,
    N2: F2 - n0 / phi,
    magnification: finite ? imageHeightPerField(system, pupil) : 0,
    afocal: false,
    angularMagnification: null,
  };
}
