import { describe, expect, it } from 'vitest';
import { Rng } from '../imaging/prng.ts';
import { PatchRenderer } from '../imaging/renderFft.ts';
import { WienerDeconvolver, type WienerPrior } from './wiener.ts';

const P = 10;
const K = 5;
const C = 2;

function setup(seed: number) {
  const rng = new Rng(seed);
  const psfA = Float64Array.from({ length: C * K * K }, () => rng.next());
  const psfB = Float64Array.from({ length: C * K * K }, () => rng.next());
  for (const p of [psfA, psfB]) {
    for (let ch = 0; ch < C; ch++) {
      let s = 0;
      for (let k = 0; k < K * K; k++) s += p[ch * K * K + k];
      for (let k = 0; k < K * K; k++) p[ch * K * K + k] /= s;
    }
  }
  const inputs = [0, 1, 2].map(() => Float64Array.from({ length: P * P * C }, () => rng.next()));
  const psfs = [psfA, psfB, psfA];
  const g = inputs.map(() => Float64Array.from({ length: P * P * C }, () => rng.normal()));
  return { inputs, psfs, g, psfA, psfB };
}

/** L = Σ_b ⟨g_b, x̂_b⟩. */
function loss(w: WienerDeconvolver, inputs: Float64Array[], psfs: Float64Array[], logK: number, g: Float64Array[]): number {
  const { outputs } = w.forward(inputs, psfs, logK);
  let s = 0;
  outputs.forEach((o, b) => o.forEach((v, i) => (s += v * g[b][i])));
  return s;
}

describe.each<WienerPrior>(['gradient', 'flat'])('Wiener deconvolution, %s prior', (prior) => {
  const w = new WienerDeconvolver(P, K, C, prior);
  const logK = Math.log(0.02);

  it('its gradients with respect to the sensor image, the PSF and log κ match central differences', () => {
    const { inputs, psfs, g, psfA, psfB } = setup(3);
    const { context } = w.forward(inputs, psfs, logK);
    const grad = w.backward(context, g);
    const h = 1e-6;
    const fd = (f: (s: number) => number) => (f(h) - f(-h)) / (2 * h);
    for (const [b, i] of [[0, 0], [1, 37], [2, 199], [0, 121]]) {
      const d = fd((s) => {
        const x = inputs.map((v) => Float64Array.from(v));
        x[b][i] += s;
        return loss(w, x, psfs, logK, g);
      });
      expect(Math.abs(grad.dInputs[b][i] - d)).toBeLessThanOrEqual(1e-7 * Math.max(1, Math.abs(d)));
    }
    for (const [psf, i] of [[psfA, 0], [psfA, 12], [psfB, 30], [psfB, 49]] as const) {
      const d = fd((s) => {
        const q = Float64Array.from(psf);
        q[i] += s;
        return loss(w, inputs, psfs.map((p) => (p === psf ? q : p)), logK, g);
      });
      expect(Math.abs(grad.dPsfs.get(psf)![i] - d)).toBeLessThanOrEqual(1e-6 * Math.max(1, Math.abs(d)));
    }
    const dk = fd((s) => loss(w, inputs, psfs, logK + s, g));
    expect(Math.abs(grad.dLogK - dk)).toBeLessThanOrEqual(1e-6 * Math.max(1, Math.abs(dk)));
  });

  it('with a delta PSF and κ → 0 it returns the sensor image', () => {
    const { inputs } = setup(4);
    const delta = new Float64Array(C * K * K);
    for (let ch = 0; ch < C; ch++) delta[ch * K * K + (K * K - 1) / 2] = 1;
    const { outputs } = w.forward([inputs[0]], [delta], -40);
    for (let i = 0; i < outputs[0].length; i++) expect(outputs[0][i]).toBeCloseTo(inputs[0][i], 10);
  });

  it('pairs patches that share a PSF without changing any result, and sees a PSF changed in place', () => {
    const { inputs, psfA, psfB, g } = setup(5);
    const one = (ys: Float64Array[], ps: Float64Array[], gs: Float64Array[]) => {
      const fresh = new WienerDeconvolver(P, K, C, prior);
      const { outputs, context } = fresh.forward(ys, ps, logK);
      return { outputs, grad: fresh.backward(context, gs) };
    };
    // four patches on psfA (two pairs) against each patch alone (unpaired)
    const ys = [inputs[0], inputs[1], inputs[2], inputs[1]];
    const all = one(ys, [psfA, psfA, psfA, psfA], [g[0], g[1], g[2], g[0]]);
    [0, 1, 2, 3].forEach((b) => {
      const alone = one([ys[b]], [psfA], [[g[0], g[1], g[2], g[0]][b]]);
      alone.outputs[0].forEach((v, i) => expect(all.outputs[b][i]).toBeCloseTo(v, 12));
      alone.grad.dInputs[0].forEach((v, i) => expect(all.grad.dInputs[b][i]).toBeCloseTo(v, 12));
    });
    // the transfer function is reused only while the PSF's values are unchanged
    const psf = Float64Array.from(psfB);
    const first = w.forward([inputs[0]], [psf], logK).outputs[0];
    psf.set(psfA);
    const second = w.forward([inputs[0]], [psf], logK).outputs[0];
    const expected = one([inputs[0]], [psfA], [g[0]]).outputs[0];
    second.forEach((v, i) => expect(v).toBeCloseTo(expected[i], 12));
    expect(first.some((v, i) => Math.abs(v - second[i]) > 1e-6)).toBe(true);
  });
});

describe('Wiener deconvolution of a blurred photograph-like patch', () => {
  it('restores a blurred smooth scene much closer to the truth than the blurred image', () => {
    const Pp = 32;
    const Kk = 9;
    const S = Pp + Kk - 1;
    // a smooth random scene (sum of low-frequency cosines), mono
    const rng = new Rng(9);
    const terms = Array.from({ length: 12 }, () => ({ u: rng.uniform(0, 0.15), v: rng.uniform(0, 0.15), p: rng.uniform(0, 6.28), a: rng.uniform(0, 0.1) }));
    const scene = Float64Array.from({ length: S * S }, (_, k) => {
      const r = Math.floor(k / S);
      const c = k % S;
      return 0.5 + terms.reduce((s, t) => s + t.a * Math.cos(2 * Math.PI * (t.u * r + t.v * c) + t.p), 0);
    });
    const psf = new Float64Array(Kk * Kk);
    const h = (Kk - 1) / 2;
    for (let a = 0; a < Kk; a++) for (let b = 0; b < Kk; b++) psf[a * Kk + b] = Math.exp(-((a - h) ** 2 + (b - h) ** 2) / (2 * 1.8 ** 2));
    const sum = psf.reduce((s, v) => s + v, 0);
    psf.forEach((v, i) => (psf[i] = v / sum));
    const blurred = new PatchRenderer(Pp, Kk, 1).render([{ scene, psf }]).images[0];
    const truth = Float64Array.from({ length: Pp * Pp }, (_, k) => scene[(Math.floor(k / Pp) + h) * S + (k % Pp) + h]);
    const restored = new WienerDeconvolver(Pp, Kk, 1, 'gradient').forward([blurred], [psf], Math.log(1e-2)).outputs[0];
    const err = (x: Float64Array) => {
      // interior only: the border of a reflected patch is where the circular model is weakest
      let s = 0;
      for (let r = 4; r < Pp - 4; r++) for (let c = 4; c < Pp - 4; c++) s += (x[r * Pp + c] - truth[r * Pp + c]) ** 2;
      return s;
    };
    expect(err(restored)).toBeLessThan(0.2 * err(blurred));
  });
});
