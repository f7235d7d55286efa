/**
 * Diffraction PSF by FFT of the pupil function, monochromatic or polychromatic on one image grid.
 *
 * Scalar Fraunhofer diffraction about the reference sphere: with the linear pupil-to-direction-
 * cosine map of engine/wave/pupilMapping.ts (a_S, a_T, signed), the intensity at the image offset
 * (x, y) from the chief ray's intercept is
 *   PSF(x, y) ∝ |Σ_u P(u) exp(2πi (a_S·u_x·x + a_T·u_y·y) / λ)|²,   P(u) = A(u)·exp(−2πi W(u)),
 * W the OPD in waves (engine/wave/opd.ts), A = 1 where the ray reaches the image, 0 elsewhere.
 * Sampling (explicit): the image pixel p (µm) is common to all wavelengths; each wavelength's pupil
 * is sampled on a G × G grid (G = padding·N, a power of two) with spacings δx = λ/(G p |a_S|),
 * δy = λ/(G p |a_T|), so one FFT (fft.js) gives the PSF on the common grid with square pixels.
 * By default p = λ_ref / (2·padding·max|a|) (Nyquist for padding 2) and N = 64 samples across the
 * pupil's wider axis at the reference (first) wavelength; the field of view is G·p ≈ N·λ·F/#.
 * Undersampling guard: when the OPD changes by more than 0.25 wave between neighbouring pupil
 * samples, N grows (up to `maxPupilSamples`, 512 by default); beyond that the result is flagged
 * `undersampled` — its values are aliased and callers must not report them as numbers.
 * Normalisation: Strehl units — the aberration-free PSF of the same (vignetted) pupil peaks at 1.
 * Polychromatic: Σ_λ w_λ PSF_λ with each PSF_λ of unit energy, over the same sum for W = 0; each
 * wavelength is placed at its own chief ray relative to the reference wavelength's chief ray.
 * With `diffractionLimited`, the same sum with W = 0 and no lateral-colour shift (the aberration-free
 * PSF of the same transmitted pupil, on the same grid, peak 1 at the centre pixel) comes back too:
 * its FFT MTF (engine/wave/mtf.ts `fftMtf`) is the diffraction limit of that pupil, vignetting included.
 */
import FFT from 'fft.js';
import type { LensSystem } from '../optics/system.ts';
import { launchContext, type LaunchContext } from '../trace/rayAiming.ts';
import { opdAboutReferenceSphere } from './opd.ts';
import { directionCosineScale } from './pupilMapping.ts';
import { pupilMirrorSymmetricInX } from './pupilSymmetry.ts';

/** The largest OPD step between neighbouring pupil samples that counts as sampled, waves. */
export const MAX_PHASE_STEP_WAVES = 0.25;

/**
 * The same guard for the Gauss–Legendre quadratures (Strehl, MTF at given frequencies), waves per
 * node. Those results must also agree between two successive quadrature orders, which is the
 * stronger test of sampling; Gauss–Legendre nodes are up to π/2 times sparser than a uniform grid
 * of the same count mid-pupil and exact for polynomials of twice their count, hence 0.5.
 */
export const QUADRATURE_MAX_STEP_WAVES = 0.5;

/**
 * Convergence tolerances of the adaptive pupil quadratures (MTF, Strehl), in their own units. A
 * vignetted pupil's transmitted region has an edge the Gauss nodes do not follow, across which the
 * integrand jumps: the quadrature then converges only about as 1/n, with successive orders
 * scattering by 0.5–1.7 % of the value at low order and ~0.1 % at 128 (measured on a 100° wide-angle
 * lens, optiland's circular_aperture_example, 35° and 50° fields), so it is accepted when two
 * successive orders agree to 5e-3 (the figure's accuracy there, said in the reports), instead of
 * refining to 256 × 512 real-aimed rays per value and reporting it undersampled (3–4 s per value).
 */
export const QUADRATURE_TOLERANCE = { clear: { mtf: 2e-5, strehl: 1e-5 }, vignetted: 5e-3 } as const;
/** A pupil whose transmitted fraction is below this counts as vignetted for the tolerances above. */
export const VIGNETTED_BELOW = 0.999;

export interface PsfOptions {
  /** Wavelength indices (default: the primary); the first is the reference for the pixel size. */
  wavelengths?: number[];
  /** Pupil samples across the wider pupil axis at the reference wavelength (default 64). */
  pupilSamples?: number;
  /** FFT grid over pupil grid (default 2). */
  padding?: number;
  /** Grow the pupil sampling until the phase step is below 0.25 wave (default true). */
  autoSample?: boolean;
  maxPupilSamples?: number;
  /** Image pixel size, µm (default: Nyquist for the reference wavelength at padding 2). */
  pixelUm?: number;
  /** Also return the aberration-free PSF of the same pupil (`diffractionLimitedData`; default false). */
  diffractionLimited?: boolean;
  ctx?: LaunchContext;
}

export interface DiffractionPsf {
  fieldIndex: number;
  wavelengthIndices: number[];
  /** G: the PSF is G × G pixels, row = y, column = x; pixel (G/2, G/2) is the reference chief ray. */
  size: number;
  pixelUm: number;
  /** Intensity in Strehl units (aberration-free peak = 1), row-major. */
  data: Float64Array;
  /** With `diffractionLimited`: the aberration-free PSF (W = 0) of the same pupil, same units; else null. */
  diffractionLimitedData: Float64Array | null;
  /** Pupil samples across the wider axis at the reference wavelength. */
  pupilSamples: number;
  padding: number;
  /** Largest OPD step between neighbouring pupil samples, waves (max over wavelengths). */
  maxPhaseStepWaves: number;
  undersampled: boolean;
  /** The reference wavelength's chief-ray intercept (x, y) on the image surface, mm. */
  centreMm: [number, number];
  /** Per wavelength: [a_S, a_T] direction-cosine scales. */
  scales: [number, number][];
}

interface PupilField {
  re: Float64Array;
  im: Float64Array;
  /** The pupil amplitude alone (W = 0, no shift), when asked for: the diffraction-limited pupil. */
  amplitude: Float64Array | null;
  sumA: number;
  sumA2: number;
  phaseStep: number;
}

/** The sampled pupil function of one wavelength on the G × G grid, with an image-plane shift (mm). */
function samplePupil(system: LensSystem, f: number, w: number, G: number, pixelMm: number, scale: { aS: number; aT: number }, shiftMm: [number, number], ctx: LaunchContext, checker: boolean, withAmplitude = false): PupilField & { chief: [number, number] | null } {
  const lambda = system.wavelengthsUm[w] * 1e-3;
  const dx = lambda / (G * pixelMm * Math.abs(scale.aS));
  const dy = lambda / (G * pixelMm * Math.abs(scale.aT));
  // For a field on the y axis of a symmetric system, trace Px ≥ 0 and mirror (j ↔ G − j).
  const half = pupilMirrorSymmetricInX(system, f);
  const px: number[] = [], py: number[] = [], idx: number[] = [], src: number[] = [];
  const traced = new Map<number, number>();
  for (let i = 0; i < G; i++) {
    const y = (i - G / 2) * dy;
    if (Math.abs(y) > 1) continue;
    for (let j = 0; j < G; j++) {
      const x = (j - G / 2) * dx;
      if (x * x + y * y > 1) continue;
      idx.push(i * G + j);
      const key = half && j < G / 2 ? i * G + (G - j) : i * G + j;
      let k = traced.get(key);
      if (k === undefined) {
        k = px.length;
        traced.set(key, k);
        px.push(Math.abs(x) * (half ? 1 : Math.sign(x) || 1));
        py.push(y);
      }
      src.push(k);
    }
  }
  const s0 = opdAboutReferenceSphere(system, f, w, px, py, { ctx });
  const s = { ...s0, valid: Uint8Array.from(src, (k) => s0.valid[k]), opd: Float64Array.from(src, (k) => s0.opd[k]) };
  const pxAll = Float64Array.from(idx, (g) => ((g % G) - G / 2) * dx), pyAll = Float64Array.from(idx, (g) => (Math.floor(g / G) - G / 2) * dy);
  const re = new Float64Array(G * G), im = new Float64Array(G * G);
  const amplitude = withAmplitude ? new Float64Array(G * G) : null;
  const wmap = new Float64Array(G * G).fill(NaN);
  let sumA = 0;
  const kx = (2 * Math.PI * scale.aS * shiftMm[0]) / lambda, ky = (2 * Math.PI * scale.aT * shiftMm[1]) / lambda;
  idx.forEach((g, k) => {
    if (!s.valid[k]) return;
    const i = Math.floor(g / G), j = g % G;
    // exp(−2πiW) · shift phase · (−1)^(i+j) (centres the FFT output on pixel G/2).
    const ph = -2 * Math.PI * s.opd[k] + kx * pxAll[k] + ky * pyAll[k];
    const sg = checker && (i + j) % 2 === 1 ? -1 : 1;
    re[g] = sg * Math.cos(ph);
    im[g] = sg * Math.sin(ph);
    if (amplitude) amplitude[g] = sg;
    wmap[g] = s.opd[k];
    sumA++;
  });
  let step = 0;
  for (let i = 0; i < G; i++) {
    for (let j = 0; j < G; j++) {
      const v = wmap[i * G + j];
      if (Number.isNaN(v)) continue;
      if (j + 1 < G && !Number.isNaN(wmap[i * G + j + 1])) step = Math.max(step, Math.abs(wmap[i * G + j + 1] - v));
      if (i + 1 < G && !Number.isNaN(wmap[(i + 1) * G + j])) step = Math.max(step, Math.abs(wmap[(i + 1) * G + j] - v));
    }
  }
  const chief: [number, number] | null = s.sphere ? [s.sphere.cx, s.sphere.cy] : null;
  return { re, im, amplitude, sumA, sumA2: sumA, phaseStep: step, chief };
}

const ffts = new Map<number, FFT>();
/** A cached fft.js plan of size G (its twiddle table is built once). */
export function fftOfSize(G: number): FFT {
  let f = ffts.get(G);
  if (!f) {
    f = new FFT(G);
    ffts.set(G, f);
  }
  return f;
}

/** |2-D DFT|² of a G × G complex array (rows then columns, fft.js), rows holding zeros skipped. */
export function fft2Power(re: Float64Array, im: Float64Array, G: number): Float64Array {
  const fft = fftOfSize(G);
  const buf = new Float64Array(2 * G);
  const out = new Float64Array(2 * G);
  const tr = new Float64Array(G * G), ti = new Float64Array(G * G);
  for (let i = 0; i < G; i++) {
    let any = false;
    for (let j = 0; j < G; j++) {
      const a = re[i * G + j], b = im[i * G + j];
      buf[2 * j] = a;
      buf[2 * j + 1] = b;
      if (a !== 0 || b !== 0) any = true;
    }
    if (!any) continue;
    fft.transform(out, buf);
    for (let j = 0; j < G; j++) {
      tr[i * G + j] = out[2 * j];
      ti[i * G + j] = out[2 * j + 1];
    }
  }
  const power = new Float64Array(G * G);
  for (let j = 0; j < G; j++) {
    for (let i = 0; i < G; i++) {
      buf[2 * i] = tr[i * G + j];
      buf[2 * i + 1] = ti[i * G + j];
    }
    fft.transform(out, buf);
    for (let i = 0; i < G; i++) power[i * G + j] = out[2 * i] * out[2 * i] + out[2 * i + 1] * out[2 * i + 1];
  }
  return power;
}

/** Flips a centred G × G image about its centre pixel along x and/or y (index k ↔ G − k). */
function flip(a: Float64Array, G: number, fx: boolean, fy: boolean): Float64Array {
  if (!fx && !fy) return a;
  const o = new Float64Array(G * G);
  for (let i = 0; i < G; i++) {
    const ii = fy ? (G - i) % G : i;
    for (let j = 0; j < G; j++) o[ii * G + (fx ? (G - j) % G : j)] = a[i * G + j];
  }
  return o;
}

function nextPow2(n: number): number {
  let p = 2;
  while (p < n) p *= 2;
  return p;
}

/**
 * Diffraction PSF of field f (see the module doc for sampling and normalisation).
 * @throws RangeError for padding < 1 or pupilSamples < 8
 */
export function diffractionPsf(system: LensSystem, f: number, opts: PsfOptions = {}): DiffractionPsf {
  const ctx = opts.ctx ?? launchContext(system);
  const wl = opts.wavelengths ?? [system.primaryIndex];
  const padding = opts.padding ?? 2;
  if (!(padding >= 1)) throw new RangeError(`padding ${padding}: expected ≥ 1`);
  let N = nextPow2(opts.pupilSamples ?? 64);
  if (N < 8) throw new RangeError(`pupilSamples ${opts.pupilSamples}: expected ≥ 8`);
  const maxN = opts.maxPupilSamples ?? 512;
  const scales = wl.map((w) => directionCosineScale(system, f, w, ctx));
  const lambdaRef = system.wavelengthsUm[wl[0]] * 1e-3;
  const aRef = Math.max(Math.abs(scales[0].aS), Math.abs(scales[0].aT));
  const pixelMm = opts.pixelUm !== undefined ? opts.pixelUm * 1e-3 : lambdaRef / (2 * padding * aRef);
  for (;;) {
    const G = nextPow2(Math.round(padding * N));
    let step = 0;
    let refChief: [number, number] | null = null;
    const fields: (PupilField & { chief: [number, number] | null })[] = [];
    // Reference chief ray first (its intercept places the other wavelengths).
    for (let k = 0; k < wl.length; k++) {
      const shift: [number, number] = [0, 0];
      const pf0 = samplePupil(system, f, wl[k], G, pixelMm, scales[k], shift, ctx, true, opts.diffractionLimited);
      if (k === 0) refChief = pf0.chief;
      let pf = pf0;
      if (k > 0 && refChief && pf0.chief) {
        pf = samplePupil(system, f, wl[k], G, pixelMm, scales[k], [refChief[0] - pf0.chief[0], refChief[1] - pf0.chief[1]], ctx, true, opts.diffractionLimited);
      }
      step = Math.max(step, pf.phaseStep);
      fields.push(pf);
    }
    const undersampled = step > MAX_PHASE_STEP_WAVES;
    // Grow N when that can reach the phase-step limit (when it cannot, report undersampled now).
    const needed = nextPow2(Math.ceil((N * step) / MAX_PHASE_STEP_WAVES));
    if (undersampled && opts.autoSample !== false && N < maxN && needed <= maxN) {
      N = needed;
      continue;
    }
    const data = new Float64Array(G * G);
    const dlData = opts.diffractionLimited ? new Float64Array(G * G) : null;
    let dlPeak = 0;
    fields.forEach((pf, k) => {
      if (pf.sumA === 0) return;
      const weight = system.wavelengthWeights[wl[k]];
      let p = fft2Power(pf.re, pf.im, G);
      p = flip(p, G, scales[k].aS > 0, scales[k].aT > 0);
      const energy = G * G * pf.sumA2;
      for (let i = 0; i < p.length; i++) data[i] += (weight * p[i]) / energy;
      dlPeak += (weight * pf.sumA * pf.sumA) / energy;
      if (dlData && pf.amplitude) {
        // The amplitude is real and centrally placed: its PSF is symmetric, no flip needed.
        const p0 = fft2Power(pf.amplitude, new Float64Array(G * G), G);
        for (let i = 0; i < p0.length; i++) dlData[i] += (weight * p0[i]) / energy;
      }
    });
    if (dlPeak > 0) {
      for (let i = 0; i < data.length; i++) data[i] /= dlPeak;
      if (dlData) for (let i = 0; i < dlData.length; i++) dlData[i] /= dlPeak;
    }
    return {
      fieldIndex: f, wavelengthIndices: wl, size: G, pixelUm: pixelMm * 1e3, data, diffractionLimitedData: dlData, pupilSamples: N, padding,
      maxPhaseStepWaves: step, undersampled, centreMm: refChief ?? [0, 0], scales: scales.map((s) => [s.aS, s.aT]),
    };
  }
}
