/**
 * Exact gradients of OPD functionals (wavefront RMS, Zernike coefficients) with respect to lens
 * parameters, by the real-ray adjoint (engine/trace/adjoint.ts) with optical-path seeds.
 *
 * For W_i = (OPL_c + n'·t_c − OPL_i − n'·t_i)/λ (engine/wave/opd.ts), with S = P + t·d − C on the
 * sphere |S| = R, R = |E − C|, E = (0, 0, e), e = ν·XPL, implicit differentiation of |S|² = R² gives
 *   dt = [(C − E)·(dC − dE) − S·(dP + t·dd − dC)] / (S·d),
 * and for the chief ray t_c = ±R. Given the adjoint Ŵ of every sample, this pass seeds each ray's
 * final state (P, d, OPL) and the chief ray's (its intercept C and OPL), runs one adjoint pass over
 * the batch, and adds the paraxial parts: ∂/∂e · ν·dXPL/dθ (exact paraxial tangents) and
 * ∂/∂n' · dn'/dθ (model glass in image space). Cost: one recorded trace plus one adjoint pass.
 * Ray aiming: paraxial aiming is differentiated; with real aiming the aimed pupil coordinates are
 * held fixed (as for the other real-ray operands, engine/trace/rayJacobian.ts).
 */
import type { LensSystem } from '../optics/system.ts';
import { directionBefore } from '../optics/system.ts';
import type { ParamRef } from '../optics/params.ts';
import { entrancePupil } from '../paraxial/pupil.ts';
import { pupilTangent } from '../paraxial/pupilTangent.ts';
import { paraxialAtImage } from '../paraxial/paraxial.ts';
import { dSignedIndexAfter, paraxialTangent } from '../paraxial/paraxialTangent.ts';
import { signedIndexAfter } from '../paraxial/paraxial.ts';
import { TraceRecord } from '../trace/realTrace.ts';
import { traceAdjoint } from '../trace/adjoint.ts';
import { launchContext, type LaunchContext } from '../trace/rayAiming.ts';
import { opdAboutReferenceSphere, type OpdSamples } from './opd.ts';
import { diskQuadrature } from './quadrature.ts';
import { weightedStatistics } from './wavefront.ts';
import { fitZernike, type ZernikeBasis } from './zernike.ts';

/** dXPL/dθ (XPL: exit pupil from the image plane, primary wavelength, mm per parameter unit). */
export function dExitPupilDistance(system: LensSystem, p: ParamRef): number {
  const w = system.primaryIndex;
  const n0 = system.nObject[w];
  const pupil = entrancePupil(system);
  const pt = pupilTangent(system, p, pupil);
  const d = system.objectDistance;
  let y0: number, nu0: number, dy0: number, dnu0: number;
  if (!Number.isFinite(d)) {
    [y0, nu0, dy0, dnu0] = [-pupil.epl, n0, -pt.depl, 0];
  } else {
    const L = d + pupil.epl;
    const u = -1 / L, du = (pt.dd + pt.depl) / (L * L);
    [y0, nu0, dy0, dnu0] = [1 + u * d, n0 * u, du * d + u * pt.dd, n0 * du];
  }
  const [y, nu, dy, dnu] = paraxialTangent(system, p, w, y0, nu0, dy0, dnu0);
  const last = system.surfaces.length - 2;
  const N = signedIndexAfter(system, last, w);
  const nI = Math.abs(N), dnI = Math.sign(N) * dSignedIndexAfter(system, p, last, w);
  // xpl = −y·n'/Nu
  return -(dy * nI + y * dnI) / nu + (y * nI * dnu) / (nu * nu);
}

/** XPL from the same paraxial ray as dExitPupilDistance (equals firstOrder(system).xpl). */
export function exitPupilDistance(system: LensSystem): number {
  const w = system.primaryIndex;
  const n0 = system.nObject[w];
  const { epl } = entrancePupil(system);
  const d = system.objectDistance;
  const start: [number, number] = Number.isFinite(d) ? [1 - d / (d + epl), -n0 / (d + epl)] : [-epl, n0];
  const [y, nu] = paraxialAtImage(system, w, ...start);
  return (-y * Math.abs(signedIndexAfter(system, system.surfaces.length - 2, w))) / nu;
}

/**
 * Σ_i Ŵ_i ∂W_i/∂θ for OPD samples traced with a record (opdAboutReferenceSphere with `record`).
 * @param wbar adjoint per sample (length = samples.px.length); ignored where invalid
 * @returns the gradient (length params.length), per parameter unit (engine/optics/params.ts)
 */
export function opdVectorJacobianProduct(system: LensSystem, s: OpdSamples, record: TraceRecord, wbar: ArrayLike<number>, params: readonly ParamRef[]): Float64Array {
  const P = params.length;
  const out = new Float64Array(P);
  const sp = s.sphere;
  if (!sp) return out;
  const n = s.px.length, c = n;
  const b = s.rays;
  const lam = s.lambdaMm, nI = sp.nImage;
  const sx = new Float64Array(n + 1), sy = new Float64Array(n + 1), sz = new Float64Array(n + 1);
  const sl = new Float64Array(n + 1), sm = new Float64Array(n + 1), sn = new Float64Array(n + 1), so = new Float64Array(n + 1);
  const ex = -sp.cx, ey = -sp.cy, ez = sp.ez - sp.cz; // E − C
  let cbx = 0, cby = 0, cbz = 0, ebar = 0, nbar = 0, sumW = 0;
  for (let i = 0; i < n; i++) {
    const wb = wbar[i];
    if (!s.valid[i] || wb === 0) continue;
    const t = s.t[i];
    const qx = b.x[i] + t * b.l[i] - sp.cx, qy = b.y[i] + t * b.m[i] - sp.cy, qz = b.z[i] + t * b.n[i] - sp.cz;
    const sd = qx * b.l[i] + qy * b.m[i] + qz * b.n[i];
    const tau = (-nI * wb) / lam; // adjoint of t_i
    const k = tau / sd;
    sx[i] = -k * qx;
    sy[i] = -k * qy;
    sz[i] = -k * qz;
    sl[i] = -k * t * qx;
    sm[i] = -k * t * qy;
    sn[i] = -k * t * qz;
    so[i] = -wb / lam;
    cbx += k * (qx - ex);
    cby += k * (qy - ey);
    cbz += k * (qz - ez);
    ebar += k * ez;
    nbar += (wb * (sp.chiefT - t)) / lam;
    sumW += wb;
  }
  // Chief ray: OPL_c + n'·t_c with t_c = ±R.
  const R = sp.radius, sc = Math.sign(sp.chiefT);
  const tauC = (nI * sumW) / lam;
  cbx += (tauC * sc * -ex) / R;
  cby += (tauC * sc * -ey) / R;
  cbz += (tauC * sc * -ez) / R;
  ebar += (tauC * sc * ez) / R;
  sx[c] = cbx;
  sy[c] = cby;
  sz[c] = cbz;
  so[c] = sumW / lam;
  traceAdjoint(system, record, { fx: system.fieldX[s.fieldIndex], fy: system.fieldY[s.fieldIndex], px: s.launchPx, py: s.launchPy, aimed: system.rayAiming === 'real' }, s.wavelengthIndex, { x: sx, y: sy, z: sz, l: sl, m: sm, n: sn, opl: so }, params, out);
  const dir = directionBefore(system, system.surfaces.length - 1);
  const last = system.surfaces.length - 2;
  const N = signedIndexAfter(system, last, s.wavelengthIndex);
  params.forEach((p, j) => {
    if (ebar !== 0) out[j] += ebar * dir * dExitPupilDistance(system, p);
    if (nbar !== 0) out[j] += nbar * Math.sign(N) * dSignedIndexAfter(system, p, last, s.wavelengthIndex);
  });
  return out;
}

export interface WaveGradient {
  value: number;
  gradient: Float64Array;
  /** false when the chief ray is lost or no ray reaches the image (value 0, gradient 0). */
  ok: boolean;
}

const records = new Map<string, TraceRecord>();
function recordFor(surfaces: number, size: number): TraceRecord {
  const key = `${surfaces}x${size}`;
  let r = records.get(key);
  if (!r) {
    if (records.size > 8) records.clear();
    r = new TraceRecord(surfaces, size);
    records.set(key, r);
  }
  return r;
}

export interface WaveGradientOptions {
  /** Gauss–Legendre rings and angles of the pupil quadrature (default 12 × 24). */
  rings?: number;
  arms?: number;
  ctx?: LaunchContext;
}

function tracedQuadrature(system: LensSystem, f: number, w: number, opts: WaveGradientOptions) {
  const q = diskQuadrature(opts.rings ?? 12, opts.arms ?? 24);
  const rec = recordFor(system.surfaces.length, q.px.length + 1);
  const s = opdAboutReferenceSphere(system, f, w, q.px, q.py, { ctx: opts.ctx ?? launchContext(system), record: rec });
  return { q, s, rec };
}

/**
 * RMS wavefront error (piston removed, area-weighted; waves) of field f at wavelength w and its
 * exact gradient: ∂σ/∂W_i = q_i (W_i − ⟨W⟩) / (Σq · σ).
 */
export function wavefrontRmsGradient(system: LensSystem, f: number, w: number, params: readonly ParamRef[], opts: WaveGradientOptions = {}): WaveGradient {
  const { q, s, rec } = tracedQuadrature(system, f, w, opts);
  const st = weightedStatistics(s.opd, s.valid, q);
  if (!st || !s.sphere) return { value: 0, gradient: new Float64Array(params.length), ok: false };
  const wbar = new Float64Array(s.px.length);
  if (st.rms > 0) for (let i = 0; i < wbar.length; i++) if (s.valid[i]) wbar[i] = (q.weight[i] * (s.opd[i] - st.mean)) / (st.area * st.rms);
  return { value: st.rms, gradient: opdVectorJacobianProduct(system, s, rec, wbar, params), ok: true };
}

/**
 * Zernike coefficient `term` (1-based, 'fringe' or 'standard' = Noll) of the OPD of field f at
 * wavelength w (waves), fitted with `terms` polynomials by area-weighted least squares, and its
 * exact gradient dc = G·dW with G the fit's pseudo-inverse row.
 */
export function zernikeGradient(system: LensSystem, f: number, w: number, basis: ZernikeBasis, term: number, params: readonly ParamRef[], opts: WaveGradientOptions & { terms?: number } = {}): WaveGradient {
  const terms = Math.max(term, opts.terms ?? 37);
  const { q, s, rec } = tracedQuadrature(system, f, w, { rings: opts.rings ?? 16, arms: opts.arms ?? 32, ctx: opts.ctx });
  if (!s.sphere || s.validCount === 0) return { value: 0, gradient: new Float64Array(params.length), ok: false };
  const weights = Float64Array.from(q.weight, (v, k) => (s.valid[k] ? v : 0));
  const fit = fitZernike(basis, terms, q.px, q.py, s.opd, weights);
  const row = fit.pseudoInverseRow(term - 1);
  return { value: fit.coefficients[term - 1], gradient: opdVectorJacobianProduct(system, s, rec, row, params), ok: true };
}
