/**
 * Strehl ratio: the PSF peak over the peak of the aberration-free PSF of the same pupil.
 *
 * The PSF at the image offset that a linear phase b·Px + c·Py (waves) describes is, in Strehl
 * units, S(b, c) = |Σ q_k A_k exp(−2πi [W_k − b·Px_k − c·Py_k])|² / (Σ q_k A_k)², an area
 * quadrature (engine/wave/quadrature.ts) of the pupil function, so it converges to the continuum
 * rather than to a pixel grid. `atChiefRayPoint` = S(0, 0); `peak` = max over (b, c), found from
 * the brightest pixels of the FFT PSF (engine/wave/psf.ts) by a pattern search polished by Newton's method.
 * The quadrature order doubles until both values change by less than 1e-5 (1e-3 for a vignetted
 * pupil: psf.ts QUADRATURE_TOLERANCE); the result is
 * `undersampled` (values null) when the OPD step between neighbouring nodes stays above 0.5 wave (engine/wave/psf.ts, QUADRATURE_MAX_STEP_WAVES).
 * (../shared/oracles/wave/README.md: `strehl_peak`, `strehl_at_chief_ray_point`.)
 */
import type { LensSystem } from '../optics/system.ts';
import { launchContext, type LaunchContext } from '../trace/rayAiming.ts';
import { opdAboutReferenceSphere } from './opd.ts';
import { diskQuadrature } from './quadrature.ts';
import { diffractionPsf, QUADRATURE_MAX_STEP_WAVES, QUADRATURE_TOLERANCE, VIGNETTED_BELOW, type DiffractionPsf } from './psf.ts';

export interface StrehlResult {
  fieldIndex: number;
  wavelengthIndex: number;
  atChiefRayPoint: number | null;
  peak: number | null;
  /** Linear phase (waves per unit pupil coordinate along x, y) of the peak. */
  peakTilt: [number, number] | null;
  /** Image offset of the peak from the chief ray's intercept, µm. */
  peakOffsetUm: [number, number] | null;
  undersampled: boolean;
  maxPhaseStepWaves: number;
}

const LEVELS: [number, number][] = [[24, 48], [32, 64], [48, 96], [64, 128], [96, 192], [128, 256], [192, 384], [256, 512]];

/** Largest OPD difference between neighbouring quadrature nodes (along ρ and along θ), waves. */
function nodePhaseStep(W: Float64Array, valid: Uint8Array, nRho: number, nTheta: number): number {
  let step = 0;
  for (let i = 0; i < nRho; i++) {
    for (let j = 0; j < nTheta; j++) {
      const k = i * nTheta + j;
      if (!valid[k]) continue;
      const kj = i * nTheta + ((j + 1) % nTheta);
      if (valid[kj]) step = Math.max(step, Math.abs(W[kj] - W[k]));
      if (i + 1 < nRho && valid[k + nTheta]) step = Math.max(step, Math.abs(W[k + nTheta] - W[k]));
    }
  }
  return step;
}

/**
 * Strehl ratio of field f at wavelength index w.
 * @param psf an FFT PSF of this field and wavelength (computed when absent) for the peak's start
 */
export function strehlRatio(system: LensSystem, f: number, w: number, opts: { ctx?: LaunchContext; psf?: DiffractionPsf } = {}): StrehlResult {
  const ctx = opts.ctx ?? launchContext(system);
  const psf = opts.psf ?? diffractionPsf(system, f, { wavelengths: [w], ctx });
  const lambdaUm = system.wavelengthsUm[w];
  const [aS, aT] = psf.scales[0];
  // Starting tilts: the brightest well-separated pixels.
  const G = psf.size;
  const order = Array.from(psf.data.keys()).sort((a, b) => psf.data[b] - psf.data[a]);
  const starts: [number, number][] = [];
  for (const k of order.slice(0, 200)) {
    const xi = (k % G) - G / 2, yi = Math.floor(k / G) - G / 2;
    if (starts.every(([x, y]) => Math.hypot(x - xi, y - yi) > 2)) starts.push([xi, yi]);
    if (starts.length >= 3) break;
  }
  const toTilt = (xi: number, yi: number): [number, number] => [(aS * xi * psf.pixelUm) / lambdaUm, (aT * yi * psf.pixelUm) / lambdaUm];
  const result: StrehlResult = { fieldIndex: f, wavelengthIndex: w, atChiefRayPoint: null, peak: null, peakTilt: null, peakOffsetUm: null, undersampled: true, maxPhaseStepWaves: Infinity };
  let prev: { chief: number; peak: number } | null = null;
  for (const [nr, na] of LEVELS) {
    const q = diskQuadrature(nr, na);
    const s = opdAboutReferenceSphere(system, f, w, q.px, q.py, { ctx });
    if (!s.sphere || s.validCount === 0) return { ...result, undersampled: false };
    const step = nodePhaseStep(s.opd, s.valid, nr, na);
    result.maxPhaseStepWaves = step;
    let sumA = 0;
    let totalWeight = 0;
    for (let k = 0; k < q.weight.length; k++) {
      totalWeight += q.weight[k];
      if (s.valid[k]) sumA += q.weight[k];
    }
    // Z(b, c) = Σ q A exp(−2πi[W − b x − c y]) and its first and second tilt derivatives.
    const K = q.weight.length;
    const derivs = (b: number, c: number) => {
      let zr = 0, zi = 0, br = 0, bi = 0, cr = 0, ci = 0, bbr = 0, bbi = 0, bcr = 0, bci = 0, ccr = 0, cci = 0;
      const tp = 2 * Math.PI;
      for (let k = 0; k < K; k++) {
        if (!s.valid[k]) continue;
        const x = q.px[k], y = q.py[k], wq = q.weight[k];
        const ph = -tp * (s.opd[k] - b * x - c * y);
        const re = wq * Math.cos(ph), im = wq * Math.sin(ph);
        zr += re; zi += im;
        // ∂/∂b multiplies by 2πi x.
        br -= tp * x * im; bi += tp * x * re;
        cr -= tp * y * im; ci += tp * y * re;
        const t2 = tp * tp;
        bbr -= t2 * x * x * re; bbi -= t2 * x * x * im;
        bcr -= t2 * x * y * re; bci -= t2 * x * y * im;
        ccr -= t2 * y * y * re; cci -= t2 * y * y * im;
      }
      const n2 = sumA * sumA;
      const S = (zr * zr + zi * zi) / n2;
      const gb = (2 * (zr * br + zi * bi)) / n2, gc = (2 * (zr * cr + zi * ci)) / n2;
      const hbb = (2 * (br * br + bi * bi + zr * bbr + zi * bbi)) / n2;
      const hcc = (2 * (cr * cr + ci * ci + zr * ccr + zi * cci)) / n2;
      const hbc = (2 * (br * cr + bi * ci + zr * bcr + zi * bci)) / n2;
      return { S, gb, gc, hbb, hcc, hbc };
    };
    const S = (b: number, c: number) => derivs(b, c).S;
    const chief = S(0, 0);
    let best = -Infinity, bestBC: [number, number] = [0, 0];
    const seeds = prev && result.peakTilt ? [result.peakTilt, ...starts.map(([x, y]) => toTilt(x, y))] : starts.map(([x, y]) => toTilt(x, y));
    for (const [b0, c0] of seeds) {
      let b = b0, c = c0, v = S(b, c);
      // Coarse pattern search, then Newton's method on the smooth peak.
      let h = 0.25;
      while (h > 1e-3) {
        let moved = false;
        for (const [db, dc] of [[1, 0], [-1, 0], [0, 1], [0, -1]]) {
          const t = S(b + db * h, c + dc * h);
          if (t > v) {
            v = t;
            b += db * h;
            c += dc * h;
            moved = true;
            break;
          }
        }
        if (!moved) h /= 2;
      }
      for (let it = 0; it < 30; it++) {
        const d = derivs(b, c);
        const det = d.hbb * d.hcc - d.hbc * d.hbc;
        if (!(d.hbb < 0 && det > 0)) break;
        const sb = -(d.hcc * d.gb - d.hbc * d.gc) / det, sc = -(-d.hbc * d.gb + d.hbb * d.gc) / det;
        let lam = 1;
        while (lam > 1e-4 && !(S(b + lam * sb, c + lam * sc) >= d.S)) lam /= 2;
        if (lam <= 1e-4) break;
        b += lam * sb;
        c += lam * sc;
        if (Math.hypot(sb, sc) * lam < 1e-10) break;
      }
      v = S(b, c);
      if (v > best) {
        best = v;
        bestBC = [b, c];
      }
    }
    result.atChiefRayPoint = chief;
    result.peak = best;
    result.peakTilt = bestBC;
    result.peakOffsetUm = [(bestBC[0] * lambdaUm) / aS, (bestBC[1] * lambdaUm) / aT];
    const tol = sumA < VIGNETTED_BELOW * totalWeight ? QUADRATURE_TOLERANCE.vignetted : QUADRATURE_TOLERANCE.clear.strehl;
    if (step <= QUADRATURE_MAX_STEP_WAVES && prev && Math.abs(prev.chief - chief) < tol && Math.abs(prev.peak - best) < tol) {
      result.undersampled = false;
      return result;
    }
    prev = { chief, peak: best };
    // The node step shrinks about as 1/n: stop when even the finest level cannot sample the phase.
    if ((step * nr) / LEVELS[LEVELS.length - 1][0] > 1.2 * QUADRATURE_MAX_STEP_WAVES) break;
  }
  result.undersampled = result.maxPhaseStepWaves > QUADRATURE_MAX_STEP_WAVES;
  if (result.undersampled) {
    result.atChiefRayPoint = null;
    result.peak = null;
    result.peakTilt = null;
    result.peakOffsetUm = null;
  }
  return result;
}
