/**
 * RMS_SPOT: the RMS spot radius of one field (mm) at one wavelength or polychromatic ('all',
 * weighted by the wavelength weights), about the primary-wavelength chief ray ('chief') or the
 * weighted centroid ('centroid'), over a Gaussian-quadrature pupil (engine/optimize/pupilQuadrature.ts).
 *
 * Residuals: for target 0 one pair (√(W qₖ) Δxₖ, √(W qₖ) Δyₖ) per quadrature ray k, so that
 * Σ r² = W · RMS² (W the operand weight, qₖ the quadrature weights times the wavelength weight);
 * a lost ray (or a lost chief ray) contributes a fixed 1 mm residual with a zero Jacobian row.
 * A non-zero target or a bound uses one residual √W (RMS − t). Jacobian rows from the real-ray
 * adjoint (trace/rayJacobian.ts); the centroid's derivative is the weighted mean of the rays'.
 */
import type { ParamRef } from '../../optics/params.ts';
import type { LensSystem } from '../../optics/system.ts';
import { traceRaysWithJacobian } from '../../trace/rayJacobian.ts';
import { operandGoal, operandResidual, operandResidualSlope } from '../meritSpec.ts';
import { gaussianPupil } from '../pupilQuadrature.ts';
import { LOST_RAY_RESIDUAL, type OperandDefinition, type OperandOf, type ResidualBlock } from './operand.ts';

/** Whether the system is mirror-symmetric in x (no x fields, no decenters or tilts, no odd-x XY terms). */
export function symmetricInX(system: LensSystem): boolean {
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

/** The settings of one RMS spot block (an RMS_SPOT operand or one term of the default merit). */
export interface SpotBlockOptions {
  /** Field index. */
  field: number;
  /** Wavelength index, or 'all' (weighted by the wavelength weights). */
  wavelength: number | 'all';
  reference: 'chief' | 'centroid';
  rings: number;
  arms: number;
  /** Operand weight W. */
  weight: number;
  label: string;
  /** 'auto': half the pupil when the system is symmetric in x (mirrored quadrature weights). */
  symmetry?: 'auto' | 'none';
}

/**
 * RMS spot residuals of one field. With `o` (an RMS_SPOT operand) its target and kind apply;
 * without, the block is a default-merit term (target 0, one residual pair per ray).
 */
export function spotBlock(system: LensSystem, o: OperandOf<'RMS_SPOT'> | null, params: readonly ParamRef[], opts: SpotBlockOptions): ResidualBlock {
  const { field: f, wavelength: wSpec, reference, weight, label } = opts;
  const P = params.length;
  const halfPupil = opts.symmetry === 'auto' && symmetricInX(system);
  const pupil = gaussianPupil(opts.rings, opts.arms, halfPupil ? 'mirrorX' : 'none');
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

export const RMS_SPOT: OperandDefinition<'RMS_SPOT'> = {
  block: (system, o, params) =>
    spotBlock(system, o, params, {
      field: o.field,
      wavelength: o.wavelength ?? system.primaryIndex,
      reference: o.reference ?? 'chief',
      rings: o.rings ?? 3,
      arms: o.arms ?? 6,
      weight: operandGoal(o).weight,
      label: `RMS f${o.field + 1}`,
    }),
};
