/**
 * The pruned, packed Wiener deconvolution of ./wiener.ts against a straightforward reference: one
 * real plane per full 2-D complex transform (Fft2, no packing, no pruning, spectra in natural
 * layout), the extension built explicitly, ∂L/∂h from Z summed per job and transformed per channel.
 * Sizes with N = 2P take the DCT path of the extension; the others the row-pass path.
 */
import { describe, expect, it } from 'vitest';
import { Fft2, centredKernelSpectrum, nextPow2 } from '../imaging/fft2.ts';
import { Rng } from '../imaging/prng.ts';
import { WienerDeconvolver, type WienerPrior } from './wiener.ts';

/** Symmetric reflection (about −½ and P − ½) of index i of the extended axis, as the module docs. */
function reflect(i: number, P: number, N: number): number {
  let t = i < P + Math.ceil((N - P) / 2) ? i : i - N;
  t = ((t % (2 * P)) + 2 * P) % (2 * P);
  return t < P ? t : 2 * P - 1 - t;
}

function reference(P: number, K: number, C: number, prior: WienerPrior, inputs: Float64Array[], psfs: Float64Array[], logK: number, g: Float64Array[]) {
  const N = nextPow2(P + K - 1);
  const NN = N * N;
  const fft = new Fft2(N);
  const kappa = Math.exp(logK);
  const w = Float64Array.from({ length: NN }, (_, k) => {
    const u = Math.floor(k / N);
    const v = k % N;
    return prior === 'flat' ? 1 : (4 * Math.sin((Math.PI * u) / N) ** 2 + 4 * Math.sin((Math.PI * v) / N) ** 2) / 8;
  });
  const outputs = inputs.map(() => new Float64Array(P * P * C));
  const dInputs = inputs.map(() => new Float64Array(P * P * C));
  const dPsfs = new Map<Float64Array, Float64Array>();
  let dLogK = 0;
  const h = (K - 1) / 2;
  for (const psf of new Set(psfs)) {
    const dpsf = new Float64Array(C * K * K);
    for (let ch = 0; ch < C; ch++) {
      const H = centredKernelSpectrum(fft, psf, K, ch * K * K);
      const Z = fft.spectrum();
      psfs.forEach((p, b) => {
        if (p !== psf) return;
        const Y = fft.spectrum();
        for (let r = 0; r < N; r++) for (let c = 0; c < N; c++) Y.re[r * N + c] = inputs[b][(reflect(r, P, N) * P + reflect(c, P, N)) * C + ch];
        fft.transform(Y);
        const G = fft.spectrum();
        for (let r = 0; r < P; r++) for (let c = 0; c < P; c++) G.re[r * N + c] = g[b][(r * P + c) * C + ch];
        fft.transform(G);
        const X = fft.spectrum();
        const Bk = fft.spectrum();
        for (let k = 0; k < NN; k++) {
          const [hr, hi, yr, yi, gr, gi] = [H.re[k], H.im[k], Y.re[k], Y.im[k], G.re[k], G.im[k]];
          const d = hr * hr + hi * hi + kappa * w[k];
          if (d === 0) continue;
          X.re[k] = (hr * yr + hi * yi) / d;
          X.im[k] = (hr * yi - hi * yr) / d;
          Bk.re[k] = (hr * gr - hi * gi) / d;
          Bk.im[k] = (hr * gi + hi * gr) / d;
          const qr = (yr * gr + yi * gi) / NN;
          const qi = (yi * gr - yr * gi) / NN;
          const h2r = hr * hr - hi * hi;
          const h2i = 2 * hr * hi;
          Z.re[k] += (kappa * w[k] * qr - (h2r * qr + h2i * qi)) / (d * d);
          Z.im[k] += (kappa * w[k] * qi - (h2i * qr - h2r * qi)) / (d * d);
          dLogK -= (kappa * w[k] * (qr * hr + qi * hi)) / (d * d);
        }
        fft.transform(X, true);
        fft.transform(Bk, true);
        for (let r = 0; r < P; r++) for (let c = 0; c < P; c++) outputs[b][(r * P + c) * C + ch] = X.re[r * N + c];
        for (let r = 0; r < N; r++) for (let c = 0; c < N; c++) dInputs[b][(reflect(r, P, N) * P + reflect(c, P, N)) * C + ch] += Bk.re[r * N + c];
      });
      fft.transform(Z, true);
      for (let a = 0; a < K; a++) for (let c = 0; c < K; c++) dpsf[ch * K * K + a * K + c] = Z.re[((a - h + N) % N) * N + ((c - h + N) % N)] * NN;
    }
    dPsfs.set(psf, dpsf);
  }
  return { outputs, dInputs, dPsfs, dLogK };
}

/** max |a − b| / max(1, max |b|). */
function relErr(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let e = 0;
  let m = 1;
  for (let i = 0; i < b.length; i++) {
    e = Math.max(e, Math.abs(a[i] - b[i]));
    m = Math.max(m, Math.abs(b[i]));
  }
  return e / m;
}

describe.each<[WienerPrior, number, number, number]>([
  ['gradient', 10, 5, 3],
  ['flat', 10, 5, 2],
  ['gradient', 16, 17, 3],
  ['gradient', 7, 3, 1],
  // N = 2P: the extension's spectrum by DCTs (ReflectFft2)
  ['flat', 8, 5, 2],
  ['gradient', 4, 3, 3],
])('Wiener deconvolution (%s prior, P %i, K %i, C %i) against the reference', (prior, P, K, C) => {
  it('gives the same outputs and gradients to 1e-12', () => {
    const rng = new Rng(11 + P + K + C);
    const psfA = Float64Array.from({ length: C * K * K }, () => rng.next());
    const psfB = Float64Array.from({ length: C * K * K }, () => rng.next());
    // three patches on one PSF (a pair and a lone one), one on another
    const psfs = [psfA, psfB, psfA, psfA];
    const inputs = psfs.map(() => Float64Array.from({ length: P * P * C }, () => rng.next()));
    const g = psfs.map(() => Float64Array.from({ length: P * P * C }, () => rng.normal()));
    const logK = Math.log(0.03);
    const w = new WienerDeconvolver(P, K, C, prior);
    const ref = reference(P, K, C, prior, inputs, psfs, logK, g);
    // twice: the second call reuses the cached transfer functions
    for (let rep = 0; rep < 2; rep++) {
      const { outputs, context } = w.forward(inputs, psfs, logK);
      const grad = w.backward(context, g);
      outputs.forEach((o, b) => expect(relErr(o, ref.outputs[b])).toBeLessThan(1e-12));
      grad.dInputs.forEach((d, b) => expect(relErr(d, ref.dInputs[b])).toBeLessThan(1e-12));
      for (const p of [psfA, psfB]) expect(relErr(grad.dPsfs.get(p)!, ref.dPsfs.get(p)!)).toBeLessThan(1e-12);
      expect(Math.abs(grad.dLogK - ref.dLogK)).toBeLessThan(1e-12 * Math.max(1, Math.abs(ref.dLogK)));
    }
  });
});

describe('Wiener deconvolution on the DCT path (N = 2P)', () => {
  it('its gradients match central differences', () => {
    const [P, K, C] = [8, 7, 2];
    const w = new WienerDeconvolver(P, K, C, 'gradient');
    expect(w.n).toBe(2 * P);
    const rng = new Rng(5);
    const psf = Float64Array.from({ length: C * K * K }, () => rng.next());
    const inputs = [0, 1, 2].map(() => Float64Array.from({ length: P * P * C }, () => rng.next()));
    const g = inputs.map(() => Float64Array.from({ length: P * P * C }, () => rng.normal()));
    const psfs = [psf, psf, psf];
    const logK = Math.log(0.02);
    const loss = (ys: Float64Array[], ps: Float64Array[], lk: number) => {
      let s = 0;
      w.forward(ys, ps, lk).outputs.forEach((o, b) => o.forEach((v, i) => (s += v * g[b][i])));
      return s;
    };
    const { context } = w.forward(inputs, psfs, logK);
    const grad = w.backward(context, g);
    const h = 1e-6;
    const fd = (f: (s: number) => number) => (f(h) - f(-h)) / (2 * h);
    for (const [b, i] of [[0, 0], [1, 37], [2, 127], [2, 64]]) {
      const d = fd((s) => loss(inputs.map((v, j) => (j === b ? v.map((x, k) => (k === i ? x + s : x)) : v)), psfs, logK));
      expect(Math.abs(grad.dInputs[b][i] - d)).toBeLessThanOrEqual(1e-7 * Math.max(1, Math.abs(d)));
    }
    for (const i of [0, 24, 60, 97]) {
      const d = fd((s) => {
        const q = psf.map((x, k) => (k === i ? x + s : x));
        return loss(inputs, [q, q, q], logK);
      });
      expect(Math.abs(grad.dPsfs.get(psf)![i] - d)).toBeLessThanOrEqual(1e-6 * Math.max(1, Math.abs(d)));
    }
    const dk = fd((s) => loss(inputs, psfs, logK + s));
    expect(Math.abs(grad.dLogK - dk)).toBeLessThanOrEqual(1e-6 * Math.max(1, Math.abs(dk)));
  });
});
