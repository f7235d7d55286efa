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
import { adjointPass } from '../trace/adjointPass.ts';
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
 * The adjoint pieces of one OPD sample i: the seeds of its own ray's final state for Ŵ_i = 1
 * (written at index i of the seed arrays, scaled by `wb`), and the coefficients of the chief ray's
 * intercept (∂W_i/∂C), of e = ν·XPL and of n' — all from dt of the module docs.
 */
type SeedArrays = ReturnType<typeof seedArrays>;

function sampleAdjoint(s: OpdSamples, i: number, wb: number, seeds: SeedArrays, chief: Float64Array): void {
  const sp = s.sphere!;
  const b = s.rays;
  const lam = s.lambdaMm, nI = sp.nImage;
  const ex = -sp.cx, ey = -sp.cy, ez = sp.ez - sp.cz; // E − C
  const t = s.t[i];
  const qx = b.x[i] + t * b.l[i] - sp.cx, qy = b.y[i] + t * b.m[i] - sp.cy, qz = b.z[i] + t * b.n[i] - sp.cz;
  const sd = qx * b.l[i] + qy * b.m[i] + qz * b.n[i];
  const k = (-nI * wb) / lam / sd; // adjoint of t_i over S·d
  seeds.x[i] = -k * qx;
  seeds.y[i] = -k * qy;
  seeds.z[i] = -k * qz;
  seeds.l[i] = -k * t * qx;
  seeds.m[i] = -k * t * qy;
  seeds.n[i] = -k * t * qz;
  seeds.opl[i] = -wb / lam;
  // Chief ray: its intercept through dt (and t_c = ±R), its OPL, E and n'.
  const R = sp.radius, sc = Math.sign(sp.chiefT);
  const tauC = (nI * wb) / lam;
  chief[0] = k * (qx - ex) + (tauC * sc * -ex) / R;
  chief[1] = k * (qy - ey) + (tauC * sc * -ey) / R;
  chief[2] = k * (qz - ez) + (tauC * sc * -ez) / R;
  chief[3] = wb / lam; // chief OPL
  chief[4] = k * ez + (tauC * sc * ez) / R; // e
  chief[5] = (wb * (sp.chiefT - t)) / lam; // n'
}

function seedArrays(size: number) {
  return { x: new Float64Array(size), y: new Float64Array(size), z: new Float64Array(size), l: new Float64Array(size), m: new Float64Array(size), n: new Float64Array(size), opl: new Float64Array(size) };
}

/** ν·dXPL/dθ and dn'/dθ per parameter (the paraxial parts of every OPD derivative). */
function paraxialParts(system: LensSystem, w: number, params: readonly ParamRef[]): { de: Float64Array; dn: Float64Array } {
  const dir = directionBefore(system, system.surfaces.length - 1);
  const last = system.surfaces.length - 2;
  const N = signedIndexAfter(system, last, w);
  const de = new Float64Array(params.length), dn = new Float64Array(params.length);
  params.forEach((p, j) => {
    de[j] = dir * dExitPupilDistance(system, p);
    dn[j] = Math.sign(N) * dSignedIndexAfter(system, p, last, w);
  });
  return { de, dn };
}

/** Extra adjoints and outputs of {@link opdVectorJacobianProduct}. */
export interface OpdAdjointExtras {
  /** Adjoints of the chief ray's image intercept x and y (mm), e.g. a lateral-colour phase. */
  chiefX?: number;
  chiefY?: number;
  /**
   * Receives Ŵ_i ∂W_i/∂Px_i and Ŵ_i ∂W_i/∂Py_i per sample (length samples): the derivatives with
   * respect to the sample's normalised pupil coordinates (paraxial ray aiming only).
   */
  pupil?: { px: Float64Array; py: Float64Array };
}

/**
 * Σ_i Ŵ_i ∂W_i/∂θ for OPD samples traced with a record (opdAboutReferenceSphere with `record`).
 * @param wbar adjoint per sample (length = samples.px.length); ignored where invalid
 * @returns the gradient (length params.length), per parameter unit (engine/optics/params.ts)
 * @throws Error when `extras.pupil` is asked of a system with real ray aiming
 */
export function opdVectorJacobianProduct(system: LensSystem, s: OpdSamples, record: TraceRecord, wbar: ArrayLike<number>, params: readonly ParamRef[], extras: OpdAdjointExtras = {}): Float64Array {
  const P = params.length;
  const out = new Float64Array(P);
  if (!s.sphere) return out;
  if (extras.pupil && system.rayAiming === 'real') throw new Error('the pupil gradient of the OPD needs paraxial ray aiming');
  const n = s.px.length, c = n;
  const seeds = seedArrays(n + 1);
  const chief = new Float64Array(6), acc = new Float64Array(6);
  for (let i = 0; i < n; i++) {
    const wb = wbar[i];
    if (!s.valid[i] || wb === 0) continue;
    sampleAdjoint(s, i, wb, seeds, chief);
    for (let a = 0; a < 6; a++) acc[a] += chief[a];
  }
  seeds.x[c] = acc[0] + (extras.chiefX ?? 0);
  seeds.y[c] = acc[1] + (extras.chiefY ?? 0);
  seeds.z[c] = acc[2];
  seeds.opl[c] = acc[3];
  if (extras.pupil) {
    // Paraxial aiming: the pass's pupil adjoints are the derivatives in the normalised coordinates.
    const pupilBar = new Float64Array(2 * (n + 1));
    adjointPass(system, record, launchOf(system, s), s.wavelengthIndex, seeds, params, out, false, { pupilBar });
    for (let i = 0; i < n; i++) {
      extras.pupil.px[i] = pupilBar[2 * i];
      extras.pupil.py[i] = pupilBar[2 * i + 1];
    }
  } else {
    traceAdjoint(system, record, launchOf(system, s), s.wavelengthIndex, seeds, params, out);
  }
  if (acc[4] !== 0 || acc[5] !== 0) {
    const { de, dn } = paraxialParts(system, s.wavelengthIndex, params);
    for (let j = 0; j < P; j++) out[j] += acc[4] * de[j] + acc[5] * dn[j];
  }
  return out;
}

function launchOf(system: LensSystem, s: OpdSamples) {
  return { fx: system.fieldX[s.fieldIndex], fy: system.fieldY[s.fieldIndex], px: s.launchPx, py: s.launchPy, aimed: system.rayAiming === 'real' };
}

/**
 * The Jacobian of every OPD sample, J[i·P + j] = ∂W_i/∂θ_j (waves per parameter unit; rows of
 * invalid samples are zero): one per-ray adjoint pass for the samples' own rays, four one-ray passes
 * for the chief ray (intercept and OPL), and the paraxial parts (XPL, n').
 */
export function opdJacobian(system: LensSystem, s: OpdSamples, record: TraceRecord, params: readonly ParamRef[]): Float64Array {
  const P = params.length;
  const n = s.px.length, c = n;
  const J = new Float64Array(n * P);
  if (!s.sphere || P === 0) return J;
  const seeds = seedArrays(n + 1);
  const coef = new Float64Array(6 * n), chief = new Float64Array(6);
  for (let i = 0; i < n; i++) {
    if (!s.valid[i]) continue;
    sampleAdjoint(s, i, 1, seeds, chief);
    coef.set(chief, 6 * i);
  }
  const own = new Float64Array((n + 1) * P);
  const launch = launchOf(system, s);
  traceAdjoint(system, record, launch, s.wavelengthIndex, seeds, params, own, true);
  const chiefJ = (['x', 'y', 'z', 'opl'] as const).map((key) => {
    const seed = new Float64Array(n + 1);
    seed[c] = 1;
    return traceAdjoint(system, record, launch, s.wavelengthIndex, { [key]: seed }, params, new Float64Array(P));
  });
  const { de, dn } = paraxialParts(system, s.wavelengthIndex, params);
  for (let i = 0; i < n; i++) {
    if (!s.valid[i]) continue;
    const k = 6 * i, row = i * P;
    for (let j = 0; j < P; j++) {
      J[row + j] = own[row + j] + coef[k] * chiefJ[0][j] + coef[k + 1] * chiefJ[1][j] + coef[k + 2] * chiefJ[2][j] + coef[k + 3] * chiefJ[3][j] + coef[k + 4] * de[j] + coef[k + 5] * dn[j];
    }
  }
  return J;
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
