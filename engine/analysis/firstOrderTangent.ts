/**
 * Exact derivatives (tangents) of first-order quantities (firstOrder.ts) with respect to one lens
 * parameter θ, from the paraxial tangent trace (engine/paraxial/paraxialTangent.ts).
 *
 * With the system matrix [A B; C D] from surface 1 to the image plane (φ = −C) and n' the
 * image-space index:
 *   EFL = n'/φ                      → dEFL = ṅ'/φ + n' Ċ/φ²
 *   BFL = t_last·dir + (−A n'/C)    → dBFL = ṫ_last·dir − (Ȧ n' + A ṅ')/C + A n' Ċ/C²
 *   F/# = EFL/EPD                   → dF/# = dEFL/EPD − EFL·dEPD/EPD²
 *   total track = Σ t               → Σ ṫ (a solved thickness moves with every parameter)
 * Units follow the parameter (engine/optics/params.ts).
 */
import type { ParamRef } from '../optics/params.ts';
import type { LensSystem } from '../optics/system.ts';
import { directionBefore } from '../optics/system.ts';
import { dSignedIndexAfter, dThickness, paraxialTangent } from '../paraxial/paraxialTangent.ts';
import { entrancePupil, nImage, type EntrancePupil } from '../paraxial/pupil.ts';
import { pupilTangent } from '../paraxial/pupilTangent.ts';
import { bflSurface, efl } from './firstOrder.ts';

/** dEFL/dθ at wavelength w (default primary). */
export function eflTangent(system: LensSystem, p: ParamRef, w = system.primaryIndex): number {
  const [, C, , dC] = paraxialTangent(system, p, w, 1, 0, 0, 0);
  const nI = nImage(system, w);
  const dnI = Math.abs(dSignedIndexAfter(system, p, system.surfaces.length - 2, w));
  const phi = -C;
  return dnI / phi + (nI * dC) / (phi * phi);
}

/** dBFL/dθ at wavelength w (default primary); BFL as firstOrder.ts (from bflSurface). */
export function bflTangent(system: LensSystem, p: ParamRef, w = system.primaryIndex): number {
  const last = system.surfaces.length - 2;
  const [A, C, dA, dC] = paraxialTangent(system, p, w, 1, 0, 0, 0);
  const nI = nImage(system, w);
  const dnI = Math.abs(dSignedIndexAfter(system, p, last, w));
  let dd = 0;
  for (let s = bflSurface(system); s <= last; s++) dd += dThickness(system, p, s) * directionBefore(system, s + 1);
  return dd - (dA * nI + A * dnI) / C + (A * nI * dC) / (C * C);
}

/** d(F/#)/dθ, F/# = EFL/EPD at the primary wavelength. */
export function fnoTangent(system: LensSystem, p: ParamRef, pupil: EntrancePupil = entrancePupil(system)): number {
  const E = efl(system), D = pupil.epd;
  return eflTangent(system, p) / D - (E * pupilTangent(system, p, pupil).depd) / (D * D);
}

/** d(total track)/dθ. */
export function totalTrackTangent(system: LensSystem, p: ParamRef): number {
  let d = 0;
  for (let s = 0; s < system.surfaces.length - 1; s++) d += dThickness(system, p, s);
  return d;
}
