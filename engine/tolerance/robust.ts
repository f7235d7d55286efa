/**
 * Uncertainty-aware (robust) design: optimize design variables x so that the lens stays good once
 * built, by minimising over K tolerance samples δ₁..δ_K (Monte Carlo trials of the spec's
 * distributions, fixed for the whole run: common random numbers, so the objective is a smooth,
 * deterministic function of x) the
 * - mean:      Φ(x) = (1/K) Σ_k |r(x, δ_k, c_k*(x))|², or
 * - quantile q (the upper-tail mean, CVaR_q): the mean over the ⌈(1 − q)K⌉ samples with the largest
 *   criterion at x (a continuous, piecewise smooth upper bound of the q-quantile),
 * where c_k*(x) are the compensators re-optimized for sample k (warm-started from the previous
 * evaluation) and r the criterion's weighted residuals, so |r|² is the criterion² (RMS spot) or the
 * merit. As a least-squares problem the residuals are √w_k r_k; the Jacobian is the exact adjoint
 * Jacobian with respect to x through each perturbed lens, projected out of the compensators' range,
 * J_k = (I − J_c J_c⁺) J_x (variable projection, Golub & Pereyra 1973; Kaufman's form), whose
 * gradient 2 J_kᵀ r_k is the exact gradient of |r_k|² with compensation (envelope theorem:
 * J_cᵀ r_k = 0 at c_k*). Constraints of the nominal design (EFL, thickness bounds, ...) are
 * appended as they are, so they hold for the design itself rather than on average.
 */
import { solveSymmetric } from '../optimize/linalg.ts';
import type { LeastSquaresProblem } from '../optimize/problem.ts';
import { sampleTrial } from './sampling.ts';
import type { Tolerancing } from './setup.ts';

export interface RobustOptions {
  /** Number of tolerance samples K (≥ 1). */
  samples: number;
  /** Seed of the samples (trials 0..K−1 of that seeded sequence). */
  seed: number;
  /** Upper-tail mean above this quantile (0 < q < 1); absent: the mean over all samples. */
  quantile?: number;
  /** Nominal design values x₀ (internal units) and, per variable, bounds and a typical scale. */
  x0: Float64Array;
  lower?: Float64Array;
  upper?: Float64Array;
  scale?: Float64Array;
  /**
   * Optional residuals of the nominal lens over the same x (the merit's constraints and targets,
   * e.g. EFL), appended unweighted: the design must still meet them.
   */
  constraints?: LeastSquaresProblem;
}

export interface RobustProblem {
  problem: LeastSquaresProblem;
  /** The samples δ_k (spec units). */
  samples: Float64Array[];
  /** Criterion value of each sample at the last evaluation. */
  values: Float64Array;
  /** Samples weighted at the last evaluation (all, or the upper tail). */
  active: number[];
}

/**
 * The robust objective of a tolerancing setup whose model carries design variables.
 * @throws RangeError for K < 1, q outside (0, 1), or a model without design variables
 */
export function buildRobustProblem(tol: Tolerancing, o: RobustOptions): RobustProblem {
  const { model, evaluator } = tol;
  const n = model.design.length;
  const K = o.samples;
  if (!(Number.isInteger(K) && K >= 1)) throw new RangeError(`the number of samples must be a positive integer (got ${K})`);
  if (o.quantile !== undefined && !(o.quantile > 0 && o.quantile < 1)) throw new RangeError(`the quantile must be in (0, 1) (got ${o.quantile})`);
  if (n === 0) throw new RangeError('robust design needs design variables');
  const C = model.compensators.length;
  const m = evaluator.criterion.nResiduals;
  const samples = Array.from({ length: K }, (_, k) => sampleTrial(tol.sampled, o.seed, k));
  const comps = samples.map(() => new Float64Array(C));
  const values = new Float64Array(K);
  const mc = o.constraints?.nResiduals ?? 0;
  const r = new Float64Array(K * m + mc);
  const J = new Float64Array((K * m + mc) * n);
  const rk = Array.from({ length: K }, () => new Float64Array(m));
  const jk = Array.from({ length: K }, () => new Float64Array(m * n));
  const nTail = o.quantile === undefined ? K : Math.max(1, Math.ceil((1 - o.quantile) * K - 1e-9));
  const out: RobustProblem = { problem: null as unknown as LeastSquaresProblem, samples, values, active: [] };

  const projected = (jd: Float64Array, jc: Float64Array, into: Float64Array) => {
    into.set(jd);
    if (C === 0) return;
    const A = new Float64Array(C * C), G = new Float64Array(C * n), Y = new Float64Array(C * n);
    for (let i = 0; i < m; i++) {
      for (let a = 0; a < C; a++) {
        const ca = jc[i * C + a];
        if (ca === 0) continue;
        for (let b = 0; b < C; b++) A[a * C + b] += ca * jc[i * C + b];
        for (let j = 0; j < n; j++) G[a * n + j] += ca * jd[i * n + j];
      }
    }
    const col = new Float64Array(C), sol = new Float64Array(C);
    for (let j = 0; j < n; j++) {
      for (let a = 0; a < C; a++) col[a] = G[a * n + j];
      solveSymmetric(A, C, col, sol);
      for (let a = 0; a < C; a++) Y[a * n + j] = sol[a];
    }
    for (let i = 0; i < m; i++) for (let a = 0; a < C; a++) for (let j = 0; j < n; j++) into[i * n + j] -= jc[i * C + a] * Y[a * n + j];
  };

  out.problem = {
    nVariables: n,
    nResiduals: K * m + mc,
    lower: o.lower,
    upper: o.upper,
    scale: o.scale,
    evaluate(x, wantJacobian) {
      for (let j = 0; j < n; j++) model.designOffsets[j] = x[j] - o.x0[j];
      for (let k = 0; k < K; k++) {
        const res = evaluator.evaluate(samples[k], comps[k]);
        comps[k].set(res.comp);
        values[k] = res.value;
        if (wantJacobian) {
          const lin = evaluator.linearize(samples[k], comps[k], 'compensators+design');
          rk[k].set(lin.r);
          projected(lin.jDesign, lin.jCompensators, jk[k]);
        } else {
          rk[k].set(evaluator.lastResiduals);
        }
      }
      const order = Array.from({ length: K }, (_, k) => k).sort((a, b) => values[b] - values[a] || a - b);
      out.active = order.slice(0, nTail).sort((a, b) => a - b);
      r.fill(0);
      if (wantJacobian) J.fill(0);
      const sw = Math.sqrt(1 / nTail);
      for (const k of out.active) {
        for (let i = 0; i < m; i++) r[k * m + i] = sw * rk[k][i];
        if (wantJacobian) for (let i = 0; i < m * n; i++) J[k * m * n + i] = sw * jk[k][i];
      }
      if (o.constraints) {
        const c = o.constraints.evaluate(x, wantJacobian);
        r.set(c.residuals, K * m);
        if (wantJacobian) J.set(c.jacobian!, K * m * n);
      }
      for (let i = 0; i < r.length; i++) if (!Number.isFinite(r[i])) r[i] = 1e3;
      return { residuals: r, jacobian: wantJacobian ? J : undefined };
    },
  };
  return out;
}
