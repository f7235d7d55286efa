/**
 * Adam, the first-order optimizer for many variables and end-to-end (lens + network) work.
 *
 * For a scalar loss L(x) with gradient g, each iteration t updates the moment estimates
 *   m ← β₁ m + (1 − β₁) g,   v ← β₂ v + (1 − β₂) g²,
 * and steps x ← x − α_k m̂ / (√v̂ + ε) with the bias corrections m̂ = m / (1 − β₁ᵗ), v̂ = v / (1 − β₂ᵗ)
 * (Kingma & Ba, "Adam: a method for stochastic optimization", ICLR 2015, Algorithm 1). The
 * learning rate α_k belongs to the variable's group k, so curvatures (1/mm), thicknesses (mm) and
 * network weights can move at their own pace. The step is about α_k per iteration whatever the
 * gradient's scale: choose α_k as a sensible change of that variable per iteration.
 *
 * Bounds are kept by projecting every iterate into the box (then onto the problem's constraints,
 * `project`). A non-finite loss or gradient sends the iterate back to the best point with fresh
 * moments (ten in a row: 'stalled'). The best point seen is returned. Stopping: 'converged' only
 * at a stationary point, when a full step along the projected gradient at the best point would
 * change the loss by at most `relativeTolerance` of it (Σⱼ |gⱼ| αⱼ ≤ tol·|L|, variables held at a
 * bound by an outward gradient left out); 'noImprovement' when the best loss has not decreased by
 * more than `relativeTolerance` of itself for `patience` iterations (Adam's steps stay about α
 * long, so it hovers near a minimum rather than converging to it); 'maxIterations'; 'cancelled'.
 */
import {
  checkProblem,
  clampInto,
  now,
  Yielder,
  type LeastSquaresProblem,
  type OptimizeOptions,
  type OptimizeResult,
  type StopReason,
} from './problem.ts';

/** A scalar loss and its gradient (length n) at x. Must not throw; may return a non-finite value. */
export type ScalarObjective = (x: Float64Array) => { value: number; gradient: Float64Array };

export interface AdamOptions extends OptimizeOptions {
  /** Learning rate α (one number, or one per group). Default 1e-3. */
  learningRate?: number | ArrayLike<number>;
  /** Group index (0-based) of each variable, length n; default: all in group 0. */
  groups?: ArrayLike<number>;
  beta1?: number;
  beta2?: number;
  epsilon?: number;
  lower?: Float64Array;
  upper?: Float64Array;
  /** Moves an iterate onto constraints kept exactly (LeastSquaresProblem.project), after the box. */
  project?: (x: Float64Array) => void;
  /** Iterations without a relative improvement > relativeTolerance before stopping. Default 100. */
  patience?: number;
}

const DEFAULTS = { maxIterations: 1000, relativeTolerance: 1e-9, patience: 100, yieldEveryMs: 20 };

/**
 * Minimises a scalar loss with Adam from x0.
 * @param objective loss and gradient (see {@link ScalarObjective})
 * @param x0 start point (clamped into the bounds; not modified)
 * @returns the best point seen and why the run stopped; progress events carry the latest loss in
 *   `latest` and the best so far in `merit`
 * @throws RangeError for inconsistent sizes, bounds, groups or learning rates, or a non-finite
 *   loss at the start point
 */
export async function adam(objective: ScalarObjective, x0: Float64Array, options: AdamOptions = {}): Promise<OptimizeResult> {
  const n = x0.length;
  const { lower, upper, signal, onProgress } = options;
  checkProblem(n, x0, lower, upper, undefined);
  const maxIterations = options.maxIterations ?? DEFAULTS.maxIterations;
  const relTol = options.relativeTolerance ?? DEFAULTS.relativeTolerance;
  const patience = options.patience ?? DEFAULTS.patience;
  const beta1 = options.beta1 ?? 0.9;
  const beta2 = options.beta2 ?? 0.999;
  const eps = options.epsilon ?? 1e-8;
  const rates = learningRates(n, options.learningRate ?? 1e-3, options.groups);
  const yielder = new Yielder(options.yieldEveryMs ?? DEFAULTS.yieldEveryMs);
  const t0 = now();
  let evaluations = 0;

  const x = clampInto(Float64Array.from(x0), lower, upper);
  options.project?.(x);
  const call = () => {
    evaluations++;
    const out = objective(x);
    if (out.gradient.length !== n) throw new Error(`objective returned a gradient of length ${out.gradient.length}, expected ${n}`);
    return out;
  };
  let { value, gradient } = call();
  if (!Number.isFinite(value)) throw new RangeError(`the loss at the start point is not finite (${value})`);
  const g = Float64Array.from(gradient);
  const best = Float64Array.from(x);
  let bestValue = value;
  let reference = value; // best value at the last significant improvement
  const initialMerit = value;
  const history = [value];
  const mom1 = new Float64Array(n);
  const mom2 = new Float64Array(n);
  let t = 0;
  let sinceImprovement = 0;
  let badInARow = 0;

  const emit = (iteration: number) =>
    onProgress?.({ iteration, merit: bestValue, latest: value, x: Float64Array.from(best), elapsedMs: now() - t0 });
  const finish = (stopReason: StopReason, iterations: number): OptimizeResult => ({
    x: Float64Array.from(best),
    merit: bestValue,
    initialMerit,
    iterations,
    stopReason,
    history,
    evaluations: { value: 0, derivative: evaluations },
  });

  /** First-order stationarity at x: a full step along the projected gradient changes L by ≤ tol·|L|. */
  function stationary(at: Float64Array, grad: Float64Array, L: number): boolean {
    let change = 0;
    for (let j = 0; j < n; j++) {
      if ((lower && at[j] <= lower[j] && grad[j] > 0) || (upper && at[j] >= upper[j] && grad[j] < 0)) continue;
      change += Math.abs(grad[j]) * rates[j];
    }
    return change <= relTol * Math.abs(L);
  }

  emit(0);
  if (stationary(x, g, value)) return finish('converged', 0);
  for (let iteration = 1; iteration <= maxIterations; iteration++) {
    await yielder.maybeYield();
    if (signal?.aborted) return finish('cancelled', iteration - 1);
    t++;
    const c1 = 1 - beta1 ** t;
    const c2 = 1 - beta2 ** t;
    for (let j = 0; j < n; j++) {
      mom1[j] = beta1 * mom1[j] + (1 - beta1) * g[j];
      mom2[j] = beta2 * mom2[j] + (1 - beta2) * g[j] * g[j];
      x[j] -= (rates[j] * (mom1[j] / c1)) / (Math.sqrt(mom2[j] / c2) + eps);
    }
    clampInto(x, lower, upper);
    options.project?.(x);
    ({ value, gradient } = call());
    let finite = Number.isFinite(value);
    for (let j = 0; finite && j < n; j++) finite = Number.isFinite(gradient[j]);
    if (!finite) {
      // Back to the best point with fresh moments; its gradient is re-evaluated there.
      if (++badInARow >= 10) return finish('stalled', iteration);
      x.set(best);
      mom1.fill(0);
      mom2.fill(0);
      t = 0;
      ({ value, gradient } = call());
      g.set(gradient);
      history.push(bestValue);
      emit(iteration);
      continue;
    }
    badInARow = 0;
    g.set(gradient);
    if (value < bestValue) {
      bestValue = value;
      best.set(x);
      if (stationary(x, g, value)) {
        history.push(bestValue);
        emit(iteration);
        return finish('converged', iteration);
      }
    }
    if (bestValue < reference - relTol * Math.abs(reference)) {
      reference = bestValue;
      sinceImprovement = 0;
    } else sinceImprovement++;
    history.push(bestValue);
    emit(iteration);
    if (sinceImprovement >= patience) return finish('noImprovement', iteration);
  }
  return finish('maxIterations', maxIterations);
}

/**
 * The merit Σ r² of a least-squares problem as a scalar objective for Adam, with its gradient
 * 2 Jᵀr (one Jacobian evaluation per call).
 */
export function leastSquaresObjective(problem: LeastSquaresProblem): ScalarObjective {
  const n = problem.nVariables;
  const m = problem.nResiduals;
  return (x) => {
    const { residuals, jacobian } = problem.evaluate(x, true);
    if (!jacobian) throw new Error('evaluate returned no Jacobian although one was asked for');
    let value = 0;
    const gradient = new Float64Array(n);
    for (let i = 0; i < m; i++) {
      const ri = residuals[i];
      value += ri * ri;
      for (let j = 0; j < n; j++) gradient[j] += 2 * ri * jacobian[i * n + j];
    }
    return { value, gradient };
  };
}

/** Per-variable learning rates from one rate or one per group. */
function learningRates(n: number, rate: number | ArrayLike<number>, groups?: ArrayLike<number>): Float64Array {
  const perGroup = typeof rate === 'number' ? [rate] : Array.from(rate);
  if (groups && groups.length !== n) throw new RangeError(`groups has ${groups.length} entries, expected ${n}`);
  const out = new Float64Array(n);
  for (let j = 0; j < n; j++) {
    const k = groups ? groups[j] : 0;
    const alpha = typeof rate === 'number' ? rate : perGroup[k];
    if (alpha === undefined) throw new RangeError(`variable ${j} is in group ${k}, which has no learning rate`);
    if (!(alpha >= 0 && Number.isFinite(alpha))) throw new RangeError(`learning rate of group ${k} must be ≥ 0 (got ${alpha})`);
    out[j] = alpha;
  }
  return out;
}
