/**
 * One entry point for every tolerancing analysis: a lens, a tolerance spec and a criterion become
 * the perturbation model, the criterion and the compensating evaluator, plus the operand limits
 * and distributions the analyses read.
 */
import type { Prescription } from '../io/prescription.ts';
import type { ToleranceSpec } from '../io/toleranceSpec.ts';
import type { GlassResolver, LensSystem } from '../optics/system.ts';
import type { MeritSpec } from '../io/meritSpecSchema.ts';
import { meritCriterion, rmsSpotCriterion, type Criterion } from './criterion.ts';
import { mtfCriterion, wavefrontCriterion } from './waveCriteria.ts';
import { ToleranceEvaluator, type EvaluatorOptions } from './evaluator.ts';
import { buildPerturbationModel, type DesignVariable, type PerturbationModel } from './perturbation.ts';
import type { SampledOperand } from './sampling.ts';

/**
 * The criterion: RMS spot radius about the centroid (default) or chief ray, RMS wavefront error,
 * MTF deficit at a frequency (cycles/mm), or a merit spec.
 */
export type CriterionSpec =
  | { type: 'rms-spot'; reference?: 'centroid' | 'chief'; rings?: number; arms?: number }
  | { type: 'wavefront'; rings?: number; arms?: number }
  | { type: 'mtf'; frequency: number; order?: number }
  | { type: 'merit'; spec: MeritSpec; name?: string };

function makeCriterion(system: LensSystem, c: CriterionSpec): Criterion {
  switch (c.type) {
    case 'merit':
      return meritCriterion(system, c.spec, c.name);
    case 'wavefront':
      return wavefrontCriterion(system, { rings: c.rings, arms: c.arms });
    case 'mtf':
      return mtfCriterion(system, { frequency: c.frequency, order: c.order });
    default:
      return rmsSpotCriterion(system, { reference: c.reference, rings: c.rings, arms: c.arms });
  }
}

export interface Tolerancing {
  model: PerturbationModel;
  criterion: Criterion;
  evaluator: ToleranceEvaluator;
  /** [min, max] per operand (spec units). */
  limits: [number, number][];
  /** Limits and distributions, for Monte Carlo. */
  sampled: SampledOperand[];
}

/**
 * @param design design variables (robust design), moved through `model.designOffsets`
 * @throws ToleranceError (from the perturbation model) for a spec that does not fit the lens, or
 *   from a criterion that cannot be evaluated on it (an MTF frequency that cannot be sampled)
 */
export function prepareTolerancing(
  prescription: Prescription,
  spec: ToleranceSpec,
  glass: GlassResolver,
  criterion: CriterionSpec = { type: 'rms-spot' },
  options: EvaluatorOptions = {},
  design: readonly DesignVariable[] = [],
): Tolerancing {
  const model = buildPerturbationModel(prescription, spec, glass, design);
  const crit = makeCriterion(model.system, criterion);
  const comps = spec.compensators ?? [{ type: 'backFocus' as const }];
  const compLower = Float64Array.from(comps, (c) => c.min ?? -Infinity);
  const compUpper = Float64Array.from(comps, (c) => c.max ?? Infinity);
  const evaluator = new ToleranceEvaluator(model, crit, { compLower, compUpper, ...options });
  return {
    model,
    criterion: crit,
    evaluator,
    limits: spec.operands.map((o) => [o.min, o.max]),
    sampled: spec.operands.map((o) => ({ min: o.min, max: o.max, distribution: o.distribution })),
  };
}
