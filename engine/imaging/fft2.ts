/**
 * Two-dimensional discrete Fourier transforms of N × N float64 planes, on fft.js (radix-4,
 * Fedor Indutny; N a power of two ≥ 4), for image formation and reconstruction by FFT.
 *
 * Convention (as numpy.fft.fft2): X[u, v] = Σ_{m,n} x[m, n] e^{−2πi (u m + v n)/N}, and the inverse
 * carries the 1/N² factor. Spectra are stored as separate re / im planes, row-major N × N.
 *
 * Real planes are transformed two at a time: Z = F(a + i b) gives A[k] = (Z[k] + Z̄[−k])/2 and
 * B[k] = (Z[k] − Z̄[−k])/(2i); and for two Hermitian spectra A, B (spectra of real planes),
 * F⁻¹(A + i B) = a + i b, so both real planes come back from one inverse transform.
 */
import FFT from 'fft.js';

/** A complex N × N spectrum (or plane). */
export interface Spectrum {
  re: Float64Array;
  im: Float64Array;
}

/** Smallest power of two ≥ max(4, n). */
export function nextPow2(n: number): number {
  let p = 4;
  while (p < n) p *= 2;
  return p;
}

/**
 * 2-D transforms of one size, with scratch buffers reused between calls (not re-entrant).
 * Internally: row passes of fft.js on interleaved planes with one transpose between them (RowFft
 * below); the inverse is the forward transform read at −index, F⁻¹Z[r, c] = (F Z)[−r, −c] / N²,
 * so there is no normalisation pass. The row range is the first pass of a forward transform and
 * the last of an inverse one.
 */
export class Fft2 {
  readonly n: number;
  private readonly rowFft: RowFft;
  /** Interleaved scratch planes. */
  private readonly a: Float64Array;
  private readonly b: Float64Array;
  private readonly map: Int32Array;

  /** @throws Error when n is not a power of two ≥ 4 */
  constructor(n: number) {
    if (!(Number.isInteger(n) && n >= 4 && (n & (n - 1)) === 0)) throw new Error(`Fft2: size must be a power of two ≥ 4 (got ${n})`);
    this.n = n;
    this.rowFft = new RowFft(n);
    this.a = this.rowFft.plane();
    this.b = this.rowFft.plane();
    this.map = new Int32Array(n);
  }

  /** A zero N × N complex plane. */
  spectrum(): Spectrum {
    return { re: new Float64Array(this.n * this.n), im: new Float64Array(this.n * this.n) };
  }

  /** With rows [r0, r1) of the input interleaved in `a`: the spectrum, transposed, in `b`. */
  private forwardFromRows(r0: number, r1: number): void {
    const { n: N, a: A, b: B, map, rowFft } = this;
    rowFft.rows(A, B, false, r0, r1);
    for (let r = 0; r < N; r++) map[r] = r >= r0 && r < r1 ? r : -1;
    gatherTranspose(B, A, N, map);
    rowFft.rows(A, B, false);
  }

  /** With the spectrum transposed in `a`: rows [r0, r1) of the inverse transform into re, im. */
  private inverseFromTransposed(re: Float64Array, im: Float64Array, r0: number, r1: number): void {
    const { n: N, a: A, b: B, map, rowFft } = this;
    rowFft.rows(A, B, false);
    for (let r = 0; r < N; r++) {
      const t = (N - r) % N;
      map[r] = t >= r0 && t < r1 ? t : -1;
    }
    scatterTranspose(B, A, N, map, false);
    rowFft.rows(A, B, false, r0, r1);
    const s = 1 / (N * N);
    for (let r = r0; r < r1; r++) {
      const o = r * N;
      re[o] = B[2 * o] * s;
      im[o] = B[2 * o + 1] * s;
      for (let c = 1; c < N; c++) {
        const i = 2 * (o + N - c);
        re[o + c] = B[i] * s;
        im[o + c] = B[i + 1] * s;
      }
    }
  }

  /**
   * In-place 2-D transform of (re, im); `inverse` includes the 1/N² factor.
   * @param rows optional row range [from, to): for a forward transform, the only rows of the input
   *   that may be non-zero (the others are skipped, and must be zero); for an inverse transform, the
   *   only rows of the output wanted (the others are left unfinished and must not be read)
   */
  transform(z: Spectrum, inverse = false, rows: readonly [number, number] = [0, this.n]): void {
    const N = this.n;
    const { re, im } = z;
    const A = this.a;
    const [r0, r1] = rows;
    if (!inverse) {
      for (let k = r0 * N; k < r1 * N; k++) {
        A[2 * k] = re[k];
        A[2 * k + 1] = im[k];
      }
      this.forwardFromRows(r0, r1);
      // b holds the spectrum transposed: (u, v) at [v·N + u]
      const B = this.b;
      for (let u0 = 0; u0 < N; u0 += TRANSPOSE_BLOCK) {
        const u1 = Math.min(N, u0 + TRANSPOSE_BLOCK);
        for (let v = 0; v < N; v++) {
          const o = 2 * v * N;
          for (let u = u0; u < u1; u++) {
            re[u * N + v] = B[o + 2 * u];
            im[u * N + v] = B[o + 2 * u + 1];
          }
        }
      }
      return;
    }
    for (let u0 = 0; u0 < N; u0 += TRANSPOSE_BLOCK) {
      const u1 = Math.min(N, u0 + TRANSPOSE_BLOCK);
      for (let v = 0; v < N; v++) {
        const o = 2 * v * N;
        for (let u = u0; u < u1; u++) {
          A[o + 2 * u] = re[u * N + v];
          A[o + 2 * u + 1] = im[u * N + v];
        }
      }
    }
    this.inverseFromTransposed(re, im, r0, r1);
  }

  /**
   * Spectra of two real N × N planes with one complex transform (the second may be absent).
   * @param rows the rows that may be non-zero in both (see `transform`)
   * @returns [A, B] (B is null without a second plane)
   */
  forwardReal2(x: Float64Array, y: Float64Array | null, rows: readonly [number, number] = [0, this.n]): [Spectrum, Spectrum | null] {
    const N = this.n;
    const [r0, r1] = rows;
    const { a: A, b: Z } = this;
    for (let k = r0 * N; k < r1 * N; k++) {
      A[2 * k] = x[k];
      A[2 * k + 1] = y ? y[k] : 0;
    }
    this.forwardFromRows(r0, r1);
    // Z = F(x + i y), transposed: (u, v) at [v·N + u]; A[k] = (Z[k] + conj Z[−k])/2, B[k] = (Z[k] − conj Z[−k])/(2i)
    const SA = this.spectrum();
    const SB = y ? this.spectrum() : null;
    for (let u0 = 0; u0 < N; u0 += TRANSPOSE_BLOCK) {
      const u1 = Math.min(N, u0 + TRANSPOSE_BLOCK);
      for (let v = 0; v < N; v++) {
        const vm = v === 0 ? 0 : N - v;
        const o = 2 * v * N;
        const om = 2 * vm * N;
        for (let u = u0; u < u1; u++) {
          const k = u * N + v;
          const zr = Z[o + 2 * u];
          const zi = Z[o + 2 * u + 1];
          if (!SB) {
            SA.re[k] = zr;
            SA.im[k] = zi;
            continue;
          }
          const um = u === 0 ? 0 : N - u;
          const wr = Z[om + 2 * um];
          const wi = -Z[om + 2 * um + 1]; // conj(Z[−k])
          SA.re[k] = 0.5 * (zr + wr);
          SA.im[k] = 0.5 * (zi + wi);
          // (Z − conj Z[−k]) / (2i) = (dr + i di)/(2i) = (di − i dr)/2
          SB.re[k] = 0.5 * (zi - wi);
          SB.im[k] = -0.5 * (zr - wr);
        }
      }
    }
    return [SA, SB];
  }

  /**
   * Inverse transforms of two Hermitian spectra (of real planes) with one complex transform.
   * @param rows the output rows wanted (see `transform`)
   * @returns [a, b] real planes (b is null without a second spectrum)
   */
  inverseReal2(SA: Spectrum, SB: Spectrum | null, rows: readonly [number, number] = [0, this.n]): [Float64Array, Float64Array | null] {
    const N = this.n;
    const A = this.a;
    // A + i B, transposed into the scratch plane
    for (let u0 = 0; u0 < N; u0 += TRANSPOSE_BLOCK) {
      const u1 = Math.min(N, u0 + TRANSPOSE_BLOCK);
      for (let v = 0; v < N; v++) {
        const o = 2 * v * N;
        for (let u = u0; u < u1; u++) {
          const k = u * N + v;
          A[o + 2 * u] = SB ? SA.re[k] - SB.im[k] : SA.re[k];
          A[o + 2 * u + 1] = SB ? SA.im[k] + SB.re[k] : SA.im[k];
        }
      }
    }
    const re = new Float64Array(N * N);
    const im = new Float64Array(N * N);
    this.inverseFromTransposed(re, im, rows[0], rows[1]);
    return [re, SB ? im : null];
  }
}

/**
 * Interleaved complex planes: N × N values stored as one Float64Array of 2N² (re, im pairs),
 * row-major, so that a row is a contiguous fft.js array. A 2-D transform is then a row pass, one
 * transpose (`gatherTranspose` / `scatterTranspose`, which also extend, pad, crop or fold rows on
 * the way) and a second row pass; the result is left transposed (element (u, v) at [v·N + u]),
 * which point-wise products do not mind and the inverse transform undoes.
 */
export class RowFft {
  readonly n: number;
  private readonly fft: FFT;
  /** Row views per buffer (fft.js reads and writes whole arrays). */
  private readonly views = new WeakMap<Float64Array, Float64Array[]>();

  /** @throws Error when n is not a power of two ≥ 4 */
  constructor(n: number) {
    if (!(Number.isInteger(n) && n >= 4 && (n & (n - 1)) === 0)) throw new Error(`RowFft: size must be a power of two ≥ 4 (got ${n})`);
    this.n = n;
    this.fft = new FFT(n);
  }

  /** A zero interleaved N × N plane (2N² values). */
  plane(): Float64Array {
    return new Float64Array(2 * this.n * this.n);
  }

  private rowsOf(buf: Float64Array): Float64Array[] {
    let v = this.views.get(buf);
    if (!v) {
      const N = this.n;
      if (buf.length !== 2 * N * N) throw new Error(`RowFft: plane has ${buf.length} values, expected 2×${N}×${N}`);
      v = Array.from({ length: N }, (_, r) => buf.subarray(2 * N * r, 2 * N * (r + 1)));
      this.views.set(buf, v);
    }
    return v;
  }

  /**
   * 1-D transforms of rows [r0, r1) of `src` into the same rows of `dst` (different buffers);
   * `inverse` includes the 1/N factor. Other rows of `dst` are untouched.
   */
  rows(src: Float64Array, dst: Float64Array, inverse: boolean, r0 = 0, r1 = this.n): void {
    const s = this.rowsOf(src);
    const d = this.rowsOf(dst);
    const fft = this.fft;
    if (inverse) for (let r = r0; r < r1; r++) fft.inverseTransform(d[r], s[r]);
    else for (let r = r0; r < r1; r++) fft.transform(d[r], s[r]);
  }
}

/** Rows per block in the transposes (cache locality; any value gives the same result). */
const TRANSPOSE_BLOCK = 16;

/**
 * dst[c][r] = src[map[r]][c] for r, c < N, and 0 where map[r] < 0 (interleaved N × N planes):
 * the transpose that also extends (map = a reflection), pads (map[r] = −1) or permutes rows.
 */
export function gatherTranspose(src: Float64Array, dst: Float64Array, N: number, map: Int32Array): void {
  for (let r0 = 0; r0 < N; r0 += TRANSPOSE_BLOCK) {
    const r1 = Math.min(N, r0 + TRANSPOSE_BLOCK);
    for (let c = 0; c < N; c++) {
      const o = 2 * c * N;
      for (let r = r0; r < r1; r++) {
        const m = map[r];
        if (m < 0) {
          dst[o + 2 * r] = 0;
          dst[o + 2 * r + 1] = 0;
        } else {
          const s = 2 * (m * N + c);
          dst[o + 2 * r] = src[s];
          dst[o + 2 * r + 1] = src[s + 1];
        }
      }
    }
  }
}

/**
 * dst[map[r]][c] = src[c][r] (or += with `accumulate`) for the r with map[r] ≥ 0 (interleaved
 * N × N source; dst needs only the rows the map names): the transpose that also crops (keeps some
 * rows) or folds rows together (the adjoint of an extension, with `accumulate`). Rows of dst not
 * named are untouched.
 */
export function scatterTranspose(src: Float64Array, dst: Float64Array, N: number, map: Int32Array, accumulate: boolean): void {
  for (let r0 = 0; r0 < N; r0 += TRANSPOSE_BLOCK) {
    const r1 = Math.min(N, r0 + TRANSPOSE_BLOCK);
    for (let c = 0; c < N; c++) {
      const o = 2 * c * N;
      for (let r = r0; r < r1; r++) {
        const m = map[r];
        if (m < 0) continue;
        const d = 2 * (m * N + c);
        if (accumulate) {
          dst[d] += src[o + 2 * r];
          dst[d + 1] += src[o + 2 * r + 1];
        } else {
          dst[d] = src[o + 2 * r];
          dst[d + 1] = src[o + 2 * r + 1];
        }
      }
    }
  }
}

/**
 * The spectrum of a K × K kernel (K odd) centred on the origin: tap (a, b) sits at
 * ((a − h) mod N, (b − h) mod N), h = (K − 1)/2, so a centred PSF has no phase ramp.
 * @param kernel K × K row-major values (a window of a longer array with `offset`)
 */
export function centredKernelSpectrum(fft: Fft2, kernel: ArrayLike<number>, K: number, offset = 0): Spectrum {
  const N = fft.n;
  if (K > N) throw new Error(`kernel of ${K} px does not fit an ${N}-point transform`);
  const h = (K - 1) / 2;
  const z = fft.spectrum();
  for (let a = 0; a < K; a++) {
    const r = (a - h + N) % N;
    for (let b = 0; b < K; b++) z.re[r * N + ((b - h + N) % N)] = kernel[offset + a * K + b];
  }
  fft.transform(z);
  return z;
}

/** The spectra of C centred K × K kernels stored back to back (C × K × K), two per transform. */
export function centredKernelSpectra(fft: Fft2, kernels: ArrayLike<number>, K: number, C: number): Spectrum[] {
  const N = fft.n;
  if (K > N) throw new Error(`kernel of ${K} px does not fit an ${N}-point transform`);
  const h = (K - 1) / 2;
  const plane = (ch: number) => {
    const p = new Float64Array(N * N);
    for (let a = 0; a < K; a++) {
      const r = (a - h + N) % N;
      for (let b = 0; b < K; b++) p[r * N + ((b - h + N) % N)] = kernels[ch * K * K + a * K + b];
    }
    return p;
  };
  const out: Spectrum[] = [];
  for (let ch = 0; ch < C; ch += 2) {
    const [A, B] = fft.forwardReal2(plane(ch), ch + 1 < C ? plane(ch + 1) : null);
    out.push(A);
    if (B) out.push(B);
  }
  return out;
}

/** Reads the K × K centred kernel back out of a real N × N plane (the adjoint of the placement). */
export function centredKernelFromPlane(plane: Float64Array, N: number, K: number, out: Float64Array, offset = 0, accumulate = true): void {
  const h = (K - 1) / 2;
  for (let a = 0; a < K; a++) {
    const r = (a - h + N) % N;
    for (let b = 0; b < K; b++) {
      const v = plane[r * N + ((b - h + N) % N)];
      if (accumulate) out[offset + a * K + b] += v;
      else out[offset + a * K + b] = v;
    }
  }
}
