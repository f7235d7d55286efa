/**
 * A differentiable Wiener deconvolution (float64, FFT by fft.js through engine/imaging/fft2.ts):
 * the reconstruction of Sitzmann et al., "End-to-end optimization of optics and image processing
 * for achromatic extended depth of field and super-resolution imaging", SIGGRAPH 2018, with its
 * exact gradient with respect to the sensor image, the PSF (hence, through the PSF adjoints, the
 * lens) and the regularisation weight.
 *
 * Per image channel, the P × P sensor patch y is extended to N × N (N = the next power of two
 * ≥ P + K − 1) by symmetric reflection about its edges (E, so the circular transform sees no jump at
 * the patch border), then
 *   X̂(f) = W(f) Ỹ(f),   W = H̄ / (|H|² + κ w(f)),   x̂ = crop_P(F⁻¹ X̂),
 * with H the transfer function of the K × K PSF centred on the origin, κ = exp(log κ) a learnable
 * noise-to-signal weight and w(f) the prior: 'flat' (w = 1, the classical Wiener filter with a
 * white signal) or 'gradient' (w = (4 sin²(πu/N) + 4 sin²(πv/N))/8, the finite-difference gradient
 * energy: a 1/f² image spectrum, the constrained-least-squares filter; w(0) = 0 keeps the mean).
 *
 * Adjoint (L real, G = F(g̃) with g̃ = ∂L/∂x̂ zero-padded to N × N, Q = Ỹ Ḡ / N², D = |H|² + κw):
 *   ∂L/∂y = Eᵀ F⁻¹(W̄ G),
 *   ∂L/∂h = Re F⁻¹(Z) N² read at the kernel taps, Z = (κw Q − H² Q̄) / D²,
 *   ∂L/∂log κ = κ Re Σ_f Q (−H̄ w / D²).
 * Z is the complex gradient ∂L/∂Re H + i ∂L/∂Im H (Wirtinger: W depends on H only through H̄ and
 * |H|²), Hermitian for real data, so its inverse transform is real.
 */
import { Fft2, centredKernelSpectra, nextPow2, type Spectrum } from '../imaging/fft2.ts';

export type WienerPrior = 'flat' | 'gradient';

/** Saved forward state for the adjoint. */
export interface WienerContext {
  logK: number;
  psfs: Float64Array[];
  /** Ỹ per example and channel. */
  spectra: Spectrum[][];
  /** Transfer functions per distinct PSF and channel. */
  otf: Map<Float64Array, Spectrum[]>;
}

export interface WienerGradient {
  /** ∂L/∂y per example (P × P × C). */
  dInputs: Float64Array[];
  /** ∂L/∂h per distinct PSF array passed to forward (C × K × K). */
  dPsfs: Map<Float64Array, Float64Array>;
  dLogK: number;
}

/** Wiener deconvolution of P × P × C patches with C × K × K PSFs. */
export class WienerDeconvolver {
  readonly n: number;
  private readonly fft: Fft2;
  private readonly weight: Float64Array;
  /** Symmetric-reflection source index per extended index, one axis. */
  private readonly src: Int32Array;

  constructor(
    readonly patch: number,
    readonly kernel: number,
    readonly channels: number,
    readonly prior: WienerPrior = 'gradient',
  ) {
    if (!(Number.isInteger(kernel) && kernel % 2 === 1)) throw new Error(`Wiener: PSF size must be odd (got ${kernel})`);
    if (!(Number.isInteger(patch) && patch >= 2)) throw new Error(`Wiener: patch must be at least 2 px (got ${patch})`);
    const N = nextPow2(patch + kernel - 1);
    this.n = N;
    this.fft = new Fft2(N);
    this.weight = new Float64Array(N * N);
    for (let u = 0; u < N; u++) {
      for (let v = 0; v < N; v++) {
        this.weight[u * N + v] = prior === 'flat' ? 1 : (4 * Math.sin((Math.PI * u) / N) ** 2 + 4 * Math.sin((Math.PI * v) / N) ** 2) / 8;
      }
    }
    const P = patch;
    this.src = Int32Array.from({ length: N }, (_, i) => {
      // index i < P is the patch; the rest reflects about the right edge, then (wrapping) the left
      const half = Math.ceil((N - P) / 2);
      let t = i < P + half ? i : i - N;
      const period = 2 * P;
      t = ((t % period) + period) % period;
      return t < P ? t : period - 1 - t;
    });
  }

  private extend(y: ArrayLike<number>, ch: number): Float64Array {
    const { n: N, patch: P, channels: C, src } = this;
    const out = new Float64Array(N * N);
    for (let r = 0; r < N; r++) {
      const sr = src[r] * P;
      for (let c = 0; c < N; c++) out[r * N + c] = y[(sr + src[c]) * C + ch];
    }
    return out;
  }

  private forwardMany(planes: Float64Array[], rows?: readonly [number, number]): Spectrum[] {
    const out: Spectrum[] = [];
    for (let i = 0; i < planes.length; i += 2) {
      const [a, b] = this.fft.forwardReal2(planes[i], planes[i + 1] ?? null, rows);
      out.push(a);
      if (b) out.push(b);
    }
    return out;
  }

  private inverseMany(spectra: Spectrum[], rows?: readonly [number, number]): Float64Array[] {
    const out: Float64Array[] = [];
    for (let i = 0; i < spectra.length; i += 2) {
      const [a, b] = this.fft.inverseReal2(spectra[i], spectra[i + 1] ?? null, rows);
      out.push(a);
      if (b) out.push(b);
    }
    return out;
  }

  private otfs(psfs: readonly Float64Array[]): Map<Float64Array, Spectrum[]> {
    const { kernel: K, channels: C } = this;
    const map = new Map<Float64Array, Spectrum[]>();
    for (const psf of psfs) {
      if (psf.length !== C * K * K) throw new Error(`Wiener: PSF has ${psf.length} values, expected ${C}×${K}×${K}`);
      if (!map.has(psf)) map.set(psf, centredKernelSpectra(this.fft, psf, K, C));
    }
    return map;
  }

  /**
   * Deconvolves each patch with its PSF (float64).
   * @param inputs P × P × C sensor patches
   * @param psfs one C × K × K PSF per patch (patches may share the same array)
   * @param logK log κ
   * @throws Error for inputs or PSFs of the wrong size, or a non-finite log κ
   */
  forward(inputs: readonly ArrayLike<number>[], psfs: readonly Float64Array[], logK: number): { outputs: Float64Array[]; context: WienerContext } {
    const { n: N, patch: P, channels: C } = this;
    if (inputs.length !== psfs.length) throw new Error(`Wiener: ${inputs.length} patches but ${psfs.length} PSFs`);
    if (!Number.isFinite(logK)) throw new Error(`Wiener: log κ must be finite (got ${logK})`);
    for (const y of inputs) if (y.length !== P * P * C) throw new Error(`Wiener: patch has ${y.length} values, expected ${P}×${P}×${C}`);
    const kappa = Math.exp(logK);
    const otf = this.otfs(psfs);
    const flat = this.forwardMany(inputs.flatMap((y) => Array.from({ length: C }, (_, ch) => this.extend(y, ch))));
    const spectra = inputs.map((_, b) => flat.slice(b * C, (b + 1) * C));
    const w = this.weight;
    const products: Spectrum[] = [];
    inputs.forEach((_, b) => {
      const hs = otf.get(psfs[b])!;
      for (let ch = 0; ch < C; ch++) {
        const Y = spectra[b][ch];
        const H = hs[ch];
        const X = this.fft.spectrum();
        for (let k = 0; k < N * N; k++) {
          const hr = H.re[k];
          const hi = H.im[k];
          const d = hr * hr + hi * hi + kappa * w[k];
          if (d === 0) continue; // H = 0 at a frequency with no prior weight (only the mean, if H(0) = 0)
          // conj(H) Y / d
          X.re[k] = (hr * Y.re[k] + hi * Y.im[k]) / d;
          X.im[k] = (hr * Y.im[k] - hi * Y.re[k]) / d;
        }
        products.push(X);
      }
    });
    const planes = this.inverseMany(products, [0, P]);
    const outputs = inputs.map((_, b) => {
      const out = new Float64Array(P * P * C);
      for (let ch = 0; ch < C; ch++) {
        const z = planes[b * C + ch];
        for (let r = 0; r < P; r++) for (let c = 0; c < P; c++) out[(r * P + c) * C + ch] = z[r * N + c];
      }
      return out;
    });
    return { outputs, context: { logK, psfs: psfs.slice(), spectra, otf } };
  }

  /**
   * The adjoint of `forward` (see the module docs).
   * @param dOut ∂L/∂x̂ per patch (P × P × C)
   */
  backward(ctx: WienerContext, dOut: readonly ArrayLike<number>[]): WienerGradient {
    const { n: N, patch: P, kernel: K, channels: C, src } = this;
    if (dOut.length !== ctx.spectra.length) throw new Error(`Wiener.backward: ${dOut.length} gradients for ${ctx.spectra.length} patches`);
    const kappa = Math.exp(ctx.logK);
    const w = this.weight;
    const gPlanes: Float64Array[] = [];
    for (const g of dOut) {
      if (g.length !== P * P * C) throw new Error(`Wiener.backward: gradient has ${g.length} values, expected ${P}×${P}×${C}`);
      for (let ch = 0; ch < C; ch++) {
        const p = new Float64Array(N * N);
        for (let r = 0; r < P; r++) for (let c = 0; c < P; c++) p[r * N + c] = g[(r * P + c) * C + ch];
        gPlanes.push(p);
      }
    }
    const G = this.forwardMany(gPlanes, [0, P]);
    const zSum = new Map<Float64Array, Spectrum[]>();
    for (const psf of ctx.otf.keys()) zSum.set(psf, Array.from({ length: C }, () => this.fft.spectrum()));
    let dK = 0;
    const back: Spectrum[] = [];
    const inv = 1 / (N * N);
    ctx.spectra.forEach((ys, b) => {
      const psf = ctx.psfs[b];
      const hs = ctx.otf.get(psf)!;
      const zs = zSum.get(psf)!;
      for (let ch = 0; ch < C; ch++) {
        const Y = ys[ch];
        const Gk = G[b * C + ch];
        const H = hs[ch];
        const Z = zs[ch];
        const B = this.fft.spectrum();
        for (let k = 0; k < N * N; k++) {
          const hr = H.re[k];
          const hi = H.im[k];
          const kw = kappa * w[k];
          const d = hr * hr + hi * hi + kw;
          if (d === 0) continue;
          const gr = Gk.re[k];
          const gi = Gk.im[k];
          // ∂L/∂ỹ: conj(W) G = H G / d
          B.re[k] = (hr * gr - hi * gi) / d;
          B.im[k] = (hr * gi + hi * gr) / d;
          // Q = Y conj(G) / N²
          const qr = (Y.re[k] * gr + Y.im[k] * gi) * inv;
          const qi = (Y.im[k] * gr - Y.re[k] * gi) * inv;
          const d2 = d * d;
          // Z = (κw Q − H² conj(Q)) / D²,  H² = (hr² − hi²) + 2i hr hi
          const h2r = hr * hr - hi * hi;
          const h2i = 2 * hr * hi;
          Z.re[k] += (kw * qr - (h2r * qr + h2i * qi)) / d2;
          Z.im[k] += (kw * qi - (h2i * qr - h2r * qi)) / d2;
          // Re Q (−conj(H) w / D²) = −w (qr hr + qi hi) / D²
          dK -= (w[k] * (qr * hr + qi * hi)) / d2;
        }
        back.push(B);
      }
    });
    const dExt = this.inverseMany(back);
    const dInputs = ctx.spectra.map((_, b) => {
      const d = new Float64Array(P * P * C);
      for (let ch = 0; ch < C; ch++) {
        const e = dExt[b * C + ch];
        for (let r = 0; r < N; r++) {
          const sr = src[r] * P;
          for (let c = 0; c < N; c++) d[(sr + src[c]) * C + ch] += e[r * N + c];
        }
      }
      return d;
    });
    const keys = [...zSum.keys()];
    const zPlanes = this.inverseMany(keys.flatMap((k) => zSum.get(k)!));
    const dPsfs = new Map<Float64Array, Float64Array>();
    const h = (K - 1) / 2;
    const scale = N * N;
    keys.forEach((psf, i) => {
      const d = new Float64Array(C * K * K);
      for (let ch = 0; ch < C; ch++) {
        const z = zPlanes[i * C + ch];
        for (let a = 0; a < K; a++) {
          const r = (a - h + N) % N;
          for (let c = 0; c < K; c++) d[ch * K * K + a * K + c] = z[r * N + ((c - h + N) % N)] * scale;
        }
      }
      dPsfs.set(psf, d);
    });
    return { dInputs, dPsfs, dLogK: kappa * dK };
  }
}
