/**
 * Image-quality metrics in plain float64, for reports: PSNR and SSIM.
 *
 * SSIM follows Wang, Bovik, Sheikh, Simoncelli, "Image quality assessment: from error visibility to
 * structural similarity", IEEE TIP 13(4), 2004, with their reference settings: an 11 × 11 circular
 * Gaussian window with σ = 1.5 px normalised to unit sum, K1 = 0.01, K2 = 0.03, C1 = (K1 L)²,
 * C2 = (K2 L)², L the dynamic range (1 for images in [0, 1]). Local statistics are Gaussian-weighted
 * means over every fully contained window ('valid', as their MATLAB `ssim_index` with filter2), the
 * local variances use the biased weighted form σx² = Σw x² − μx², and
 *   SSIM(x, y) = (2 μx μy + C1)(2 σxy + C2) / ((μx² + μy² + C1)(σx² + σy² + C2)),
 * averaged over all windows and then over channels (the usual convention for colour images).
 */
import type { FloatImage } from '../imaging/image.ts';

export const SSIM_WINDOW = 11;
export const SSIM_SIGMA = 1.5;
export const SSIM_K1 = 0.01;
export const SSIM_K2 = 0.03;

/** The normalised 1-D Gaussian g[i] ∝ exp(−(i − c)²/(2σ²)), c = (size − 1)/2; the 2-D window is g gᵀ. */
export function gaussianWindow1d(size = SSIM_WINDOW, sigma = SSIM_SIGMA): Float64Array {
  const g = new Float64Array(size);
  const c = (size - 1) / 2;
  let s = 0;
  for (let i = 0; i < size; i++) s += g[i] = Math.exp(-((i - c) ** 2) / (2 * sigma * sigma));
  for (let i = 0; i < size; i++) g[i] /= s;
  return g;
}

function checkSameShape(a: FloatImage, b: FloatImage, what: string): void {
  if (a.width !== b.width || a.height !== b.height || a.channels !== b.channels) {
    throw new Error(`${what}: images differ in shape (${a.width}×${a.height}×${a.channels} vs ${b.width}×${b.height}×${b.channels})`);
  }
}

/** Mean squared error over all pixels and channels. */
export function mse(a: FloatImage, b: FloatImage): number {
  checkSameShape(a, b, 'mse');
  let s = 0;
  for (let i = 0; i < a.data.length; i++) {
    const d = a.data[i] - b.data[i];
    s += d * d;
  }
  return s / a.data.length;
}

/** PSNR = 10 log10(peak² / MSE) in dB; Infinity for identical images. peak defaults to 1. */
export function psnr(a: FloatImage, b: FloatImage, peak = 1): number {
  const m = mse(a, b);
  return m === 0 ? Infinity : 10 * Math.log10((peak * peak) / m);
}

/** Separable 'valid' filtering of one channel (H × W, float64) with g gᵀ. */
function filterValid(src: Float64Array, W: number, H: number, g: Float64Array): Float64Array {
  const n = g.length;
  const Wo = W - n + 1;
  const Ho = H - n + 1;
  const tmp = new Float64Array(H * Wo);
  for (let r = 0; r < H; r++) {
    for (let c = 0; c < Wo; c++) {
      let s = 0;
      for (let k = 0; k < n; k++) s += g[k] * src[r * W + c + k];
      tmp[r * Wo + c] = s;
    }
  }
  const out = new Float64Array(Ho * Wo);
  for (let r = 0; r < Ho; r++) {
    for (let c = 0; c < Wo; c++) {
      let s = 0;
      for (let k = 0; k < n; k++) s += g[k] * tmp[(r + k) * Wo + c];
      out[r * Wo + c] = s;
    }
  }
  return out;
}

export interface SsimOptions {
  /** Dynamic range L; default 1. */
  dataRange?: number;
  /** Window size and Gaussian σ (px); defaults 11 and 1.5. */
  windowSize?: number;
  sigma?: number;
}

/**
 * Mean SSIM of two images of the same shape (see the module docs for the formula and settings).
 * @throws Error if the shapes differ or the image is smaller than the window.
 */
export function ssim(a: FloatImage, b: FloatImage, opts: SsimOptions = {}): number {
  checkSameShape(a, b, 'ssim');
  const n = opts.windowSize ?? SSIM_WINDOW;
  const L = opts.dataRange ?? 1;
  if (a.width < n || a.height < n) throw new Error(`ssim: image ${a.width}×${a.height} is smaller than the ${n}×${n} window`);
  const g = gaussianWindow1d(n, opts.sigma ?? SSIM_SIGMA);
  const C1 = (SSIM_K1 * L) ** 2;
  const C2 = (SSIM_K2 * L) ** 2;
  const { width: W, height: H, channels: C } = a;
  const N = W * H;
  let total = 0;
  for (let c = 0; c < C; c++) {
    const x = new Float64Array(N);
    const y = new Float64Array(N);
    for (let i = 0; i < N; i++) {
      x[i] = a.data[i * C + c];
      y[i] = b.data[i * C + c];
    }
    const xx = x.map((v) => v * v);
    const yy = y.map((v) => v * v);
    const xy = x.map((v, i) => v * y[i]);
    const mx = filterValid(x, W, H, g);
    const my = filterValid(y, W, H, g);
    const sxx = filterValid(xx, W, H, g);
    const syy = filterValid(yy, W, H, g);
    const sxy = filterValid(xy, W, H, g);
    let s = 0;
    for (let i = 0; i < mx.length; i++) {
      const vx = sxx[i] - mx[i] * mx[i];
      const vy = syy[i] - my[i] * my[i];
      const cxy = sxy[i] - mx[i] * my[i];
      s += ((2 * mx[i] * my[i] + C1) * (2 * cxy + C2)) / ((mx[i] ** 2 + my[i] ** 2 + C1) * (vx + vy + C2));
    }
    total += s / mx.length;
  }
  return total / C;
}
