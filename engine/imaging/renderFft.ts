/**
 * Patch rendering by FFT: the same image formation as ./render.ts with one PSF per patch
 * (`renderImage` with tile = patch), computed as a product of spectra, and its exact adjoint with
 * respect to the PSF. For PSFs of tens of pixels this is one to two orders of magnitude cheaper
 * than the direct sum.
 *
 * A patch is the 'valid' convolution of an S × S scene crop (S = P + K − 1) with a K × K PSF per
 * channel: y[r, c] = Σ_{a,b} h[a, b] x[r + K − 1 − a, c + K − 1 − b]. With both zero-padded to
 * N × N, N ≥ S a power of two, the circular convolution z = x ⊛ h equals the linear one at
 * z[r + K − 1, c + K − 1] (no wrap-around reaches those samples), so y = crop(F⁻¹(X · H)).
 * The adjoint: ∂L/∂h[a, b] = Σ_{r,c} ∂L/∂y[r, c] x[r + K − 1 − a, c + K − 1 − b], the circular
 * cross-correlation F⁻¹(DZ · X̄)[a, b] of the output gradient placed at offset (K − 1, K − 1) with
 * the scene (again free of wrap-around for 0 ≤ a, b < K).
 *
 * Images are interleaved H × W × C (./image.ts); PSFs C × K × K (./render.ts PsfFieldGrid layout).
 */
import { Fft2, nextPow2, type Spectrum } from './fft2.ts';

/** One patch to render: its scene crop (S × S × C) and its PSF (C × K × K). */
export interface PatchJob {
  scene: ArrayLike<number>;
  psf: Float64Array;
}

/** Renders batches of P × P patches with K × K PSFs (C channels) by FFT. */
export class PatchRenderer {
  readonly n: number;
  readonly size: number;
  private readonly fft: Fft2;

  /**
   * @param patch P, output side in pixels
   * @param kernel K, odd PSF side in pixels
   * @param channels C
   */
  constructor(
    readonly patch: number,
    readonly kernel: number,
    readonly channels: number,
  ) {
    if (!(Number.isInteger(kernel) && kernel % 2 === 1 && kernel >= 1)) throw new Error(`PatchRenderer: PSF size must be odd (got ${kernel})`);
    this.size = patch + kernel - 1;
    this.n = nextPow2(this.size);
    this.fft = new Fft2(this.n);
  }

  /** The scene plane of channel ch, zero-padded to N × N. */
  private scenePlane(scene: ArrayLike<number>, ch: number): Float64Array {
    const { n: N, size: S, channels: C } = this;
    if (scene.length !== S * S * C) throw new Error(`PatchRenderer: scene has ${scene.length} values, expected ${S}×${S}×${C}`);
    const p = new Float64Array(N * N);
    for (let r = 0; r < S; r++) for (let c = 0; c < S; c++) p[r * N + c] = scene[(r * S + c) * C + ch];
    return p;
  }

  /** The PSF of channel ch as a full-convolution kernel (tap (a, b) at (a, b)), N × N. */
  private kernelPlane(psf: Float64Array, ch: number): Float64Array {
    const { n: N, kernel: K } = this;
    const p = new Float64Array(N * N);
    const off = ch * K * K;
    for (let a = 0; a < K; a++) for (let b = 0; b < K; b++) p[a * N + b] = psf[off + a * K + b];
    return p;
  }

  /** Spectra of many real planes, two per complex transform. */
  private forwardMany(planes: Float64Array[], rows?: readonly [number, number]): Spectrum[] {
    const out: Spectrum[] = [];
    for (let i = 0; i < planes.length; i += 2) {
      const [a, b] = this.fft.forwardReal2(planes[i], planes[i + 1] ?? null, rows);
      out.push(a);
      if (b) out.push(b);
    }
    return out;
  }

  /** Real planes of many Hermitian spectra, two per complex transform. */
  private inverseMany(spectra: Spectrum[], rows?: readonly [number, number]): Float64Array[] {
    const out: Float64Array[] = [];
    for (let i = 0; i < spectra.length; i += 2) {
      const [a, b] = this.fft.inverseReal2(spectra[i], spectra[i + 1] ?? null, rows);
      out.push(a);
      if (b) out.push(b);
    }
    return out;
  }

  /** Kernel spectra per distinct PSF array (patches sharing a PSF share its transform). */
  private kernelSpectra(jobs: readonly PatchJob[]): Map<Float64Array, Spectrum[]> {
    const C = this.channels;
    const K = this.kernel;
    const map = new Map<Float64Array, Spectrum[]>();
    const list: Float64Array[] = [];
    for (const j of jobs) {
      if (j.psf.length !== C * K * K) throw new Error(`PatchRenderer: PSF has ${j.psf.length} values, expected ${C}×${K}×${K}`);
      if (!map.has(j.psf)) {
        map.set(j.psf, []);
        list.push(j.psf);
      }
    }
    const planes = list.flatMap((psf) => Array.from({ length: C }, (_, ch) => this.kernelPlane(psf, ch)));
    const spectra = this.forwardMany(planes, [0, K]);
    list.forEach((psf, i) => map.set(psf, spectra.slice(i * C, (i + 1) * C)));
    return map;
  }

  /**
   * Renders each patch: P × P × C float64 images, as ./render.ts renderImage with tile = P.
   * Also returns the scene spectra, which `adjointPsf` can reuse.
   * @throws Error for a scene or PSF of the wrong size
   */
  render(jobs: readonly PatchJob[]): { images: Float64Array[]; sceneSpectra: Spectrum[][] } {
    const { n: N, patch: P, kernel: K, channels: C } = this;
    const kernels = this.kernelSpectra(jobs);
    const scenes = this.forwardMany(jobs.flatMap((j) => Array.from({ length: C }, (_, ch) => this.scenePlane(j.scene, ch))), [0, this.size]);
    const products: Spectrum[] = [];
    jobs.forEach((j, b) => {
      const hs = kernels.get(j.psf)!;
      for (let ch = 0; ch < C; ch++) {
        const X = scenes[b * C + ch];
        const H = hs[ch];
        const Z = this.fft.spectrum();
        for (let k = 0; k < N * N; k++) {
          Z.re[k] = X.re[k] * H.re[k] - X.im[k] * H.im[k];
          Z.im[k] = X.re[k] * H.im[k] + X.im[k] * H.re[k];
        }
        products.push(Z);
      }
    });
    const planes = this.inverseMany(products, [K - 1, K - 1 + P]);
    const images = jobs.map((_, b) => {
      const img = new Float64Array(P * P * C);
      for (let ch = 0; ch < C; ch++) {
        const z = planes[b * C + ch];
        for (let r = 0; r < P; r++) for (let c = 0; c < P; c++) img[(r * P + c) * C + ch] = z[(r + K - 1) * N + c + K - 1];
      }
      return img;
    });
    return { images, sceneSpectra: jobs.map((_, b) => scenes.slice(b * C, (b + 1) * C)) };
  }

  /**
   * ∂L/∂PSF of each patch (C × K × K) given ∂L/∂output (P × P × C each).
   * @param sceneSpectra from `render` of the same jobs (recomputed when absent)
   */
  adjointPsf(jobs: readonly PatchJob[], dOut: readonly ArrayLike<number>[], sceneSpectra?: Spectrum[][]): Float64Array[] {
    const { n: N, patch: P, kernel: K, channels: C } = this;
    if (dOut.length !== jobs.length) throw new Error(`PatchRenderer.adjointPsf: ${dOut.length} gradients for ${jobs.length} patches`);
    const scenes = sceneSpectra ?? (jobs.length ? this.render(jobs).sceneSpectra : []);
    const dPlanes: Float64Array[] = [];
    dOut.forEach((g) => {
      if (g.length !== P * P * C) throw new Error(`PatchRenderer.adjointPsf: gradient has ${g.length} values, expected ${P}×${P}×${C}`);
      for (let ch = 0; ch < C; ch++) {
        const p = new Float64Array(N * N);
        for (let r = 0; r < P; r++) for (let c = 0; c < P; c++) p[(r + K - 1) * N + c + K - 1] = g[(r * P + c) * C + ch];
        dPlanes.push(p);
      }
    });
    const DZ = this.forwardMany(dPlanes, [K - 1, K - 1 + P]);
    const corr: Spectrum[] = DZ.map((D, i) => {
      const X = scenes[Math.floor(i / C)][i % C];
      const Z = this.fft.spectrum();
      for (let k = 0; k < N * N; k++) {
        // D · conj(X)
        Z.re[k] = D.re[k] * X.re[k] + D.im[k] * X.im[k];
        Z.im[k] = D.im[k] * X.re[k] - D.re[k] * X.im[k];
      }
      return Z;
    });
    const planes = this.inverseMany(corr, [0, K]);
    return jobs.map((_, b) => {
      const d = new Float64Array(C * K * K);
      for (let ch = 0; ch < C; ch++) {
        const z = planes[b * C + ch];
        for (let a = 0; a < K; a++) for (let c = 0; c < K; c++) d[ch * K * K + a * K + c] = z[a * N + c];
      }
      return d;
    });
  }
}
