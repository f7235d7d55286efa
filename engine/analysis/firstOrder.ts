/**
 * First-order (paraxial) data at the primary wavelength, from a y-nu trace.
 *
 * With the system matrix from surface 1 (before refraction) to the image plane,
 *   [y'; N'u'] = [A B; C D] [y; Nu],   φ = −C,
 * EFL = n'/φ (f2), f1 = −n/φ, front focal point F1 = D n / C from surface 1, back focal point
 * F2 = −A n'/C from the image plane, principal points P1 = F1 + n/φ and P2 = F2 − n'/φ, nodal
 * points N1 = F1 + n'/φ and N2 = F2 − n/φ. FFL = −F1, BFL = last thickness + F2.
 * The exit pupil is where the paraxial chief ray crosses the axis in image space (XPL from the
 * image plane), XPD twice the paraxial marginal-ray height there. The Lagrange invariant is
 * H = n(ȳu − yū) at surface 1 with the marginal ray (y = EPD/2, u = 0 for an object at infinity)
 * and the chief ray of the largest field. All lengths in mm, signs as ../shared/oracles/README.md.
 */
import type { LensSystem } from '../optics/system.ts';
import { directionBefore, maxField } from '../optics/system.ts';
import { entrancePupil, imageHeightPerField, nImage, objectField } from '../optics/pupil.ts';
import { paraxialAtImage } from '../trace/paraxial.ts';

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
}

/** Paraxial marginal ray at surface 1: (y, Nu) for the pupil edge of the axial object point. */
export function marginalRayStart(system: LensSystem, epd: number, epl: number, w: number): [number, number] {
  const n0 = system.nObject[w];
  const d = system.objectDistance;
  if (!Number.isFinite(d)) return [epd / 2, 0];
  const u = epd / 2 / (d + epl);
  return [u * d, n0 * u];
}

/** Paraxial chief ray at surface 1 for the largest field: (ȳ, Nū). */
export function chiefRayStart(system: LensSystem, epl: number, w: number, fieldScale = 1): [number, number] {
  const n0 = system.nObject[w];
  const f = maxYField(system);
  const of = objectField(system, 0, f * fieldScale);
  if (of.atInfinity) return [-epl * of.y, n0 * of.y];
  const d = system.objectDistance;
  const u = -of.y / (d + epl);
  return [of.y + u * d, n0 * u];
}

/** A paraxial chief ray through the entrance-pupil centre of unit slope (or from unit object height). */
function unitChiefRayStart(system: LensSystem, epl: number, w: number): [number, number] {
  const n0 = system.nObject[w];
  const d = system.objectDistance;
  if (!Number.isFinite(d)) return [-epl, n0];
  const u = -1 / (d + epl);
  return [1 + u * d, n0 * u];
}

/** The largest field, as a +y field value (the chief ray used for Seidel sums and the invariant). */
export function maxYField(system: LensSystem): number {
  return maxField(system);
}

/** Computes the first-order data of a system (primary wavelength). */
export function firstOrder(system: LensSystem): FirstOrderData {
  const w = system.primaryIndex;
  const n0 = system.nObject[w];
  const nI = nImage(system, w);
  const [A, C] = paraxialAtImage(system, w, 1, 0);
  const [, D] = paraxialAtImage(system, w, 0, 1);
  const phi = -C;
  const efl = nI / phi;
  const F1 = (D * n0) / C;
  const F2 = (-A * nI) / C;
  const last = system.surfaces.length - 2;
  const lastThickness = system.surfaces[last].thickness * directionBefore(system, last + 1);
  const pupil = entrancePupil(system);
  const { epd, epl } = pupil;

  const [ym0, num0] = marginalRayStart(system, epd, epl, w);
  const [yc0, nuc0] = chiefRayStart(system, epl, w);
  const [ymI, numI] = paraxialAtImage(system, w, ym0, num0);
  const [ycI, nucI] = paraxialAtImage(system, w, yc0, nuc0);
  // The exit pupil from a unit chief ray (defined even when every field is on axis).
  const [yuI, nuuI] = paraxialAtImage(system, w, ...unitChiefRayStart(system, epl, w));
  // Slopes along the propagation direction in image space: dy/ds = N·u / n.
  const um = numI / nI;
  const uu = nuuI / nI;
  const xpl = nuuI === 0 ? Infinity : -yuI / uu;
  const xpd = Number.isFinite(xpl) ? 2 * Math.abs(ymI + um * xpl) : Infinity;
  const invariant = n0 * (yc0 * (num0 / n0) - ym0 * (nuc0 / n0));

  let totalTrack = 0;
  for (let s = 0; s < system.surfaces.length - 1; s++) totalTrack += system.surfaces[s].thickness;

  const finite = Number.isFinite(system.objectDistance);
  return {
    efl,
    bfl: lastThickness + F2,
    ffl: -F1,
    fno: efl / epd,
    epd,
    epl,
    xpd,
    xpl,
    invariant,
    f1: -n0 / phi,
    F1,
    F2,
    P1: F1 + n0 / phi,
    P2: F2 - nI / phi,
    N1: F1 + nI / phi,
    N2: F2 - n0 / phi,
    paraxialImageHeight: ycI,
    magnification: finite ? imageHeightPerField(system, pupil) : 0,
    totalTrack,
    workingFno: um === 0 ? Infinity : 1 / (2 * Math.abs(um)),
  };
}
