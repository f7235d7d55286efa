/**
 * The bridge from the float64 engine to TensorFlow.js: a custom op whose forward pass and
 * gradient are computed by the engine, so a loss written in tfjs (an image-reconstruction network,
 * a perceptual metric) receives exact gradients for lens parameters.
 *
 * TensorFlow.js has no float64, so values cross the bridge in float32 tensors: the parameters are
 * read from the input tensor (optionally as offsets from a float64 `base`, which keeps full
 * precision for the parameters themselves), the engine evaluates y = f(params) and its
 * vector–Jacobian product in float64, and the results are handed back as float32. Only the
 * rounding of y and of the upstream gradient dy to float32 is lost; no optics runs in float32.
 * The gradient is `tf.customGrad`'s: dL/dparams = vjp(dL/dy) = Jᵀ dL/dy.
 */
import * as tf from '@tensorflow/tfjs';

/**
 * A float64 engine function with its reverse-mode derivative: `value` = f(params) (length m) and
 * `vjp(dy)` = Jᵀ dy (length n) for the Jacobian J = ∂f/∂params at the same params.
 */
export type LensFunction = (params: Float64Array) => { value: Float64Array; vjp: (dy: Float64Array) => Float64Array };

export interface LensOpOptions {
  /** Float64 base point: params = base + (float64) tensor values. Default: no base (params = tensor). */
  base?: Float64Array;
  /** Shape of the output tensor (its size must equal the length of `value`). Default [m]. */
  outputShape?: number[];
}

/**
 * Wraps a float64 engine function as a differentiable TensorFlow.js op.
 * @param fn the engine function and its vector–Jacobian product
 * @returns op(params: Tensor1D of length n) → Tensor (float32) usable inside tf.grad / variableGrads
 * @throws (when the op runs) RangeError if the input is not 1-D or its length differs from `base`, if `value`'s size
 *   does not match `outputShape`, if `vjp` returns the wrong length, or if f or vjp return a
 *   non-finite number (the engine must never produce NaN)
 */
export function makeLensOp(fn: LensFunction, options: LensOpOptions = {}): (params: tf.Tensor1D | tf.Tensor) => tf.Tensor {
  const { base, outputShape } = options;
  const op = tf.customGrad((...args: unknown[]) => {
    const input = args[0] as tf.Tensor;
    if (input.rank !== 1) throw new RangeError(`lens op: parameters must be a 1-D tensor (got shape [${input.shape}])`);
    const raw = input.dataSync();
    if (base && base.length !== raw.length) {
      throw new RangeError(`lens op: ${raw.length} parameters given, base has ${base.length}`);
    }
    const params = new Float64Array(raw.length);
    for (let j = 0; j < raw.length; j++) params[j] = (base ? base[j] : 0) + raw[j];
    const { value, vjp } = fn(params);
    assertFinite(value, 'value');
    const shape = outputShape ?? [value.length];
    if (shape.reduce((a, b) => a * b, 1) !== value.length) {
      throw new RangeError(`lens op: value has ${value.length} entries, outputShape [${shape}] needs ${shape.reduce((a, b) => a * b, 1)}`);
    }
    return {
      value: tf.tensor(Float32Array.from(value), shape, 'float32'),
      gradFunc: (dy: tf.Tensor) => {
        const g = vjp(Float64Array.from(dy.dataSync()));
        if (g.length !== params.length) throw new RangeError(`lens op: vjp returned ${g.length} entries, expected ${params.length}`);
        assertFinite(g, 'gradient');
        return tf.tensor1d(Float32Array.from(g), 'float32');
      },
    };
  });
  return (params: tf.Tensor1D | tf.Tensor) => op(params) as tf.Tensor;
}

function assertFinite(a: Float64Array, what: string): void {
  for (let i = 0; i < a.length; i++) {
    if (!Number.isFinite(a[i])) throw new RangeError(`lens op: ${what}[${i}] is not finite (${a[i]})`);
  }
}
