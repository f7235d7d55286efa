import { describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { createImage, type FloatImage } from '../imaging/image.ts';
import { psnr, ssim } from './metrics.ts';
import { psnrTf, ssimTf } from './metricsTf.ts';
import { Rng } from '../imaging/prng.ts';

tf.env().set('IS_TEST', true);

function randomImage(w: number, h: number, c: number, seed: number): FloatImage {
  const img = createImage(w, h, c);
  const rng = new Rng(seed);
  for (let i = 0; i < img.data.length; i++) img.data[i] = rng.next();
  return img;
}

function constant(w: number, h: number, v: number): FloatImage {
  const img = createImage(w, h, 1);
  img.data.fill(v);
  return img;
}

/** SSIM straight from the paper's definition: per window, explicit 2-D Gaussian weights, double loops. */
function ssimBruteForce(a: FloatImage, b: FloatImage): number {
  const n = 11;
  const w2: number[][] = [];
  let s = 0;
  for (let i = 0; i < n; i++) {
    w2.push([]);
    for (let j = 0; j < n; j++) {
      const v = Math.exp(-((i - 5) ** 2 + (j - 5) ** 2) / (2 * 1.5 * 1.5));
      w2[i].push(v);
      s += v;
    }
  }
  const C1 = 0.01 ** 2;
  const C2 = 0.03 ** 2;
  let total = 0;
  for (let ch = 0; ch < a.channels; ch++) {
    let sum = 0;
    let count = 0;
    for (let r = 0; r + n <= a.height; r++) {
      for (let c = 0; c + n <= a.width; c++) {
        let mx = 0, my = 0;
        for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) {
          const k = ((r + i) * a.width + c + j) * a.channels + ch;
          mx += (w2[i][j] / s) * a.data[k];
          my += (w2[i][j] / s) * b.data[k];
        }
        let vx = 0, vy = 0, cxy = 0;
        for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) {
          const k = ((r + i) * a.width + c + j) * a.channels + ch;
          vx += (w2[i][j] / s) * (a.data[k] - mx) ** 2;
          vy += (w2[i][j] / s) * (b.data[k] - my) ** 2;
          cxy += (w2[i][j] / s) * (a.data[k] - mx) * (b.data[k] - my);
        }
        sum += ((2 * mx * my + C1) * (2 * cxy + C2)) / ((mx * mx + my * my + C1) * (vx + vy + C2));
        count++;
      }
    }
    total += sum / count;
  }
  return total / a.channels;
}

const toTensor = (img: FloatImage) => tf.tensor4d(img.data, [1, img.height, img.width, img.channels]);

describe('PSNR', () => {
  it('is 20 dB for a uniform error of 0.1 and infinite for identical images', () => {
    expect(psnr(constant(8, 8, 0), constant(8, 8, 0.1))).toBeCloseTo(20, 5);
    expect(psnr(constant(8, 8, 0.3), constant(8, 8, 0.3))).toBe(Infinity);
    // error 0.5 on a quarter of the pixels: MSE = 0.0625 → 12.0412 dB
    const a = constant(4, 4, 0);
    const b = constant(4, 4, 0);
    for (let i = 0; i < 4; i++) b.data[i] = 0.5;
    expect(psnr(a, b)).toBeCloseTo(10 * Math.log10(16), 10);
  });

  it('tfjs PSNR averages per-image PSNR over the batch', () => {
    const a = tf.zeros([2, 4, 4, 1]) as tf.Tensor4D;
    const b = tf.concat([tf.fill([1, 4, 4, 1], 0.1), tf.fill([1, 4, 4, 1], 0.01)]) as tf.Tensor4D;
    expect(psnrTf(a, b).dataSync()[0]).toBeCloseTo((20 + 40) / 2, 3);
  });
});

describe('SSIM (Wang et al. 2004)', () => {
  it('is 1 for identical images', () => {
    const a = randomImage(20, 16, 3, 1);
    expect(ssim(a, a)).toBeCloseTo(1, 12);
  });

  it('equals (2ab + C1)/(a² + b² + C1) for two constant images', () => {
    // the images store float32, so the exact values are fround(0.2) and fround(0.6)
    const a = Math.fround(0.2);
    const b = Math.fround(0.6);
    const C1 = 1e-4;
    expect(ssim(constant(15, 12, a), constant(15, 12, b))).toBeCloseTo((2 * a * b + C1) / (a * a + b * b + C1), 12);
  });

  it('equals the brute-force per-window definition on random colour images', () => {
    const a = randomImage(17, 14, 3, 2);
    const b = randomImage(17, 14, 3, 3);
    for (let i = 0; i < a.data.length; i++) b.data[i] = 0.6 * a.data[i] + 0.4 * b.data[i];
    const ref = ssimBruteForce(a, b);
    expect(ssim(a, b)).toBeCloseTo(ref, 12);
    expect(ref).toBeGreaterThan(0.3);
    expect(ref).toBeLessThan(0.99);
  });

  it('rejects images smaller than the window or of different shapes', () => {
    expect(() => ssim(constant(10, 10, 0), constant(10, 10, 0))).toThrow(/smaller than the 11×11 window/);
    expect(() => ssim(constant(12, 12, 0), constant(13, 12, 0))).toThrow(/differ in shape/);
  });

  it('the tfjs SSIM equals the float64 SSIM within float32 rounding', () => {
    const a = randomImage(19, 16, 3, 4);
    const b = randomImage(19, 16, 3, 5);
    for (let i = 0; i < a.data.length; i++) b.data[i] = 0.7 * a.data[i] + 0.3 * b.data[i];
    const tfv = ssimTf(toTensor(a), toTensor(b)).dataSync()[0];
    expect(Math.abs(tfv - ssim(a, b))).toBeLessThan(1e-5);
  });

  it('the tfjs SSIM gradient matches central differences of the float64 SSIM', () => {
    const a = randomImage(14, 13, 1, 6);
    const b = randomImage(14, 13, 1, 7);
    const g = tf.grad((x) => ssimTf(x as tf.Tensor4D, toTensor(b)))(toTensor(a)).dataSync();
    const h = 1e-4;
    const scale = Math.max(...Array.from(g, Math.abs));
    for (const k of [0, 20, 57, 90, 181]) {
      const p = { ...a, data: Float32Array.from(a.data) };
      const m = { ...a, data: Float32Array.from(a.data) };
      // perturb in float64 arithmetic: the plain metric reads the Float32Array values, so use a step
      // that is exactly representable around the value
      p.data[k] += h;
      m.data[k] -= h;
      const fd = (ssim(p, b) - ssim(m, b)) / (p.data[k] - m.data[k]);
      expect(Math.abs(g[k] - fd)).toBeLessThan(2e-3 * scale);
    }
  });
});
