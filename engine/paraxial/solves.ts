/**
 * Solves: quantities computed from others. `paraxialFocus` sets the last thickness so the image
 * plane sits at the paraxial focus (the paraxial marginal ray crosses the axis there):
 *   t = −y N / (N u')  of the marginal ray after the last real surface.
 * The solved thickness's derivative is `dSolvedThickness` in paraxialTangent.ts (it needs the
 * tangent trace, which needs it back).
 */
import type { LensSystem } from '../optics/system.ts';
import { traceParaxial, signedIndexAfter } from './paraxial.ts';
import { axialRayStart } from './rays.ts';

/** Applies the system's solves in place (call after changing parameters). */
export function applySolves(system: LensSystem): void {
  if (system.imageSolve !== 'paraxialFocus') return;
  const w = system.primaryIndex;
  const last = system.surfaces.length - 2;
  const [y0, nu0] = axialRayStart(system, w);
  const r = traceParaxial(system, w, y0, nu0);
  const nu = r.nuAfter[last];
  if (nu !== 0) system.surfaces[last].thickness = (-r.y[last] * signedIndexAfter(system, last, w)) / nu;
}

/** The solved thickness's index when a focus solve is active, else −1. */
export function solvedThicknessSurface(system: LensSystem): number {
  return system.imageSolve === 'paraxialFocus' ? system.surfaces.length - 2 : -1;
}
