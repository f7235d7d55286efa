/**
 * A design with its nominal thickness compensators written in: robust design leaves the
 * compensated thicknesses (back focus, TTHI) to be re-optimized in every evaluation, so the design
 * it returns is focused only once they are applied. This writes the compensators that optimize the
 * unperturbed lens (ToleranceEvaluator.nominalCompensators, mm) into the thicknesses, so that the
 * lens file's as-designed criterion is the compensated one. A lens whose image distance is a solve
 * keeps its solve; other compensator types (tilts, decenters) are left out (zero at nominal).
 */
import type { Prescription } from '../io/prescription.ts';
import type { Tolerancing } from './setup.ts';

/**
 * @param p the design
 * @param tol its tolerancing setup (prepareTolerancing(p, spec, ...))
 * @returns a copy of `p` with the nominal back-focus / TTHI compensators added to the thicknesses
 */
export function withNominalCompensators(p: Prescription, tol: Tolerancing): Prescription {
  if ((p.imageSolve ?? 'none') !== 'none') return p;
  const comp = tol.evaluator.nominalCompensators();
  const surfaces = p.surfaces.map((s) => ({ ...s }));
  tol.model.compensators.forEach((d, j) => {
    if ((d.type === 'backFocus' || d.type === 'TTHI') && comp[j] !== 0) surfaces[d.surface].thickness += comp[j];
  });
  return { ...p, surfaces };
}
