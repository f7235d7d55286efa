/**
 * Tolerancing criteria as weighted residuals with an exact Jacobian.
 *
 * RMS spot radius (the default): the default merit's image-quality part, evaluated on the full
 * pupil (a perturbed lens is not symmetric). For every field f and wavelength w, Gaussian-quadrature
 * pupil rays k (rings × arms, engine/optimize/pupilQuadrature.ts) give residuals
 *   √(W_fw q_k) (x_k − x_ref, y_k − y_ref),   W_fw = ω_f ω_w / (Σω_f Σω_w),  Σ q_k = 1,
 * about the centroid of that field and wavelength (OpticStudio's default) or the primary-wavelength
 * chief ray. Σ r² is then the polychromatic, field-averaged mean square spot radius, and the
 * criterion is its square root (mm). A lost ray contributes a fixed 1 mm residual pair with a zero
 * Jacobian row, as in the merit function. Jacobian rows come from the real-ray adjoint
 * (engine/trace/adjoint.ts), two seeds per field and wavelength, with reused buffers.
 *
 * Merit criterion: any merit spec (engine/optimize/meritSpec.ts); the criterion is its merit Σ r².
 */
import type { LensSystem } from '../optics/system.ts';
import type { ParamRef } from '../optics/params.ts';
import { readParams } from '../optics/params.ts';
import { objectField } from '../paraxial/pupil.ts';
import { RayBatch, RayStatus } from '../trace/rayBatch.ts';
import { TraceRecord, traceBatch } from '../trace/realTrace.ts';
import { launchAimed, launchContext } from '../trace/rayAiming.ts';
import { traceAdjoint } from '../trace/adjoint.ts';
import { gaussianPupil } from '../optimize/pupilQuadrature.ts';
import type { MeritSpec } from '../io/meritSpecSchema.ts';
import { buildMeritProblem, type MeritProblem } from '../optimize/meritProblem.ts';

const LOST_RAY_RESIDUAL = 1; // mm

/** A tolerancing criterion on a (perturbed) lens system. */
export interface Criterion {
  /** e.g. "RMS spot radius (centroid)". */
  readonly name: string;
  /** Unit of the criterion value ("mm", or "" for a merit). */
  readonly unit: string;
  /** Number of residuals m. */
  readonly nResiduals: number;
  /**
   * Residuals r (length m) of the system as it is now; with `jacobian` (m×P row-major, zeroed
   * here), also ∂r/∂params. Never throws for a bad lens: lost rays give fixed residuals.
   */
  evaluate(system: LensSystem, params: readonly ParamRef[], r: Float64Array, jacobian: Float64Array | null): void;
  /** The criterion value from Σ r². */
  value(sumOfSquares: number): number;
  /** 'rms': value = √(Σ r²) (an RMS of ray errors); 'merit': value = Σ r². */
  readonly kind: 'rms' | 'merit';
  /**
   * True when the residuals stay large at the compensated optimum and curve there (an MTF
   * deficit): the compensators then add a structured secant term to Gauss–Newton
   * (engine/tolerance/evaluator.ts), which would otherwise converge only linearly.
   */
  readonly largeResidual?: boolean;
  /**
   * Optional: ∂r/∂t (written to `out`, length m) for a move of the image plane by t along
   * v = (vx, vy, vz), a unit vector in the image frame, from the rays of the last `evaluate`. The
   * image-plane intercepts are exactly linear in t (straight rays to a plane), so this is the whole
   * of a back-focus compensator's effect. Returns false when the criterion cannot do this.
   */
  refocusSlopes?(vx: number, vy: number, vz: number, out: Float64Array): boolean;
}

export interface RmsSpotOptions {
  reference?: 'centroid' | 'chief';
  rings?: number;
  arms?: number;
}

/**
 * The RMS spot radius criterion of a system's fields and wavelengths (module docs).
 * @param system the lens whose fields, wavelengths and weights define the criterion
 */
export function rmsSpotCriterion(system: LensSystem, options: RmsSpotOptions = {}): Criterion {
  const reference = options.reference ?? 'centroid';
  const pupil = gaussianPupil(options.rings ?? 3, options.arms ?? 6, 'none');
  const nr = pupil.px.length;
  const nf = system.fieldY.length;
  const nw = system.wavelengthsUm.length;
  const fsum = system.fieldWeights.reduce((a, v) => a + v, 0) || 1;
  const wsum = system.wavelengthWeights.reduce((a, v) => a + v, 0) || 1;
  const m = nf * nw * nr * 2;
  const batch = new RayBatch(nr);
  const chiefBatch = new RayBatch(1);
  let rec: TraceRecord | null = null;
  let chiefRec: TraceRecord | null = null;
  const zero = new Float64Array(1);
  const sqrtQ = Float64Array.from(pupil.weight, Math.sqrt);
  let jx = new Float64Array(0), jy = new Float64Array(0);
  const onesN = new Float64Array(nr).fill(1);
  const one = new Float64Array(1).fill(1);
  // Final ray directions of the last evaluation (tangents l/n, m/n; NaN for a lost ray), per block.
  const tanX = new Float64Array(nf * nw * nr), tanY = new Float64Array(nf * nw * nr);
  const chiefTanX = new Float64Array(nf), chiefTanY = new Float64Array(nf);
  const blockOk = new Uint8Array(nf * nw);

  return {
    name: `RMS spot radius (${reference})`,
    unit: 'mm',
    kind: 'rms',
    nResiduals: m,
    value: (ss) => Math.sqrt(ss),
    evaluate(sys, params, r, J) {
      const P = params.length;
      const ns = sys.surfaces.length;
      if (J) {
        if (!rec || rec.surfaces !== ns) {
          rec = new TraceRecord(ns, nr);
          chiefRec = new TraceRecord(ns, 1);
        }
        if (jx.length !== nr * P) {
          jx = new Float64Array(nr * P);
          jy = new Float64Array(nr * P);
        }
        J.fill(0);
      }
      const ctx = launchContext(sys);
      const aimed = sys.rayAiming === 'real';
      const cjx = new Float64Array(P), cjy = new Float64Array(P);
      for (let f = 0; f < nf; f++) {
        const fx = sys.fieldX[f], fy = sys.fieldY[f];
        const field = objectField(sys, fx, fy, ctx.pupil);
        let chiefX = 0, chiefY = 0, chiefOk = true;
        if (reference === 'chief') {
          const w0 = sys.primaryIndex;
          const { px: ax, py: ay } = launchAimed(sys, field, w0, zero, zero, chiefBatch, ctx);
          traceBatch(sys, chiefBatch, w0, { record: J ? chiefRec! : undefined });
          chiefOk = chiefBatch.status[0] === RayStatus.OK;
          chiefX = chiefBatch.x[0];
          chiefY = chiefBatch.y[0];
          chiefTanX[f] = chiefBatch.l[0] / chiefBatch.n[0];
          chiefTanY[f] = chiefBatch.m[0] / chiefBatch.n[0];
          if (J && chiefOk) {
            cjx.fill(0);
            cjy.fill(0);
            traceAdjoint(sys, chiefRec!, { fx, fy, px: ax, py: ay, aimed }, w0, { x: one }, params, cjx, true);
            traceAdjoint(sys, chiefRec!, { fx, fy, px: ax, py: ay, aimed }, w0, { y: one }, params, cjy, true);
          }
        }
        for (let w = 0; w < nw; w++) {
          const sw = Math.sqrt((sys.fieldWeights[f] * sys.wavelengthWeights[w]) / (fsum * wsum));
          const row0 = (f * nw + w) * nr * 2;
          const { px: ax, py: ay } = launchAimed(sys, field, w, pupil.px, pupil.py, batch, ctx);
          traceBatch(sys, batch, w, { record: J ? rec! : undefined });
          const blk = (f * nw + w) * nr;
          blockOk[f * nw + w] = chiefOk ? 1 : 0;
          for (let k = 0; k < nr; k++) {
            const okk = batch.status[k] === RayStatus.OK;
            tanX[blk + k] = okk ? batch.l[k] / batch.n[k] : NaN;
            tanY[blk + k] = okk ? batch.m[k] / batch.n[k] : NaN;
          }
          let cx = chiefX, cy = chiefY;
          if (reference === 'centroid') {
            let qs = 0;
            cx = 0;
            cy = 0;
            for (let k = 0; k < nr; k++) {
              if (batch.status[k] !== RayStatus.OK) continue;
              qs += pupil.weight[k];
              cx += pupil.weight[k] * batch.x[k];
              cy += pupil.weight[k] * batch.y[k];
            }
            if (qs > 0) {
              cx /= qs;
              cy /= qs;
            }
            if (J) {
              jx.fill(0);
              jy.fill(0);
              traceAdjoint(sys, rec!, { fx, fy, px: ax, py: ay, aimed }, w, { x: onesN }, params, jx, true);
              traceAdjoint(sys, rec!, { fx, fy, px: ax, py: ay, aimed }, w, { y: onesN }, params, jy, true);
              cjx.fill(0);
              cjy.fill(0);
              for (let k = 0; k < nr; k++) {
                if (batch.status[k] !== RayStatus.OK) continue;
                const q = pupil.weight[k] / qs;
                for (let j = 0; j < P; j++) {
                  cjx[j] += q * jx[k * P + j];
                  cjy[j] += q * jy[k * P + j];
                }
              }
            }
          } else if (J) {
            jx.fill(0);
            jy.fill(0);
            traceAdjoint(sys, rec!, { fx, fy, px: ax, py: ay, aimed }, w, { x: onesN }, params, jx, true);
            traceAdjoint(sys, rec!, { fx, fy, px: ax, py: ay, aimed }, w, { y: onesN }, params, jy, true);
          }
          for (let k = 0; k < nr; k++) {
            const s = sw * sqrtQ[k];
            const row = row0 + 2 * k;
            if (batch.status[k] !== RayStatus.OK || !chiefOk) {
              r[row] = s * LOST_RAY_RESIDUAL;
              r[row + 1] = s * LOST_RAY_RESIDUAL;
              continue;
            }
            r[row] = s * (batch.x[k] - cx);
            r[row + 1] = s * (batch.y[k] - cy);
            if (J) {
              const ox = row * P, oy = (row + 1) * P, ok = k * P;
              for (let j = 0; j < P; j++) {
                J[ox + j] = s * (jx[ok + j] - cjx[j]);
                J[oy + j] = s * (jy[ok + j] - cjy[j]);
              }
            }
          }
        }
      }
      if (J) for (let i = 0; i < J.length; i++) if (!Number.isFinite(J[i])) J[i] = 0;
    },
    refocusSlopes(vx, vy, vz, out) {
      // x(t) = x + (vz·l/n − vx) t on the moved plane; likewise y.
      for (let f = 0; f < nf; f++) {
        for (let w = 0; w < nw; w++) {
          const sw = Math.sqrt((system.fieldWeights[f] * system.wavelengthWeights[w]) / (fsum * wsum));
          const blk = (f * nw + w) * nr;
          let ax = 0, ay = 0;
          if (reference === 'chief') {
            ax = vz * chiefTanX[f] - vx;
            ay = vz * chiefTanY[f] - vy;
          } else {
            let qs = 0;
            for (let k = 0; k < nr; k++) {
              if (!(tanX[blk + k] === tanX[blk + k])) continue;
              qs += pupil.weight[k];
              ax += pupil.weight[k] * (vz * tanX[blk + k] - vx);
              ay += pupil.weight[k] * (vz * tanY[blk + k] - vy);
            }
            if (qs > 0) {
              ax /= qs;
              ay /= qs;
            }
          }
          for (let k = 0; k < nr; k++) {
            const row = 2 * (blk + k);
            const tx = tanX[blk + k];
            if (!(tx === tx) || !blockOk[f * nw + w]) {
              out[row] = 0;
              out[row + 1] = 0;
              continue;
            }
            const s = sw * sqrtQ[k];
            out[row] = s * (vz * tx - vx - ax);
            out[row + 1] = s * (vz * tanY[blk + k] - vy - ay);
          }
        }
      }
      return true;
    },
  };
}

/**
 * A merit spec as the criterion (its merit Σ r²). The spec's `variables` are ignored: derivatives
 * are taken with respect to whatever parameters the caller asks for.
 */
export function meritCriterion(system: LensSystem, spec: MeritSpec, label = 'merit'): Criterion {
  const problems = new Map<string, MeritProblem>();
  const problemFor = (params: readonly ParamRef[]): MeritProblem => {
    const key = params.map((p) => `${p.kind}:${p.surface}:${p.index ?? ''}`).join(',');
    let mp = problems.get(key);
    if (!mp) {
      const variables = params.map((p) => ({ kind: p.kind, surface: p.surface, index: p.index }));
      // A criterion needs at least one column: a curvature of surface 0 stands in (its Jacobian is unused).
      // The full pupil always: a perturbed lens is not left-right symmetric, whatever it is at build time.
      const merit: MeritSpec = { ...spec, ...(spec.defaultMerit ? { defaultMerit: { ...spec.defaultMerit, symmetry: 'none' as const } } : {}) };
      mp = buildMeritProblem(system, { ...merit, variables: variables.length ? variables : [{ kind: 'curvature', surface: 0 }] });
      problems.set(key, mp);
    }
    return mp;
  };
  const m = problemFor([]).problem.nResiduals;
  return {
    name: label,
    unit: '',
    kind: 'merit',
    nResiduals: m,
    value: (ss) => ss,
    evaluate(sys, params, r, J) {
      if (sys !== system) throw new Error('meritCriterion: built for another system');
      const mp = problemFor(params);
      const x = readParams(system, params.length ? params : [{ kind: 'curvature', surface: 0 }]);
      const out = mp.problem.evaluate(x, J !== null);
      r.set(out.residuals);
      if (J) J.set(params.length ? out.jacobian! : new Float64Array(0));
    },
  };
}
