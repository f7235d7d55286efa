/**
 * Differentiable image metrics in TensorFlow.js (float32), for training losses: SSIM and PSNR on
 * batches shaped [B, H, W, C]. The formulas and settings are those of ./metrics.ts (Wang et al. 2004:
 * 11 × 11 Gaussian window, σ = 1.5, K1 = 0.01, K2 = 0.03, 'valid' windows, mean over windows,
 * channels and images).
 *
 * The Gaussian filter is applied as two 1-D `conv2d`s on a [B·C, H, W, 1] view rather than as a
 * depthwise convolution, because the wasm backend has no DepthwiseConv2dNativeBackpropInput kernel
 * while Conv2DBackpropInput exists on every backend.
 */
import * as tf from '@tensorflow/tfjs';
import { gaussianWindow1d, SSIM_K1, SSIM_K2, SSIM_SIGMA, SSIM_WINDOW } from './metrics.ts';

/** Gaussian-filters each channel of a [N, H, W, 1] stack, 'valid' region. */
function gaussianValid(x: tf.Tensor4D, size: number, sigma: number): tf.Tensor4D {
  const g = Array.from(gaussianWindow1d(size, sigma));
  const gv = tf.tensor4d(g, [size, 1, 1, 1]);
  const gh = tf.tensor4d(g, [1, size, 1, 1]);
  return tf.conv2d(tf.conv2d(x, gv, 1, 'valid'), gh, 1, 'valid');
}

/**
 * Mean SSIM of two [B, H, W, C] batches (a scalar tensor, differentiable in both arguments).
 * @param dataRange L, default 1
 * @throws Error when the shapes differ or H, W are smaller than the window.
 */
export function ssimTf(a: tf.Tensor4D, b: tf.Tensor4D, dataRange = 1, size = SSIM_WINDOW, sigma = SSIM_SIGMA): tf.Scalar {
  if (a.shape.join() !== b.shape.join()) throw new Error(`ssimTf: shapes differ ([${a.shape}] vs [${b.shape}])`);
  const [B, H, W, C] = a.shape;
  if (H < size || W < size) throw new Error(`ssimTf: image ${W}×${H} is smaller than the ${size}×${size} window`);
  return tf.tidy(() => {
    const C1 = (SSIM_K1 * dataRange) ** 2;
    const C2 = (SSIM_K2 * dataRange) ** 2;
    const planes = (t: tf.Tensor4D) => t.transpose([0, 3, 1, 2]).reshape([B * C, H, W, 1]) as tf.Tensor4D;
    const x = planes(a);
    const y = planes(b);
    const stack = tf.concat([x, y, x.square(), y.square(), x.mul(y)], 0) as tf.Tensor4D;
    const f = gaussianValid(stack, size, sigma);
    const [mx, my, sxx, syy, sxy] = tf.split(f, 5, 0);
    const mx2 = mx.square();
    const my2 = my.square();
    const mxy = mx.mul(my);
    const num = mxy.mul(2).add(C1).mul(sxy.sub(mxy).mul(2).add(C2));
    const den = mx2.add(my2).add(C1).mul(sxx.sub(mx2).add(syy.sub(my2)).add(C2));
    return num.div(den).mean() as tf.Scalar;
  });
}

/** Per-image PSNR in dB, 10 log10(peak² / MSE), averaged over the batch (a scalar tensor). */
export function psnrTf(a: tf.Tensor4D, b: tf.Tensor4D, peak = 1): tf.Scalar {
  return tf.tidy(() => {
    const mseImg = a.sub(b).square().mean([1, 2, 3]);
    return tf.log(tf.div(peak * peak, mseImg)).div(Math.LN10).mul(10).mean() as tf.Scalar;
  });
}
