/**
 * Running an optimization of a lens: the runner shared by `lens-studio optimize`
 * (app/cli/commands/optimize.ts) and the studio's engine host (app/host/lensOptimization.ts).
 *
 * - {@link runOptimizer}: damped least squares or Adam on a least-squares problem.
 * - {@link prepareLensOptimization} and {@link optimizeLens}: a whole run on a lens, including the
 *   glass choice: glass varies as a model glass (nd, Vd) inside the catalogs' glass region, then
 *   each is replaced by the nearest catalog glass and the other variables are re-optimized
 *   (engine/optimize/glassChoice.ts).
 * - {@link summarizeLens}: EFL and polychromatic RMS spot per field, for before/after reports.
 *
 * The lens-specific part (a LensSystem, a merit spec and `--vary` groups → a least-squares problem)
 * is a {@link MeritProblemBuilder} handed in by the caller, normally meritProblem.ts's
 * `buildMeritProblem`; tests hand in toy problems. Pure: no Node built-ins, no I/O.
 */
import { firstOrder } from '../analysis/firstOrder.ts';
import { spotDiagram } from '../analysis/spot.ts';
import type { Prescription } from '../io/prescription.ts';
import type { GlassLibrary } from '../materials/glassLibrary.ts';
import type { LensSystem } from '../optics/system.ts';
import { buildSystem } from '../paraxial/buildSystem.ts';
import { writeBack } from '../optics/writeBack.ts';
import { launchContext } from '../trace/rayAiming.ts';
import { adam, leastSquaresObjective } from './adam.ts';
import { dampedLeastSquares } from './dampedLeastSquares.ts';
import { glassHull, glassRegion, substituteNearestGlasses, toModelGlasses, type GlassHull, type Substitution } from './glassChoice.ts';
import type { BoundViolation, MeritProblem } from './meritProblem.ts';
import type { MeritSpec } from '../io/meritSpecSchema.ts';
import { sumOfSquares, type LeastSquaresProblem, type OperandValue, type OptimizeResult, type ProgressEvent, type StopReason } from './problem.ts';
import { VARY_GROUPS } from './variables.ts';

export interface RunOptions {
  algorithm: 'dls' | 'adam';
  /** Iteration limit (≥ 0). */
  iterations: number;
  signal?: AbortSignal;
  onProgress?: (e: ProgressEvent) => void;
  /** Adam: step per iteration as a fraction of each variable's scale (default 0.01). */
  learningRate?: number;
}

/**
 * Runs the chosen optimizer on a least-squares problem from `x0`: damped least squares, or Adam
 * on Σ r² with a per-variable step of `learningRate` × the variable's scale (|x0| when the problem
 * gives none, at least 1e-3) and the problem's bounds.
 * @returns the best point found; `stopReason` 'cancelled' when `signal` aborted the run
 */
export function runOptimizer(problem: LeastSquaresProblem, x0: Float64Array, o: RunOptions): Promise<OptimizeResult> {
  if (o.algorithm === 'dls') {
    return dampedLeastSquares(problem, x0, { maxIterations: o.iterations, signal: o.signal, onProgress: o.onProgress });
  }
  // Adam's step is about the learning rate per iteration: scale it to each variable's size.
  const rate = o.learningRate ?? 0.01;
  const perVariable = Float64Array.from(x0, (v, j) => rate * (problem.scale?.[j] ?? Math.max(Math.abs(v), 1e-3)));
  return adam(leastSquaresObjective(problem), x0, {
    maxIterations: o.iterations,
    signal: o.signal,
    onProgress: o.onProgress,
    learningRate: perVariable,
    groups: Array.from(x0, (_, j) => j),
    lower: problem.lower,
    upper: problem.upper,
    project: problem.project ? (x) => problem.project!(x) : undefined,
  });
}

/** Why a run ended, in the words of an optical designer's report. */
export function stopReasonWords(reason: StopReason): string {
  return {
    converged: 'converged',
    noImprovement: 'no further improvement',
    stalled: 'stalled (no step lowers the merit)',
    maxIterations: 'iteration limit reached',
    cancelled: 'stopped by the user',
  }[reason];
}

/** A merit to three significant digits, as "1.23e-3". */
export function formatMerit(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  if (v === 0) return '0';
  const [m, e] = v.toExponential(2).split('e');
  return `${m}e${Number(e)}`;
}

/**
 * One line saying how a run went: "merit 1.23e-3 → 4.56e-4 in 37 iterations, stopped: no further
 * improvement" (the merit Σ r², engine/optimize/problem.ts).
 */
export function describeRun(result: Pick<OptimizeResult, 'initialMerit' | 'merit' | 'iterations' | 'stopReason'>): string {
  const it = `${result.iterations} iteration${result.iterations === 1 ? '' : 's'}`;
  return `merit ${formatMerit(result.initialMerit)} → ${formatMerit(result.merit)} in ${it}, ${result.stopReason === 'converged' ? 'converged' : `stopped: ${stopReasonWords(result.stopReason)}`}`;
}

/**
 * What a run needs of a lens's merit problem: meritProblem.ts's {@link MeritProblem}, of which the
 * operand values (for reports) and the variables' kinds (to bound model glasses) are optional.
 */
export type LensMerit = Pick<MeritProblem, 'problem' | 'x0' | 'apply'> & Partial<Pick<MeritProblem, 'operands' | 'violations'>> & { variables?: readonly { kind: string }[] };

/** Builds the merit problem of a lens (meritProblem.ts's `buildMeritProblem`, or a test's toy). */
export type MeritProblemBuilder = (system: LensSystem, spec: MeritSpec, vary: string[], options?: { glassHull?: GlassHull }) => LensMerit;

/** A lens run, set up: the merit problem and what the glass choice needs. */
export interface LensOptimizationSetup {
  merit: LensMerit;
  spec: MeritSpec;
  vary: string[];
  build: MeritProblemBuilder;
  library: GlassLibrary;
  /** True when `vary` includes 'glass': the merit problem's lens has model glasses. */
  varyGlass: boolean;
  /** The prescription's glass catalogs (where substitutes are chosen). */
  catalogs: readonly string[];
}

/**
 * Sets up a run: with 'glass' in `vary`, the lens's glasses become model glasses, the merit gets
 * the glass-region penalty, and nd / Vd variables are bounded by the catalogs' glass region.
 * The merit problem evaluates (and writes into) `system`, or its model-glass copy.
 * @param prescription the prescription `system` was built from
 * @param vary `--vary` groups (empty: the spec's variables, else the lens's variable flags)
 * @throws Error from building the model-glass lens or from `build` (e.g. no variables)
 */
export function prepareLensOptimization(
  prescription: Prescription,
  system: LensSystem,
  library: GlassLibrary,
  spec: MeritSpec,
  vary: string[],
  build: MeritProblemBuilder,
): LensOptimizationSetup {
  const varyGlass = vary.includes('glass');
  const catalogs = prescription.glassCatalogs ?? [];
  const workSystem = varyGlass ? buildSystem(toModelGlasses(prescription, library), library) : system;
  const merit = build(workSystem, spec, vary, varyGlass ? { glassHull: glassHull(library, catalogs) } : undefined);
  if (varyGlass) {
    const region = glassRegion(library, catalogs);
    (merit.variables ?? []).forEach((v, j) => {
      if (v.kind === 'nd') {
        merit.problem.lower![j] = region.ndMin;
        merit.problem.upper![j] = region.ndMax;
      } else if (v.kind === 'vd') {
        merit.problem.lower![j] = region.vdMin;
        merit.problem.upper![j] = region.vdMax;
      }
    });
  }
  return { merit, spec, vary, build, library, varyGlass, catalogs };
}

/** Progress of one optimizer run: `update` per iteration, `stop` when the run ends (even by an error). */
export interface RunProgress {
  update(e: ProgressEvent): void;
  stop(): void;
}

export interface LensRunOptions extends Omit<RunOptions, 'onProgress'> {
  /** Called as each optimizer run starts (a second run follows a glass substitution). */
  progress?: () => RunProgress;
}

export interface LensRunOutcome {
  /**
   * The run: `initialMerit` at the start, `merit` of the final lens, iterations of both runs when
   * glass was substituted, `stopReason` of the last run.
   */
  result: OptimizeResult;
  /** The optimized prescription (catalog glasses after a substitution); `merit` and `meta` as given. */
  prescription: Prescription;
  /** Operand values at the start and at the end, when the merit problem gives them. */
  operandsBefore?: OperandValue[];
  operandsAfter?: OperandValue[];
  /** Model glasses replaced by catalog glasses (empty unless glass varied). */
  substitutions: Substitution[];
  /** Bounds (thickness boundaries, 'lower'/'upper' operands) the final lens still violates. */
  violations: BoundViolation[];
  /** How the run went, in words: describeRun. */
  summary: string;
}

/** Runs one optimizer with its own progress listener, stopped however the run ends. */
async function runWithProgress(merit: LensMerit, o: LensRunOptions): Promise<OptimizeResult> {
  const progress = o.progress?.();
  try {
    return await runOptimizer(merit.problem, merit.x0, {
      algorithm: o.algorithm,
      iterations: o.iterations,
      signal: o.signal,
      learningRate: o.learningRate,
      onProgress: progress ? (e) => progress.update(e) : undefined,
    });
  } finally {
    progress?.stop();
  }
}

/**
 * Optimizes a lens set up by {@link prepareLensOptimization}. When glass varied and the run was
 * not cancelled, each model glass is replaced by the nearest catalog glass and the other `vary`
 * groups are re-optimized (same algorithm and iteration limit).
 * @throws Error from the merit problem or the optimizer
 */
export async function optimizeLens(setup: LensOptimizationSetup, o: LensRunOptions): Promise<LensRunOutcome> {
  const { merit: mp, spec, vary, build, library, catalogs } = setup;
  const operandsBefore = mp.operands?.(mp.x0);
  let result = await runWithProgress(mp, o);
  let operandsAfter = mp.operands?.(result.x);
  let violations = mp.violations?.(result.x) ?? [];
  let optimized = mp.apply(result.x);
  let substitutions: Substitution[] = [];
  if (setup.varyGlass && result.stopReason !== 'cancelled') {
    const substituted = substituteNearestGlasses(optimized, library, catalogs);
    substitutions = substituted.substitutions;
    const rest = vary.filter((g) => g !== 'glass');
    const sys2 = buildSystem(substituted.prescription, library);
    optimized = writeBack(sys2);
    if (rest.length > 0) {
      const mp2 = build(sys2, spec, rest);
      const result2 = await runWithProgress(mp2, o);
      optimized = mp2.apply(result2.x);
      operandsAfter = mp2.operands?.(result2.x);
      violations = mp2.violations?.(result2.x) ?? [];
      result = { ...result2, initialMerit: result.initialMerit, iterations: result.iterations + result2.iterations };
    } else {
      // Only glass varied: report the merit and operands of the substituted lens. The residuals
      // do not depend on which parameters are variables, but a merit problem needs at least one,
      // so it is built on the other groups and evaluated where it stands.
      const mp2 = build(sys2, spec, VARY_GROUPS.filter((g) => g !== 'glass'));
      result = { ...result, merit: sumOfSquares(mp2.problem.evaluate(mp2.x0, false).residuals) };
      operandsAfter = mp2.operands?.(mp2.x0);
      violations = mp2.violations?.(mp2.x0) ?? [];
    }
  }
  return { result, prescription: optimized, operandsBefore, operandsAfter, substitutions, violations, summary: describeRun(result) };
}

/** EFL and polychromatic RMS spot radius per field, for before/after reports. */
export interface LensSummary {
  /** Paraxial EFL, mm. */
  efl: number;
  /** RMS spot radius per field, µm: all wavelengths (weighted), primary-wavelength chief-ray reference; null where rays were lost. */
  rmsSpotUm: (number | null)[];
}

/**
 * Summarises a lens: paraxial EFL and, per field, the polychromatic RMS spot radius
 * √(Σ_w w_w · rms_w² / Σ_w w_w) of hexapolar spots (6 rings) about the primary chief ray.
 */
export function summarizeLens(system: LensSystem): LensSummary {
  const ctx = launchContext(system);
  const rmsSpotUm: (number | null)[] = [];
  for (let f = 0; f < system.fieldY.length; f++) {
    let acc = 0;
    let wsum = 0;
    let ok = true;
    for (let w = 0; w < system.wavelengthsUm.length; w++) {
      const s = spotDiagram(system, f, w, { ctx });
      if (s.rmsRadius === null) ok = false;
      else {
        acc += system.wavelengthWeights[w] * s.rmsRadius ** 2;
        wsum += system.wavelengthWeights[w];
      }
    }
    rmsSpotUm.push(ok && wsum > 0 ? 1000 * Math.sqrt(acc / wsum) : null);
  }
  return { efl: firstOrder(system).efl, rmsSpotUm };
}
