import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { makeLensOp, type LensFunction } from './tfBridge.ts';

/**
 * A toy float64 "lens": y = (p₀² p₁, sin p₀ + p₂³, exp(0.1 p₁ p₂)), with its Jacobian
 * J = [[2p₀p₁, p₀², 0], [cos p₀, 0, 3p₂²], [0, 0.1 p₂ e, 0.1 p₁ e]] and vjp(dy) = Jᵀ dy.
 */
function jacobian(p: Float64Array): number[][] {
  const e = Math.exp(0.1 * p[1] * p[2]);
  return [
    [2 * p[0] * p[1], p[0] * p[0], 0],
    [Math.cos(p[0]), 0, 3 * p[2] * p[2]],
    [0, 0.1 * p[2] * e, 0.1 * p[1] * e],
  ];
}
function value(p: Float64Array): Float64Array {
  return Float64Array.of(p[0] * p[0] * p[1], Math.sin(p[0]) + p[2] ** 3, Math.exp(0.1 * p[1] * p[2]));
}
const toy: LensFunction = (p) => ({
  value: value(p),
  vjp: (dy) => {
    const j = jacobian(p);
    return Float64Array.from([0, 1, 2], (c) => j[0][c] * dy[0] + j[1][c] * dy[1] + j[2][c] * dy[2]);
  },
});

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('makeLensOp', () => {
  it('forwards the float64 value as float32', () => {
    const op = makeLensOp(toy);
    const p = [0.7, -1.3, 0.4];
    const y = op(tf.tensor1d(p)).dataSync();
    const expected = value(Float64Array.from(p, Math.fround));
    for (let i = 0; i < 3; i++) expect(y[i]).toBe(Math.fround(expected[i]));
  });

  it('gives a tfjs loss the analytic gradient (tf.grad through the op)', () => {
    const op = makeLensOp(toy);
    const w = [0.5, 2, -1];
    // L = Σ wᵢ yᵢ² + mean(y)  →  dL/dy = 2 w y + 1/3,  dL/dp = Jᵀ dL/dy.
    const loss = (p: tf.Tensor) => {
      const y = op(p);
      return tf.add(tf.sum(tf.mul(tf.tensor1d(w), tf.square(y))), tf.mean(y));
    };
    const p = [0.7, -1.3, 0.4];
    const g = tf.grad(loss)(tf.tensor1d(p)).dataSync();
    const p64 = Float64Array.from(p, Math.fround); // the parameters as the op saw them
    const y = value(p64);
    const j = jacobian(p64);
    for (let c = 0; c < 3; c++) {
      let expected = 0;
      for (let i = 0; i < 3; i++) expected += j[i][c] * (2 * w[i] * y[i] + 1 / 3);
      // Float32 rounding of y, dy and the result: a few ulps of float32.
      expect(Math.abs(g[c] - expected)).toBeLessThan(1e-6 * (1 + Math.abs(expected)));
    }
  });

  it('keeps float64 parameters exact when the tensor holds offsets from a base', () => {
    // A base with digits far below float32 resolution; the op's params = base + 0.
    const base = Float64Array.of(0.7000000000001, -1.3000000000002, 0.4000000000003);
    const seen: Float64Array[] = [];
    const op = makeLensOp(
      (p) => {
        seen.push(Float64Array.from(p));
        return toy(p);
      },
      { base },
    );
    const g = tf.grad((d: tf.Tensor) => tf.sum(op(d)))(tf.zeros([3])).dataSync();
    expect(Array.from(seen[0])).toEqual(Array.from(base));
    const j = jacobian(base);
    for (let c = 0; c < 3; c++) expect(g[c]).toBe(Math.fround(j[0][c] + j[1][c] + j[2][c]));
  });

  it('trains lens parameters with a tfjs optimizer', () => {
    // Fit y(p) to a target with tf.train.adam: the loss must fall by orders of magnitude.
    const target = tf.tensor1d(Array.from(value(Float64Array.of(0.9, -1.1, 0.5))));
    const p = tf.variable(tf.tensor1d([0.7, -1.3, 0.4]));
    const op = makeLensOp(toy);
    const optimizer = tf.train.adam(0.02);
    const lossOf = () => tf.sum(tf.squaredDifference(op(p), target)) as tf.Scalar;
    const first = lossOf().dataSync()[0];
    for (let k = 0; k < 300; k++) optimizer.minimize(lossOf);
    const last = lossOf().dataSync()[0];
    expect(last).toBeLessThan(1e-3 * first);
  });

  it('reshapes the output and rejects mismatched sizes and non-finite numbers', () => {
    const op = makeLensOp(toy, { outputShape: [3, 1] });
    expect(op(tf.tensor1d([0.1, 0.2, 0.3])).shape).toEqual([3, 1]);
    expect(() => makeLensOp(toy, { outputShape: [2, 2] })(tf.tensor1d([0.1, 0.2, 0.3]))).toThrow(/outputShape \[2,2\] needs 4/);
    expect(() => makeLensOp(toy, { base: new Float64Array(2) })(tf.tensor1d([0.1, 0.2, 0.3]))).toThrow(/base has 2/);
    expect(() => makeLensOp(toy)(tf.zeros([3, 1]))).toThrow(/must be a 1-D tensor/);
    const bad = makeLensOp(() => ({ value: Float64Array.of(NaN), vjp: () => new Float64Array(1) }));
    expect(() => bad(tf.tensor1d([1]))).toThrow(/value\[0\] is not finite/);
    const badGrad = makeLensOp(() => ({ value: Float64Array.of(1), vjp: () => new Float64Array(2) }));
    expect(() => tf.grad((x: tf.Tensor) => tf.sum(badGrad(x)))(tf.tensor1d([1]))).toThrow(/vjp returned 2 entries/);
  });
});
