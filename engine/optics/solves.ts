/**
 * Solves: quantities computed from others. `paraxialFocus` sets the last thickness so the image
 * plane sits at the paraxial focus (the paraxial marginal ray crosses the axis there):
 *   t = −y N / (N u')  of the marginal ray after the last real surface.
 */
import type { LensSystem } from './system.ts';
import type { ParamRef } from './params.ts';
import { traceParaxial, signedIndexAfter } from '../trace/paraxial.ts';
import { paraxialTangent, dSignedIndexAfter } from '../trace/paraxialTangent.ts';

/** Paraxial marginal-ray start at surface 1 for the focus solve (scale-free). */
function focusRayStart(system: LensSystem, w: number): [number, number] {
  const d = system.objectDistance;
  return Number.isFinite(d) ? [d, system.nObject[w]] : [1, 0];
}

/** Applies the system's solves in place (call after changing parameters). */
export function applySolves(system: LensSystem): void {
  if (system.imageSolve !== 'paraxialFocus') return;
  const w = system.primaryIndex;
  const last = system.surfaces.length - 2;
  const [y0, nu0] = focusRayStart(system, w);
  const r = traceParaxial(system, w, y0, nu0);
  const nu = r.nuAfter[last];
  if (nu !== 0) system.surfaces[last].thickness = (-r.y[last] * signedIndexAfter(system, last, w)) / nu;
}

/** The solved thickness's index when a focus solve is active, else −1. */
export function solvedThicknessSurface(system: LensSystem): number {
  return system.imageSolve === 'paraxialFocus' ? system.surfaces.length - 2 : -1;
}

/** ∂(solved last thickness)/∂θ for parameter p (0 without a solve). */
export function dSolvedThickness(system: LensSystem, p: ParamRef): number {
  if (system.imageSolve !== 'paraxialFocus') return 0;
  const w = system.primaryIndex;
  const last = system.surfaces.length - 2;
  if (p.kind === 'thickness' && p.surface === last) return 0;
  const [y0, nu0] = focusRayStart(system, w);
  const dy0 = p.kind === 'objectDistance' && Number.isFinite(system.objectDistance) ? 1 : 0;
  const [y, nu, dy, dnu] = paraxialTangent(system, p, w, y0, nu0, dy0, 0, last);
  const N = signedIndexAfter(system, last, w);
  const dN = dSignedIndexAfter(system, p, last, w);
  return -(dy * N + y * dN) / nu + (y * N * dnu) / (nu * nu);
}
