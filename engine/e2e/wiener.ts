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
 * No spectrum of a patch is ever split into its two halves. A plane without a partner is packed
 * with zero. Transfer functions are reused between calls while a PSF array holds the same values.
 *
 * When N = 2P exactly (P a power of two, K ≤ P + 1, as the 64-px patches with PSFs up to 65 px),
 * E is the half-sample symmetric extension of period N and F E and its adjoint (F E)^H = N² Eᵀ F⁻¹
 * go through DCT-II / DCT-III of length P (engine/imaging/reflectFft.ts): a quarter of the data in
 * transforms half as long.
 *
 * Cost (the figure `e2e_wiener_ms` of test/bench/e2e.ts): transforms are row passes of fft.js on
 * interleaved planes with one transpose between them (engine/imaging/fft2.ts RowFft), spectra stay
 * transposed (element (u, v) at [v·N + u]; w is symmetric). Each transform is pruned to what is
 * not zero or wanted: the extension repeats patch rows, so the first pass of Ỹ transforms P rows
 * and the transpose extends; the crop of x̂ and the padding of g̃ keep P rows; Eᵀ folds rows in the
 * transpose before the last pass; Q is summed over the jobs of a PSF and channel before Z (linear),
 * and Re F⁻¹(Z) of two channels comes out of one inverse transform of their Hermitian parts
 * Z₁ʰ + i Z₂ʰ (Zʰ(f) = (Z(f) + Z̄(−f))/2, whose inverse transform is Re F⁻¹(Z)), finished only
 * on the K rows of the taps.
 */
import { RowFft, gatherTranspose, nextPow2, scatterTranspose, type Spectrum } from '../imaging/fft2.ts';
import { ReflectFft2 } from '../imaging/reflectFft.ts';
import { TransferFunctions, wienerFilter } from './wienerOtf.ts';

export type WienerPrior = 'flat' | 'gradient';

/** One transform job: channel `ch` of examples `a` and `b` (−1: none), which share one PSF. */
interface Job {
  psf: Float64Array;
  ch: number;
  a: number;
  b: number;
}

/** Saved forward state for the adjoint (spectra stored transposed: (u, v) at [v·N + u]). */
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
  private readonly fft: RowFft;
  private readonly weight: Float64Array;
  /** Symmetric-reflection source index per extended index, one axis. */
  private readonly src: Int32Array;
  /** Row map of the padding: r ↦ r for r < P, else −1. */
  private readonly firstP: Int32Array;
  /**
   * Inverse transforms are forward ones read at −index (F⁻¹X[n] = (FX)[−n]/N per axis, the 1/N²
   * folded into the filter), so the maps of what follows one read index −r: the crop
   * (−r mod N ↦ itself when < P, else −1), the fold (src(−r mod N)), the taps ((h − a) mod N ↦ a)
   * and the negation of a column index.
   */
  private readonly cropNeg: Int32Array;
  private readonly srcNeg: Int32Array;
  private readonly tapsNeg: Int32Array;
  private readonly neg: Int32Array;
  /** Interleaved scratch planes. */
  private readonly bufA: Float64Array;
  private readonly bufB: Float64Array;
  /** When N = 2P: F E and its adjoint by DCTs of length P, on a P × P interleaved plane. */
  private readonly reflect: ReflectFft2 | null;
  private readonly small: Float64Array;
  private readonly otfs: TransferFunctions;
  /** Scratch planes for Σ Ỹ Ḡ per PSF and channel in `backward` (reused between calls). */
  private readonly qBufs: Float64Array[] = [];
  /** The filters W of each forward call's context, for its adjoint. */
  private readonly filters = new WeakMap<WienerContext, Map<Float64Array, Spectrum[]>>();

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
    this.fft = new RowFft(N);
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
    this.firstP = Int32Array.from({ length: N }, (_, r) => (r < P ? r : -1));
    this.neg = Int32Array.from({ length: N }, (_, r) => (N - r) % N);
    this.cropNeg = this.neg.map((r) => (r < P ? r : -1));
    this.srcNeg = this.neg.map((r) => this.src[r]);
    const h = (kernel - 1) / 2;
    this.tapsNeg = new Int32Array(N).fill(-1);
    for (let a = 0; a < kernel; a++) this.tapsNeg[(h - a + N) % N] = a;
    this.bufA = this.fft.plane();
    this.bufB = this.fft.plane();
    // N = 2P: the extension is the half-sample symmetric one of period N (src[i] = N − 1 − i, i ≥ P)
    this.reflect = N === 2 * P ? new ReflectFft2(P) : null;
    this.small = new Float64Array(this.reflect ? 2 * P * P : 0);
    this.otfs = new TransferFunctions(this.fft, kernel, channels, this.bufA, this.bufB);
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

  /** Ỹ (transposed, into bufB) of the extension of channel ch of ya + i yb, by row passes. */
  private extendedSpectrum(ya: ArrayLike<number>, yb: ArrayLike<number> | null, ch: number): void {
    const { n: N, patch: P, channels: C, src, bufA: A, bufB: B, fft } = this;
    // the P distinct rows of the extension, then the columns (the transpose extends)
    for (let r = 0; r < P; r++) {
      const o = 2 * r * N;
      const s = r * P;
      if (yb) {
        for (let c = 0; c < N; c++) {
          const i = (s + src[c]) * C + ch;
          A[o + 2 * c] = ya[i];
          A[o + 2 * c + 1] = yb[i];
        }
      } else {
        for (let c = 0; c < N; c++) {
          A[o + 2 * c] = ya[(s + src[c]) * C + ch];
          A[o + 2 * c + 1] = 0;
        }
      }
    }
    fft.rows(A, B, false, 0, P);
    gatherTranspose(B, A, N, src);
    fft.rows(A, B, false);
  }

  /**
   * Deconvolves each patch with its PSF (float64).
   * @param inputs P × P × C sensor patches
   * @param psfs one C × K × K PSF per patch (patches may share the same array)
   * @param logK log κ
   * @throws Error for inputs or PSFs of the wrong size, or a non-finite log κ
   */
  forward(inputs: readonly ArrayLike<number>[], psfs: readonly Float64Array[], logK: number): { outputs: Float64Array[]; context: WienerContext } {
    const { n: N, patch: P, channels: C, src, bufA: A, bufB: B, fft } = this;
    if (inputs.length !== psfs.length) throw new Error(`Wiener: ${inputs.length} patches but ${psfs.length} PSFs`);
    if (!Number.isFinite(logK)) throw new Error(`Wiener: log κ must be finite (got ${logK})`);
    for (const y of inputs) if (y.length !== P * P * C) throw new Error(`Wiener: patch has ${y.length} values, expected ${P}×${P}×${C}`);
    const kappa = Math.exp(logK);
    const otf = this.otfs.get(psfs);
    const filters = new Map<Float64Array, Spectrum[]>();
    for (const [psf, hs] of otf) filters.set(psf, hs.map((H) => wienerFilter(H, this.weight, kappa)));
    const jobs = this.jobs(psfs);
    const NN = N * N;
    const outputs = inputs.map(() => new Float64Array(P * P * C));
    const spectra = jobs.map((job) => {
      const ch = job.ch;
      const ya = inputs[job.a];
      const yb = job.b >= 0 ? inputs[job.b] : null;
      // Ỹ (transposed) into B
      if (this.reflect) {
        const x = this.small;
        for (let i = 0; i < P * P; i++) {
          x[2 * i] = ya[i * C + ch];
          x[2 * i + 1] = yb ? yb[i * C + ch] : 0;
        }
        this.reflect.forward(x, B);
      } else {
        this.extendedSpectrum(ya, yb, ch);
      }
      // X = W Ỹ; Ỹ saved split for the adjoint
      const Y: Spectrum = { re: new Float64Array(NN), im: new Float64Array(NN) };
      const { re: wre, im: wim } = filters.get(job.psf)![ch];
      const { re: yre, im: yim } = Y;
      for (let k = 0; k < NN; k++) {
        const yr = B[2 * k];
        const yi = B[2 * k + 1];
        yre[k] = yr;
        yim[k] = yi;
        const fr = wre[k];
        const fi = wim[k];
        A[2 * k] = fr * yr - fi * yi;
        A[2 * k + 1] = fr * yi + fi * yr;
      }
      // x̂ = crop_P F⁻¹ X: all columns of the spectrum, then P rows
      fft.rows(A, B, false);
      scatterTranspose(B, A, N, this.cropNeg, false);
      fft.rows(A, B, false, 0, P);
      const neg = this.neg;
      const oa = outputs[job.a];
      for (let r = 0; r < P; r++) {
        const o = 2 * r * N;
        for (let c = 0; c < P; c++) oa[(r * P + c) * C + ch] = B[o + 2 * neg[c]];
      }
      if (job.b >= 0) {
        const ob = outputs[job.b];
        for (let r = 0; r < P; r++) {
          const o = 2 * r * N + 1;
          for (let c = 0; c < P; c++) ob[(r * P + c) * C + ch] = B[o + 2 * neg[c]];
        }
      }
      return Y;
    });
    const context: WienerContext = { logK, psfs: psfs.slice(), jobs, spectra, otf };
    this.filters.set(context, filters);
    return { outputs, context };
  }

  /**
   * The adjoint of `forward` (see the module docs).
   * @param dOut ∂L/∂x̂ per patch (P × P × C)
   */
  backward(ctx: WienerContext, dOut: readonly ArrayLike<number>[]): WienerGradient {
    const { n: N, patch: P, kernel: K, channels: C, src, bufA: A, bufB: B, fft } = this;
    if (dOut.length !== ctx.psfs.length) throw new Error(`Wiener.backward: ${dOut.length} gradients for ${ctx.psfs.length} patches`);
    for (const g of dOut) if (g.length !== P * P * C) throw new Error(`Wiener.backward: gradient has ${g.length} values, expected ${P}×${P}×${C}`);
    const kappa = Math.exp(ctx.logK);
    const w = this.weight;
    const NN = N * N;
    // Σ over the jobs of a PSF and channel of Ỹ Ḡ (interleaved)
    const qSum = new Map<Float64Array, Float64Array[]>();
    let filters = this.filters.get(ctx);
    if (!filters) {
      filters = new Map();
      for (const [psf, hs] of ctx.otf) filters.set(psf, hs.map((H) => wienerFilter(H, w, kappa)));
    }
    let nq = 0;
    for (const psf of ctx.otf.keys()) {
      qSum.set(
        psf,
        Array.from({ length: C }, () => {
          const q = (this.qBufs[nq++] ??= new Float64Array(2 * NN));
          q.fill(0);
          return q;
        }),
      );
    }
    const dInputs = ctx.psfs.map(() => new Float64Array(P * P * C));
    ctx.jobs.forEach((job, j) => {
      const ch = job.ch;
      // G = F(g̃_a + i g̃_b), g̃ zero outside the patch (transposed)
      const ga = dOut[job.a];
      const gb = job.b >= 0 ? dOut[job.b] : null;
      for (let r = 0; r < P; r++) {
        const o = 2 * r * N;
        if (gb) {
          for (let c = 0; c < P; c++) {
            const i = (r * P + c) * C + ch;
            A[o + 2 * c] = ga[i];
            A[o + 2 * c + 1] = gb[i];
          }
        } else {
          for (let c = 0; c < P; c++) {
            A[o + 2 * c] = ga[(r * P + c) * C + ch];
            A[o + 2 * c + 1] = 0;
          }
        }
        A.fill(0, o + 2 * P, o + 2 * N);
      }
      fft.rows(A, B, false, 0, P);
      gatherTranspose(B, A, N, this.firstP);
      fft.rows(A, B, false);
      const { re: yre, im: yim } = ctx.spectra[j];
      const { re: wre, im: wim } = filters.get(job.psf)![ch];
      const q = qSum.get(job.psf)![ch];
      for (let k = 0; k < NN; k++) {
        const gr = B[2 * k];
        const gi = B[2 * k + 1];
        // ∂L/∂ỹ: conj(W) G
        const fr = wre[k];
        const fi = wim[k];
        A[2 * k] = fr * gr + fi * gi;
        A[2 * k + 1] = fr * gi - fi * gr;
        // Ỹ conj(G)
        q[2 * k] += yre[k] * gr + yim[k] * gi;
        q[2 * k + 1] += yim[k] * gr - yre[k] * gi;
      }
      // Eᵀ F⁻¹: all columns of the spectrum, rows folded in the transpose, then P rows and the columns folded
      const da = dInputs[job.a];
      if (this.reflect) {
        // (F E)^H by DCTs
        const x = this.small;
        this.reflect.adjoint(A, x);
        for (let i = 0; i < P * P; i++) da[i * C + ch] += x[2 * i];
        if (job.b >= 0) {
          const db = dInputs[job.b];
          for (let i = 0; i < P * P; i++) db[i * C + ch] += x[2 * i + 1];
        }
        return;
      }
      fft.rows(A, B, false);
      A.fill(0, 0, 2 * P * N);
      scatterTranspose(B, A, N, this.srcNeg, true);
      fft.rows(A, B, false, 0, P);
      const srcNeg = this.srcNeg;
      for (let r = 0; r < P; r++) {
        const o = 2 * r * N;
        for (let c = 0; c < N; c++) da[(r * P + srcNeg[c]) * C + ch] += B[o + 2 * c];
      }
      if (job.b >= 0) {
        const db = dInputs[job.b];
        for (let r = 0; r < P; r++) {
          const o = 2 * r * N + 1;
          for (let c = 0; c < N; c++) db[(r * P + srcNeg[c]) * C + ch] += B[o + 2 * c];
        }
      }
    });
    // Z = (κw Q − H² Q̄) / D² per PSF and channel (Q = Σ Ỹ Ḡ / N²), and ∂L/∂log κ
    const inv = 1 / NN;
    let dK = 0;
    const dPsfs = new Map<Float64Array, Float64Array>();
    const h = (K - 1) / 2;
    for (const [psf, hs] of ctx.otf) {
      const qs = qSum.get(psf)!;
      const zs = hs.map((H, ch) => {
        const q = qs[ch];
        const Z = q; // in place
        const { re: hre, im: him } = H;
        for (let k = 0; k < NN; k++) {
          const hr = hre[k];
          const hi = him[k];
          const kw = kappa * w[k];
          const d = hr * hr + hi * hi + kw;
          if (d === 0) {
            Z[2 * k] = 0;
            Z[2 * k + 1] = 0;
            continue;
          }
          const qr = q[2 * k] * inv;
          const qi = q[2 * k + 1] * inv;
          const d2 = 1 / (d * d);
          // H² = (hr² − hi²) + 2i hr hi
          const h2r = hr * hr - hi * hi;
          const h2i = 2 * hr * hi;
          Z[2 * k] = (kw * qr - (h2r * qr + h2i * qi)) * d2;
          Z[2 * k + 1] = (kw * qi - (h2i * qr - h2r * qi)) * d2;
          // Re Q (−conj(H) w / D²) = −w (qr hr + qi hi) / D²
          dK -= w[k] * (qr * hr + qi * hi) * d2;
        }
        return Z;
      });
      const d = new Float64Array(C * K * K);
      for (let ch = 0; ch < C; ch += 2) {
        const z0 = zs[ch];
        const z1 = ch + 1 < C ? zs[ch + 1] : null;
        // Z₀ʰ + i Z₁ʰ, Zʰ(f) = (Z(f) + conj Z(−f)) / 2
        for (let v = 0; v < N; v++) {
          const vm = v === 0 ? 0 : N - v;
          for (let u = 0; u < N; u++) {
            const k = 2 * (v * N + u);
            const km = 2 * (vm * N + (u === 0 ? 0 : N - u));
            const ar = 0.5 * (z0[k] + z0[km]);
            const ai = 0.5 * (z0[k + 1] - z0[km + 1]);
            const br = z1 ? 0.5 * (z1[k] + z1[km]) : 0;
            const bi = z1 ? 0.5 * (z1[k + 1] - z1[km + 1]) : 0;
            A[k] = ar - bi;
            A[k + 1] = ai + br;
          }
        }
        // the K tap rows of F⁻¹, then the K tap columns
        // N² Re F⁻¹(Z) at the taps: the forward transform read at −index, K rows finished
        fft.rows(A, B, false);
        scatterTranspose(B, A, N, this.tapsNeg, false);
        fft.rows(A, B, false, 0, K);
        for (let a = 0; a < K; a++) {
          for (let c = 0; c < K; c++) {
            const o = 2 * (a * N + ((h - c + N) % N));
            d[ch * K * K + a * K + c] = B[o];
            if (z1) d[(ch + 1) * K * K + a * K + c] = B[o + 1];
          }
        }
      }
      dPsfs.set(psf, d);
    }
    return { dInputs, dPsfs, dLogK: kappa * dK };
  }
}
