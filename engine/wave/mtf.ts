/**
 * Diffraction MTF: the modulus of the OTF, the normalised autocorrelation of the pupil function.
 *
 * OTF(Δ) = (1/A₀)·(1/π)∫_{D ∩ (D+Δ)} P(u)·P*(u − Δ) d²u, P = A·exp(−2πi W) (W in waves, engine/wave/
 * opd.ts), A₀ the transmitted pupil fraction, so OTF(0) = 1. The pupil shift of the image-plane
 * frequency f (cycles/mm) is Δ = f·λ/a (the direction-cosine mapping, engine/wave/pupilMapping.ts):
 * tangential = frequency along y (Δ along Py, a = a_T), sagittal = along x (a = a_S).
 * - `mtfAtFrequencies` evaluates the integral at exactly the requested frequencies (nothing
 *   interpolated) by Gauss–Legendre quadrature on the lens-shaped overlap (engine/wave/quadrature.ts),
 *   with rays traced at u and u − Δ; the order grows until the value changes by < 2e-5 (1e-3 for a
 *   vignetted pupil: psf.ts QUADRATURE_TOLERANCE) and the phase
 *   of the integrand changes by < 0.5 wave between neighbouring nodes (QUADRATURE_MAX_STEP_WAVES) — otherwise the frequency is
 *   flagged undersampled and its value is null.
 * - `fftMtf` gives the whole curve at multiples of 1/(G·p) from the FFT PSF (engine/wave/psf.ts).
 * - Diffraction limit: the same integral with W = 0 (the autocorrelation of the transmitted pupil),
 *   (2/π)(acos ν − ν√(1−ν²)) with ν = f/(2|a|/λ) for a clear pupil.
 * - Polychromatic: |Σ_λ w_λ OTF_λ(f)·exp(−2πi f·(c_λ − c_ref))| / Σ w_λ — each wavelength's OTF
 *   normalised to 1 at f = 0 (equal energy per unit weight) and referred to the reference
 *   wavelength's chief ray c_ref (the lateral colour c_λ − c_ref shifts its phase).
 */
import type { LensSystem } from '../optics/system.ts';
import { launchContext, type LaunchContext } from '../trace/rayAiming.ts';
import { opdAboutReferenceSphere } from './opd.ts';
import { diskQuadrature, lensQuadrature } from './quadrature.ts';
import { directionCosineScale } from './pupilMapping.ts';
import { fftOfSize, QUADRATURE_MAX_STEP_WAVES, QUADRATURE_TOLERANCE, VIGNETTED_BELOW, type DiffractionPsf } from './psf.ts';

export type MtfAxis = 'tangential' | 'sagittal';

interface OtfValue {
  re: number;
  im: number;
  dl: number;
  converged: boolean;
  step: number;
  /** Nodes per direction and half of the last lens quadrature (0 when nothing was traced). */
  order: number;
}

/** The lens-quadrature orders tried, coarse to fine. */
export const OTF_QUADRATURE_LEVELS = [16, 24, 32, 48, 64, 96, 128];
const LEVELS = OTF_QUADRATURE_LEVELS;

export interface OtfContext {
  ctx: LaunchContext;
  focusShiftMm?: number;
  /** Transmitted pupil fraction A₀ per wavelength (cached). */
  area?: Map<number, number>;
}

/** A₀: the fraction of the pupil area (disk quadrature 32 × 64) whose rays reach the image; cached per wavelength in `oc`. */
export function transmittedFraction(system: LensSystem, f: number, w: number, oc: OtfContext): number {
  const cached = oc.area?.get(w);
  if (cached !== undefined) return cached;
  const q = diskQuadrature(32, 64);
  const s = opdAboutReferenceSphere(system, f, w, q.px, q.py, { ctx: oc.ctx, focusShiftMm: oc.focusShiftMm });
  let a = 0;
  for (let k = 0; k < q.weight.length; k++) if (s.valid[k]) a += q.weight[k];
  if (!s.sphere) a = 0;
  oc.area ??= new Map();
  oc.area.set(w, a);
  return a;
}

/** Complex OTF at the signed pupil shift `delta` along an axis, by adaptive lens quadrature. */
export function otfAtShift(system: LensSystem, f: number, w: number, delta: number, axis: MtfAxis, oc: OtfContext): OtfValue {
  const A0 = transmittedFraction(system, f, w, oc);
  const d = Math.abs(delta);
  if (A0 === 0 || d >= 2) return { re: 0, im: 0, dl: 0, converged: A0 > 0, step: 0, order: 0 };
  const tol = A0 < VIGNETTED_BELOW ? QUADRATURE_TOLERANCE.vignetted : QUADRATURE_TOLERANCE.clear.mtf;
  let prev: number | null = null;
  let last: OtfValue = { re: 0, im: 0, dl: 0, converged: false, step: Infinity, order: 0 };
  for (const n of LEVELS) {
    const L = lensQuadrature(d, n);
    const K = L.weight.length;
    const px = new Float64Array(2 * K), py = new Float64Array(2 * K);
    for (let k = 0; k < K; k++) {
      // Tangential: shift along y; sagittal: the same region turned to x.
      const a = L.px[k], b = L.py[k];
      const [x, y] = axis === 'tangential' ? [a, b] : [b, a];
      px[k] = x;
      py[k] = y;
      px[K + k] = axis === 'tangential' ? x : x - d;
      py[K + k] = axis === 'tangential' ? y - d : y;
    }
    const s = opdAboutReferenceSphere(system, f, w, px, py, { ctx: oc.ctx, focusShiftMm: oc.focusShiftMm });
    let re = 0, im = 0, dl = 0;
    const D = new Float64Array(K).fill(NaN);
    for (let k = 0; k < K; k++) {
      if (!s.valid[k] || !s.valid[K + k]) continue;
      const diff = s.opd[k] - s.opd[K + k];
      D[k] = diff;
      const ph = -2 * Math.PI * diff;
      re += L.weight[k] * Math.cos(ph);
      im += L.weight[k] * Math.sin(ph);
      dl += L.weight[k];
    }
    // Phase step between neighbouring nodes: node order is (φ_i, t_j, half).
    let step = 0;
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < n; j++) {
        for (let h = 0; h < 2; h++) {
          const k = (i * n + j) * 2 + h;
          if (Number.isNaN(D[k])) continue;
          if (j + 1 < n && !Number.isNaN(D[k + 2])) step = Math.max(step, Math.abs(D[k + 2] - D[k]));
          if (i + 1 < n && !Number.isNaN(D[k + 2 * n])) step = Math.max(step, Math.abs(D[k + 2 * n] - D[k]));
        }
      }
    }
    re /= A0;
    im /= A0;
    dl /= A0;
    // Negative shift (a > 0): OTF(−Δ) = conj OTF(Δ).
    if (delta < 0) im = -im;
    const mod = Math.hypot(re, im);
    last = { re, im, dl, converged: false, step, order: n };
    if (prev !== null && Math.abs(mod - prev) < tol && step <= QUADRATURE_MAX_STEP_WAVES) {
      last.converged = true;
      return last;
    }
    prev = mod;
    // The step shrinks about as 1/n: stop when even the finest level cannot sample the phase.
    if ((step * n) / LEVELS[LEVELS.length - 1] > 1.2 * QUADRATURE_MAX_STEP_WAVES) break;
  }
  return last;
}

export interface MtfResult {
  fieldIndex: number;
  wavelengthIndices: number[];
  frequencies: number[];
  /** MTF values; null where undersampled. */
  tangential: (number | null)[];
  sagittal: (number | null)[];
  diffractionLimitTangential: number[];
  diffractionLimitSagittal: number[];
  /** Cutoffs 2|a|/λ (monochromatic only; the reference wavelength's for polychromatic), cycles/mm. */
  cutoffTangential: number;
  cutoffSagittal: number;
  undersampled: boolean;
}

/**
 * MTF of field f at the frequencies (cycles/mm), at one wavelength or polychromatic over several
 * (the first is the reference for the chief ray); see the module doc.
 */
export function mtfAtFrequencies(system: LensSystem, f: number, frequencies: number[], opts: { wavelengths?: number[]; ctx?: LaunchContext; focusShiftMm?: number } = {}): MtfResult {
  const ctx = opts.ctx ?? launchContext(system);
  const wl = opts.wavelengths ?? [system.primaryIndex];
  const scales = wl.map((w) => directionCosineScale(system, f, w, ctx));
  // Chief-ray intercepts per wavelength, for the lateral-colour phase.
  const chief = wl.map((w) => opdAboutReferenceSphere(system, f, w, [], [], { ctx, focusShiftMm: opts.focusShiftMm }).sphere);
  const ref = chief[0];
  const wsum = wl.reduce((a, w) => a + system.wavelengthWeights[w], 0) || 1;
  const out: MtfResult = {
    fieldIndex: f, wavelengthIndices: wl, frequencies, tangential: [], sagittal: [], diffractionLimitTangential: [], diffractionLimitSagittal: [],
    cutoffTangential: (2 * Math.abs(scales[0].aT)) / (system.wavelengthsUm[wl[0]] * 1e-3),
    cutoffSagittal: (2 * Math.abs(scales[0].aS)) / (system.wavelengthsUm[wl[0]] * 1e-3),
    undersampled: false,
  };
  for (const axis of ['tangential', 'sagittal'] as const) {
    const oc: OtfContext = { ctx, focusShiftMm: opts.focusShiftMm };
    for (const freq of frequencies) {
      let re = 0, im = 0, dl = 0, ok = true;
      wl.forEach((w, k) => {
        const lambda = system.wavelengthsUm[w] * 1e-3;
        const a = axis === 'tangential' ? scales[k].aT : scales[k].aS;
        const v = otfAtShift(system, f, w, (freq * lambda) / a, axis, oc);
        if (!v.converged) ok = false;
        const c = chief[k];
        const shift = c && ref ? (axis === 'tangential' ? c.cy - ref.cy : c.cx - ref.cx) : 0;
        const ph = -2 * Math.PI * freq * shift;
        const wt = system.wavelengthWeights[w] / wsum;
        re += wt * (v.re * Math.cos(ph) - v.im * Math.sin(ph));
        im += wt * (v.re * Math.sin(ph) + v.im * Math.cos(ph));
        dl += wt * v.dl;
      });
      if (!ok) out.undersampled = true;
      (axis === 'tangential' ? out.tangential : out.sagittal).push(ok ? Math.hypot(re, im) : null);
      (axis === 'tangential' ? out.diffractionLimitTangential : out.diffractionLimitSagittal).push(dl);
    }
  }
  return out;
}

/** The FFT MTF curve of a PSF: frequencies s/(G·p), s = 0…G/2, cycles/mm. */
export interface MtfCurve {
  frequencies: Float64Array;
  tangential: Float64Array;
  sagittal: Float64Array;
  undersampled: boolean;
}

/** MTF curve by FFT of the PSF's marginals (the OTF along the axes), from engine/wave/psf.ts. */
export function fftMtf(psf: DiffractionPsf): MtfCurve {
  const G = psf.size;
  const my = new Float64Array(G), mx = new Float64Array(G);
  for (let i = 0; i < G; i++) {
    for (let j = 0; j < G; j++) {
      const v = psf.data[i * G + j];
      my[i] += v;
      mx[j] += v;
    }
  }
  const fft = fftOfSize(G);
  const curve = (m: Float64Array) => {
    const inp = new Float64Array(2 * G), out = new Float64Array(2 * G);
    for (let i = 0; i < G; i++) inp[2 * i] = m[i];
    fft.transform(out, inp);
    const r = new Float64Array(G / 2 + 1);
    const z = Math.hypot(out[0], out[1]) || 1;
    for (let s = 0; s <= G / 2; s++) r[s] = Math.hypot(out[2 * s], out[2 * s + 1]) / z;
    return r;
  };
  const df = 1 / (G * psf.pixelUm * 1e-3);
  return { frequencies: Float64Array.from({ length: G / 2 + 1 }, (_, s) => s * df), tangential: curve(my), sagittal: curve(mx), undersampled: psf.undersampled };
}

/** Through-focus MTF at one frequency: tangential and sagittal per image shift (mm, along the light). */
export function throughFocusMtf(system: LensSystem, f: number, frequency: number, shiftsMm: number[], opts: { wavelengths?: number[]; ctx?: LaunchContext } = {}): { shiftsMm: number[]; tangential: (number | null)[]; sagittal: (number | null)[] } {
  const ctx = opts.ctx ?? launchContext(system);
  const tangential: (number | null)[] = [], sagittal: (number | null)[] = [];
  for (const dz of shiftsMm) {
    const m = mtfAtFrequencies(system, f, [frequency], { wavelengths: opts.wavelengths, ctx, focusShiftMm: dz });
    tangential.push(m.tangential[0]);
    sagittal.push(m.sagittal[0]);
  }
  return { shiftsMm, tangential, sagittal };
}
