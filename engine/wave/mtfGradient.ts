/**
 * The diffraction MTF at one frequency with its exact gradient with respect to lens parameters, for
 * tolerancing criteria and design: the polychromatic OTF of engine/wave/mtf.ts,
 *   O = Σ_λ ω_λ OTF_λ(Δ_λ) e^{iψ_λ},  OTF_λ = (1/A₀) Σ_k L_k e^{−2πi (W(u_k) − W(u_k − Δ_λ ê))},
 *   ψ_λ = −2π ν (c_λ − c_ref),  Δ_λ = ν λ / a_λ,  MTF = |O|,
 * on a lens quadrature of fixed order (`order` nodes per direction and half; engine/wave/
 * quadrature.ts), so the value is a smooth function of the lens. With ĉ = Ō/|O|:
 *   dMTF = Σ_λ Re(ĉ ω_λ e^{iψ_λ} dOTF_λ) + 2πν Im(ĉ ω_λ e^{iψ_λ} OTF_λ)(dc_λ − dc_ref).
 * dOTF_λ has three parts, all exact: the OPD at fixed pupil points (one adjoint pass with
 * Ŵ = ±(2π L_k/A₀) Im(z e^{−2πiD_k}), engine/wave/opdGradient.ts); the lateral colour (chief-ray
 * intercept seeds in the same pass); and the moving shift Δ_λ = ν λ / a_λ — the quadrature's nodes
 * and weights move with Δ (lensQuadratureTangent) and W moves with its nodes by its pupil gradient
 * ∂W/∂(Px, Py) (from the same pass), times dΔ/dθ = −(Δ/a) da/dθ with a_λ the direction-cosine
 * scale (engine/wave/pupilMapping.ts) differentiated by a two-ray adjoint pass. A₀ (the
 * transmitted pupil fraction) and the set of transmitted rays are piecewise constant.
 * Needs paraxial ray aiming (the pupil gradient). When no marginal-ray pair reaches the image
 * and the scale falls back to the paraxial working F-number, that fallback is held fixed.
 */
import type { LensSystem } from '../optics/system.ts';
import type { ParamRef } from '../optics/params.ts';
import { objectField } from '../paraxial/pupil.ts';
import { RayBatch, RayStatus } from '../trace/rayBatch.ts';
import { TraceRecord, traceBatch } from '../trace/realTrace.ts';
import { launchContext, launchRays, type LaunchContext } from '../trace/rayAiming.ts';
import { traceAdjoint } from '../trace/adjoint.ts';
import { firstOrder } from '../analysis/firstOrder.ts';
import { opdAboutReferenceSphere } from './opd.ts';
import { opdVectorJacobianProduct } from './opdGradient.ts';
import { lensQuadrature, lensQuadratureTangent } from './quadrature.ts';
import { transmittedFraction, type MtfAxis } from './mtf.ts';

export interface MtfGradient {
  /** The MTF (0..1). */
  value: number;
  /** ∂MTF/∂θ per parameter (zero where not asked). */
  gradient: Float64Array;
  /** Largest change of W − W' between neighbouring quadrature nodes, waves (sampling check). */
  maxStepWaves: number;
}

/** The direction-cosine scale a (engine/wave/pupilMapping.ts) along one axis and da/dθ. */
function scaleWithGradient(system: LensSystem, f: number, w: number, axis: MtfAxis, params: readonly ParamRef[], ctx: LaunchContext): { a: number; da: Float64Array } {
  const da = new Float64Array(params.length);
  const rhos = [1, 0.75, 0.5, 0.25];
  const px: number[] = [], py: number[] = [];
  for (const r of rhos) {
    if (axis === 'sagittal') px.push(r, -r), py.push(0, 0);
    else px.push(0, 0), py.push(r, -r);
  }
  const fx = system.fieldX[f], fy = system.fieldY[f];
  const field = objectField(system, fx, fy, ctx.pupil);
  const b = launchRays(system, field, px, py, new RayBatch(px.length), ctx);
  const rec = params.length > 0 ? new TraceRecord(system.surfaces.length, px.length) : undefined;
  traceBatch(system, b, w, { record: rec });
  for (let k = 0; k < rhos.length; k++) {
    const i = 2 * k;
    if (b.status[i] !== RayStatus.OK || b.status[i + 1] !== RayStatus.OK) continue;
    const comp = axis === 'sagittal' ? b.l : b.m;
    const a = (comp[i] - comp[i + 1]) / (2 * rhos[k]);
    if (a === 0) break;
    if (rec) {
      const seed = new Float64Array(px.length);
      seed[i] = 1 / (2 * rhos[k]);
      seed[i + 1] = -1 / (2 * rhos[k]);
      traceAdjoint(system, rec, { fx, fy, px, py }, w, axis === 'sagittal' ? { l: seed } : { m: seed }, params, da);
    }
    return { a, da };
  }
  const a = 1 / (2 * firstOrder(system).workingFno);
  return { a: axis === 'sagittal' ? a : -a, da };
}

/**
 * The polychromatic diffraction MTF of field f at `frequency` (cycles/mm) along `axis`, over
 * `wavelengths` (indices; the first is the reference of the lateral colour), with a lens
 * quadrature of `order`, and its gradient with respect to `params` (module docs).
 * @param area optional cache of A₀ per wavelength index for this field and lens (shared by the azimuths)
 * @throws Error for a system with real ray aiming
 */
export function mtfWithGradient(system: LensSystem, f: number, frequency: number, axis: MtfAxis, wavelengths: readonly number[], order: number, params: readonly ParamRef[], ctx: LaunchContext = launchContext(system), area?: Map<number, number>): MtfGradient {
  if (system.rayAiming === 'real') throw new Error('the MTF gradient needs paraxial ray aiming');
  const P = params.length;
  const wsum = wavelengths.reduce((a, w) => a + system.wavelengthWeights[w], 0) || 1;
  interface PerWavelength {
    re: number;
    im: number;
    chief: number | null;
    s: ReturnType<typeof opdAboutReferenceSphere> | null;
    rec: TraceRecord | null;
    A0: number;
    d: number;
    sign: number;
    a: number;
    da: Float64Array;
    weight: Float64Array;
    dpx: Float64Array;
    dpy: Float64Array;
    dweight: Float64Array;
    ph: Float64Array;
    ok: Uint8Array;
  }
  const per: PerWavelength[] = [];
  let maxStep = 0;
  for (const w of wavelengths) {
    const lambda = system.wavelengthsUm[w] * 1e-3;
    const { a, da } = scaleWithGradient(system, f, w, axis, P > 0 ? params : [], ctx);
    const delta = (frequency * lambda) / a;
    const d = Math.abs(delta);
    const A0 = transmittedFraction(system, f, w, { ctx, area });
    const entry: PerWavelength = { re: 0, im: 0, chief: null, s: null, rec: null, A0, d, sign: Math.sign(delta), a, da, weight: new Float64Array(0), dpx: new Float64Array(0), dpy: new Float64Array(0), dweight: new Float64Array(0), ph: new Float64Array(0), ok: new Uint8Array(0) };
    const chiefOnly = opdAboutReferenceSphere(system, f, w, [], [], { ctx }).sphere;
    entry.chief = chiefOnly ? (axis === 'tangential' ? chiefOnly.cy : chiefOnly.cx) : null;
    per.push(entry);
    if (A0 === 0 || d >= 2) continue;
    const L = lensQuadrature(d, order);
    const K = L.weight.length;
    const px = new Float64Array(2 * K), py = new Float64Array(2 * K);
    for (let k = 0; k < K; k++) {
      const u = L.px[k], v = L.py[k];
      if (axis === 'tangential') {
        px[k] = u;
        py[k] = v;
        px[K + k] = u;
        py[K + k] = v - d;
      } else {
        px[k] = v;
        py[k] = u;
        px[K + k] = v - d;
        py[K + k] = u;
      }
    }
    const rec = P > 0 ? new TraceRecord(system.surfaces.length, 2 * K + 1) : null;
    const s = opdAboutReferenceSphere(system, f, w, px, py, { ctx, record: rec ?? undefined });
    const ph = new Float64Array(K), ok = new Uint8Array(K);
    let re = 0, im = 0;
    for (let k = 0; k < K; k++) {
      if (!s.valid[k] || !s.valid[K + k]) continue;
      ok[k] = 1;
      ph[k] = s.opd[k] - s.opd[K + k];
      re += L.weight[k] * Math.cos(-2 * Math.PI * ph[k]);
      im += L.weight[k] * Math.sin(-2 * Math.PI * ph[k]);
    }
    // Sampling check, as engine/wave/mtf.ts: node order (φ_i, t_j, half).
    for (let i = 0; i < order; i++) {
      for (let j = 0; j < order; j++) {
        for (let h = 0; h < 2; h++) {
          const k = (i * order + j) * 2 + h;
          if (!ok[k]) continue;
          if (j + 1 < order && ok[k + 2]) maxStep = Math.max(maxStep, Math.abs(ph[k + 2] - ph[k]));
          if (i + 1 < order && ok[k + 2 * order]) maxStep = Math.max(maxStep, Math.abs(ph[k + 2 * order] - ph[k]));
        }
      }
    }
    entry.re = re / A0;
    entry.im = (entry.sign < 0 ? -im : im) / A0;
    entry.s = s;
    entry.rec = rec;
    entry.weight = L.weight;
    entry.ph = ph;
    entry.ok = ok;
    if (P > 0) ({ dpx: entry.dpx, dpy: entry.dpy, dweight: entry.dweight } = lensQuadratureTangent(d, order));
  }
  // O = Σ ω OTF e^{iψ}.
  const ref = per[0]?.chief ?? null;
  let Ore = 0, Oim = 0;
  const rot = per.map((e, k) => {
    const psi = e.chief !== null && ref !== null ? -2 * Math.PI * frequency * (e.chief - ref) : 0;
    const om = system.wavelengthWeights[wavelengths[k]] / wsum;
    const c = Math.cos(psi), sn = Math.sin(psi);
    Ore += om * (e.re * c - e.im * sn);
    Oim += om * (e.re * sn + e.im * c);
    return { re: om * c, im: om * sn };
  });
  const value = Math.hypot(Ore, Oim);
  const gradient = new Float64Array(P);
  if (P === 0 || !(value > 0)) return { value, gradient, maxStepWaves: maxStep };
  const cre = Ore / value, cim = -Oim / value; // ĉ = Ō/|O|
  // Lateral colour: γ_k = 2πν Im(z_k OTF_k) on c_k, −γ_k on c_ref.
  const gamma = per.map((e, k) => {
    const zre = cre * rot[k].re - cim * rot[k].im, zim = cre * rot[k].im + cim * rot[k].re;
    return e.chief !== null && ref !== null ? 2 * Math.PI * frequency * (zre * e.im + zim * e.re) : 0;
  });
  const chiefSeed = gamma.slice();
  chiefSeed[0] -= gamma.reduce((a, v) => a + v, 0);
  per.forEach((e, k) => {
    if (!e.s || !e.rec) return;
    // z' = ĉ ω e^{iψ}, conjugated for a negative shift (OTF = conj G).
    let zre = cre * rot[k].re - cim * rot[k].im, zim = cre * rot[k].im + cim * rot[k].re;
    if (e.sign < 0) zim = -zim;
    const K = e.weight.length;
    const wbar = new Float64Array(2 * K);
    let kappa = 0; // ∂MTF/∂d through the weights and node positions
    for (let j = 0; j < K; j++) {
      if (!e.ok[j]) continue;
      const c = Math.cos(-2 * Math.PI * e.ph[j]), sn = Math.sin(-2 * Math.PI * e.ph[j]);
      // Re(z' e^{−2πiD}) and Im(z' e^{−2πiD})
      const rr = zre * c - zim * sn, ii = zre * sn + zim * c;
      kappa += (rr * e.dweight[j]) / e.A0;
      const beta = (2 * Math.PI * e.weight[j] * ii) / e.A0;
      wbar[j] = beta;
      wbar[K + j] = -beta;
    }
    const pupil = { px: new Float64Array(2 * K), py: new Float64Array(2 * K) };
    const tangential = axis === 'tangential';
    const g = opdVectorJacobianProduct(system, e.s, e.rec, wbar, params, { pupil, ...(tangential ? { chiefY: chiefSeed[k] } : { chiefX: chiefSeed[k] }) });
    for (let j = 0; j < K; j++) {
      if (!e.ok[j]) continue;
      // Tangential: u = (x, y), u' = (x, y − d); sagittal: u = (y, x), u' = (y − d, x).
      const dux = tangential ? e.dpx[j] : e.dpy[j], duy = tangential ? e.dpy[j] : e.dpx[j];
      kappa += pupil.px[j] * dux + pupil.py[j] * duy;
      kappa += pupil.px[K + j] * (tangential ? dux : dux - 1) + pupil.py[K + j] * (tangential ? duy - 1 : duy);
    }
    for (let p = 0; p < P; p++) gradient[p] += g[p] - kappa * (e.d / e.a) * e.da[p];
  });
  // Wavelengths whose OTF is zero (beyond the cutoff) still carry the lateral-colour phase of others.
  per.forEach((e, k) => {
    if (e.s && e.rec) return;
    if (chiefSeed[k] === 0) return;
    const chief = chiefJacobian(system, f, wavelengths[k], axis, params, ctx);
    for (let p = 0; p < P; p++) gradient[p] += chiefSeed[k] * chief[p];
  });
  return { value, gradient, maxStepWaves: maxStep };
}

/** ∂c/∂θ of the chief ray's image intercept (y tangential, x sagittal) at one wavelength. */
function chiefJacobian(system: LensSystem, f: number, w: number, axis: MtfAxis, params: readonly ParamRef[], ctx: LaunchContext): Float64Array {
  const rec = new TraceRecord(system.surfaces.length, 1);
  opdAboutReferenceSphere(system, f, w, [], [], { ctx, record: rec });
  const out = new Float64Array(params.length);
  const one = new Float64Array(1).fill(1);
  traceAdjoint(system, rec, { fx: system.fieldX[f], fy: system.fieldY[f], px: [0], py: [0] }, w, axis === 'tangential' ? { y: one } : { x: one }, params, out);
  return out;
}
