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
 *
 * Packing: two real planes a, b filtered by the same transfer function (the same channel of two
 * patches with the same PSF) go through one complex transform as a + i b. W is Hermitian (the PSF
 * is real), so F⁻¹(W F(a + i b)) = (w ∗ a) + i (w ∗ b) and the same holds in the adjoint for ∂L/∂y;
 * Q computed from the packed spectra is Q_a + Q_b plus an anti-Hermitian part, which the map
 * Q ↦ Z keeps anti-Hermitian, so it drops out of Re F⁻¹(Z) and of Re Σ (∂L/∂log κ) exactly.
 * No spectrum is ever split into its two halves. A plane without a partner is packed with zero.
 * Transfer functions are reused between calls while a PSF array holds the same values.
 */
import { Fft2, centredKernelSpectra, nextPow2, type Spectrum } from '../imaging/fft2.ts';

export type WienerPrior = 'flat' | 'gradient';

/** One transform job: channel `ch` of examples `a` and `b` (−1: none), which share one PSF. */
interface Job {
  psf: Float64Array;
  ch: number;
  a: number;
  b: number;
}

/** Saved forward state for the adjoint. */
export interface WienerContext {
  logK: number;
  psfs: Float64Array[];
  jobs: Job[];
  /** Ỹ_a + i Ỹ_b per job (the spectrum of the packed plane ỹ_a + i ỹ_b). */
  spectra: Spectrum[];
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

  /** Writes the symmetric extension of channel `ch` of y into `out` (N × N). */
  private extendInto(y: ArrayLike<number>, ch: number, out: Float64Array): void {
    const { n: N, patch: P, channels: C, src } = this;
    for (let r = 0; r < N; r++) {
      const sr = src[r] * P;
      const o = r * N;
      for (let c = 0; c < N; c++) out[o + c] = y[(sr + src[c]) * C + ch];
    }
  }

  /** Transform jobs: per distinct PSF and channel, its patches two at a time. */
  private jobs(psfs: readonly Float64Array[]): Job[] {
    const byPsf = new Map<Float64Array, number[]>();
    psfs.forEach((p, b) => {
      const list = byPsf.get(p);
      if (list) list.push(b);
      else byPsf.set(p, [b]);
    });
    const jobs: Job[] = [];
    for (const [psf, list] of byPsf) {
      for (let ch = 0; ch < this.channels; ch++) {
        for (let i = 0; i < list.length; i += 2) jobs.push({ psf, ch, a: list[i], b: i + 1 < list.length ? list[i + 1] : -1 });
      }
    }
    return jobs;
  }

  private scratchA: Spectrum | null = null;
  private scratchB: Spectrum | null = null;

  private scratch(): [Spectrum, Spectrum] {
    this.scratchA ??= this.fft.spectrum();
    this.scratchB ??= this.fft.spectrum();
    return [this.scratchA, this.scratchB];
  }

  /** The previous call's transfer functions, with a copy of the PSF values they were made from. */
  private otfCache = new Map<Float64Array, { values: Float64Array; otf: Spectrum[] }>();

  /**
   * Transfer functions per distinct PSF array, reused from the previous call when the array holds
   * the same values (compared in full, so a PSF changed in place is transformed again).
   */
  private otfs(psfs: readonly Float64Array[]): Map<Float64Array, Spectrum[]> {
    const { kernel: K, channels: C } = this;
    const map = new Map<Float64Array, Spectrum[]>();
    const cache = new Map<Float64Array, { values: Float64Array; otf: Spectrum[] }>();
    for (const psf of psfs) {
      if (psf.length !== C * K * K) throw new Error(`Wiener: PSF has ${psf.length} values, expected ${C}×${K}×${K}`);
      if (map.has(psf)) continue;
      const hit = this.otfCache.get(psf);
      let entry: { values: Float64Array; otf: Spectrum[] };
      if (hit && hit.values.every((v, i) => v === psf[i])) entry = hit;
      else entry = { values: Float64Array.from(psf), otf: centredKernelSpectra(this.fft, psf, K, C) };
      map.set(psf, entry.otf);
      cache.set(psf, entry);
    }
    this.otfCache = cache;
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
    const jobs = this.jobs(psfs);
    const w = this.weight;
    const NN = N * N;
    const [X] = this.scratch();
    const outputs = inputs.map(() => new Float64Array(P * P * C));
    const spectra = jobs.map((job) => {
      const Y = this.fft.spectrum();
      this.extendInto(inputs[job.a], job.ch, Y.re);
      if (job.b >= 0) this.extendInto(inputs[job.b], job.ch, Y.im);
      this.fft.transform(Y);
      const H = otf.get(job.psf)![job.ch];
      const { re: hre, im: him } = H;
      const { re: yre, im: yim } = Y;
      const { re: xre, im: xim } = X;
      for (let k = 0; k < NN; k++) {
        const hr = hre[k];
        const hi = him[k];
        const d = hr * hr + hi * hi + kappa * w[k];
        if (d === 0) {
          // H = 0 at a frequency with no prior weight (only the mean, if H(0) = 0)
          xre[k] = 0;
          xim[k] = 0;
          continue;
        }
        // conj(H) Y / d
        xre[k] = (hr * yre[k] + hi * yim[k]) / d;
        xim[k] = (hr * yim[k] - hi * yre[k]) / d;
      }
      this.fft.transform(X, true, [0, P]);
      const oa = outputs[job.a];
      const ob = job.b >= 0 ? outputs[job.b] : null;
      const ch = job.ch;
      for (let r = 0; r < P; r++) {
        for (let c = 0; c < P; c++) {
          oa[(r * P + c) * C + ch] = xre[r * N + c];
          if (ob) ob[(r * P + c) * C + ch] = xim[r * N + c];
        }
      }
      return Y;
    });
    return { outputs, context: { logK, psfs: psfs.slice(), jobs, spectra, otf } };
  }

  /**
   * The adjoint of `forward` (see the module docs).
   * @param dOut ∂L/∂x̂ per patch (P × P × C)
   */
  backward(ctx: WienerContext, dOut: readonly ArrayLike<number>[]): WienerGradient {
    const { n: N, patch: P, kernel: K, channels: C, src } = this;
    if (dOut.length !== ctx.psfs.length) throw new Error(`Wiener.backward: ${dOut.length} gradients for ${ctx.psfs.length} patches`);
    for (const g of dOut) if (g.length !== P * P * C) throw new Error(`Wiener.backward: gradient has ${g.length} values, expected ${P}×${P}×${C}`);
    const kappa = Math.exp(ctx.logK);
    const w = this.weight;
    const NN = N * N;
    const zSum = new Map<Float64Array, Spectrum[]>();
    for (const psf of ctx.otf.keys()) zSum.set(psf, Array.from({ length: C }, () => this.fft.spectrum()));
    let dK = 0;
    const inv = 1 / NN;
    const [G, B] = this.scratch();
    const dInputs = ctx.psfs.map(() => new Float64Array(P * P * C));
    ctx.jobs.forEach((job, j) => {
      const ch = job.ch;
      // G = F(g̃_a + i g̃_b), g̃ zero outside the patch
      G.re.fill(0);
      G.im.fill(0);
      const ga = dOut[job.a];
      const gb = job.b >= 0 ? dOut[job.b] : null;
      for (let r = 0; r < P; r++) {
        for (let c = 0; c < P; c++) {
          G.re[r * N + c] = ga[(r * P + c) * C + ch];
          if (gb) G.im[r * N + c] = gb[(r * P + c) * C + ch];
        }
      }
      this.fft.transform(G, false, [0, P]);
      const Y = ctx.spectra[j];
      const H = ctx.otf.get(job.psf)![ch];
      const Z = zSum.get(job.psf)![ch];
      const { re: hre, im: him } = H;
      const { re: yre, im: yim } = Y;
      const { re: gre, im: gim } = G;
      const { re: bre, im: bim } = B;
      const { re: zre, im: zim } = Z;
      for (let k = 0; k < NN; k++) {
        const hr = hre[k];
        const hi = him[k];
        const kw = kappa * w[k];
        const d = hr * hr + hi * hi + kw;
        if (d === 0) {
          bre[k] = 0;
          bim[k] = 0;
          continue;
        }
        const gr = gre[k];
        const gi = gim[k];
        // ∂L/∂ỹ: conj(W) G = H G / d
        bre[k] = (hr * gr - hi * gi) / d;
        bim[k] = (hr * gi + hi * gr) / d;
        // Q = Y conj(G) / N²
        const qr = (yre[k] * gr + yim[k] * gi) * inv;
        const qi = (yim[k] * gr - yre[k] * gi) * inv;
        const d2 = d * d;
        // Z = (κw Q − H² conj(Q)) / D²,  H² = (hr² − hi²) + 2i hr hi
        const h2r = hr * hr - hi * hi;
        const h2i = 2 * hr * hi;
        zre[k] += (kw * qr - (h2r * qr + h2i * qi)) / d2;
        zim[k] += (kw * qi - (h2i * qr - h2r * qi)) / d2;
        // Re Q (−conj(H) w / D²) = −w (qr hr + qi hi) / D²
        dK -= (w[k] * (qr * hr + qi * hi)) / d2;
      }
      this.fft.transform(B, true);
      // fold the extension back: Eᵀ
      const da = dInputs[job.a];
      const db = job.b >= 0 ? dInputs[job.b] : null;
      for (let r = 0; r < N; r++) {
        const sr = src[r] * P;
        const o = r * N;
        for (let c = 0; c < N; c++) {
          const i = (sr + src[c]) * C + ch;
          da[i] += bre[o + c];
          if (db) db[i] += bim[o + c];
        }
      }
    });
    const keys = [...zSum.keys()];
    // Re F⁻¹(Z): Z carries the anti-Hermitian part of the packing, which goes to the imaginary part
    const zPlanes = keys.flatMap((k) =>
      zSum.get(k)!.map((z) => {
        this.fft.transform(z, true);
        return z.re;
      }),
    );
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
