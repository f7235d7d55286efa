/**
 * Transfer functions and Wiener filters for ./wiener.ts, in its layout: interleaved transforms by
 * row passes (engine/imaging/fft2.ts RowFft), spectra split re / im and transposed (element
 * (u, v) at [v·N + u]).
 */
import { gatherTranspose, type RowFft, type Spectrum } from '../imaging/fft2.ts';

/**
 * Transfer functions H of the C centred K × K kernels of PSFs (tap (a, b) at ((a − h) mod N,
 * (b − h) mod N), h = (K − 1)/2, so a centred PSF has no phase ramp), two channels per complex
 * transform, reused from the previous call while a PSF array holds the same values (compared in
 * full, so a PSF changed in place is transformed again).
 */
export class TransferFunctions {
  /** The previous call's transfer functions, with a copy of the PSF values they were made from. */
  private cache = new Map<Float64Array, { values: Float64Array; otf: Spectrum[] }>();
  private readonly identity: Int32Array;

  /** @param a, b interleaved N × N scratch planes (overwritten by `get`) */
  constructor(
    private readonly fft: RowFft,
    readonly kernel: number,
    readonly channels: number,
    private readonly a: Float64Array,
    private readonly b: Float64Array,
  ) {
    this.identity = Int32Array.from({ length: fft.n }, (_, i) => i);
  }

  /**
   * Transfer functions per distinct PSF array (C × K × K each).
   * @throws Error for a PSF of the wrong size
   */
  get(psfs: readonly Float64Array[]): Map<Float64Array, Spectrum[]> {
    const { kernel: K, channels: C } = this;
    const map = new Map<Float64Array, Spectrum[]>();
    const cache = new Map<Float64Array, { values: Float64Array; otf: Spectrum[] }>();
    for (const psf of psfs) {
      if (psf.length !== C * K * K) throw new Error(`Wiener: PSF has ${psf.length} values, expected ${C}×${K}×${K}`);
      if (map.has(psf)) continue;
      const hit = this.cache.get(psf);
      let entry: { values: Float64Array; otf: Spectrum[] };
      if (hit && sameValues(hit.values, psf)) entry = hit;
      else entry = { values: Float64Array.from(psf), otf: this.transform(psf) };
      map.set(psf, entry.otf);
      cache.set(psf, entry);
    }
    this.cache = cache;
    return map;
  }

  /** The C transfer functions of one PSF; two channels k₀ + i k₁ per transform, split by Hermitian symmetry. */
  private transform(psf: Float64Array): Spectrum[] {
    const { kernel: K, channels: C, a: A, b: B, fft } = this;
    const N = fft.n;
    const NN = N * N;
    const h = (K - 1) / 2;
    const out: Spectrum[] = [];
    for (let ch = 0; ch < C; ch += 2) {
      const two = ch + 1 < C;
      A.fill(0);
      for (let a = 0; a < K; a++) {
        const r = (a - h + N) % N;
        for (let b = 0; b < K; b++) {
          const i = 2 * (r * N + ((b - h + N) % N));
          A[i] = psf[ch * K * K + a * K + b];
          if (two) A[i + 1] = psf[(ch + 1) * K * K + a * K + b];
        }
      }
      fft.rows(A, B, false);
      gatherTranspose(B, A, N, this.identity);
      fft.rows(A, B, false);
      const H0: Spectrum = { re: new Float64Array(NN), im: new Float64Array(NN) };
      const H1: Spectrum | null = two ? { re: new Float64Array(NN), im: new Float64Array(NN) } : null;
      for (let v = 0; v < N; v++) {
        const vm = v === 0 ? 0 : N - v;
        for (let u = 0; u < N; u++) {
          const k = v * N + u;
          const km = vm * N + (u === 0 ? 0 : N - u);
          const zr = B[2 * k];
          const zi = B[2 * k + 1];
          if (!H1) {
            H0.re[k] = zr;
            H0.im[k] = zi;
            continue;
          }
          const wr = B[2 * km];
          const wi = -B[2 * km + 1]; // conj(Z[−k])
          H0.re[k] = 0.5 * (zr + wr);
          H0.im[k] = 0.5 * (zi + wi);
          H1.re[k] = 0.5 * (zi - wi);
          H1.im[k] = -0.5 * (zr - wr);
        }
      }
      out.push(H0);
      if (H1) out.push(H1);
    }
    return out;
  }
}

/**
 * The filter W = H̄ / (|H|² + κw) / N² (0 where the denominator is 0), split re / im: the 1/N² of
 * the inverse transform, which ./wiener.ts takes as a forward one read at −index.
 * @param weight the prior w per frequency (N × N, same layout as H)
 */
export function wienerFilter(H: Spectrum, weight: Float64Array, kappa: number): Spectrum {
  const NN = weight.length;
  const inv = 1 / NN;
  const W: Spectrum = { re: new Float64Array(NN), im: new Float64Array(NN) };
  const { re: hre, im: him } = H;
  for (let k = 0; k < NN; k++) {
    const hr = hre[k];
    const hi = him[k];
    const d = hr * hr + hi * hi + kappa * weight[k];
    // d = 0: H = 0 at a frequency with no prior weight (only the mean, if H(0) = 0)
    if (d === 0) continue;
    const s = inv / d;
    W.re[k] = hr * s;
    W.im[k] = -hi * s;
  }
  return W;
}

function sameValues(a: Float64Array, b: Float64Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
