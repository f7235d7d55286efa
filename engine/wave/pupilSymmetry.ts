/**
 * Whether the OPD of a field is mirror-symmetric in the pupil, W(−Px, Py) = W(Px, Py): true for a
 * field on the y axis of a system without x-decenters, tilts about y or z, or XY-polynomial terms
 * odd in x. Then only the half pupil Px ≥ 0 needs tracing. (engine/optimize/operands/rmsSpot.ts has
 * the same test for its quadrature.)
 */
import type { LensSystem } from '../optics/system.ts';

export function pupilMirrorSymmetricInX(system: LensSystem, f: number): boolean {
  if (system.fieldX[f] !== 0) return false;
  return system.surfaces.every((s) => {
    if (s.kind === 'coordinateBreak') return s.decenterX === 0 && s.tiltY === 0 && s.tiltZ === 0;
    if (s.kind === 'xyPolynomial') {
      let idx = 0;
      for (let j = 0; idx < s.xy.length; j++) for (let i = 0; i <= j; i++, idx++) if (i % 2 === 1 && s.xy[idx] !== 0) return false;
    }
    return true;
  });
}
