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

/** Columns transformed together in the column pass (memory locality; any value gives the same result). */
const COLUMN_BLOCK = 8;

/** 2-D transforms of one size, with scratch buffers reused between calls (not re-entrant). */
export class Fft2 {
  readonly n: number;
  private readonly fft: FFT;
  private readonly a: Float64Array;
  private readonly b: Float64Array;
  private readonly colIn: Float64Array[];
  private readonly colOut: Float64Array[];

  /** @throws Error when n is not a power of two ≥ 4 */
  constructor(n: number) {
    if (!(Number.isInteger(n) && n >= 4 && (n & (n - 1)) === 0)) throw new Error(`Fft2: size must be a power of two ≥ 4 (got ${n})`);
    this.n = n;
    this.fft = new FFT(n);
    this.a = new Float64Array(2 * n);
    this.b = new Float64Array(2 * n);
    this.colIn = Array.from({ length: Math.min(COLUMN_BLOCK, n) }, () => new Float64Array(2 * n));
    this.colOut = Array.from({ length: Math.min(COLUMN_BLOCK, n) }, () => new Float64Array(2 * n));
  }

  /** A zero N × N complex plane. */
  spectrum(): Spectrum {
    return { re: new Float64Array(this.n * this.n), im: new Float64Array(this.n * this.n) };
  }

  /**
   * In-place 2-D transform of (re, im); `inverse` includes the 1/N² factor.
   * @param rows optional row range [from, to): for a forward transform, the only rows of the input
   *   that may be non-zero (the others are skipped, and must be zero); for an inverse transform, the
   *   only rows of the output wanted (the others are left unfinished and must not be read)
   */
  transform(z: Spectrum, inverse = false, rows: readonly [number, number] = [0, this.n]): void {
    // the row range is the first pass of a forward transform and the last of an inverse one
    if (inverse) {
      this.columnPass(z, true);
      this.rowPass(z, true, rows);
    } else {
      this.rowPass(z, false, rows);
      this.columnPass(z, false);
    }
  }

  private rowPass(z: Spectrum, inverse: boolean, rows: readonly [number, number]): void {
    const N = this.n;
    const { re, im } = z;
    const { a, b, fft } = this;
    for (let r = rows[0]; r < rows[1]; r++) {
      const o = r * N;
      for (let c = 0; c < N; c++) {
        a[2 * c] = re[o + c];
        a[2 * c + 1] = im[o + c];
      }
      if (inverse) fft.inverseTransform(b, a);
      else fft.transform(b, a);
      for (let c = 0; c < N; c++) {
        re[o + c] = b[2 * c];
        im[o + c] = b[2 * c + 1];
      }
    }
  }

  /** Column transforms, COLUMN_BLOCK columns at a time so that each row is read and written in runs. */
  private columnPass(z: Spectrum, inverse: boolean): void {
    const N = this.n;
    const { re, im } = z;
    const { fft, colIn, colOut } = this;
    const W = colIn.length;
    for (let c0 = 0; c0 < N; c0 += W) {
      const w = Math.min(W, N - c0);
      for (let r = 0; r < N; r++) {
        const o = r * N + c0;
        for (let j = 0; j < w; j++) {
          colIn[j][2 * r] = re[o + j];
          colIn[j][2 * r + 1] = im[o + j];
        }
      }
      for (let j = 0; j < w; j++) {
        if (inverse) fft.inverseTransform(colOut[j], colIn[j]);
        else fft.transform(colOut[j], colIn[j]);
      }
      for (let r = 0; r < N; r++) {
        const o = r * N + c0;
        for (let j = 0; j < w; j++) {
          re[o + j] = colOut[j][2 * r];
          im[o + j] = colOut[j][2 * r + 1];
        }
      }
    }
  }

  /**
   * Spectra of two real N × N planes with one complex transform (the second may be absent).
   * @param rows the rows that may be non-zero in both (see `transform`)
   * @returns [A, B] (B is null without a second plane)
   */
  forwardReal2(x: Float64Array, y: Float64Array | null, rows?: readonly [number, number]): [Spectrum, Spectrum | null] {
    const N = this.n;
    const NN = N * N;
    const z: Spectrum = { re: new Float64Array(NN), im: new Float64Array(NN) };
    z.re.set(x);
    if (y) z.im.set(y);
    this.transform(z, false, rows);
    if (!y) return [z, null];
    const A = this.spectrum();
    const B = this.spectrum();
    const { re, im } = z;
    for (let u = 0; u < N; u++) {
      const rowM = u === 0 ? 0 : (N - u) * N;
      const row = u * N;
      for (let v = 0; v < N; v++) {
        const k = row + v;
        const km = rowM + (v === 0 ? 0 : N - v);
        const zr = re[k];
        const zi = im[k];
        const wr = re[km];
        const wi = -im[km]; // conj(Z[−k])
        A.re[k] = 0.5 * (zr + wr);
        A.im[k] = 0.5 * (zi + wi);
        // (Z − conj Z[−k]) / (2i) = (dr + i di)/(2i) = (di − i dr)/2
        B.re[k] = 0.5 * (zi - wi);
        B.im[k] = -0.5 * (zr - wr);
      }
    }
    return [A, B];
  }

  /**
   * Inverse transforms of two Hermitian spectra (of real planes) with one complex transform.
   * @param rows the output rows wanted (see `transform`)
   * @returns [a, b] real planes (b is null without a second spectrum)
   */
  inverseReal2(A: Spectrum, B: Spectrum | null, rows?: readonly [number, number]): [Float64Array, Float64Array | null] {
    const NN = this.n * this.n;
    let z: Spectrum;
    if (B) {
      z = { re: new Float64Array(NN), im: new Float64Array(NN) };
      for (let k = 0; k < NN; k++) {
        z.re[k] = A.re[k] - B.im[k];
        z.im[k] = A.im[k] + B.re[k];
      }
    } else {
      z = { re: Float64Array.from(A.re), im: Float64Array.from(A.im) };
    }
    this.transform(z, true, rows);
    return [z.re, B ? z.im : null];
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
