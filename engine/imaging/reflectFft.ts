/**
 * The N-point 2-D DFT of the symmetric (half-sample) extension of a P × P plane to N = 2P, and its
 * adjoint, through DCT-II / DCT-III of length P on fft.js: a quarter of the data of the N × N
 * transform, in transforms half as long.
 *
 * One axis: the extension x̃[n] = x[n] (n < P), x[N − 1 − n] (n ≥ P) has
 *   X̃[k] = Σ_n x̃[n] e^{−2πi kn/N} = ph[k] c[|k|],  c[k] = Σ_{m<P} x[m] cos(πk(2m + 1)/(2P)),
 * ph[k] = 2 e^{iπk/N} (k < P), −2 e^{iπk/N} (k > P), 0 (k = P), |k| = k (k < P), N − k (k > P).
 * The DCT-II c is computed by Makhoul's method ("A fast cosine transform in one and two
 * dimensions", IEEE Trans. ASSP 28, 1980): v[n] = x[2n], v[P − 1 − n] = x[2n + 1], V = FFT_P(v),
 * c[k] = (t_k V[k] + t̄_k V[−k]) / 2, t_k = e^{−iπk/(2P)} — written complex-linearly, so a complex
 * x (two real planes packed as a + i b) goes through in one transform. Its transpose (DCT-III) is
 * u[0] = γ[0], u[k] = t_k (γ[k] + i γ[P − k]) / 2, w = FFT_P(u), y[2n] = w[n], y[2n + 1] = w[P − 1 − n].
 * The adjoint of x ↦ X̃ (conjugate transpose) is then y[m] = Σ_{k<P} γ[k] cos(πk(2m + 1)/(2P)) with
 * γ[k] = Σ_{k′: |k′| = k} conj(ph[k′]) X[k′].
 *
 * Planes are interleaved complex (re, im pairs): inputs and adjoint outputs P × P row-major,
 * spectra N × N transposed (element (u, v) at [v·N + u]) as engine/imaging/fft2.ts RowFft leaves them.
 */
import FFT from 'fft.js';

/** DFT of the symmetric extension to 2P × 2P of P × P planes, and its adjoint (not re-entrant). */
export class ReflectFft2 {
  readonly p: number;
  readonly n: number;
  private readonly fft: FFT;
  /** t_k = e^{−iπk/(2P)}, k < P. */
  private readonly tRe: Float64Array;
  private readonly tIm: Float64Array;
  /** ph[k] and |k|, k < N. */
  private readonly phRe: Float64Array;
  private readonly phIm: Float64Array;
  private readonly fold: Int32Array;
  private readonly v: Float64Array;
  private readonly V: Float64Array;
  private readonly t1: Float64Array;
  private readonly t2: Float64Array;

  /** @throws Error when p is not a power of two ≥ 2 */
  constructor(p: number) {
    if (!(Number.isInteger(p) && p >= 2 && (p & (p - 1)) === 0)) throw new Error(`ReflectFft2: size must be a power of two ≥ 2 (got ${p})`);
    const P = p;
    const N = 2 * P;
    this.p = P;
    this.n = N;
    this.fft = new FFT(P);
    this.tRe = Float64Array.from({ length: P }, (_, k) => Math.cos((Math.PI * k) / (2 * P)));
    this.tIm = Float64Array.from({ length: P }, (_, k) => -Math.sin((Math.PI * k) / (2 * P)));
    const sign = (k: number) => (k < P ? 2 : k === P ? 0 : -2);
    this.phRe = Float64Array.from({ length: N }, (_, k) => sign(k) * Math.cos((Math.PI * k) / N));
    this.phIm = Float64Array.from({ length: N }, (_, k) => sign(k) * Math.sin((Math.PI * k) / N));
    this.fold = Int32Array.from({ length: N }, (_, k) => (k < P ? k : k === P ? -1 : N - k));
    this.v = new Float64Array(2 * P);
    this.V = new Float64Array(2 * P);
    this.t1 = new Float64Array(2 * P * P);
    this.t2 = new Float64Array(2 * P * P);
  }

  /** DCT-II of the P complex values x[xo + n·xs] (element indices) into y[yo + k·ys]. */
  private dct2(x: Float64Array, xo: number, xs: number, y: Float64Array, yo: number, ys: number): void {
    const { p: P, v, V, tRe, tIm } = this;
    for (let n = 0; n < P / 2; n++) {
      const e = 2 * (xo + 2 * n * xs);
      const o = 2 * (xo + (2 * n + 1) * xs);
      v[2 * n] = x[e];
      v[2 * n + 1] = x[e + 1];
      v[2 * (P - 1 - n)] = x[o];
      v[2 * (P - 1 - n) + 1] = x[o + 1];
    }
    this.fft.transform(V, v);
    for (let k = 0; k < P; k++) {
      const km = k === 0 ? 0 : P - k;
      const ar = V[2 * k];
      const ai = V[2 * k + 1];
      const br = V[2 * km];
      const bi = V[2 * km + 1];
      const tr = tRe[k];
      const ti = tIm[k];
      // (t a + t̄ b) / 2
      const i = 2 * (yo + k * ys);
      y[i] = 0.5 * (tr * (ar + br) - ti * (ai - bi));
      y[i + 1] = 0.5 * (tr * (ai + bi) + ti * (ar - br));
    }
  }

  /** DCT-III (the transpose of dct2) of the P complex values g[go + k·gs] into y[yo + n·ys]. */
  private dct3(g: Float64Array, go: number, gs: number, y: Float64Array, yo: number, ys: number): void {
    const { p: P, v: u, V: w, tRe, tIm } = this;
    u[0] = g[2 * go];
    u[1] = g[2 * go + 1];
    for (let k = 1; k < P; k++) {
      const a = 2 * (go + k * gs);
      const b = 2 * (go + (P - k) * gs);
      // s = γ[k] + i γ[P − k]; u = t s / 2
      const sr = g[a] - g[b + 1];
      const si = g[a + 1] + g[b];
      const tr = tRe[k];
      const ti = tIm[k];
      u[2 * k] = 0.5 * (tr * sr - ti * si);
      u[2 * k + 1] = 0.5 * (tr * si + ti * sr);
    }
    this.fft.transform(w, u);
    for (let n = 0; n < P / 2; n++) {
      const e = 2 * (yo + 2 * n * ys);
      const o = 2 * (yo + (2 * n + 1) * ys);
      y[e] = w[2 * n];
      y[e + 1] = w[2 * n + 1];
      y[o] = w[2 * (P - 1 - n)];
      y[o + 1] = w[2 * (P - 1 - n) + 1];
    }
  }

  /**
   * The spectrum of the extension.
   * @param x P × P complex plane, interleaved row-major (2P² values)
   * @param out N × N spectrum, interleaved and transposed (2N² values, all written)
   */
  forward(x: Float64Array, out: Float64Array): void {
    const { p: P, n: N, t1, t2, phRe, phIm, fold } = this;
    // rows: t1[k][r] = DCT of row r; columns: t2[v][u]
    for (let r = 0; r < P; r++) this.dct2(x, r * P, 1, t1, r, P);
    for (let c = 0; c < P; c++) this.dct2(t1, c * P, 1, t2, c * P, 1);
    for (let v = 0; v < N; v++) {
      const o = 2 * v * N;
      const fv = fold[v];
      if (fv < 0) {
        out.fill(0, o, o + 2 * N);
        continue;
      }
      const pr = phRe[v];
      const pi = phIm[v];
      const s = 2 * fv * P;
      for (let u = 0; u < N; u++) {
        const fu = fold[u];
        if (fu < 0) {
          out[o + 2 * u] = 0;
          out[o + 2 * u + 1] = 0;
          continue;
        }
        // ph[v] ph[u] c[fv][fu]
        const qr = pr * phRe[u] - pi * phIm[u];
        const qi = pr * phIm[u] + pi * phRe[u];
        const cr = t2[s + 2 * fu];
        const ci = t2[s + 2 * fu + 1];
        out[o + 2 * u] = qr * cr - qi * ci;
        out[o + 2 * u + 1] = qr * ci + qi * cr;
      }
    }
  }

  /**
   * The adjoint (conjugate transpose) of `forward`: Eᵀ F^H, i.e. N² Eᵀ F⁻¹.
   * @param a N × N spectrum, interleaved and transposed
   * @param out P × P complex plane, interleaved row-major (all written)
   */
  adjoint(a: Float64Array, out: Float64Array): void {
    const { p: P, n: N, t1, t2, phRe, phIm, fold } = this;
    // t2[fv][fu] = Σ conj(ph[v] ph[u]) a[v][u]
    t2.fill(0);
    for (let v = 0; v < N; v++) {
      const fv = fold[v];
      if (fv < 0) continue;
      const o = 2 * v * N;
      const pr = phRe[v];
      const pi = phIm[v];
      const s = 2 * fv * P;
      for (let u = 0; u < N; u++) {
        const fu = fold[u];
        if (fu < 0) continue;
        const qr = pr * phRe[u] - pi * phIm[u];
        const qi = -(pr * phIm[u] + pi * phRe[u]);
        const ar = a[o + 2 * u];
        const ai = a[o + 2 * u + 1];
        t2[s + 2 * fu] += qr * ar - qi * ai;
        t2[s + 2 * fu + 1] += qr * ai + qi * ar;
      }
    }
    // along u: t1[r][v] = Σ_u γ[v][u] cos(...r...); then along v
    for (let c = 0; c < P; c++) this.dct3(t2, c * P, 1, t1, c, P);
    for (let r = 0; r < P; r++) this.dct3(t1, r * P, 1, out, r * P, 1);
  }
}
