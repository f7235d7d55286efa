import { describe, expect, it } from 'vitest';
import { Fft2, gatherTranspose, RowFft, scatterTranspose } from './fft2.ts';
import { Rng } from './prng.ts';

/** The 2-D DFT by its sum (sign −1 forward, +1 and 1/N² inverse). */
function dft(re: Float64Array, im: Float64Array, N: number, inverse: boolean): [Float64Array, Float64Array] {
  const oRe = new Float64Array(N * N);
  const oIm = new Float64Array(N * N);
  const sg = inverse ? 1 : -1;
  for (let u = 0; u < N; u++) {
    for (let v = 0; v < N; v++) {
      let sr = 0;
      let si = 0;
      for (let m = 0; m < N; m++) {
        for (let n = 0; n < N; n++) {
          const t = (sg * 2 * Math.PI * (u * m + v * n)) / N;
          const c = Math.cos(t);
          const s = Math.sin(t);
          sr += re[m * N + n] * c - im[m * N + n] * s;
          si += re[m * N + n] * s + im[m * N + n] * c;
        }
      }
      oRe[u * N + v] = inverse ? sr / (N * N) : sr;
      oIm[u * N + v] = inverse ? si / (N * N) : si;
    }
  }
  return [oRe, oIm];
}

describe('Fft2.transform', () => {
  const N = 16;
  const rng = new Rng(3);
  const fft = new Fft2(N);

  it('matches the DFT sum forward (with a row range of non-zero input) and inverse (with a row range of output)', () => {
    const re = Float64Array.from({ length: N * N }, (_, k) => (k >= 3 * N && k < 9 * N ? rng.normal() : 0));
    const im = Float64Array.from({ length: N * N }, (_, k) => (k >= 3 * N && k < 9 * N ? rng.normal() : 0));
    const [fr, fi] = dft(re, im, N, false);
    const z = { re: Float64Array.from(re), im: Float64Array.from(im) };
    fft.transform(z, false, [3, 9]);
    for (let k = 0; k < N * N; k++) {
      expect(z.re[k]).toBeCloseTo(fr[k], 11);
      expect(z.im[k]).toBeCloseTo(fi[k], 11);
    }
    const [ir, ii] = dft(fr, fi, N, true);
    const w = { re: Float64Array.from(fr), im: Float64Array.from(fi) };
    fft.transform(w, true, [2, 11]);
    for (let k = 2 * N; k < 11 * N; k++) {
      expect(w.re[k]).toBeCloseTo(ir[k], 12);
      expect(w.im[k]).toBeCloseTo(ii[k], 12);
      expect(w.re[k]).toBeCloseTo(re[k], 12);
    }
  });
});

describe('RowFft and the transposes', () => {
  it('a row pass, a gathering transpose and a row pass give the transposed 2-D DFT; a scattering transpose undoes the transpose', () => {
    const N = 8;
    const rng = new Rng(4);
    const rf = new RowFft(N);
    const x = Float64Array.from({ length: 2 * N * N }, () => rng.normal());
    const re = Float64Array.from({ length: N * N }, (_, k) => x[2 * k]);
    const im = Float64Array.from({ length: N * N }, (_, k) => x[2 * k + 1]);
    const [fr, fi] = dft(re, im, N, false);
    const a = rf.plane();
    const b = rf.plane();
    rf.rows(x, b, false);
    gatherTranspose(b, a, N, Int32Array.from({ length: N }, (_, i) => i));
    rf.rows(a, b, false);
    for (let u = 0; u < N; u++) {
      for (let v = 0; v < N; v++) {
        expect(b[2 * (v * N + u)]).toBeCloseTo(fr[u * N + v], 12);
        expect(b[2 * (v * N + u) + 1]).toBeCloseTo(fi[u * N + v], 12);
      }
    }
    // scatter with accumulate folds rows: rows 0 and 5 of the transpose both into row 1
    const map = new Int32Array(N).fill(-1);
    map[0] = 1;
    map[5] = 1;
    const out = rf.plane();
    scatterTranspose(b, out, N, map, true);
    for (let c = 0; c < N; c++) {
      expect(out[2 * (N + c)]).toBeCloseTo(b[2 * (c * N)] + b[2 * (c * N + 5)], 12);
      expect(out[2 * c]).toBe(0);
    }
  });
});
