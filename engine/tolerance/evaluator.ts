/**
 * The criterion of a perturbed lens with its compensators re-optimized: the unit of work of every
 * tolerancing analysis (sensitivity, inverse sensitivity, Monte Carlo, robust design).
 *
 * Compensation is damped least squares (Levenberg–Marquardt with Marquardt's scaling and Nielsen's
 * damping update, as engine/optimize/dampedLeastSquares.ts) on the compensators alone, with the
 * exact Jacobian J_c = (∂r/∂params)·(∂params/∂c) from the adjoint, warm-started from the caller's
 * values (the nominal compensators by default). It is synchronous and allocation-light, since a
 * Monte Carlo run calls it thousands of times. It stops when the undamped Gauss–Newton step
 * predicts a relative decrease of Σ r² below `tolerance` (default 1e-14), or after `maxIterations`
 * (default 20). Compensator bounds (spec units, relative to nominal) clamp every step. For a
 * large-residual criterion (Criterion.largeResidual, e.g. an MTF deficit, whose residuals are far
 * from zero and curved at the optimum) the model Hessian JᵀJ gains the structured secant term S ≈
 * Σ rᵢ∇²rᵢ of Dennis, Gay & Welsch (NL2SOL, 1981) whenever JᵀJ + S stays positive definite, so the
 * compensators converge superlinearly instead of linearly.
 */
import type { ParamRef } from '../optics/params.ts';
import { solveSymmetric } from '../optimize/linalg.ts';
import { coordinateBreakRotation } from '../trace/coordinateBreak.ts';
import type { Criterion } from './criterion.ts';
import type { PerturbationModel } from './perturbation.ts';

export interface CompensatedResult {
  /** The criterion value (e.g. RMS spot radius in mm). */
  value: number;
  /** Σ r² at the compensated point. */
  sumOfSquares: number;
  /** Compensator values (spec units, offsets from nominal). */
  comp: Float64Array;
  /** Compensation iterations used. */
  iterations: number;
}

export interface EvaluatorOptions {
  maxIterations?: number;
  tolerance?: number;
  /** Always use damped least squares, even for the back focus alone (tests compare the two). */
  generic?: boolean;
  /** Bounds of each compensator (spec units); default unbounded. */
  compLower?: Float64Array;
  compUpper?: Float64Array;
}

/** Residuals and Jacobians of a perturbed lens: J_op m×D (operands), J_c m×C (compensators), J_x m×n (design). */
export interface Linearization {
  r: Float64Array;
  jOperands: Float64Array;
  jCompensators: Float64Array;
  jDesign: Float64Array;
}

/** Restricts a params × dofs matrix to the rows of the params some dof moves. */
function subset(model: PerturbationModel, which: 'operands' | 'compensators'): { params: ParamRef[]; rows: number[] } {
  const dofs = which === 'operands' ? model.operands : model.compensators;
  const rows = [...new Set(dofs.flatMap((d) => d.refs))].sort((a, b) => a - b);
  return { params: rows.map((i) => model.params[i]), rows };
}

/**
 * When the back focus is the only compensator, its thickness sits right before the image (or
 * before an image-tilt break of zero thickness) and the image is an unclipped plane: the index of
 * that break (−1 for none); else null.
 */
function refocusBreak(model: PerturbationModel, criterion: Criterion): number | null {
  if (model.compensators.length !== 1 || !criterion.refocusSlopes) return null;
  const d = model.compensators[0];
  if ((d.type !== 'backFocus' && d.type !== 'TTHI') || d.refs.length !== 1 || d.coefs[0] !== 1) return null;
  const p = model.params[d.refs[0]];
  const surfaces = model.system.surfaces;
  const ns = surfaces.length;
  const image = surfaces[ns - 1];
  if (p.kind !== 'thickness' || image.c !== 0 || Number.isFinite(image.semiDiameter)) return null;
  if (p.surface === ns - 2) return -1;
  const cb = surfaces[ns - 2];
  if (p.surface === ns - 3 && cb.kind === 'coordinateBreak' && cb.thickness === 0) return ns - 2;
  return null;
}

/** gᵀd + ½ dᵀH d (the model change of ½ Σ r² for a step d). */
function quadratic(H: Float64Array, g: Float64Array, d: Float64Array, C: number): number {
  let q = 0;
  for (let j = 0; j < C; j++) {
    let hd = 0;
    for (let k = 0; k < C; k++) hd += H[j * C + k] * d[k];
    q += g[j] * d[j] + 0.5 * d[j] * hd;
  }
  return q;
}

export class ToleranceEvaluator {
  readonly nOperands: number;
  readonly nCompensators: number;
  private readonly m: number;
  private readonly compParams: ParamRef[];
  private readonly compRows: number[];
  private readonly r: Float64Array;
  private readonly rTrial: Float64Array;
  private readonly jp: Float64Array;
  private readonly jc: Float64Array;
  private readonly jcTrial: Float64Array;
  private readonly maxIterations: number;
  private readonly tolerance: number;
  private nominalComp: Float64Array | null = null;
  /** Where the exact refocus applies: the image-tilt break (−1 none), or null when it does not. */
  private readonly refocus: number | null;

  constructor(
    readonly model: PerturbationModel,
    readonly criterion: Criterion,
    private readonly options: EvaluatorOptions = {},
  ) {
    this.nOperands = model.operands.length;
    this.nCompensators = model.compensators.length;
    this.m = criterion.nResiduals;
    ({ params: this.compParams, rows: this.compRows } = subset(model, 'compensators'));
    this.r = new Float64Array(this.m);
    this.rTrial = new Float64Array(this.m);
    this.jp = new Float64Array(this.m * this.compParams.length);
    this.jc = new Float64Array(this.m * this.nCompensators);
    this.jcTrial = new Float64Array(this.m * this.nCompensators);
    this.maxIterations = options.maxIterations ?? 20;
    this.tolerance = options.tolerance ?? 1e-14;
    this.refocus = options.generic ? null : refocusBreak(model, criterion);
  }

  /** Σ r² (and J_c) at (δ, c); writes r and jc. */
  private residuals(delta: ArrayLike<number>, comp: Float64Array, r: Float64Array, jc: Float64Array | null): number {
    const { model, criterion } = this;
    model.apply(delta, comp);
    const C = this.nCompensators;
    if (jc && C > 0) {
      const Pc = this.compParams.length;
      criterion.evaluate(model.system, this.compParams, r, this.jp);
      const M = model.paramJacobian(delta, comp, 'compensators'); // P × C
      jc.fill(0);
      for (let i = 0; i < this.m; i++) {
        for (let a = 0; a < Pc; a++) {
          const v = this.jp[i * Pc + a];
          if (v === 0) continue;
          const mrow = this.compRows[a] * C;
          for (let j = 0; j < C; j++) jc[i * C + j] += v * M[mrow + j];
        }
      }
    } else {
      criterion.evaluate(model.system, [], r, null);
    }
    let ss = 0;
    for (let i = 0; i < this.m; i++) ss += r[i] * r[i];
    return ss;
  }

  /**
   * The Dennis–Gay–Welsch update of S after the step d from gradient g = J_oldᵀ r_old to the trial
   * point (rTrial, jcTrial): y = J_newᵀ r_new − g, y# = (J_new − J_old)ᵀ r_new; S is first sized by
   * min(1, |dᵀy#| / |dᵀS d|), then S += (v yᵀ + y vᵀ)/(yᵀd) − (vᵀd) y yᵀ/(yᵀd)², v = y# − S d.
   */
  private secantUpdate(S: Float64Array, d: Float64Array, g: Float64Array): void {
    const C = this.nCompensators, m = this.m;
    const y = new Float64Array(C), ys = new Float64Array(C);
    for (let i = 0; i < m; i++) {
      const rn = this.rTrial[i];
      for (let j = 0; j < C; j++) {
        y[j] += this.jcTrial[i * C + j] * rn;
        ys[j] += (this.jcTrial[i * C + j] - this.jc[i * C + j]) * rn;
      }
    }
    for (let j = 0; j < C; j++) y[j] -= g[j];
    let yd = 0, ysd = 0, sdd = 0;
    const Sd = new Float64Array(C);
    for (let j = 0; j < C; j++) {
      for (let k = 0; k < C; k++) Sd[j] += S[j * C + k] * d[k];
      yd += y[j] * d[j];
      ysd += ys[j] * d[j];
    }
    for (let j = 0; j < C; j++) sdd += d[j] * Sd[j];
    if (!(yd > 0)) return;
    const tau = sdd !== 0 ? Math.min(1, Math.abs(ysd / sdd)) : 1;
    const v = new Float64Array(C);
    let vd = 0;
    for (let j = 0; j < C; j++) {
      v[j] = ys[j] - tau * Sd[j];
      vd += v[j] * d[j];
    }
    for (let j = 0; j < C; j++) {
      for (let k = 0; k < C; k++) S[j * C + k] = tau * S[j * C + k] + (v[j] * y[k] + y[j] * v[k]) / yd - (vd * y[j] * y[k]) / (yd * yd);
    }
  }

  private clamp(c: Float64Array): Float64Array {
    const { compLower: lo, compUpper: hi } = this.options;
    for (let j = 0; j < c.length; j++) {
      if (lo && c[j] < lo[j]) c[j] = lo[j];
      if (hi && c[j] > hi[j]) c[j] = hi[j];
    }
    return c;
  }

  /**
   * The criterion of the lens perturbed by δ (spec units, one per operand), compensators
   * re-optimized from `comp0` (default: the nominal compensators).
   */
  evaluate(delta: ArrayLike<number>, comp0?: ArrayLike<number>): CompensatedResult {
    const C = this.nCompensators;
    const c = this.clamp(Float64Array.from(comp0 ?? this.nominalCompensators()));
    const m = this.m;
    if (this.refocus !== null) return this.evaluateRefocus(delta, c);
    let ss = this.residuals(delta, c, this.r, this.jc);
    let iterations = 0;
    if (C > 0) {
      const A = new Float64Array(C * C), g = new Float64Array(C), Ad = new Float64Array(C * C);
      const D = new Float64Array(C), step = new Float64Array(C), cNew = new Float64Array(C), neg = new Float64Array(C), dc = new Float64Array(C);
      // Structured secant term S ≈ Σ rᵢ ∇²rᵢ (Dennis, Gay & Welsch 1981) for large-residual criteria.
      const S = this.criterion.largeResidual ? new Float64Array(C * C) : null;
      const H = new Float64Array(C * C);
      let lambda = 1e-6, nu = 2;
      for (; iterations < this.maxIterations; iterations++) {
        A.fill(0);
        g.fill(0);
        for (let i = 0; i < m; i++) {
          const ri = this.r[i];
          for (let j = 0; j < C; j++) {
            const v = this.jc[i * C + j];
            g[j] += v * ri;
            for (let k = 0; k < C; k++) A[j * C + k] += v * this.jc[i * C + k];
          }
        }
        for (let j = 0; j < C; j++) D[j] = Math.max(D[j], A[j * C + j]);
        for (let j = 0; j < C; j++) neg[j] = -g[j];
        // The model Hessian: Gauss–Newton JᵀJ, plus S when that keeps it positive definite.
        H.set(A);
        if (S) {
          for (let i = 0; i < C * C; i++) H[i] += S[i];
          if (solveSymmetric(H, C, neg, step) !== 'cholesky' || !(quadratic(H, g, step, C) < 0)) H.set(A);
        }
        // Converged when the undamped model step predicts a negligible decrease.
        solveSymmetric(H, C, neg, step);
        let gn = 0;
        for (let j = 0; j < C; j++) gn -= g[j] * step[j];
        if (!(gn > this.tolerance * ss)) break;
        let accepted = false;
        for (let trial = 0; trial < 30 && !accepted; trial++) {
          Ad.set(H);
          for (let j = 0; j < C; j++) Ad[j * C + j] += lambda * (D[j] > 0 ? D[j] : 1);
          solveSymmetric(Ad, C, neg, step);
          for (let j = 0; j < C; j++) cNew[j] = c[j] + step[j];
          this.clamp(cNew);
          for (let j = 0; j < C; j++) dc[j] = cNew[j] - c[j];
          // Predicted decrease of the model |r + J d|² + dᵀ S d for the clamped step.
          const pred = -2 * quadratic(H, g, dc, C);
          const ssNew = this.residuals(delta, cNew, this.rTrial, this.jcTrial);
          if (ssNew < ss && Number.isFinite(ssNew)) {
            const rho = pred > 0 ? (ss - ssNew) / pred : 0;
            lambda *= Math.max(1 / 3, 1 - (2 * rho - 1) ** 3);
            nu = 2;
            if (S) this.secantUpdate(S, dc, g);
            c.set(cNew);
            this.r.set(this.rTrial);
            this.jc.set(this.jcTrial);
            ss = ssNew;
            accepted = true;
          } else {
            lambda *= nu;
            nu *= 2;
          }
        }
        if (!accepted) break;
      }
      // Leave the system at the returned point.
      this.model.apply(delta, c);
    }
    return { value: this.criterion.value(ss), sumOfSquares: ss, comp: c, iterations };
  }

  /**
   * Back focus alone, plane unclipped image: the intercepts are linear in the image-plane shift t,
   * so the compensator is the exact linear least-squares solution t* = −(a·r)/(a·a) from one trace.
   */
  private evaluateRefocus(delta: ArrayLike<number>, c: Float64Array): CompensatedResult {
    const r = this.r, a = this.rTrial;
    this.model.apply(delta, c);
    // The shift t·ẑ before the break is Rᵀẑ·t in the image frame (R's third row).
    let vx = 0, vy = 0, vz = 1;
    if (this.refocus! >= 0) {
      const R = coordinateBreakRotation(this.model.system.surfaces[this.refocus!]);
      vx = R[6];
      vy = R[7];
      vz = R[8];
    }
    this.criterion.evaluate(this.model.system, [], r, null);
    this.criterion.refocusSlopes!(vx, vy, vz, a);
    let ar = 0, aa = 0;
    for (let i = 0; i < this.m; i++) {
      ar += a[i] * r[i];
      aa += a[i] * a[i];
    }
    const c0 = c[0];
    if (aa > 0) {
      c[0] = c0 - ar / aa;
      this.clamp(c);
    }
    const t = c[0] - c0;
    let ss = 0;
    for (let i = 0; i < this.m; i++) {
      r[i] += a[i] * t;
      ss += r[i] * r[i];
    }
    this.model.apply(delta, c);
    return { value: this.criterion.value(ss), sumOfSquares: ss, comp: c, iterations: 1 };
  }

  /** The residuals of the last `evaluate` / `evaluateFixed` (a view, overwritten by the next call). */
  get lastResiduals(): Float64Array {
    return this.r;
  }

  /** The criterion at (δ, c) with the compensators held (not re-optimized). */
  evaluateFixed(delta: ArrayLike<number>, comp: ArrayLike<number>): number {
    this.model.apply(delta, comp);
    this.criterion.evaluate(this.model.system, [], this.r, null);
    let ss = 0;
    for (let i = 0; i < this.m; i++) ss += this.r[i] * this.r[i];
    return this.criterion.value(ss);
  }

  /** The compensators that optimize the nominal lens (computed once, from zero). */
  nominalCompensators(): Float64Array {
    if (!this.nominalComp) {
      this.nominalComp = new Float64Array(this.nCompensators);
      this.nominalComp = this.evaluate(new Float64Array(this.nOperands), this.nominalComp).comp;
    }
    return this.nominalComp;
  }

  /**
   * Residuals and Jacobians with respect to every operand, compensator and design variable at
   * (δ, c); `only` restricts the parameters differentiated (the others' Jacobians are zero).
   */
  linearize(delta: ArrayLike<number>, comp: ArrayLike<number>, only?: 'compensators+design'): Linearization {
    const { model, criterion } = this;
    model.apply(delta, comp);
    const r = new Float64Array(this.m);
    let params = model.params;
    let rowOf: Int32Array | null = null;
    if (only) {
      const used = [...new Set([...model.compensators, ...model.design].flatMap((d) => d.refs))].sort((a, b) => a - b);
      rowOf = new Int32Array(model.params.length).fill(-1);
      used.forEach((a, i) => (rowOf![a] = i));
      params = used.map((a) => model.params[a]);
    }
    const P = params.length;
    const jp = new Float64Array(this.m * P);
    criterion.evaluate(model.system, params, r, jp);
    // J_dof[:, j] = Σ_e coef_e · du/dδ · J_params[:, ref_e] (each dof moves a few parameters).
    const chain = (dofs: PerturbationModel['operands'], vals: ArrayLike<number>): Float64Array => {
      const K = dofs.length;
      const out = new Float64Array(this.m * K);
      dofs.forEach((d, j) => {
        const du = d.dInternal(vals[j]);
        for (let e = 0; e < d.refs.length; e++) {
          const a = rowOf ? rowOf[d.refs[e]] : d.refs[e], f = d.coefs[e] * du;
          if (a < 0) continue;
          for (let i = 0; i < this.m; i++) out[i * K + j] += f * jp[i * P + a];
        }
      });
      return out;
    };
    return {
      r,
      jOperands: only ? new Float64Array(0) : chain(model.operands, delta),
      jCompensators: chain(model.compensators, comp),
      jDesign: chain(model.design, model.designOffsets),
    };
  }
}
