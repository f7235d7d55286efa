/**
 * Forward-mode derivatives (tangents) of the paraxial trace with respect to one lens parameter.
 *
 * Differentiating y ← y + t·Nu/N and Nu ← Nu − y φ gives
 *   ẏ ← ẏ + ṫ Nu/N + t (Ṅu)/N − t Nu Ṅ/N²,   (Ṅu) ← (Ṅu) − ẏ φ − y φ̇,
 * with φ̇ = (Ṅ' − Ṅ) c_p + (N' − N) ċ_p. Exact (no finite differences); cost O(surfaces).
 * First-order quantities that depend on the lens (EPD, EPL, EFL, paraxial image distance) are
 * differentiated with these tangents, e.g. for ray aiming inside the real-ray adjoint. Tangents are
 * partial: a solved or picked-up parameter is held like any other (solves.ts chains them).
 */
import type { LensSystem } from '../optics/system.ts';
import type { ParamRef } from '../optics/params.ts';
import { dIndexAfter } from '../optics/params.ts';
import { paraxialCurvature, signedIndexAfter, surfacePower } from './paraxial.ts';

/** dN/dθ of the signed index after surface s (s = −1: object space). */
export function dSignedIndexAfter(system: LensSystem, p: ParamRef, s: number, w: number): number {
  if (s < 0) return 0;
  return dIndexAfter(system, p, s, w) * system.surfaces[s].direction;
}

/** ∂c_p/∂θ of surface s. */
function dParaxialCurvature(system: LensSystem, p: ParamRef, s: number): number {
  if (p.surface !== s) return 0;
  const kind = system.surfaces[s].kind;
  if (p.kind === 'curvature' && (kind === 'standard' || kind === 'evenAsphere')) return 1;
  if (p.kind === 'asphere' && (p.index ?? 0) === 0 && kind === 'evenAsphere') return 2;
  if (p.kind === 'xy' && p.index === 3 && kind === 'xyPolynomial') return 2;
  return 0;
}

/** ∂φ/∂θ of surface s at wavelength w. */
export function dSurfacePower(system: LensSystem, p: ParamRef, s: number, w: number): number {
  const surf = system.surfaces[s];
  if (surf.kind === 'coordinateBreak') return 0;
  if (surf.kind === 'paraxial') return p.kind === 'focalLength' && p.surface === s ? -1 / (surf.focalLength * surf.focalLength) : 0;
  const dn = dSignedIndexAfter(system, p, s, w) - dSignedIndexAfter(system, p, s - 1, w);
  const n = signedIndexAfter(system, s, w) - signedIndexAfter(system, s - 1, w);
  return dn * paraxialCurvature(surf) + n * dParaxialCurvature(system, p, s);
}

/** Paraxial state with its tangent: [y, Nu, ẏ, (Ṅu)]. */
export type ParaxialTangentState = [number, number, number, number];

/**
 * Traces (y, Nu) and its tangent from surface 1 to surface `target` (before refraction there when
 * `beforeRefraction`), or to the image plane (after it) by default.
 */
export function paraxialTangent(
  system: LensSystem,
  p: ParamRef,
  w: number,
  y0: number,
  nu0: number,
  dy0: number,
  dnu0: number,
  target = system.surfaces.length - 1,
  beforeRefraction = false,
): ParaxialTangentState {
  let y = y0, nu = nu0, dy = dy0, dnu = dnu0;
  for (let s = 0; s <= target; s++) {
    if (s > 0) {
      const t = system.surfaces[s - 1].thickness;
      const dt = dThickness(system, p, s - 1);
      const N = signedIndexAfter(system, s - 1, w);
      const dN = dSignedIndexAfter(system, p, s - 1, w);
      dy += (dt * nu) / N + (t * dnu) / N - (t * nu * dN) / (N * N);
      y += (t * nu) / N;
    }
    if (s === target && beforeRefraction) break;
    const phi = surfacePower(system, s, w);
    const dphi = dSurfacePower(system, p, s, w);
    dnu -= dy * phi + y * dphi;
    nu -= y * phi;
  }
  return [y, nu, dy, dnu];
}

/**
 * ∂(thickness after surface s)/∂θ, partial: 1 for that thickness parameter, else 0. A solved
 * thickness is a parameter of its own here; engine/paraxial/solves.ts chains it.
 */
export function dThickness(_system: LensSystem, p: ParamRef, s: number): number {
  return p.kind === 'thickness' && p.surface === s ? 1 : 0;
}
