import { describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { initTfBackend } from '../../app/node/tfBackend.ts';
import { deadLeaves } from '../../engine/e2e/deadLeaves.ts';
import { NetworkTrainer, restorationLoss } from '../../engine/e2e/network.ts';
import { buildUNet, countParams, loadWeights, serializeWeights, unetConfig, upsample2x } from '../../engine/e2e/unet.ts';

tf.env().set('PROD', true);
await initTfBackend('wasm'); // the cpu backend's Conv2DBackpropFilter is ~40× slower

function batch(seed: number, size = 16, C = 3): tf.Tensor4D {
  const imgs = [0, 1].map((i) => deadLeaves({ width: size, height: size, channels: C as 1 | 3, seed: seed + i, rMin: 1, rMax: 6 }));
  return tf.tensor4d(Float32Array.from(imgs.flatMap((im) => Array.from(im.data))), [2, size, size, C]);
}

/** A fixed 3×3 box blur per channel (what the network learns to undo). */
function blur(x: tf.Tensor4D): tf.Tensor4D {
  const C = x.shape[3];
  const k = tf.ones([3, 3, C, 1]).div(9) as tf.Tensor4D;
  return tf.depthwiseConv2d(x, k, 1, 'same');
}

describe('U-Net', () => {
  it('default is 3 levels of 8-16-32 filters and rejects bad configs', () => {
    const m = buildUNet({ channels: 3, seed: 1 });
    const convs = m.layers.filter((l) => l.name.includes('conv')).map((l) => (l.getConfig() as { filters: number }).filters);
    expect(convs).toEqual([8, 8, 16, 16, 32, 32, 16, 16, 8, 8, 3]);
    expect(countParams(m)).toBeGreaterThan(20_000);
    expect(countParams(m)).toBeLessThan(40_000);
    m.dispose();
    expect(() => unetConfig({ channels: 3, levels: 0 })).toThrow(/unet.levels/);
  });

  it('initialisation is deterministic by seed, and the residual net starts as the identity', () => {
    const a = serializeWeights(buildUNet({ channels: 1, seed: 5, levels: 2, baseFilters: 4 }));
    const b = serializeWeights(buildUNet({ channels: 1, seed: 5, levels: 2, baseFilters: 4 }));
    const c = serializeWeights(buildUNet({ channels: 1, seed: 6, levels: 2, baseFilters: 4 }));
    expect(Array.from(a.data)).toEqual(Array.from(b.data));
    expect(Array.from(a.data)).not.toEqual(Array.from(c.data));
    expect(a.specs[0].name).toBe('enc0_conv0/kernel');
    const m = buildUNet({ channels: 3, seed: 1 });
    const x = batch(1);
    expect(Array.from((m.predict(x) as tf.Tensor).dataSync())).toEqual(Array.from(x.dataSync()));
  });

  it('weights survive serialise → load into a differently seeded network', () => {
    const src = buildUNet({ channels: 3, seed: 2, levels: 2, baseFilters: 4, residual: false });
    const dst = buildUNet({ channels: 3, seed: 3, levels: 2, baseFilters: 4, residual: false });
    const x = batch(3);
    const { specs, data } = serializeWeights(src);
    loadWeights(dst, specs, data);
    expect(Array.from((dst.predict(x) as tf.Tensor).dataSync())).toEqual(Array.from((src.predict(x) as tf.Tensor).dataSync()));
    const other = buildUNet({ channels: 3, seed: 3, levels: 3, baseFilters: 4 });
    expect(() => loadWeights(other, specs, data)).toThrow(/weight tensors|expects/);
  });

  it('training lowers the loss of undoing a blur, without leaking tensors', () => {
    const trainer = new NetworkTrainer(buildUNet({ channels: 3, seed: 4, levels: 2, baseFilters: 8 }), { kind: 'l1', ssimWeight: 0.1 }, 1e-2);
    const sharp = batch(10);
    const blurred = blur(sharp);
    const first = trainer.step(blurred, sharp, { update: true, inputGradient: false });
    const tensors = tf.memory().numTensors;
    let last = first;
    for (let i = 0; i < 40; i++) last = trainer.step(blurred, sharp, { update: true, inputGradient: i % 2 === 0 });
    expect(tf.memory().numTensors).toBe(tensors);
    expect(last.loss).toBeLessThan(0.9 * first.loss);
    expect(last.psnr).toBeGreaterThan(first.psnr);
    trainer.dispose();
  });

  it('∂L/∂input equals tfjs autodiff of the loss and is per-sample consistent across the batch', () => {
    // The network is piecewise linear (ReLU, max pooling), so central differences cross kinks and
    // cannot check it in float32; instead check the plumbing against tf.grad, and check that each
    // image's gradient does not depend on the rest of the batch (which caught tfjs's batched
    // ResizeNearestNeighborGrad bug).
    const loss = { kind: 'l1' as const, ssimWeight: 0.5 };
    const trainer = new NetworkTrainer(buildUNet({ channels: 1, seed: 8, levels: 3, baseFilters: 4, residual: false }), loss, 1e-3);
    const sharp = batch(20, 16, 1);
    const blurred = blur(sharp);
    const { inputGradient } = trainer.step(blurred, sharp, { update: false, inputGradient: true });
    const ref = tf.grad((x) => restorationLoss(trainer.model.apply(x) as tf.Tensor4D, sharp, loss))(blurred).dataSync();
    expect(Array.from(inputGradient!)).toEqual(Array.from(ref));
    const n = 16 * 16;
    for (const b of [0, 1]) {
      const one = (t: tf.Tensor4D) => t.slice([b], [1]) as tf.Tensor4D;
      const g1 = trainer.step(one(blurred), one(sharp), { update: false, inputGradient: true }).inputGradient!;
      // the loss is a mean over the batch: each image's share is half of its single-image gradient
      for (let i = 0; i < n; i++) expect(inputGradient![b * n + i]).toBeCloseTo(g1[i] / 2, 7);
    }
    expect(inputGradient!.some((v) => v !== 0)).toBe(true);
  });

  it('optimizer state restores so that training continues identically', async () => {
    const cfg = { channels: 1, seed: 9, levels: 2, baseFilters: 4 };
    const sharp = batch(30, 16, 1);
    const blurred = blur(sharp);
    const a = new NetworkTrainer(buildUNet(cfg), { kind: 'l1', ssimWeight: 0 }, 1e-2);
    for (let i = 0; i < 3; i++) a.step(blurred, sharp, { update: true, inputGradient: false });
    const w = serializeWeights(a.model);
    const o = await a.saveOptimizerState();
    const b = new NetworkTrainer(buildUNet({ ...cfg, seed: 10 }), { kind: 'l1', ssimWeight: 0 }, 1e-2);
    loadWeights(b.model, w.specs, w.data);
    await b.loadOptimizerState(o.specs, o.data);
    for (let i = 0; i < 2; i++) {
      a.step(blurred, sharp, { update: true, inputGradient: false });
      b.step(blurred, sharp, { update: true, inputGradient: false });
    }
    expect(Array.from(serializeWeights(b.model).data)).toEqual(Array.from(serializeWeights(a.model).data));
    // a fresh optimizer (no restored moments) would have taken a different step
    const c = new NetworkTrainer(buildUNet({ ...cfg, seed: 10 }), { kind: 'l1', ssimWeight: 0 }, 1e-2);
    loadWeights(c.model, w.specs, w.data);
    c.step(blurred, sharp, { update: true, inputGradient: false });
    c.step(blurred, sharp, { update: true, inputGradient: false });
    expect(Array.from(serializeWeights(c.model).data)).not.toEqual(Array.from(serializeWeights(a.model).data));
  });
});

describe('nearest 2× upsampling', () => {
  it('equals resizeNearestNeighbor forward and has the exact block-sum gradient for batches > 1', () => {
    const x = tf.randomUniform([2, 3, 4, 3], 0, 1, 'float32', 1) as tf.Tensor4D;
    expect(Array.from(upsample2x(x).dataSync())).toEqual(Array.from(tf.image.resizeNearestNeighbor(x, [6, 8]).dataSync()));
    const w = tf.randomNormal([2, 6, 8, 3], 0, 1, 'float32', 2);
    const g = tf.grad((t) => upsample2x(t as tf.Tensor4D).mul(w).sum())(x).arraySync() as number[][][][];
    const wv = w.arraySync() as number[][][][];
    for (let b = 0; b < 2; b++) for (let i = 0; i < 3; i++) for (let j = 0; j < 4; j++) for (let c = 0; c < 3; c++) {
      const s = wv[b][2 * i][2 * j][c] + wv[b][2 * i + 1][2 * j][c] + wv[b][2 * i][2 * j + 1][c] + wv[b][2 * i + 1][2 * j + 1][c];
      expect(g[b][i][j][c]).toBeCloseTo(s, 5);
    }
  });
});
