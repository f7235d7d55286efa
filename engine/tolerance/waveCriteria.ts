/**
 * Wave-optics tolerancing criteria with exact Jacobians (engine/wave/), so that compensators
 * (damped least squares) and robust design work with them as with the RMS spot.
 *
 * RMS wavefront error (`--criterion wavefront`): for every field f and wavelength w, the OPD about
 * the reference sphere (engine/wave/opd.ts, waves at w) on the disk quadrature q_k (Gauss–Legendre
 * rings × uniform arms, default 12 × 24, engine/wave/quadrature.ts) gives residuals
 *   √W_fw · √(q_k / A) · (W_k − ⟨W⟩),   W_fw = ω_f ω_w / (Σω_f Σω_w),  A = Σ_valid q_k,
 * so Σ r² = Σ_fw W_fw σ_fw², σ the piston-removed RMS wavefront of engine/wave/wavefront.ts (lost
 * rays masked, the mean over the transmitted pupil). The criterion is √Σ r², in waves: the RMS
 * wavefront error averaged in quadrature over fields and wavelengths with the default weights.
 * Jacobian rows: ∂r_k = √(W q_k / A)(∂W_k − Σ_j (q_j / A) ∂W_j), from the per-sample OPD Jacobian
 * (engine/wave/opdGradient.ts). A field and wavelength whose chief ray is lost gives the fixed
 * residual 10 waves (√q_k-weighted) with a zero Jacobian.
 *
 * MTF at one frequency (`--criterion mtf@30`): the polychromatic diffraction MTF (engine/wave/
 * mtf.ts, all wavelengths with their weights, the primary the lateral-colour reference) of every
 * field, tangential and sagittal, at ν cycles/mm, with residuals √(ω_f / (2 Σω_f)) · (1 − MTF), so
 * the criterion √Σ r² is the RMS MTF deficit 1 − MTF over fields and azimuths (0 for a perfect
 * MTF of 1; an MTF of 0.6 everywhere gives 0.4). Lower is better, as for every criterion. The
 * gradient is exact (engine/wave/mtfGradient.ts). The lens quadrature's order is fixed when the
 * criterion is built — the order at which the nominal lens's adaptive MTF converges — so the
 * criterion is a smooth function of the lens. Needs paraxial ray aiming.
 */
import type { LensSystem } from '../optics/system.ts';
import type { ParamRef } from '../optics/params.ts';
import { TraceRecord } from '../trace/realTrace.ts';
import { launchContext } from '../trace/rayAiming.ts';
import { opdAboutReferenceSphere } from '../wave/opd.ts';
import { opdJacobian } from '../wave/opdGradient.ts';
import { diskQuadrature } from '../wave/quadrature.ts';
import { weightedStatistics } from '../wave/wavefront.ts';
import { OTF_QUADRATURE_LEVELS, otfAtShift, type MtfAxis } from '../wave/mtf.ts';
import { mtfWithGradient } from '../wave/mtfGradient.ts';
import { directionCosineScale } from '../wave/pupilMapping.ts';
import type { Criterion } from './criterion.ts';
import { ToleranceError } from './template.ts';

const LOST_WAVES = 10;

/** √(ω_f ω_w / (Σω_f Σω_w)) per field and wavelength, row-major f·nw + w. */
function blockWeights(system: LensSystem): Float64Array {
  const fsum = system.fieldWeights.reduce((a, v) => a + v, 0) || 1;
  const wsum = system.wavelengthWeights.reduce((a, v) => a + v, 0) || 1;
  const nf = system.fieldY.length, nw = system.wavelengthsUm.length;
  const out = new Float64Array(nf * nw);
  for (let f = 0; f < nf; f++) for (let w = 0; w < nw; w++) out[f * nw + w] = Math.sqrt((system.fieldWeights[f] * system.wavelengthWeights[w]) / (fsum * wsum));
  return out;
}

export interface WavefrontCriterionOptions {
  /** Gauss–Legendre rings and uniform arms of the pupil quadrature (default 12 × 24). */
  rings?: number;
  arms?: number;
}

/** The RMS wavefront error criterion of a system's fields and wavelengths (module docs). */
export function wavefrontCriterion(system: LensSystem, options: WavefrontCriterionOptions = {}): Criterion {
  const rings = options.rings ?? 12, arms = options.arms ?? 24;
  const q = diskQuadrature(rings, arms);
  const nq = q.px.length;
  const nf = system.fieldY.length, nw = system.wavelengthsUm.length;
  const sw = blockWeights(system);
  let rec: TraceRecord | null = null;
  return {
    name: `RMS wavefront error (piston removed; ${rings} × ${arms} pupil quadrature)`,
    unit: 'waves',
    kind: 'rms',
    nResiduals: nf * nw * nq,
    value: (ss) => Math.sqrt(ss),
    evaluate(sys, params, r, J) {
      const P = params.length;
      if (J) J.fill(0);
      r.fill(0);
      const ctx = launchContext(sys);
      if (J && (!rec || rec.surfaces !== sys.surfaces.length)) rec = new TraceRecord(sys.surfaces.length, nq + 1);
      const mean = new Float64Array(P);
      for (let f = 0; f < nf; f++) {
        for (let w = 0; w < nw; w++) {
          const b = f * nw + w, row0 = b * nq;
          if (sw[b] === 0) continue;
          const s = opdAboutReferenceSphere(sys, f, w, q.px, q.py, { ctx, record: J ? rec! : undefined });
          const st = weightedStatistics(s.opd, s.valid, q);
          if (!st || !s.sphere) {
            for (let k = 0; k < nq; k++) r[row0 + k] = sw[b] * Math.sqrt(q.weight[k]) * LOST_WAVES;
            continue;
          }
          for (let k = 0; k < nq; k++) if (s.valid[k]) r[row0 + k] = sw[b] * Math.sqrt(q.weight[k] / st.area) * (s.opd[k] - st.mean);
          if (!J || P === 0) continue;
          const Jw = opdJacobian(sys, s, rec!, params);
          mean.fill(0);
          for (let k = 0; k < nq; k++) {
            if (!s.valid[k]) continue;
            const c = q.weight[k] / st.area;
            for (let j = 0; j < P; j++) mean[j] += c * Jw[k * P + j];
          }
          for (let k = 0; k < nq; k++) {
            if (!s.valid[k]) continue;
            const c = sw[b] * Math.sqrt(q.weight[k] / st.area), o = (row0 + k) * P;
            for (let j = 0; j < P; j++) J[o + j] = c * (Jw[k * P + j] - mean[j]);
          }
        }
      }
      if (J) for (let i = 0; i < J.length; i++) if (!Number.isFinite(J[i])) J[i] = 0;
    },
  };
}

export interface MtfCriterionOptions {
  /** Spatial frequency, cycles/mm in the image. */
  frequency: number;
  /** Lens-quadrature order (nodes per direction and half); default: chosen on the nominal lens. */
  order?: number;
}

/** The MTF criterion's wavelengths: the primary (the lateral-colour reference) first. */
function mtfWavelengths(system: LensSystem): number[] {
  return [system.primaryIndex, ...system.wavelengthsUm.map((_, w) => w).filter((w) => w !== system.primaryIndex)];
}

/**
 * The lens-quadrature order of the MTF criterion: the smallest adaptive order of engine/wave/mtf.ts
 * at which every field, azimuth and wavelength of the (nominal) lens converges (to 2e-5, with at
 * most ½ wave of phase between neighbouring nodes).
 * @throws ToleranceError when the MTF is undersampled even at the finest order
 */
export function mtfQuadratureOrder(system: LensSystem, frequency: number): number {
  const wavelengths = mtfWavelengths(system);
  const ctx = launchContext(system);
  let level = 0;
  for (let f = 0; f < system.fieldY.length; f++) {
    for (const w of wavelengths) {
      const sc = directionCosineScale(system, f, w, ctx);
      const lambda = system.wavelengthsUm[w] * 1e-3;
      for (const axis of ['tangential', 'sagittal'] as MtfAxis[]) {
        const v = otfAtShift(system, f, w, (frequency * lambda) / (axis === 'tangential' ? sc.aT : sc.aS), axis, { ctx });
        if (!v.converged) throw new ToleranceError(`the MTF at ${frequency} cycles/mm of field ${f + 1} (${axis}, ${system.wavelengthsUm[w]} µm) is undersampled even at ${OTF_QUADRATURE_LEVELS.at(-1)} × ${OTF_QUADRATURE_LEVELS.at(-1)} nodes: the wavefront varies too fast`);
        level = Math.max(level, OTF_QUADRATURE_LEVELS.indexOf(v.order));
      }
    }
  }
  return OTF_QUADRATURE_LEVELS[level];
}

/**
 * The MTF criterion at one frequency (module docs).
 * @throws ToleranceError for a frequency that is not positive, real ray aiming, or an MTF that
 *   cannot be sampled on the nominal lens
 */
export function mtfCriterion(system: LensSystem, options: MtfCriterionOptions): Criterion {
  const nu = options.frequency;
  if (!(nu > 0 && Number.isFinite(nu))) throw new ToleranceError(`the MTF frequency must be a positive number of cycles/mm (got ${nu})`);
  if (system.rayAiming === 'real') throw new ToleranceError('the MTF criterion needs paraxial ray aiming (its exact gradient moves the pupil samples)');
  const nf = system.fieldY.length;
  const wavelengths = mtfWavelengths(system);
  const order = options.order ?? mtfQuadratureOrder(system, nu);
  const fsum = system.fieldWeights.reduce((a, v) => a + v, 0) || 1;
  const sf = system.fieldWeights.map((v) => Math.sqrt(v / (2 * fsum)));
  return {
    name: `MTF deficit 1 − MTF at ${nu} cycles/mm (polychromatic, tangential and sagittal; ${order} × ${order} lens quadrature)`,
    unit: '',
    kind: 'rms',
    largeResidual: true,
    nResiduals: nf * 2,
    value: (ss) => Math.sqrt(ss),
    evaluate(sys, params, r, J) {
      const P = params.length;
      if (J) J.fill(0);
      const ctx = launchContext(sys);
      for (let f = 0; f < nf; f++) {
        const area = new Map<number, number>();
        (['tangential', 'sagittal'] as MtfAxis[]).forEach((axis, a) => {
          const row = 2 * f + a;
          if (sf[f] === 0) {
            r[row] = 0;
            return;
          }
          const m = mtfWithGradient(sys, f, nu, axis, wavelengths, order, J ? params : [], ctx, area);
          r[row] = sf[f] * (1 - m.value);
          if (J) for (let j = 0; j < P; j++) J[row * P + j] = -sf[f] * m.gradient[j];
        });
      }
      if (J) for (let i = 0; i < J.length; i++) if (!Number.isFinite(J[i])) J[i] = 0;
    },
  };
}
