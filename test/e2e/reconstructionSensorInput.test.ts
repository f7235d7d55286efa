/**
 * The 'wiener+unet' reconstruction whose network also sees the raw sensor image (sensorInput): the
 * network input is [b, y] per pixel (b = x̂ + σ(a)(y − x̂) the blend of the Wiener estimate x̂ and the
 * sensor image y), so ∂L/∂y gathers the network's gradient for the y planes directly plus the blend
 * and Wiener adjoints of the b planes. Checked against central finite differences of the loss
 * recomputed in float64 through a fixed 1 × 1 convolution (a network we can evaluate by hand); and
 * the multi-input U-Net starts as the identity on b.
 */
import { expectWienerReconGradients } from '../helpers/wienerReconFd.ts';
import { describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { initTfBackend } from '../../app/node/tfBackend.ts';
import { NetworkTrainer } from '../../engine/e2e/network.ts';
import { Reconstruction } from '../../engine/e2e/reconstruction.ts';
import { buildUNet, unetConfig } from '../../engine/e2e/unet.ts';
import { WienerDeconvolver } from '../../engine/e2e/wiener.ts';
import { Rng } from '../../engine/imaging/prng.ts';

tf.env().set('PROD', true);
await initTfBackend('wasm');

const P = 16;
const K = 5;
const C = 2;
const rng = new Rng(23);
const y = Float64Array.from({ length: P * P * C }, () => rng.uniform(0.1, 0.9));
const t = Float64Array.from({ length: P * P * C }, () => rng.uniform(0.1, 0.9));
const psf = Float64Array.from({ length: C * K * K }, () => rng.uniform(0, 1));
for (let ch = 0; ch < C; ch++) {
  const s = psf.subarray(ch * K * K, (ch + 1) * K * K);
  const sum = s.reduce((a, b) => a + b, 0);
  s.forEach((v, i) => (s[i] = v / sum));
}
const LOGK = -3;
const A = 0.3;
/** 1 × 1 convolution weights W[i][o] (2C inputs → C outputs), values exactly representable in float32. */
const W = Array.from({ length: 2 * C }, (_, i) => Array.from({ length: C }, (_, o) => Math.fround(0.25 * (i + 1) - 0.375 * o + (i === o ? 0.5 : 0))));

function linearNet(): tf.LayersModel {
  const input = tf.input({ shape: [null, null, 2 * C] });
  const layer = tf.layers.conv2d({ filters: C, kernelSize: 1, useBias: false, kernelInitializer: 'zeros' });
  const out = layer.apply(input) as tf.SymbolicTensor;
  const model = tf.model({ inputs: input, outputs: out });
  layer.setWeights([tf.tensor4d(W.flat(), [1, 1, 2 * C, C])]);
  return model;
}

/** L = mean (W·[b, y] − t)², in float64. */
function loss64(yy: Float64Array, h: Float64Array, logK: number, a: number): number {
  const xh = new WienerDeconvolver(P, K, C, 'gradient').forward([yy], [h], logK).outputs[0];
  const al = 1 / (1 + Math.exp(-a));
  let s = 0;
  for (let p = 0; p < P * P; p++) {
    const v: number[] = [];
    for (let c = 0; c < C; c++) v.push(xh[p * C + c] + al * (yy[p * C + c] - xh[p * C + c]));
    for (let c = 0; c < C; c++) v.push(yy[p * C + c]);
    for (let o = 0; o < C; o++) {
      let out = 0;
      for (let i = 0; i < 2 * C; i++) out += W[i][o] * v[i];
      s += (out - t[p * C + o]) ** 2;
    }
  }
  return s / (P * P * C);
}

describe('wiener+unet with the sensor image as extra network input', () => {
  const recon = new Reconstruction(new NetworkTrainer(linearNet(), { kind: 'mse', ssimWeight: 0 }, 1e-3), C, K, { kind: 'wiener+unet', logK: LOGK, mixLogit: A, sensorInput: true });
  const target = tf.tensor4d(Float32Array.from(t), [1, P, P, C]);
  const res = recon.step([y], [psf], target, P, { update: false, sensorGradient: true });
  target.dispose();

  it('feeds 2C planes to the network only while it is on', () => {
    expect(recon.networkInputChannels).toBe(2 * C);
    const bypassed = recon.predict([y], [psf], P, false);
    expect(bypassed.length).toBe(P * P * C);
    const unetKind = new Reconstruction(new NetworkTrainer(linearNet(), { kind: 'mse', ssimWeight: 0 }, 1e-3), C, K, { kind: 'wiener', sensorInput: true });
    expect(unetKind.networkInputChannels).toBe(C);
  });

  it('the loss and ∂L/∂y, ∂L/∂h, ∂L/∂log κ, ∂L/∂a match float64 finite differences', () => {
    expect(res.loss).toBeCloseTo(loss64(y, psf, LOGK, A), 5);
    expectWienerReconGradients(res, loss64, y, psf, LOGK, A, [0, 3, 64, 201, 333, P * P * C - 1], [0, 7, 24, 33, 49]);
  });

  it('an untrained U-Net with the extra planes passes the blend through', () => {
    const net = buildUNet({ channels: C, inputChannels: 2 * C, levels: 2, baseFilters: 4, seed: 3 });
    const r = new Reconstruction(new NetworkTrainer(net, { kind: 'mse', ssimWeight: 0 }, 1e-3), C, K, { kind: 'wiener+unet', logK: LOGK, mixLogit: A, sensorInput: true });
    const out = r.predict([y], [psf], P, true);
    const bypass = r.predict([y], [psf], P, false);
    for (let i = 0; i < out.length; i += 13) expect(out[i]).toBeCloseTo(bypass[i], 6);
    expect(() => unetConfig({ channels: 3, inputChannels: 4 })).toThrow(/inputChannels/);
  });
});
