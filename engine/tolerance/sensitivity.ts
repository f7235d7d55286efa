/**
 * Sensitivity analysis: every tolerance operand alone at its − and + limits, compensators
 * re-optimized, as OpticStudio's sensitivity table; with
 * - the RSS estimate: ΔC_RSS = √(Σᵢ ΔCᵢ²), ΔCᵢ = max(ΔC⁻ᵢ, ΔC⁺ᵢ, 0) the larger degradation of
 *   operand i at its limits (±2σ for the default normal distribution), and the estimated criterion
 *   C₀ + ΔC_RSS;
 * - the linear (Gauss–Newton) estimate of the same table from one exact Jacobian at the
 *   compensated nominal lens: with r₀ the residuals, J the Jacobian over the operands and J_c over
 *   the compensators, the compensated residuals to first order are P(r₀ + J δ), P = I − J_c J_c⁺
 *   the projection out of the compensators' range (variable projection), so
 *   Σ r² ≈ |P r₀|² + 2δ (P r₀)·(P Jᵢ) + δ² |P Jᵢ|²  — the Gauss–Newton model (exact first
 *   derivatives, JᵀJ for the second).
 */
import { solveSymmetric } from '../optimize/linalg.ts';
import type { ToleranceEvaluator } from './evaluator.ts';

export interface SensitivityRow {
  /** Operand type (TFRN, TSDX, ...), its prescription surface (0-based) and label ("TSDX 3"). */
  operand: string;
  surface: number;
  lastSurface?: number;
  label: string;
  limitMinus: number;
  limitPlus: number;
  /** The compensated criterion at each limit. */
  criterionMinus: number;
  criterionPlus: number;
  /** Compensator values at each limit (spec units, offsets from nominal). */
  compensatorsMinus: number[];
  compensatorsPlus: number[];
  /** The linear (Gauss–Newton) estimate of the criterion at each limit. */
  linearMinus: number;
  linearPlus: number;
}

/**
 * Agreement of the linear estimate with the exact table, as relative errors of the criterion
 * changes |ΔC_lin − ΔC| / |ΔC| at the limits. Operands whose change is first order (the linear
 * term 2δ (P r₀)·(P Jᵢ) at least the quadratic δ²|P Jᵢ|²) are counted apart from those whose
 * change is second order by symmetry (e.g. x decenters of a lens with y fields): Gauss–Newton has
 * the exact first-order term but only JᵀJ of the second. Changes below 1e-6 of the nominal are
 * negligible and not counted.
 */
export interface LinearAgreement {
  firstOrderMaxError: number;
  firstOrderCount: number;
  secondOrderMaxError: number;
  secondOrderCount: number;
  /** |RSS_lin − RSS| / RSS of the estimated change. */
  rssError: number;
}

export interface SensitivityResult {
  /** Criterion of the lens as designed (compensators at zero) and with its compensators optimized. */
  nominalAsDesigned: number;
  nominal: number;
  nominalCompensators: number[];
  rows: SensitivityRow[];
  /** Row indices, worst (largest degradation at either limit) first. */
  worstFirst: number[];
  /** √Σ of each operand's larger degradation, and nominal + that. */
  rssChange: number;
  estimatedCriterion: number;
  /** How well the linear estimate agrees with the exact table (see {@link LinearAgreement}). */
  linearAgreement: LinearAgreement;
  /** Wall times, ms. */
  exactMs: number;
  linearMs: number;
}

const now = () => globalThis.performance.now();

/** The worse (larger) degradation of a row, 0 when both limits improve the criterion. */
export function rowDegradation(row: SensitivityRow, nominal: number): number {
  return Math.max(row.criterionMinus - nominal, row.criterionPlus - nominal, 0);
}

/**
 * The linear estimate of every operand at its limits (criterion values), from one Jacobian.
 * @returns [criterion at min, criterion at max] per operand
 */
export function linearSensitivity(ev: ToleranceEvaluator, limits: readonly [number, number][]): { values: [number, number][]; firstOrder: boolean[] } {
  const D = ev.nOperands, C = ev.nCompensators;
  const comp = ev.nominalCompensators();
  const { r, jOperands, jCompensators } = ev.linearize(new Float64Array(D), comp);
  const m = r.length;
  // P v = v − J_c (J_cᵀ J_c)⁺ J_cᵀ v.
  const A = new Float64Array(C * C);
  for (let i = 0; i < m; i++) for (let a = 0; a < C; a++) for (let b = 0; b < C; b++) A[a * C + b] += jCompensators[i * C + a] * jCompensators[i * C + b];
  const project = (v: Float64Array): Float64Array => {
    if (C === 0) return v;
    const g = new Float64Array(C);
    for (let i = 0; i < m; i++) for (let a = 0; a < C; a++) g[a] += jCompensators[i * C + a] * v[i];
    const x = new Float64Array(C);
    solveSymmetric(A, C, g, x);
    const out = Float64Array.from(v);
    for (let i = 0; i < m; i++) for (let a = 0; a < C; a++) out[i] -= jCompensators[i * C + a] * x[a];
    return out;
  };
  const pr = project(r);
  let rr = 0;
  for (let i = 0; i < m; i++) rr += pr[i] * pr[i];
  const col = new Float64Array(m);
  const firstOrder: boolean[] = [];
  const values = limits.map(([lo, hi], j): [number, number] => {
    for (let i = 0; i < m; i++) col[i] = jOperands[i * D + j];
    const pj = project(col);
    let rj = 0, jj = 0;
    for (let i = 0; i < m; i++) {
      rj += pr[i] * pj[i];
      jj += pj[i] * pj[i];
    }
    const at = (d: number) => ev.criterion.value(Math.max(0, rr + 2 * d * rj + d * d * jj));
    const d = Math.max(Math.abs(lo), Math.abs(hi));
    firstOrder.push(2 * Math.abs(rj) * d >= d * d * jj);
    return [at(lo), at(hi)];
  });
  return { values, firstOrder };
}

/**
 * The sensitivity table of every operand at its spec limits.
 * @param limits [min, max] per operand (spec units)
 * @param onProgress called after each operand (done, total)
 */
export function sensitivity(ev: ToleranceEvaluator, limits: readonly [number, number][], onProgress?: (done: number, total: number) => void): SensitivityResult {
  const D = ev.nOperands;
  const zero = new Float64Array(D);
  const asDesigned = ev.evaluateFixed(zero, new Float64Array(ev.nCompensators));
  const comp0 = ev.nominalCompensators();
  const nominal = ev.evaluate(zero, comp0).value;
  const t0 = now();
  const delta = new Float64Array(D);
  const exact: { c: [number, number]; comps: [number[], number[]] }[] = [];
  for (let j = 0; j < D; j++) {
    const res: number[] = [];
    const comps: number[][] = [];
    for (const v of limits[j]) {
      delta.fill(0);
      delta[j] = v;
      const e = ev.evaluate(delta, comp0);
      res.push(e.value);
      comps.push(Array.from(e.comp));
    }
    exact.push({ c: [res[0], res[1]], comps: [comps[0], comps[1]] });
    onProgress?.(j + 1, D);
  }
  const exactMs = now() - t0;
  const t1 = now();
  const lin = linearSensitivity(ev, limits);
  const linearMs = now() - t1;
  const rows: SensitivityRow[] = ev.model.operands.map((d, j) => ({
    operand: d.type,
    surface: d.surface,
    ...(d.lastSurface !== undefined ? { lastSurface: d.lastSurface } : {}),
    label: d.label,
    limitMinus: limits[j][0],
    limitPlus: limits[j][1],
    criterionMinus: exact[j].c[0],
    criterionPlus: exact[j].c[1],
    compensatorsMinus: exact[j].comps[0],
    compensatorsPlus: exact[j].comps[1],
    linearMinus: lin.values[j][0],
    linearPlus: lin.values[j][1],
  }));
  const worstFirst = rows.map((_, i) => i).sort((a, b) => rowDegradation(rows[b], nominal) - rowDegradation(rows[a], nominal) || a - b);
  const rssChange = Math.sqrt(rows.reduce((s, row) => s + rowDegradation(row, nominal) ** 2, 0));
  const agreement: LinearAgreement = { firstOrderMaxError: 0, firstOrderCount: 0, secondOrderMaxError: 0, secondOrderCount: 0, rssError: 0 };
  let rssLin = 0;
  rows.forEach((row, j) => {
    rssLin += Math.max(row.linearMinus - nominal, row.linearPlus - nominal, 0) ** 2;
    let counted = false, err = 0;
    for (const [e, l] of [[row.criterionMinus, row.linearMinus], [row.criterionPlus, row.linearPlus]]) {
      const change = Math.abs(e - nominal);
      if (!(change > 1e-6 * Math.abs(nominal))) continue;
      counted = true;
      err = Math.max(err, Math.abs(l - e) / change);
    }
    if (!counted) return;
    if (lin.firstOrder[j]) {
      agreement.firstOrderCount++;
      agreement.firstOrderMaxError = Math.max(agreement.firstOrderMaxError, err);
    } else {
      agreement.secondOrderCount++;
      agreement.secondOrderMaxError = Math.max(agreement.secondOrderMaxError, err);
    }
  });
  agreement.rssError = rssChange > 0 ? Math.abs(Math.sqrt(rssLin) - rssChange) / rssChange : 0;
  return {
    nominalAsDesigned: asDesigned,
    nominal,
    nominalCompensators: Array.from(comp0),
    rows,
    worstFirst,
    rssChange,
    estimatedCriterion: nominal + rssChange,
    linearAgreement: agreement,
    exactMs,
    linearMs,
  };
}
