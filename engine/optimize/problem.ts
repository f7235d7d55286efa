/**
 * The contract between a lens (or any model) and the optimizers in this folder.
 *
 * A least-squares problem maps n variables x to m weighted residuals r(x); the optimizers minimise
 * the **merit function**
 *
 *   φ(x) = Σᵢ rᵢ(x)²,
 *
 * where each residual already carries its operand weight as √wᵢ · (valueᵢ − targetᵢ) (for a bound
 * operand, the violation only, 0 when satisfied). This is the plain sum of squares, the quantity
 * damped least squares works with; it is used everywhere in Lens Studio (progress, history,
 * results, the CLI report). OpticStudio instead reports √(Σ wᵢ (valueᵢ − targetᵢ)² / Σ wᵢ); convert
 * with {@link opticStudioMerit} when comparing with it.
 */

/** A weighted nonlinear least-squares problem: minimise Σ rᵢ(x)² over x, lower ≤ x ≤ upper. */
export interface LeastSquaresProblem {
  /** n, the number of variables. */
  readonly nVariables: number;
  /** m, the number of residuals. */
  readonly nResiduals: number;
  /**
   * Weighted residuals r (length m) at x (length n); with `wantJacobian`, also the Jacobian J,
   * row-major m×n, J[i·n + j] = ∂rᵢ/∂xⱼ. Must not throw for a bad x (a ray that misses, a lens
   * whose surfaces cross): it returns finite residuals that penalise the invalid state. A
   * non-finite residual is treated by the optimizers as an unacceptable point (never as a result).
   * The returned arrays may be reused by the problem on the next call.
   */
  evaluate(x: Float64Array, wantJacobian: boolean): { residuals: Float64Array; jacobian?: Float64Array };
  /** Lower bounds on the variables (length n; −Infinity = unbounded). */
  readonly lower?: Float64Array;
  /** Upper bounds on the variables (length n; +Infinity = unbounded). */
  readonly upper?: Float64Array;
  /** Typical magnitude of each variable (length n, > 0): used for step-size tests. */
  readonly scale?: Float64Array;
  /**
   * Optional: moves x (in place, staying within lower/upper) onto constraints the problem can meet
   * exactly by adjusting variables, e.g. a minimum edge thickness by raising that thickness
   * (thicknessBounds.ts). The optimizers call it on the start point and on every trial point,
   * after clamping into the bounds. Must not throw.
   */
  project?(x: Float64Array): void;
  /**
   * Optional: the operands behind the residuals at x, for progress displays. Called only when a
   * progress listener is present, once per iteration, with the residuals just computed at x.
   */
  describeOperands?(x: Float64Array, residuals: Float64Array): OperandValue[];
}

/** One merit operand as a progress display shows it. */
export interface OperandValue {
  /** e.g. "EFL", "RMS_SPOT f1 w2". */
  readonly label: string;
  /** The operand's current value (mm, unitless, ... as the operand is). */
  readonly value: number;
  readonly target: number;
  readonly weight: number;
  /** Share of the merit, Σ of this operand's rᵢ² over the merit (0..1). */
  readonly contribution: number;
}

/** What an optimizer reports once per iteration. */
export interface ProgressEvent {
  /** 1-based iteration number (0 for the report of the starting point). */
  readonly iteration: number;
  /** Merit Σ r² at x (the best point so far). */
  readonly merit: number;
  /** Adam: the loss at the latest iterate (noisy; what a loss curve plots). */
  readonly latest?: number;
  /** The best point so far (a copy the listener may keep). */
  readonly x: Float64Array;
  /** Weighted residuals at x (damped least squares only; a copy). */
  readonly residuals?: Float64Array;
  /** Operand values at x, when the problem implements `describeOperands`. */
  readonly operands?: OperandValue[];
  /** Current Marquardt damping λ (damped least squares only), relative to the scaling diag(D). */
  readonly lambda?: number;
  /** Wall time since the optimizer started, ms. */
  readonly elapsedMs: number;
}

export interface OptimizeOptions {
  /** Iteration cap (an iteration = one Jacobian / gradient evaluation). */
  maxIterations?: number;
  /** Stop when the merit's relative decrease per iteration falls below this. */
  relativeTolerance?: number;
  /** Abort at the next iteration (or evaluation); the best point so far is returned. */
  signal?: AbortSignal;
  /** Called once per iteration (and once for the start, iteration 0). */
  onProgress?: (e: ProgressEvent) => void;
  /**
   * The optimizers are async and hand control back to the event loop at least this often (ms), so
   * that an abort (Ctrl-C, a Stop button, a worker message) can be delivered. Default 20.
   */
  yieldEveryMs?: number;
}

/**
 * Why a run ended: 'converged' (a stationary point: the model or the gradient says nothing is left),
 * 'noImprovement' (Adam: the merit stopped falling for its patience, which is not convergence),
 * 'stalled' (no step lowers the merit although the model says one should), 'maxIterations',
 * 'cancelled'.
 */
export type StopReason = 'converged' | 'maxIterations' | 'cancelled' | 'stalled' | 'noImprovement';

export interface OptimizeResult {
  /** The best point seen (always inside the bounds). */
  x: Float64Array;
  /** Merit Σ r² at x. */
  merit: number;
  /** Merit at the (clamped) starting point. */
  initialMerit: number;
  /** Iterations completed. */
  iterations: number;
  stopReason: StopReason;
  /** Best merit after each iteration; history[0] is the initial merit. */
  history: number[];
  /** Function evaluations made (residuals only / with Jacobian or gradient). */
  evaluations: { value: number; derivative: number };
}

/**
 * OpticStudio's reported merit value √(Σ wᵢ (vᵢ − tᵢ)² / Σ wᵢ) from ours, φ = Σ wᵢ (vᵢ − tᵢ)².
 * @param merit φ = Σ r², r carrying √w
 * @param sumOfWeights Σ wᵢ over the operands (> 0)
 */
export function opticStudioMerit(merit: number, sumOfWeights: number): number {
  return Math.sqrt(merit / sumOfWeights);
}

/** Σ r², the merit of a residual vector. */
export function sumOfSquares(r: Float64Array): number {
  let s = 0;
  for (let i = 0; i < r.length; i++) s += r[i] * r[i];
  return s;
}

/**
 * A helper for the optimizers' cooperative multitasking: resolves after handing the event loop a
 * turn, but only when at least `everyMs` have passed since the last turn (cheap otherwise).
 */
export class Yielder {
  private last = now();
  constructor(private readonly everyMs: number) {}
  /** True when a turn is due. */
  due(): boolean {
    return now() - this.last >= this.everyMs;
  }
  async maybeYield(): Promise<void> {
    if (!this.due()) return;
    await new Promise<void>((resolve) => setTimeout(resolve, 0));
    this.last = now();
  }
}

/** Milliseconds from a monotonic clock (performance.now exists in Node, browsers and workers). */
export function now(): number {
  return globalThis.performance.now();
}

/**
 * Checks a problem's declared sizes, bounds and start point.
 * @throws RangeError naming the first inconsistency (length mismatch, lower > upper, bad scale)
 */
export function checkProblem(
  n: number,
  x0: Float64Array,
  lower: Float64Array | undefined,
  upper: Float64Array | undefined,
  scale: Float64Array | undefined,
): void {
  if (!Number.isInteger(n) || n < 1) throw new RangeError(`nVariables must be a positive integer (got ${n})`);
  if (x0.length !== n) throw new RangeError(`start point has ${x0.length} values, expected nVariables = ${n}`);
  for (let j = 0; j < n; j++) {
    if (!Number.isFinite(x0[j])) throw new RangeError(`start point x[${j}] is not finite (${x0[j]})`);
  }
  for (const [name, b] of [['lower', lower], ['upper', upper], ['scale', scale]] as const) {
    if (b && b.length !== n) throw new RangeError(`${name} has ${b.length} values, expected nVariables = ${n}`);
  }
  for (let j = 0; j < n; j++) {
    const lo = lower ? lower[j] : -Infinity;
    const hi = upper ? upper[j] : Infinity;
    if (Number.isNaN(lo) || Number.isNaN(hi) || lo > hi) {
      throw new RangeError(`bounds of variable ${j} are empty or NaN (lower ${lo}, upper ${hi})`);
    }
    if (scale && !(scale[j] > 0 && Number.isFinite(scale[j]))) {
      throw new RangeError(`scale[${j}] must be a positive finite number (got ${scale[j]})`);
    }
  }
}

/** Clamps x into [lower, upper] in place; returns x. */
export function clampInto(x: Float64Array, lower?: Float64Array, upper?: Float64Array): Float64Array {
  for (let j = 0; j < x.length; j++) {
    if (lower && x[j] < lower[j]) x[j] = lower[j];
    if (upper && x[j] > upper[j]) x[j] = upper[j];
  }
  return x;
}
