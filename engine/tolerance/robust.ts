/**
 * Uncertainty-aware (robust) design: optimize design variables x so that the lens stays good once
 * built, by minimising over K tolerance samples δ₁..δ_K (Monte Carlo trials of the spec's
 * distributions, fixed for the whole run: common random numbers, so the objective is a smooth,
 * deterministic function of x) the expected criterion
 * - mean:      Φ(x) = (1/K) Σ_k C(x, δ_k), or
 * - quantile q (the upper-tail mean, CVaR_q): the mean over the ⌈(1 − q)K⌉ samples with the largest
 *   criterion at x (a continuous, piecewise smooth upper bound of the q-quantile),
 * where C is the criterion with the compensators c_k*(x) re-optimized for sample k (warm-started
 * from the previous evaluation).
 *
 * As a least-squares problem: with r_k the criterion's weighted residuals at sample k, an RMS
 * criterion C = |r_k| becomes the rows r̃_k = √w_k r_k / √|r_k| (Σ|r̃_k|² = Σ w_k C_k) with the exact
 * Jacobian J̃_k = √w_k (I − ½ r̂_k r̂_kᵀ) J_k / √|r_k|, r̂ = r/|r|; a merit criterion (C = |r|²) keeps
 * the rows √w_k r_k. J_k is the exact adjoint Jacobian with respect to x through the perturbed lens,
 * projected out of the compensators' range, J_k = (I − J_c J_c⁺) J_x (variable projection, Golub &
 * Pereyra 1973, Kaufman's form); since J_cᵀ r_k = 0 at c_k*, 2 J̃_kᵀ r̃_k is the exact gradient of
 * w_k C_k with compensation (envelope theorem).
 *
 * Options: a cap on the nominal criterion (a one-sided penalty row on the unperturbed lens, itself
 * compensated), and constraints of the nominal design (EFL, thickness bounds, ...) appended as
 * they are, so they hold for the design itself rather than on average.
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
  /**
   * Optional cap on the (compensated) criterion of the unperturbed design, in criterion units: a
   * penalty row √W·max(0, C₀(x) − cap) with W = 1e4 / cap, so that exceeding the cap by 1 % costs
   * about as much as the criterion itself.
   */
  nominalCap?: number;
}

export interface RobustProblem {
  problem: LeastSquaresProblem;
  /** The samples δ_k (spec units). */
  samples: Float64Array[];
  /** Criterion value of each sample at the last evaluation. */
  values: Float64Array;
  /** Samples weighted at the last evaluation (all, or the upper tail). */
  active: number[];
  /** The unperturbed design's criterion at the last evaluation (with `nominalCap`; else NaN). */
  nominal: number;
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
  const rms = evaluator.criterion.kind === 'rms';
  const samples = Array.from({ length: K }, (_, k) => sampleTrial(tol.sampled, o.seed, k));
  const comps = samples.map(() => new Float64Array(C));
  const values = new Float64Array(K);
  const capRows = o.nominalCap !== undefined ? 1 : 0;
  const mc = o.constraints?.nResiduals ?? 0;
  const rows = K * m + capRows + mc;
  const r = new Float64Array(rows);
  const J = new Float64Array(rows * n);
  const rk = Array.from({ length: K }, () => new Float64Array(m));
  const jk = Array.from({ length: K }, () => new Float64Array(m * n));
  const nTail = o.quantile === undefined ? K : Math.max(1, Math.ceil((1 - o.quantile) * K - 1e-9));
  const out: RobustProblem = { problem: null as unknown as LeastSquaresProblem, samples, values, active: [], nominal: NaN };
  const zero = new Float64Array(model.operands.length);
  const nominalComp = new Float64Array(C);
  const r0 = new Float64Array(m), j0 = new Float64Array(m * n);

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

  /** Residuals (and projected Jacobian) of one perturbed lens, compensated from `comp` (updated). */
  const sample = (delta: Float64Array, comp: Float64Array, rOut: Float64Array, jOut: Float64Array | null): number => {
    const res = evaluator.evaluate(delta, comp);
    comp.set(res.comp);
    if (jOut) {
      const lin = evaluator.linearize(delta, comp, 'compensators+design');
      rOut.set(lin.r);
      projected(lin.jDesign, lin.jCompensators, jOut);
    } else {
      rOut.set(evaluator.lastResiduals);
    }
    return res.value;
  };

  /** ∇C (length n) of an RMS criterion C = |r| from its rows: rᵀJ / |r|. */
  const gradRms = (rr: Float64Array, jj: Float64Array): Float64Array => {
    let ss = 0;
    for (let i = 0; i < m; i++) ss += rr[i] * rr[i];
    const norm = Math.sqrt(ss);
    const g = new Float64Array(n);
    if (!(norm > 0)) return g;
    for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) g[j] += rr[i] * jj[i * n + j];
    for (let j = 0; j < n; j++) g[j] /= norm;
    return g;
  };

  out.problem = {
    nVariables: n,
    nResiduals: rows,
    lower: o.lower,
    upper: o.upper,
    scale: o.scale,
    evaluate(x, wantJacobian) {
      for (let j = 0; j < n; j++) model.designOffsets[j] = x[j] - o.x0[j];
      for (let k = 0; k < K; k++) values[k] = sample(samples[k], comps[k], rk[k], wantJacobian ? jk[k] : null);
      const order = Array.from({ length: K }, (_, k) => k).sort((a, b) => values[b] - values[a] || a - b);
      out.active = order.slice(0, nTail).sort((a, b) => a - b);
      r.fill(0);
      if (wantJacobian) J.fill(0);
      for (const k of out.active) {
        const rr = rk[k], jj = jk[k];
        let ss = 0;
        for (let i = 0; i < m; i++) ss += rr[i] * rr[i];
        // RMS criterion: rows r/√|r| (Σ = |r| = C); merit criterion: rows r (Σ = |r|² = C).
        const norm = Math.sqrt(ss);
        const f = Math.sqrt(1 / nTail) / (rms && norm > 0 ? Math.sqrt(norm) : 1);
        for (let i = 0; i < m; i++) r[k * m + i] = f * rr[i];
        if (!wantJacobian) continue;
        const base = k * m * n;
        for (let i = 0; i < m * n; i++) J[base + i] = f * jj[i];
        if (rms && norm > 0) {
          // − ½ r̂ (r̂ᵀ J): the derivative of the 1/√|r| scaling.
          const rj = new Float64Array(n);
          for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) rj[j] += rr[i] * jj[i * n + j];
          for (let i = 0; i < m; i++) {
            const c = (0.5 * f * rr[i]) / ss;
            for (let j = 0; j < n; j++) J[base + i * n + j] -= c * rj[j];
          }
        }
      }
      let row = K * m;
      if (o.nominalCap !== undefined) {
        out.nominal = sample(zero, nominalComp, r0, wantJacobian ? j0 : null);
        const W = Math.sqrt(1e4 / o.nominalCap);
        const excess = out.nominal - o.nominalCap;
        if (excess > 0) {
          r[row] = W * excess;
          if (wantJacobian) {
            const g = rms ? gradRms(r0, j0) : (() => {
              const gg = new Float64Array(n);
              for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) gg[j] += 2 * r0[i] * j0[i * n + j];
              return gg;
            })();
            for (let j = 0; j < n; j++) J[row * n + j] = W * g[j];
          }
        }
        row++;
      }
      if (o.constraints) {
        const c = o.constraints.evaluate(x, wantJacobian);
        r.set(c.residuals, row);
        if (wantJacobian) J.set(c.jacobian!, row * n);
      }
      for (let i = 0; i < r.length; i++) if (!Number.isFinite(r[i])) r[i] = 1e3;
      return { residuals: r, jacobian: wantJacobian ? J : undefined };
    },
  };
  return out;
}
