/**
 * A lens merit function as a least-squares problem with an exact Jacobian.
 *
 * Residuals (see meritSpec.ts for weights and bound kinds):
 * - RMS_SPOT: one pair (√(W qₖ) Δxₖ, √(W qₖ) Δyₖ) per quadrature ray k, so that Σ r² = W · RMS²
 *   (Δ about the primary-wavelength chief ray or the weighted centroid); a lost ray contributes a
 *   fixed 1 mm residual with a zero Jacobian row. A non-zero target uses one residual √W (RMS − t).
 * - EFL, FNO, BFL, TOTAL_TRACK, CENTER_THICKNESS, EDGE_THICKNESS: paraxial / geometric values with
 *   derivatives from exact paraxial tangents and sag partials.
 * - REAL_IMAGE_HEIGHT, DISTORTION: the real chief ray, differentiated by the real-ray adjoint.
 * Real-ray Jacobian rows come from one adjoint pass per seed (x and y) with per-ray accumulation
 * (engine/trace/adjoint.ts), so a Jacobian costs about three forward traces whatever the number
 * of variables. Ray aiming is differentiated for paraxial aiming (real aiming: the aimed pupil
 * coordinates are held fixed in the derivative).
 */
import type { LensSystem } from '../optics/system.ts';
import { directionBefore, maxField } from '../optics/system.ts';
import type { Prescription } from '../io/prescription.ts';
import { readParams, writeParams, type ParamRef, paramLabel } from '../optics/params.ts';
import { applySolves, dSolvedThickness, solvedThicknessSurface } from '../optics/solves.ts';
import { writeBack } from '../optics/writeBack.ts';
import { entrancePupil, nImage, objectField } from '../optics/pupil.ts';
import { objectFieldTangent, pupilTangent } from '../optics/pupilTangent.ts';
import { paraxialAtImage } from '../trace/paraxial.ts';
import { paraxialTangent, dSignedIndexAfter } from '../trace/paraxialTangent.ts';
import { RayBatch, RayStatus } from '../trace/rayBatch.ts';
import { TraceRecord, traceBatch } from '../trace/realTrace.ts';
import { aimAtStop, launchContext, launchRays } from '../trace/rayGen.ts';
import { traceAdjoint } from '../trace/adjoint.ts';
import { conicSag, asphereSag } from '../trace/sag.ts';
import { gaussianPupil } from './pupilQuadrature.ts';
import { hullDistance, type GlassHull } from './glassChoice.ts';
import type { LeastSquaresProblem, OperandValue } from './problem.ts';
import { operandGoal, operandResidual, operandResidualSlope, resolveDefaultMerit, type MeritSpec, type Operand } from './meritSpec.ts';
import { variablesFromFlags, variablesFromGroups, variablesFromSpec, type Variable } from './variables.ts';

const LOST_RAY_RESIDUAL = 1; // mm

/** Real rays of one field at one wavelength with per-ray Jacobians of x and y (rays × P). */
export interface TracedRays {
  x: Float64Array;
  y: Float64Array;
  ok: Uint8Array;
  jx?: Float64Array;
  jy?: Float64Array;
}

/**
 * Traces rays of field index f at wavelength w through normalised pupil points, with exact
 * per-ray derivatives of the image-plane x and y with respect to `params` when wantJ.
 */
export function traceRaysWithJacobian(system: LensSystem, f: number, w: number, px: Float64Array, py: Float64Array, params: readonly ParamRef[], wantJ: boolean): TracedRays {
  const ctx = launchContext(system);
  const fx = system.fieldX[f], fy = system.fieldY[f];
  const field = objectField(system, fx, fy, ctx.pupil);
  let ax = px, ay = py;
  if (system.rayAiming === 'real') ({ px: ax, py: ay } = aimAtStop(system, field, w, px, py, ctx));
  const n = px.length;
  const b = launchRays(system, field, ax, ay, new RayBatch(n), ctx);
  const rec = wantJ ? new TraceRecord(system.surfaces.length, n) : undefined;
  traceBatch(system, b, w, { record: rec });
  const ok = new Uint8Array(n);
  for (let i = 0; i < n; i++) ok[i] = b.status[i] === RayStatus.OK ? 1 : 0;
  const out: TracedRays = { x: Float64Array.from(b.x), y: Float64Array.from(b.y), ok };
  if (wantJ && rec) {
    const P = params.length;
    const ones = new Float64Array(n).fill(1);
    out.jx = traceAdjoint(system, rec, { fx, fy, px: ax, py: ay }, w, { x: ones }, params, new Float64Array(n * P), true);
    out.jy = traceAdjoint(system, rec, { fx, fy, px: ax, py: ay }, w, { y: ones }, params, new Float64Array(n * P), true);
  }
  return out;
}

interface Block {
  label: string;
  count: number;
  /** Writes residuals r[off..off+count) and, when J is given, rows of J (row-major, P columns). */
  eval(r: Float64Array, J: Float64Array | null, off: number): void;
  /** The operand's value for displays. */
  value(): number;
  target: number;
  weight: number;
}

/** The merit problem of a lens, ready for dampedLeastSquares / adam. */
export interface MeritProblem {
  problem: LeastSquaresProblem;
  variables: Variable[];
  x0: Float64Array;
  /** Writes x into the system (and solves) and returns the updated prescription. */
  apply(x: Float64Array): Prescription;
  /** Operand values at x. */
  operands(x: Float64Array): OperandValue[];
  system: LensSystem;
}

/**
 * Builds the least-squares problem of a lens and a merit spec.
 * @param vary `--vary` groups; when absent, the spec's `variables`, else the prescription's flags
 * @throws Error when there are no variables or an index does not exist
 */
export interface MeritProblemOptions {
  /** Keep model glasses inside this region of the glass map (a penalty residual per glass). */
  glassHull?: GlassHull;
  /** Weight of the glass-region penalty (default 1, per unit of scaled glass-map distance). */
  glassHullWeight?: number;
}

export function buildMeritProblem(system: LensSystem, spec: MeritSpec, vary?: readonly string[], options: MeritProblemOptions = {}): MeritProblem {
  const variables = vary && vary.length > 0 ? variablesFromGroups(system, vary) : spec.variables ? variablesFromSpec(system, spec.variables) : variablesFromFlags(system);
  if (variables.length === 0) throw new Error('nothing to optimize: no variables (use --vary, merit.variables or surface variable flags)');
  const params: ParamRef[] = variables.map((v) => ({ kind: v.kind, surface: v.surface, index: v.index }));
  const P = params.length;
  const blocks: Block[] = [];
  const operands: Operand[] = [...(spec.operands ?? [])];
  for (const o of operands) blocks.push(operandBlock(system, o, params));
  if (spec.defaultMerit) blocks.push(...defaultMeritBlocks(system, spec, params));
  if (options.glassHull) blocks.push(...glassRegionBlocks(system, params, options.glassHull, options.glassHullWeight ?? 1));
  const m = blocks.reduce((a, b) => a + b.count, 0);
  const r = new Float64Array(m);
  const J = new Float64Array(m * P);
  const x0 = readParams(system, params);
  const fail = (rr: Float64Array) => rr.fill(1e3);

  const problem: LeastSquaresProblem = {
    nVariables: P,
    nResiduals: m,
    lower: Float64Array.from(variables, (v) => v.lower),
    upper: Float64Array.from(variables, (v) => v.upper),
    scale: Float64Array.from(variables, (v) => v.scale),
    evaluate(x, wantJacobian) {
      writeParams(system, params, x);
      applySolves(system);
      r.fill(0);
      if (wantJacobian) J.fill(0);
      try {
        let off = 0;
        for (const b of blocks) {
          b.eval(r, wantJacobian ? J : null, off);
          off += b.count;
        }
        for (let i = 0; i < m; i++) if (!Number.isFinite(r[i])) throw new Error('non-finite residual');
        if (wantJacobian) for (let i = 0; i < J.length; i++) if (!Number.isFinite(J[i])) J[i] = 0;
      } catch {
        fail(r);
        if (wantJacobian) J.fill(0);
      }
      return { residuals: r, jacobian: wantJacobian ? J : undefined };
    },
    describeOperands(x) {
      return describe(x);
    },
  };
  const describe = (x: Float64Array): OperandValue[] => {
    problem.evaluate(x, false);
    const total = r.reduce((a, v) => a + v * v, 0) || 1;
    let off = 0;
    return blocks.map((b) => {
      let sum = 0;
      for (let i = 0; i < b.count; i++) sum += r[off + i] ** 2;
      off += b.count;
      let value = NaN;
      try {
        value = b.value();
      } catch {
        value = NaN;
      }
      return { label: b.label, value, target: b.target, weight: b.weight, contribution: sum / total };
    });
  };
  return {
    problem,
    variables,
    x0,
    system,
    apply(x) {
      writeParams(system, params, x);
      applySolves(system);
      return writeBack(system);
    },
    operands: describe,
  };
}

// ---------------------------------------------------------------------------------------------

function paramIsThickness(p: ParamRef, s: number): boolean {
  return p.kind === 'thickness' && p.surface === s;
}

function thicknessTangent(system: LensSystem, p: ParamRef, s: number): number {
  const solved = solvedThicknessSurface(system);
  if (s === solved) return dSolvedThickness(system, p);
  return paramIsThickness(p, s) ? 1 : 0;
}

/** EFL at wavelength w and its tangent for p. */
function efl(system: LensSystem, w: number): number {
  const C = paraxialAtImage(system, w, 1, 0)[1];
  return nImage(system, w) / -C;
}
function dEfl(system: LensSystem, w: number, p: ParamRef): number {
  const [, C, , dC] = paraxialTangent(system, p, w, 1, 0, 0, 0);
  const nI = nImage(system, w);
  const dnI = Math.abs(dSignedIndexAfter(system, p, system.surfaces.length - 2, w));
  const phi = -C;
  return dnI / phi + (nI * dC) / (phi * phi);
}

function bfl(system: LensSystem, w: number): number {
  const last = system.surfaces.length - 2;
  const [A, C] = paraxialAtImage(system, w, 1, 0);
  return system.surfaces[last].thickness * directionBefore(system, last + 1) + (-A * nImage(system, w)) / C;
}
function dBfl(system: LensSystem, w: number, p: ParamRef): number {
  const last = system.surfaces.length - 2;
  const [A, C, dA, dC] = paraxialTangent(system, p, w, 1, 0, 0, 0);
  const nI = nImage(system, w);
  const dnI = Math.abs(dSignedIndexAfter(system, p, last, w));
  return thicknessTangent(system, p, last) * directionBefore(system, last + 1) - (dA * nI + A * dnI) / C + (A * nI * dC) / (C * C);
}

/** Sag of a rotationally symmetric surface at height h (mm) and its partials. */
function sagAt(system: LensSystem, s: number, h: number): number {
  const surf = system.surfaces[s];
  if (surf.kind === 'standard') return conicSag(surf.c, surf.k, h * h) || 0;
  if (surf.kind === 'evenAsphere') return (conicSag(surf.c, surf.k, h * h) || 0) + asphereSag(surf.asphere, h * h);
  return 0;
}
function dSagAt(system: LensSystem, s: number, h: number, p: ParamRef): number {
  if (p.surface !== s) return 0;
  const surf = system.surfaces[s];
  if (surf.kind !== 'standard' && surf.kind !== 'evenAsphere') return 0;
  const r2 = h * h, c = surf.c, kp1 = 1 + surf.k;
  const Q = 1 - kp1 * c * c * r2;
  if (!(Q > 0)) return 0;
  const sq = Math.sqrt(Q), u = 1 + sq;
  if (p.kind === 'curvature') return r2 / u + (c * r2 * kp1 * c * r2) / (sq * u * u);
  if (p.kind === 'conic') return (c * c * c * r2 * r2) / (2 * sq * u * u);
  if (p.kind === 'asphere' && surf.kind === 'evenAsphere') return r2 ** ((p.index ?? 0) + 1);
  return 0;
}

/** Radial height for edge thickness: the larger clear semi-aperture, else marginal + chief ray heights. */
function edgeHeight(system: LensSystem, s: number): number {
  const a = system.surfaces[s].semiDiameter, b = system.surfaces[s + 1]?.semiDiameter ?? Infinity;
  const sd = Math.max(Number.isFinite(a) ? a : 0, Number.isFinite(b) ? b : 0);
  if (sd > 0) return sd;
  const w = system.primaryIndex;
  const { epd, epl } = entrancePupil(system);
  const fmax = maxField(system);
  const of = objectField(system, 0, fmax);
  const mr = paraxialTangentHeights(system, w, epd / 2, 0);
  const cr = of.atInfinity ? paraxialTangentHeights(system, w, -epl * of.y, system.nObject[w] * of.y) : mr.map(() => 0);
  return Math.max(Math.abs(mr[s]) + Math.abs(cr[s]), Math.abs(mr[s + 1]) + Math.abs(cr[s + 1]));
}
function paraxialTangentHeights(system: LensSystem, w: number, y0: number, nu0: number): number[] {
  const out: number[] = [];
  for (let s = 0; s < system.surfaces.length; s++) out.push(paraxialTangent(system, { kind: 'thickness', surface: -1 }, w, y0, nu0, 0, 0, s, true)[0]);
  return out;
}

/** Paraxial image height per unit object field at wavelength w, and its tangent. */
function paraxialScale(system: LensSystem, w: number, p: ParamRef | null): [number, number] {
  const pupil = entrancePupil(system);
  const n0 = system.nObject[w];
  const d = system.objectDistance;
  const pt = p ? pupilTangent(system, p, pupil) : { depl: 0, dd: 0, depd: 0 };
  const pp = p ?? { kind: 'thickness' as const, surface: -1 };
  if (!Number.isFinite(d)) {
    const [K, , dK] = paraxialTangent(system, pp, w, -pupil.epl, n0, -pt.depl, 0);
    return [K, dK];
  }
  const L = d + pupil.epl;
  const u = -1 / L, du = (pt.dd + pt.depl) / (L * L);
  const [K, , dK] = paraxialTangent(system, pp, w, 1 + u * d, n0 * u, du * d + u * pt.dd, n0 * du);
  return [K, dK];
}

/** A block with one residual from a scalar value and its gradient. */
function scalarBlock(o: Operand, label: string, params: readonly ParamRef[], value: () => number, grad: (p: ParamRef) => number): Block {
  const { target, weight } = operandGoal(o);
  return {
    label,
    count: 1,
    target,
    weight,
    value,
    eval(r, J, off) {
      const v = value();
      r[off] = operandResidual(v, o);
      if (J) {
        const slope = operandResidualSlope(v, o);
        if (slope !== 0) params.forEach((p, j) => (J[off * params.length + j] = slope * grad(p)));
      }
    },
  };
}

function operandBlock(system: LensSystem, o: Operand, params: readonly ParamRef[]): Block {
  const P = params.length;
  switch (o.type) {
    case 'EFL': {
      const w = o.wavelength ?? system.primaryIndex;
      return scalarBlock(o, 'EFL', params, () => efl(system, w), (p) => dEfl(system, w, p));
    }
    case 'FNO': {
      const w = system.primaryIndex;
      return scalarBlock(
        o,
        'FNO',
        params,
        () => efl(system, w) / entrancePupil(system).epd,
        (p) => {
          const E = efl(system, w), D = entrancePupil(system).epd;
          return dEfl(system, w, p) / D - (E * pupilTangent(system, p).depd) / (D * D);
        },
      );
    }
    case 'BFL': {
      const w = o.wavelength ?? system.primaryIndex;
      return scalarBlock(o, 'BFL', params, () => bfl(system, w), (p) => dBfl(system, w, p));
    }
    case 'TOTAL_TRACK': {
      const last = system.surfaces.length - 2;
      return scalarBlock(
        o,
        'TOTAL_TRACK',
        params,
        () => system.surfaces.slice(0, last + 1).reduce((a, s) => a + s.thickness, 0),
        (p) => {
          let d = 0;
          for (let s = 0; s <= last; s++) d += thicknessTangent(system, p, s);
          return d;
        },
      );
    }
    case 'CENTER_THICKNESS':
      return scalarBlock(o, `CT s${o.surface + 1}`, params, () => system.surfaces[o.surface].thickness, (p) => thicknessTangent(system, p, o.surface));
    case 'EDGE_THICKNESS': {
      const s = o.surface;
      const h = () => o.heightMm ?? edgeHeight(system, s);
      return scalarBlock(
        o,
        `ET s${s + 1}`,
        params,
        () => system.surfaces[s].thickness + sagAt(system, s + 1, h()) - sagAt(system, s, h()),
        (p) => thicknessTangent(system, p, s) + dSagAt(system, s + 1, h(), p) - dSagAt(system, s, h(), p),
      );
    }
    case 'REAL_IMAGE_HEIGHT': {
      const w = o.wavelength ?? system.primaryIndex;
      const { target, weight } = operandGoal(o);
      const zero = new Float64Array(1);
      const value = () => traceRaysWithJacobian(system, o.field, w, zero, zero, params, false).y[0];
      return {
        label: `REAY f${o.field + 1}`,
        count: 1,
        target,
        weight,
        value,
        eval(r, J, off) {
          const t = traceRaysWithJacobian(system, o.field, w, zero, zero, params, J !== null);
          if (!t.ok[0]) {
            r[off] = Math.sqrt(weight) * LOST_RAY_RESIDUAL * 1e3;
            return;
          }
          r[off] = operandResidual(t.y[0], o);
          if (J) {
            const slope = operandResidualSlope(t.y[0], o);
            for (let j = 0; j < P; j++) J[off * P + j] = slope * t.jy![j];
          }
        },
      };
    }
    case 'DISTORTION': {
      const w = o.wavelength ?? system.primaryIndex;
      const scale = o.percent === false ? 1 : 100;
      const { target, weight } = operandGoal(o);
      const zero = new Float64Array(1);
      const compute = (wantJ: boolean) => {
        const t = traceRaysWithJacobian(system, o.field, w, zero, zero, params, wantJ);
        const pupil = entrancePupil(system);
        const F = objectField(system, system.fieldX[o.field], system.fieldY[o.field], pupil).y;
        const [K] = paraxialScale(system, w, null);
        const yRef = K * F;
        const v = (scale * (t.y[0] - yRef)) / yRef;
        let g: Float64Array | null = null;
        if (wantJ && t.jy) {
          g = new Float64Array(P);
          params.forEach((p, j) => {
            const [, dK] = paraxialScale(system, w, p);
            const dF = objectFieldTangent(system, system.fieldX[o.field], system.fieldY[o.field], p, pupil, pupilTangent(system, p, pupil))[1];
            const dRef = dK * F + K * dF;
            g![j] = (scale * (t.jy![j] * yRef - t.y[0] * dRef)) / (yRef * yRef);
          });
        }
        return { v, ok: t.ok[0] === 1, g };
      };
      return {
        label: `DIST f${o.field + 1}`,
        count: 1,
        target,
        weight,
        value: () => compute(false).v,
        eval(r, J, off) {
          const c = compute(J !== null);
          if (!c.ok || yRefZero(c.v)) {
            r[off] = Math.sqrt(weight) * 100;
            return;
          }
          r[off] = operandResidual(c.v, o);
          if (J && c.g) {
            const slope = operandResidualSlope(c.v, o);
            for (let j = 0; j < P; j++) J[off * P + j] = slope * c.g[j];
          }
        },
      };
    }
    case 'RMS_SPOT':
      return spotBlock(system, o, params, o.field, o.wavelength ?? system.primaryIndex, o.reference ?? 'chief', o.rings ?? 3, o.arms ?? 6, operandGoal(o).weight, `RMS f${o.field + 1}`);
  }
}

function yRefZero(v: number): boolean {
  return !Number.isFinite(v);
}

/** Whether the system is mirror-symmetric in x (no x fields, no decenters or tilts, no odd-x XY terms). */
function symmetricInX(system: LensSystem): boolean {
  if (system.fieldX.some((v) => v !== 0)) return false;
  return system.surfaces.every((s) => {
    if (s.kind === 'coordinateBreak') return s.decenterX === 0 && s.tiltY === 0 && s.tiltZ === 0;
    if (s.kind === 'xyPolynomial') {
      let idx = 0;
      for (let j = 0; idx < s.xy.length; j++) for (let i = 0; i <= j; i++, idx++) if (i % 2 === 1 && s.xy[idx] !== 0) return false;
    }
    return true;
  });
}

/**
 * RMS spot residuals of field f at wavelength w (or every wavelength, 'all', weighted by the
 * wavelength weights), Gaussian-quadrature pupil.
 */
function spotBlock(
  system: LensSystem,
  o: Operand | null,
  params: readonly ParamRef[],
  f: number,
  wSpec: number | 'all',
  reference: 'chief' | 'centroid',
  rings: number,
  arms: number,
  weight: number,
  label: string,
  symmetry: 'auto' | 'none' = 'none',
): Block {
  const P = params.length;
  const halfPupil = symmetry === 'auto' && symmetricInX(system);
  const pupil = gaussianPupil(rings, arms, halfPupil ? 'mirrorX' : 'none');
  const nr = pupil.px.length;
  const wl = wSpec === 'all' ? Array.from(system.wavelengthsUm, (_, i) => i) : [wSpec];
  const wsum = wl.reduce((a, w) => a + system.wavelengthWeights[w], 0) || 1;
  const wWeight = wl.map((w) => (wSpec === 'all' ? system.wavelengthWeights[w] / wsum : 1));
  const target = o ? operandGoal(o).target : 0;
  const perRay = target === 0 && (!o || operandGoal(o).kind === 'target');
  const zero = new Float64Array(1);
  const primary = system.primaryIndex;

  const compute = (wantJ: boolean) => {
    // Residual rows: per wavelength, per ray, x then y.
    const rows = new Float64Array(wl.length * nr * 2);
    const jac = wantJ ? new Float64Array(rows.length * P) : null;
    const chief = reference === 'chief' ? traceRaysWithJacobian(system, f, primary, zero, zero, params, wantJ) : null;
    wl.forEach((w, wi) => {
      const t = traceRaysWithJacobian(system, f, w, pupil.px, pupil.py, params, wantJ);
      let cx = 0, cy = 0, qs = 0;
      const cjx = new Float64Array(P), cjy = new Float64Array(P);
      if (chief) {
        cx = chief.x[0];
        cy = chief.y[0];
        if (wantJ && chief.jx) {
          cjx.set(chief.jx);
          cjy.set(chief.jy!);
        }
      } else {
        for (let k = 0; k < nr; k++) {
          if (!t.ok[k]) continue;
          qs += pupil.weight[k];
          cx += pupil.weight[k] * t.x[k];
          cy += pupil.weight[k] * t.y[k];
          if (wantJ) for (let j = 0; j < P; j++) {
            cjx[j] += pupil.weight[k] * t.jx![k * P + j];
            cjy[j] += pupil.weight[k] * t.jy![k * P + j];
          }
        }
        if (qs > 0) {
          cx /= qs;
          cy /= qs;
          for (let j = 0; j < P; j++) {
            cjx[j] /= qs;
            cjy[j] /= qs;
          }
        }
        if (halfPupil) {
          // The half pupil's own x centroid is not the spot's: the full, mirror-symmetric spot has x = 0.
          cx = 0;
          cjx.fill(0);
        }
      }
      const chiefLost = chief !== null && !chief.ok[0];
      for (let k = 0; k < nr; k++) {
        const sw = Math.sqrt(weight * wWeight[wi] * pupil.weight[k]);
        const row = (wi * nr + k) * 2;
        if (!t.ok[k] || chiefLost) {
          rows[row] = sw * LOST_RAY_RESIDUAL;
          rows[row + 1] = sw * LOST_RAY_RESIDUAL;
          continue;
        }
        rows[row] = sw * (t.x[k] - cx);
        rows[row + 1] = sw * (t.y[k] - cy);
        if (jac) {
          for (let j = 0; j < P; j++) {
            jac[row * P + j] = sw * (t.jx![k * P + j] - cjx[j]);
            jac[(row + 1) * P + j] = sw * (t.jy![k * P + j] - cjy[j]);
          }
        }
      }
    });
    return { rows, jac };
  };
  const rms = (rows: Float64Array) => Math.sqrt(rows.reduce((a, v) => a + v * v, 0) / (weight || 1));
  if (perRay) {
    return {
      label,
      count: wl.length * nr * 2,
      target,
      weight,
      value: () => rms(compute(false).rows),
      eval(r, J, off) {
        const { rows, jac } = compute(J !== null);
        r.set(rows, off);
        if (J && jac) J.set(jac, off * P);
      },
    };
  }
  return {
    label,
    count: 1,
    target,
    weight,
    value: () => rms(compute(false).rows),
    eval(r, J, off) {
      const { rows, jac } = compute(J !== null);
      const v = rms(rows);
      r[off] = operandResidual(v, o!);
      if (J && jac && v > 0) {
        const slope = operandResidualSlope(v, o!) / (weight || 1);
        for (let j = 0; j < P; j++) {
          let acc = 0;
          for (let i = 0; i < rows.length; i++) acc += rows[i] * jac[i * P + j];
          J[off * P + j] = (slope * acc) / v;
        }
      }
    },
  };
}

/** One penalty residual per varied model glass: its distance outside the glass region. */
function glassRegionBlocks(system: LensSystem, params: readonly ParamRef[], hull: GlassHull, weight: number): Block[] {
  const blocks: Block[] = [];
  params.forEach((p, jn) => {
    if (p.kind !== 'nd') return;
    const jv = params.findIndex((q) => q.kind === 'vd' && system.surfaces[q.surface].material === system.surfaces[p.surface].material);
    const glass = () => system.surfaces[p.surface].material as unknown as { nd: number; vd: number };
    const sw = Math.sqrt(weight);
    blocks.push({
      label: `GLASS s${p.surface + 1}`,
      count: 1,
      target: 0,
      weight,
      value: () => hullDistance(hull, glass().vd, glass().nd / 0.01).d,
      eval(r, J, off) {
        const g = glass();
        const h = hullDistance(hull, g.vd, g.nd / 0.01);
        r[off] = sw * h.d;
        if (J) {
          J[off * params.length + jn] = (sw * h.dv) / 0.01;
          if (jv >= 0) J[off * params.length + jv] = sw * h.du;
        }
      },
    });
  });
  return blocks;
}

/** OpticStudio-like default merit: RMS spot per field × wavelength plus thickness boundaries. */
function defaultMeritBlocks(system: LensSystem, spec: MeritSpec, params: readonly ParamRef[]): Block[] {
  const d = resolveDefaultMerit(spec.defaultMerit);
  const blocks: Block[] = [];
  const fsum = system.fieldWeights.reduce((a, v) => a + v, 0) || 1;
  const wsum = system.wavelengthWeights.reduce((a, v) => a + v, 0) || 1;
  for (let f = 0; f < system.fieldY.length; f++) {
    for (let w = 0; w < system.wavelengthsUm.length; w++) {
      const weight = (d.weight * system.fieldWeights[f] * system.wavelengthWeights[w]) / (fsum * wsum);
      if (weight === 0) continue;
      blocks.push(spotBlock(system, null, params, f, w, d.reference, d.rings, d.arms, weight, `RMS f${f + 1} w${w + 1}`, d.symmetry));
    }
  }
  const last = system.surfaces.length - 2;
  for (let s = 0; s <= last; s++) {
    const surf = system.surfaces[s];
    if (surf.kind === 'coordinateBreak' || surf.mirror) continue;
    const glass = surf.material.name !== 'AIR';
    const min = glass ? d.glassMin : d.airMin;
    const max = glass ? d.glassMax : d.airMax;
    const edgeMin = glass ? d.glassEdgeMin : d.airEdgeMin;
    const bw = d.boundaryWeight;
    if (min !== undefined) blocks.push(operandBlock(system, { type: 'CENTER_THICKNESS', surface: s, target: min, kind: 'lower', weight: bw }, params));
    if (max !== undefined) blocks.push(operandBlock(system, { type: 'CENTER_THICKNESS', surface: s, target: max, kind: 'upper', weight: bw }, params));
    if (edgeMin !== undefined && s < last) blocks.push(operandBlock(system, { type: 'EDGE_THICKNESS', surface: s, target: edgeMin, kind: 'lower', weight: bw }, params));
  }
  return blocks;
}

export { paramLabel };
