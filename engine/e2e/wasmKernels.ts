/**
 * Kernels the TensorFlow.js wasm backend lacks, registered by the project.
 *
 * `Conv2DBackpropFilter` (the weight gradient of conv2d, needed to train any convolutional network)
 * is missing from @tensorflow/tfjs-backend-wasm 4.x. For NHWC input x [B, H, W, Ci], output gradient
 * dy [B, Ho, Wo, Co], strides (sh, sw) and padding (top, left):
 *   dW[i, j, ci, co] = Σ_{b, p, q} x[b, i + p·sh − top, j + q·sw − left, ci] · dy[b, p, q, co]
 * (out-of-range x are zero). That is itself a convolution with the roles of batch and channels
 * exchanged: take x̃ = x transposed to [Ci, H', W', B] (zero-padded by top/left and cropped so that
 * exactly the needed rows/columns remain) as the input and d̃y = dy transposed to [Ho, Wo, B, Co] as
 * the filter, convolve 'valid' with stride 1 and dilation (sh, sw), and transpose the result
 * [Ci, kh, kw, Co] to [kh, kw, Ci, Co]. Every step is an existing wasm kernel (Transpose, PadV2,
 * Slice, Conv2D).
 */
import * as tf from '@tensorflow/tfjs';

interface BackpropFilterAttrs {
  strides: [number, number] | number;
  pad: 'valid' | 'same' | number | tf.backend_util.ExplicitPadding;
  dataFormat: 'NHWC' | 'NCHW';
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
  filterShape: [number, number, number, number];
}

/**
 * The filter gradient of a 2-D convolution computed with ordinary conv2d (see the module docs).
 * Shapes: x [B, H, W, Ci], dy [B, Ho, Wo, Co] → [kh, kw, Ci, Co]. Only NHWC and dilation 1 (as
 * TensorFlow.js's own conv2d gradient requires).
 */
export function conv2dBackpropFilterViaConv(x: tf.Tensor4D, dy: tf.Tensor4D, attrs: BackpropFilterAttrs): tf.Tensor4D {
  if (attrs.dataFormat === 'NCHW') throw new Error('Conv2DBackpropFilter (wasm): only the NHWC data format is supported');
  const info = tf.backend_util.computeConv2DInfo(
    x.shape,
    attrs.filterShape,
    attrs.strides,
    1,
    attrs.pad,
    attrs.dimRoundingMode,
    false,
    'channelsLast',
  );
  const { strideHeight: sh, strideWidth: sw, filterHeight: kh, filterWidth: kw, outHeight: Ho, outWidth: Wo } = info;
  const { top, left } = info.padInfo;
  const [, H, W] = x.shape;
  return tf.tidy(() => {
    // Rows of x read by dW: i + p·sh − top for i < kh, p < Ho → padded length kh + (Ho − 1)·sh.
    const needH = kh + (Ho - 1) * sh;
    const needW = kw + (Wo - 1) * sw;
    const padTop = Math.max(0, top);
    const padLeft = Math.max(0, left);
    const padBottom = Math.max(0, needH - (H + top));
    const padRight = Math.max(0, needW - (W + left));
    let xp = tf.pad(x, [
      [0, 0],
      [padTop, padBottom],
      [padLeft, padRight],
      [0, 0],
    ]);
    xp = tf.slice(xp, [0, padTop - top, padLeft - left, 0], [-1, needH, needW, -1]);
    const xt = tf.transpose(xp, [3, 1, 2, 0]) as tf.Tensor4D; // [Ci, needH, needW, B]
    const dyt = tf.transpose(dy, [1, 2, 0, 3]) as tf.Tensor4D; // [Ho, Wo, B, Co]
    const dw = tf.conv2d(xt, dyt, 1, 'valid', 'NHWC', [sh, sw]); // [Ci, kh, kw, Co]
    return tf.transpose(dw, [1, 2, 0, 3]) as tf.Tensor4D;
  });
}

/** Kernel inputs are usually Tensors already; wrap a bare TensorInfo (tracked by the enclosing tidy). */
function asTensor(t: tf.TensorInfo): tf.Tensor4D {
  if (t instanceof tf.Tensor) return t as tf.Tensor4D;
  return tf.engine().makeTensorFromTensorInfo(t) as tf.Tensor4D;
}

let registered = false;

/**
 * Registers the project's `Conv2DBackpropFilter` kernel for the 'wasm' backend (idempotent; does
 * nothing if the backend already has one, e.g. in a later tfjs release).
 */
export function registerWasmKernels(): void {
  if (registered) return;
  registered = true;
  if (tf.getKernel('Conv2DBackpropFilter', 'wasm')) return;
  tf.registerKernel({
    kernelName: 'Conv2DBackpropFilter',
    backendName: 'wasm',
    kernelFunc: ({ inputs, attrs }) => {
      const { x, dy } = inputs as unknown as { x: tf.TensorInfo; dy: tf.TensorInfo };
      return tf.tidy(() =>
        conv2dBackpropFilterViaConv(asTensor(x), asTensor(dy), attrs as unknown as BackpropFilterAttrs),
      );
    },
  });
}
