import { describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { describeBackend, initTfBackend, useCpu, useWasm } from './tfBackend.ts';

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
});
