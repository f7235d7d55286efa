/**
 * The lens side of a studio optimization run: the merit spec (given, saved with the lens, or the
 * default merit), the variables (the lens's V flags, or whole groups), and the least-squares
 * problem with its exact Jacobian (engine/optimize/meritProblem.ts). The problem gets its own
 * LensSystem, because evaluating it writes the variables into the system; the session's system,
 * which `analyze` reads between optimizer steps, is never touched.
 */
import type { Prescription } from '../../engine/io/prescription.ts';
import { buildMeritProblem, paramLabel, type MeritProblem } from '../../engine/optimize/meritProblem.ts';
import { MeritSpec } from '../../engine/io/meritSpecSchema.ts';
import type { OptimizeResult, ProgressEvent } from '../../engine/optimize/problem.ts';
import { formatPath } from '../../engine/io/jsonText.ts';
import { runOptimizer } from '../../engine/optimize/run.ts';
import type { OptimizeOptions, VariableValue } from '../contract/studioApi.ts';
import { buildLensSystem } from './engineIo.ts';

export interface LensOptimization {
  merit: MeritProblem;
  /** Runs the chosen optimizer (damped least squares or Adam) until done, stopped or aborted. */
  run(signal: AbortSignal, onProgress: (e: ProgressEvent) => void): Promise<OptimizeResult>;
  /** The prescription with variables x (solves applied). */
  apply(x: Float64Array): Prescription;
  describeVariables(x: Float64Array): VariableValue[];
}

/**
 * Sets up an optimization of `p`.
 * @throws Error with a readable message: an invalid merit spec (with its JSON path), nothing to vary
 */
export function createLensOptimization(p: Prescription, options: OptimizeOptions): LensOptimization {
  const raw = options.merit ?? p.merit ?? { defaultMerit: {} };
  const parsed = MeritSpec.safeParse(raw);
  if (!parsed.success) {
    const i = parsed.error.issues[0];
    throw new Error(`merit function: ${formatPath(['merit', ...i.path])}: ${i.message}`);
  }
  const vary = options.vary && options.vary !== 'flags' ? options.vary : undefined;
  const merit = buildMeritProblem(buildLensSystem(p), parsed.data, vary);
  // Checked against API_LIMITS by the session (app/contract/apiLimits.ts).
  const iterations = options.maxIterations ?? 50;
  return {
    merit,
    run: (signal, onProgress) => runOptimizer(merit.problem, merit.x0, { algorithm: options.method ?? 'dls', iterations, signal, onProgress }),
    apply: (x) => merit.apply(x),
    describeVariables: (x) => merit.variables.map((v, j) => ({ name: paramLabel(v), value: x[j] })),
  };
}
