/**
 * The Wiener reconstruction stage (engine/e2e/reconstruction.ts): the learned blend of the Wiener
 * estimate and the sensor image, b = x̂ + σ(a)(y − x̂), and its exact gradients with respect to the
 * sensor image, the PSF, log κ and the blend logit a, against central finite differences of the
 * loss recomputed in float64.
 */
import { expectWienerReconGradients } from '../helpers/wienerReconFd.ts';
import { describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { initTfBackend } from '../../app/node/tfBackend.ts';
import { NetworkTrainer } from '../../engine/e2e/network.ts';
import { Reconstruction } from '../../engine/e2e/reconstruction.ts';
import { buildIdentity } from '../../engine/e2e/unet.ts';
import { WienerDeconvolver } from '../../engine/e2e/wiener.ts';
import { Rng } from '../../engine/imaging/prng.ts';

tf.env().set('PROD', true);
await initTfBackend('wasm');

const P = 16;
const K = 5;
const C = 2;
const rng = new Rng(17);
const y = Float64Array.from({ length: P * P * C }, () => rng.uniform(0.1, 0.9));
const t = Float64Array.from({ length: P * P * C }, () => rng.uniform(0.1, 0.9));
const psf = Float64Array.from({ length: C * K * K }, () => rng.uniform(0, 1));
for (let ch = 0; ch < C; ch++) {
  const s = psf.subarray(ch * K * K, (ch + 1) * K * K);
  const sum = s.reduce((a, b) => a + b, 0);
  s.forEach((v, i) => (s[i] = v / sum));
}
const LOGK = -3;
const A = 0.4;

/** L = mean (x̂ + σ(a)(y − x̂) − t)², in float64. */
function loss64(yy: Float64Array, h: Float64Array, logK: number, a: number): number {
  const xh = new WienerDeconvolver(P, K, C, 'gradient').forward([yy], [h], logK).outputs[0];
  const al = 1 / (1 + Math.exp(-a));
  let s = 0;
  for (let i = 0; i < xh.length; i++) s += (xh[i] + al * (yy[i] - xh[i]) - t[i]) ** 2;
  return s / xh.length;
}

describe('Wiener reconstruction with the learned sensor blend', () => {
  const recon = new Reconstruction(new NetworkTrainer(buildIdentity(C), { kind: 'mse', ssimWeight: 0 }, 1e-3), C, K, { kind: 'wiener', logK: LOGK, mixLogit: A });
  const target = tf.tensor4d(Float32Array.from(t), [1, P, P, C]);
  const res = recon.step([y], [psf], target, P, { update: false, sensorGradient: true });
  target.dispose();

  it('passes x̂ + σ(a)(y − x̂) to the network', () => {
    const out = recon.predict([y], [psf], P, false);
    const xh = recon.wienerEstimate([y], [psf], P)[0];
    const al = 1 / (1 + Math.exp(-A));
    for (let i = 0; i < out.length; i += 37) expect(out[i]).toBeCloseTo(xh[i] + al * (y[i] - xh[i]), 6);
    expect(recon.mix).toBeCloseTo(al, 15);
  });

  it('∂L/∂y, ∂L/∂h, ∂L/∂log κ and ∂L/∂a match finite differences', () => {
    expectWienerReconGradients(res, loss64, y, psf, LOGK, A, [0, 5, 77, 200, 311, P * P * C - 1], [0, 12, 24, 31, 49]);
  });

  it('an update moves log κ and the blend logit downhill, and state round-trips', () => {
    const target2 = tf.tensor4d(Float32Array.from(t), [1, P, P, C]);
    const r = new Reconstruction(new NetworkTrainer(buildIdentity(C), { kind: 'mse', ssimWeight: 0 }, 1e-3), C, K, { kind: 'wiener', logK: LOGK, mixLogit: A, logKStep: 0.01 });
    r.step([y], [psf], target2, P, { update: true, sensorGradient: false });
    target2.dispose();
    expect(Math.sign(r.mixLogit - A)).toBe(-Math.sign(res.dMixLogit!));
    expect(Math.sign(r.logK - LOGK)).toBe(-Math.sign(res.dLogK!));
    const copy = new Reconstruction(new NetworkTrainer(buildIdentity(C), { kind: 'mse', ssimWeight: 0 }, 1e-3), C, K, { kind: 'wiener' });
    copy.setState(r.getState());
    expect(copy.mixLogit).toBe(r.mixLogit);
    expect(copy.logK).toBe(r.logK);
  });
});
