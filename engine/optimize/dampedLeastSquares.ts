/**
 * Damped least squares (Levenberg–Marquardt), the industry-standard local optimizer of lens design.
 *
 * Each iteration linearises the weighted residuals at x, r(x + δ) ≈ r + J δ, and solves
 *
 *   (JᵀJ + λ D) δ = −Jᵀr,
 *
 * with Marquardt's diagonal scaling D = diag(JᵀJ), kept as the running maximum over iterations
 * (Moré, "The Levenberg–Marquardt algorithm: implementation and theory", 1978) so the method is
 * invariant to the units of the variables (curvatures in 1/mm next to thicknesses in mm). The
 * damping λ adapts to the gain ratio ρ = (actual decrease)/(decrease predicted by the linear
 * model) by Nielsen's rule (Madsen, Nielsen & Tingleff, "Methods for non-linear least squares
 * problems", 2004, §3.2): on success λ ← λ·max(1/3, 1 − (2ρ − 1)³), on failure λ ← λ·ν, ν ← 2ν.
 * Optionally, geodesic acceleration (Transtrum & Sethna, arXiv:1201.5885, 2012) adds the second-
 * order correction a/2, with (JᵀJ + λD) a = −Jᵀ r_vv and r_vv the directional second derivative
 * from one extra residual evaluation, accepted when 2‖a‖/‖δ‖ ≤ 0.75.
 *
 * Bounds are handled by projection: a variable at a bound whose descent direction points outward
 * is held fixed for the iteration (the active set), the step of the others is solved for, and the
 * trial point is clamped into the box (then projected onto the problem's own constraints, when it
 * has a `project`). The gain ratio uses the step actually taken, so the damping stays honest. No
 * point outside the bounds is ever evaluated.
 *
 * The normal equations are solved by Cholesky, with a minimum-norm pseudo-inverse fallback when
 * they are singular to working precision (engine/optimize/linalg.ts). The merit is Σ r² (see
 * engine/optimize/problem.ts). The best point is the current point: only decreasing steps are
 * accepted, so a cancelled or stalled run still returns the lowest merit found.
 *
 * Stopping: 'converged' when the last accepted step decreased the merit by less than
 * `relativeTolerance` of it AND the undamped Gauss–Newton step predicts less than that relative
 * decrease too (or is below float64 resolution of x); both are needed, since a heavily damped step
 * on an ill-conditioned problem gains little although much remains. Also 'converged' when the
 * projected gradient vanishes, when the merit has fallen 32 orders of magnitude (round-off of a
 * zero-residual fit), or when no trial decreases the merit and the model agrees nothing is left.
 * 'stalled' when no trial decreases the merit although the model says one should;
 * 'maxIterations'; 'cancelled'.
 */
import { matVec, normalEquations, solveSymmetric } from './linalg.ts';
import {
  checkProblem,
  clampInto,
  now,
  sumOfSquares,
  Yielder,
  type LeastSquaresProblem,
  type OptimizeOptions,
  type OptimizeResult,
  type StopReason,
} from './problem.ts';

export interface DampedLeastSquaresOptions extends OptimizeOptions {
  /** Initial damping λ, relative to the scaling diag(JᵀJ). Default 1e-3. */
  initialDamping?: number;
  /** Add Transtrum's geodesic acceleration (one extra residual evaluation per trial). Default false. */
  geodesicAcceleration?: boolean;
  /** Trials (λ increases) per iteration before giving up. Default 30. */
  maxTrialsPerIteration?: number;
}

const DEFAULTS = { maxIterations: 200, relativeTolerance: 1e-9, yieldEveryMs: 20 };
const LAMBDA_MAX = 1e20;
/** A merit this far below the initial one means the residuals are at round-off of a zero-residual fit. */
const ROUNDOFF_DROP = 1e-32;
/** A Gauss–Newton step this small relative to x (in the D-norm) is below float64 resolution. */
const STEP_RESOLUTION = 1e-13;

/**
 * Minimises Σ r(x)² by damped least squares from x0, within the problem's bounds.
 * @param problem residuals and analytic Jacobian (see {@link LeastSquaresProblem})
 * @param x0 start point, length n (clamped into the bounds first; not modified)
 * @returns the best point found and why the run stopped; never throws for a cancelled run
 * @throws RangeError when sizes or bounds are inconsistent, or the start point's merit is not finite;
 *   Error when `evaluate` returns arrays of the wrong length or no Jacobian when asked
 */
export async function dampedLeastSquares(
  problem: LeastSquaresProblem,
  x0: Float64Array,
  options: DampedLeastSquaresOptions = {},
): Promise<OptimizeResult> {
  const n = problem.nVariables;
  const m = problem.nResiduals;
  const { lower, upper, scale } = problem;
  checkProblem(n, x0, lower, upper, scale);
  const maxIterations = options.maxIterations ?? DEFAULTS.maxIterations;
  const relTol = options.relativeTolerance ?? DEFAULTS.relativeTolerance;
  const maxTrials = options.maxTrialsPerIteration ?? 30;
  const geodesic = options.geodesicAcceleration ?? false;
  const { signal, onProgress } = options;
  const yielder = new Yielder(options.yieldEveryMs ?? DEFAULTS.yieldEveryMs);
  const t0 = now();
  const evaluations = { value: 0, derivative: 0 };

  const call = (pt: Float64Array, wantJacobian: boolean) => {
    const out = problem.evaluate(pt, wantJacobian);
    if (wantJacobian) evaluations.derivative++;
    else evaluations.value++;
    if (out.residuals.length !== m) {
      throw new Error(`evaluate returned ${out.residuals.length} residuals, expected nResiduals = ${m}`);
    }
    if (out.jacobian && out.jacobian.length !== m * n) {
      throw new Error(`evaluate returned a Jacobian of ${out.jacobian.length} entries, expected ${m}×${n}`);
    }
    if (wantJacobian && !out.jacobian) throw new Error('evaluate returned no Jacobian although one was asked for');
    return out;
  };

  const x = clampInto(Float64Array.from(x0), lower, upper);
  problem.project?.(x);
  const r = new Float64Array(m);
  const jac = new Float64Array(m * n);
  {
    const out = call(x, true);
    r.set(out.residuals);
    jac.set(out.jacobian!);
  }
  let f = sumOfSquares(r);
  if (!Number.isFinite(f)) throw new RangeError(`the merit at the start point is not finite (${f})`);
  const initialMerit = f;
  const history = [f];
  let lambda = options.initialDamping ?? 1e-3;
  let nu = 2;

  const emit = (iteration: number) => {
    if (!onProgress) return;
    const xc = Float64Array.from(x);
    const rc = Float64Array.from(r);
    onProgress({
      iteration,
      merit: f,
      x: xc,
      residuals: rc,
      operands: problem.describeOperands?.(xc, rc),
      lambda,
      elapsedMs: now() - t0,
    });
  };
  const finish = (stopReason: StopReason, iterations: number): OptimizeResult => ({
    x: Float64Array.from(x),
    merit: f,
    initialMerit,
    iterations,
    stopReason,
    history,
    evaluations: { ...evaluations },
  });

  emit(0);
  const a = new Float64Array(n * n);
  const g = new Float64Array(n);
  const d = new Float64Array(n);
  const free = new Int32Array(n);
  const af = new Float64Array(n * n);
  const mf = new Float64Array(n * n);
  const rhs = new Float64Array(n);
  const vf = new Float64Array(n);
  const accf = new Float64Array(n);
  const rhsAcc = new Float64Array(n);
  const step = new Float64Array(n);
  const xt = new Float64Array(n);
  const xh = new Float64Array(n);
  const jv = new Float64Array(m);
  const rt = new Float64Array(m);
  const rvv = new Float64Array(m);
  const gn = new Float64Array(n);
  let lastDecreaseSmall = true;
  let lastTrialAccepted = true;

  for (let iteration = 1; iteration <= maxIterations; iteration++) {
    if (signal?.aborted) return finish('cancelled', iteration - 1);
    if (f === 0) return finish('converged', iteration - 1);
    normalEquations(jac, r, m, n, a, g);
    let dMax = 0;
    for (let j = 0; j < n; j++) {
      d[j] = Math.max(d[j], a[j * n + j]);
      dMax = Math.max(dMax, d[j]);
    }
    const dFloor = dMax > 0 ? 1e-12 * dMax : 1;
    // Active set: variables at a bound that the descent direction −g would push outside.
    let nf = 0;
    let gMax = 0;
    for (let j = 0; j < n; j++) {
      const atLow = lower !== undefined && x[j] <= lower[j] && g[j] > 0;
      const atHigh = upper !== undefined && x[j] >= upper[j] && g[j] < 0;
      if (atLow || atHigh) continue;
      free[nf++] = j;
      gMax = Math.max(gMax, Math.abs(g[j]));
    }
    if (nf === 0 || gMax === 0) return finish('converged', iteration - 1);
    for (let p = 0; p < nf; p++) {
      rhs[p] = -g[free[p]];
      for (let q = 0; q < nf; q++) af[p * nf + q] = a[free[p] * n + free[q]];
    }
    // The undamped Gauss–Newton step tells how much the linear model can still gain, −gᵀδ_GN.
    solveSymmetric(af, nf, rhs, gn);
    let gaussNewtonDecrease = 0;
    let stepNorm = 0;
    let xNorm = 0;
    for (let p = 0; p < nf; p++) {
      const j = free[p];
      gaussNewtonDecrease += rhs[p] * gn[p];
      stepNorm += d[j] * gn[p] * gn[p];
      xNorm += d[j] * x[j] * x[j];
    }
    const modelExhausted = !(gaussNewtonDecrease > relTol * f) || stepNorm <= STEP_RESOLUTION ** 2 * xNorm;
    if (modelExhausted && lastDecreaseSmall) return finish('converged', iteration - 1);
    const dampedSystem = (lam: number) => {
      mf.set(af.subarray(0, nf * nf));
      for (let p = 0; p < nf; p++) mf[p * nf + p] += lam * Math.max(d[free[p]], dFloor);
      return mf;
    };

    let accepted = false;
    let noStep = false;
    for (let trial = 0; trial < maxTrials && lambda <= LAMBDA_MAX; trial++) {
      await yielder.maybeYield();
      if (signal?.aborted) return finish('cancelled', iteration - 1);
      solveSymmetric(dampedSystem(lambda), nf, rhs, vf);
      step.fill(0);
      for (let p = 0; p < nf; p++) step[free[p]] = vf[p];

      if (geodesic) {
        const ok = accelerate(step, nf);
        if (ok === 'rejected') {
          lambda *= nu;
          nu *= 2;
          continue;
        }
      }

      // Trial point, clamped into the box and projected onto the problem's constraints; the model
      // is evaluated at the step actually taken.
      for (let j = 0; j < n; j++) {
        xt[j] = x[j] + step[j];
        if (lower && xt[j] < lower[j]) xt[j] = lower[j];
        if (upper && xt[j] > upper[j]) xt[j] = upper[j];
      }
      problem.project?.(xt);
      let moved = false;
      for (let j = 0; j < n; j++) {
        step[j] = xt[j] - x[j];
        if (step[j] !== 0) moved = true;
      }
      if (!moved) {
        noStep = true;
        break;
      }
      matVec(jac, step, m, n, jv);
      let model = 0;
      for (let i = 0; i < m; i++) model += (r[i] + jv[i]) ** 2;
      const predicted = f - model;
      const out = call(xt, lastTrialAccepted);
      let ft = 0;
      for (let i = 0; i < m; i++) {
        rt[i] = out.residuals[i];
        ft += rt[i] * rt[i];
      }
      const rho = predicted > 0 ? (f - ft) / predicted : 1;
      if (Number.isFinite(ft) && ft < f && rho > 1e-4) {
        const decrease = f - ft;
        x.set(xt);
        r.set(rt);
        if (out.jacobian) jac.set(out.jacobian);
        else jac.set(call(x, true).jacobian!);
        lambda *= Math.max(1 / 3, 1 - (2 * Math.min(rho, 1) - 1) ** 3);
        nu = 2;
        lastDecreaseSmall = decrease <= relTol * f;
        f = ft;
        accepted = true;
        lastTrialAccepted = true;
        break;
      }
      lastTrialAccepted = false;
      lambda *= nu;
      nu *= 2;
    }

    if (!accepted) {
      // No decreasing step: a stationary point (converged) or a model that lies (stalled).
      lambda = Math.min(lambda, LAMBDA_MAX);
      const stationary = noStep || modelExhausted || f <= ROUNDOFF_DROP * initialMerit;
      return finish(stationary ? 'converged' : 'stalled', iteration - 1);
    }
    history.push(f);
    emit(iteration);
    if (f <= ROUNDOFF_DROP * initialMerit) return finish('converged', iteration);
  }
  return finish('maxIterations', maxIterations);

  /**
   * Geodesic acceleration on the k free variables: replaces `velocity` (full length n) by v + a/2
   * and returns 'accepted', or 'rejected' when ‖a‖_D > 0.75‖v‖_D / 2 (Transtrum's α = 0.75), or
   * 'skipped' when the probe point x + h v would leave the bounds (the plain step is then used).
   * Uses the damped matrix left in `mf` by the velocity solve.
   */
  function accelerate(velocity: Float64Array, k: number): 'accepted' | 'rejected' | 'skipped' {
    const h = 0.1;
    for (let j = 0; j < n; j++) {
      xh[j] = x[j] + h * velocity[j];
      if ((lower && xh[j] < lower[j]) || (upper && xh[j] > upper[j])) return 'skipped';
    }
    const rh = call(xh, false).residuals;
    matVec(jac, velocity, m, n, jv);
    for (let i = 0; i < m; i++) {
      rvv[i] = (2 / h) * ((rh[i] - r[i]) / h - jv[i]);
      if (!Number.isFinite(rvv[i])) return 'skipped';
    }
    for (let p = 0; p < k; p++) {
      const j = free[p];
      let s = 0;
      for (let i = 0; i < m; i++) s += jac[i * n + j] * rvv[i];
      rhsAcc[p] = -s;
    }
    solveSymmetric(mf, k, rhsAcc, accf);
    let vNorm = 0;
    let aNorm = 0;
    for (let p = 0; p < k; p++) {
      const w = Math.max(d[free[p]], 1e-300);
      vNorm += w * velocity[free[p]] ** 2;
      aNorm += w * accf[p] ** 2;
    }
    if (2 * Math.sqrt(aNorm) > 0.75 * Math.sqrt(vNorm)) return 'rejected';
    for (let p = 0; p < k; p++) velocity[free[p]] += 0.5 * accf[p];
    return 'accepted';
  }
}
