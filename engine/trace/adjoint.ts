/**
 * Reverse-mode (adjoint) derivatives of a recorded real-ray trace with respect to lens parameters.
 *
 * Given the adjoints of each ray's final state (x̄, ȳ, z̄, l̄, m̄, n̄, ōpl in the image surface's
 * frame), the pass runs the surfaces backwards: refraction d' = μd + gN (or reflection), the normal
 * N = ±G/|G| from the surface's gradient G, and the intersection. The intersection is
 * differentiated implicitly at the converged root, as dO does: with F(p + t d; θ) = 0,
 *   dt = −(∇F·(dp + t dd) + ∂F/∂θ dθ) / (∇F·d),
 * so Newton iterations are never unrolled. Coordinate breaks, thickness transfers and the
 * paraxial ray aiming (EPD, EPL and field via exact paraxial tangents, engine/paraxial/pupilTangent.ts)
 * complete the chain. Lost rays contribute nothing. Cost: about one forward trace per seed.
 *
 * Output: with perRay, out[i·P + j] = Σ_seeds ∂(seeded final state of ray i)/∂θ_j; otherwise the
 * sum over rays out[j]. Units follow the parameters (engine/optics/params.ts).
 *
 * This file runs the pass: it walks the surfaces backwards, sets one AdjointWorkspace
 * (adjointWorkspace.ts) per surface and calls the loop of that surface's kind — adjointConic.ts,
 * adjointAsphere.ts, adjointXY.ts, adjointParaxial.ts, adjointCoordinateBreak.ts — then chains
 * the launch (paraxial aiming, field, object distance, focus solve).
 */
import type { ParamRef } from '../optics/params.ts';
import type { LensSystem } from '../optics/system.ts';
import { aimAdjoint } from './adjointAim.ts';
import { adjointPass, type AdjointSeeds, type LaunchInfo } from './adjointPass.ts';
import type { TraceRecord } from './realTrace.ts';

export type { AdjointSeeds, LaunchInfo } from './adjointPass.ts';

/**
 * Runs the adjoint pass. See the module doc for the meaning of `out`.
 * @param rec the record of a trace that started at surface 0 and ended at the image surface
 * @param out length rays·P (perRay) or P; accumulated into (zero it first)
 */
export function traceAdjoint(
  system: LensSystem,
  rec: TraceRecord,
  launch: LaunchInfo,
  w: number,
  seeds: AdjointSeeds,
  params: readonly ParamRef[],
  out: Float64Array,
  perRay = false,
): Float64Array {
  if (!launch.aimed) return adjointPass(system, rec, launch, w, seeds, params, out, perRay);
  const pupilBar = new Float64Array(2 * rec.size);
  adjointPass(system, rec, launch, w, seeds, params, out, perRay, { pupilBar });
  return aimAdjoint(system, rec, launch, w, pupilBar, params, out, perRay);
}
