import { describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { describeBackend, initTfBackend, useCpu, useWasm } from './tfBackend.ts';
import { deadLeaves } from '../../engine/e2e/deadLeaves.ts';
import { NetworkTrainer } from '../../engine/e2e/network.ts';
import { buildUNet, serializeWeights } from '../../engine/e2e/unet.ts';

tf.env().set('PROD', true);

/** Runs `f` on a backend and returns plain arrays (so results can be compared across backends). */
async function on<T>(backend: 'cpu' | 'wasm', f: () => T): Promise<T> {
  if (backend === 'wasm') await useWasm();
  else await useCpu();
  return f();
}

function rand(shape: number[], seed: number): tf.Tensor {
  return tf.randomUniform(shape, -1, 1, 'float32', seed);
}

describe('TensorFlow.js backends', () => {
  it('auto selection falls back to wasm here (tfjs-node is not installed) and says so', async () => {
    const info = await initTfBackend('auto');
    expect(['tensorflow', 'wasm']).toContain(info.name);
    const line = describeBackend(info);
    expect(line).toContain(`backend: ${info.name}`);
    if (info.name === 'wasm') expect(info.skipped.map((s) => s.name)).toContain('@tensorflow/tfjs-node');
  });

  it('rejects an unknown backend name', async () => {
    await expect(initTfBackend('gpu' as never)).rejects.toThrow(/unknown TensorFlow.js backend "gpu"/);
  });

  const cases: { name: string; x: number[]; f: number[]; strides: number | [number, number]; pad: 'same' | 'valid' }[] = [
    { name: '3×3 same, stride 1', x: [2, 9, 7, 3], f: [3, 3, 3, 4], strides: 1, pad: 'same' },
    { name: '3×3 same, stride 2 (odd size)', x: [2, 9, 7, 3], f: [3, 3, 3, 5], strides: 2, pad: 'same' },
    { name: '4×2 valid, stride (2, 1)', x: [1, 10, 8, 2], f: [4, 2, 2, 3], strides: [2, 1], pad: 'valid' },
    { name: '1×1 valid, stride 1', x: [3, 5, 5, 4], f: [1, 1, 4, 2], strides: 1, pad: 'valid' },
    { name: '5×5 same, stride 3', x: [1, 11, 13, 2], f: [5, 5, 2, 2], strides: 3, pad: 'same' },
  ];
  for (const c of cases) {
    it(`wasm Conv2DBackpropFilter equals the cpu kernel: ${c.name}`, async () => {
      const grad = () =>
        tf.tidy(() => {
          const x = rand(c.x, 1) as tf.Tensor4D;
          const w = rand(c.f, 2) as tf.Tensor4D;
          const yShape = tf.conv2d(x, w, c.strides, c.pad).shape;
          const dy = rand(yShape, 3) as tf.Tensor4D;
          // d/dw of Σ dy·conv(x, w) is exactly Conv2DBackpropFilter(x, dy).
          const g = tf.grad((ww) => tf.conv2d(x, ww as tf.Tensor4D, c.strides, c.pad).mul(dy).sum())(w);
          return Array.from(g.dataSync());
        });
      const cpu = await on('cpu', grad);
      const wasm = await on('wasm', grad);
      expect(wasm.length).toBe(cpu.length);
      const scale = Math.max(...cpu.map(Math.abs));
      for (let i = 0; i < cpu.length; i++) expect(Math.abs(wasm[i] - cpu[i])).toBeLessThan(1e-5 * scale);
    });
  }

  it('the same seeded U-Net gives the same restoration, loss, input gradient and update on cpu and wasm', async () => {
    const img = deadLeaves({ width: 16, height: 16, channels: 3, seed: 3, rMin: 1, rMax: 5 });
    const run = () => {
      const sharp = tf.tensor4d(img.data, [1, 16, 16, 3]);
      const blurred = tf.avgPool(tf.pad(sharp, [[0, 0], [1, 1], [1, 1], [0, 0]], 0.5), 3, 1, 'valid') as tf.Tensor4D;
      const trainer = new NetworkTrainer(buildUNet({ channels: 3, seed: 11, levels: 2, baseFilters: 4, residual: false }), { kind: 'l1', ssimWeight: 0.3 }, 1e-2);
      const restored = Array.from(trainer.predict(blurred).dataSync());
      const step = trainer.step(blurred, sharp, { update: true, inputGradient: true });
      const weights = Array.from(serializeWeights(trainer.model).data);
      trainer.dispose();
      return { restored, loss: step.loss, grad: Array.from(step.inputGradient!), weights };
    };
    const cpu = await on('cpu', run);
    const wasm = await on('wasm', run);
    const close = (a: number[], b: number[], rel: number) => {
      const scale = Math.max(...b.map(Math.abs));
      let worst = 0;
      for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i] - b[i]));
      expect(worst).toBeLessThanOrEqual(rel * scale);
    };
    // float32 with different summation orders (XNNPACK vs loops): agreement to ~1e-6 relative
    close(wasm.restored, cpu.restored, 1e-5);
    expect(Math.abs(wasm.loss - cpu.loss)).toBeLessThan(1e-5 * cpu.loss);
    close(wasm.grad, cpu.grad, 1e-4);
    close(wasm.weights, cpu.weights, 1e-5);
    expect(describeBackend({ name: tf.getBackend(), source: 'x', skipped: [] })).toContain('wasm');
  });
});
