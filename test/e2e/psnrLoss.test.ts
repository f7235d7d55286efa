/** The 'psnr' restoration loss (engine/e2e/network.ts): mean per-image log10 MSE, checked by hand. */
import { describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { initTfBackend } from '../../app/node/tfBackend.ts';
import { restorationLoss } from '../../engine/e2e/network.ts';
import { Rng } from '../../engine/imaging/prng.ts';

await initTfBackend('wasm');

describe("restorationLoss kind 'psnr'", () => {
  it('is the mean over images of log10(MSE + 1e-10) over the central region, and its gradient matches finite differences', () => {
    const rng = new Rng(5);
    const B = 3, H = 8, W = 8, C = 2, m = 1;
    const p = Float64Array.from({ length: B * H * W * C }, () => rng.uniform(0, 1));
    const t = Float64Array.from({ length: B * H * W * C }, (_, i) => p[i] + (0.01 + 0.2 * Math.floor(i / (H * W * C))) * rng.uniform(-1, 1));
    const loss64 = (x: Float64Array) => {
      let s = 0;
      for (let b = 0; b < B; b++) {
        let e = 0;
        for (let r = m; r < H - m; r++) for (let c = m; c < W - m; c++) for (let ch = 0; ch < C; ch++) {
          const i = ((b * H + r) * W + c) * C + ch;
          e += (x[i] - t[i]) ** 2;
        }
        s += Math.log10(e / ((H - 2 * m) * (W - 2 * m) * C) + 1e-10);
      }
      return s / B;
    };
    const target = tf.tensor4d(Float32Array.from(t), [B, H, W, C]);
    const cfg = { kind: 'psnr' as const, ssimWeight: 0, margin: m };
    const pred = tf.tensor4d(Float32Array.from(p), [B, H, W, C]);
    const value = restorationLoss(pred, target, cfg).dataSync()[0];
    expect(value).toBeCloseTo(loss64(p), 4);
    const g = tf.grad((x: tf.Tensor) => restorationLoss(x as tf.Tensor4D, target, cfg))(pred).dataSync();
    const eps = 1e-4;
    for (const i of [0, 37, 150, 300, B * H * W * C - 20]) {
      const a = Float64Array.from(p);
      const b = Float64Array.from(p);
      a[i] += eps;
      b[i] -= eps;
      const fd = (loss64(a) - loss64(b)) / (2 * eps);
      expect(Math.abs(g[i] - fd)).toBeLessThanOrEqual(2e-3 * Math.max(...Array.from(g, Math.abs)));
    }
    tf.dispose([target, pred]);
  });
});
