/**
 * Scoring a reconstruction on held-out examples: each example is captured through the current lens
 * (engine/imaging/sensorImager.ts), restored, and the sensor and restored patches are compared with
 * the truth by PSNR and SSIM (./metrics.ts) over the central region without `margin` pixels per side
 * (restored values clipped to [0, 1]; the sensor patch is scored as it is, clipped likewise).
 */
import { createImage, type FloatImage } from '../imaging/image.ts';
import type { SensorImager } from '../imaging/sensorImager.ts';
import type { PlacedScene } from './dataset.ts';
import { psnr, ssim } from './metrics.ts';
import type { Reconstruction } from './reconstruction.ts';

export interface ExampleScore {
  psnr: number;
  ssim: number;
  blurredPsnr: number;
  blurredSsim: number;
  xMm: number;
  yMm: number;
  /** Object distance, mm (Infinity allowed). */
  depthMm: number;
}

export interface EvalResult {
  /** Means over the held-out examples (dB and unitless). */
  psnr: number;
  ssim: number;
  blurredPsnr: number;
  blurredSsim: number;
  perExample: ExampleScore[];
  /** The first few examples' images (sensor, restored, ground truth; full patches). */
  images: { blurred: FloatImage; restored: FloatImage; truth: FloatImage; depthMm: number }[];
}

/** The central crop of an interleaved P × P × C array as an image, optionally clipped to [0, 1]. */
export function cropPatch(data: ArrayLike<number>, P: number, C: number, m: number, clip: boolean): FloatImage {
  const Q = P - 2 * m;
  const img = createImage(Q, Q, C);
  for (let r = 0; r < Q; r++) {
    for (let c = 0; c < Q * C; c++) {
      const v = data[((r + m) * P + m) * C + c];
      img.data[r * Q * C + c] = clip ? Math.min(1, Math.max(0, v)) : v;
    }
  }
  return img;
}

/**
 * Captures, restores and scores `examples` in chunks of `batch`.
 * @param P the patch size (the examples' scenes must be (P + K − 1)² crops)
 */
export function evaluateExamples(
  imager: SensorImager,
  recon: Reconstruction,
  examples: readonly PlacedScene[],
  P: number,
  batch: number,
  margin: number,
  keepImages = 3,
  network = true,
): EvalResult {
  const C = imager.sensor.channels.length;
  const res: EvalResult = { psnr: 0, ssim: 0, blurredPsnr: 0, blurredSsim: 0, perExample: [], images: [] };
  const n = P * P * C;
  for (let start = 0; start < examples.length; start += batch) {
    const chunk = examples.slice(start, start + batch);
    const shot = imager.capture(chunk, P, recon.usesWiener);
    const restored = recon.predict(shot.images, shot.meanPsfs, P, network);
    chunk.forEach((ex, b) => {
      const truth = cropPatch(shot.targets.subarray(b * n, (b + 1) * n), P, C, margin, false);
      const blurred = cropPatch(shot.images[b], P, C, margin, true);
      const rest = cropPatch(restored.subarray(b * n, (b + 1) * n), P, C, margin, true);
      res.perExample.push({
        psnr: psnr(rest, truth),
        ssim: ssim(rest, truth),
        blurredPsnr: psnr(blurred, truth),
        blurredSsim: ssim(blurred, truth),
        xMm: ex.xMm,
        yMm: ex.yMm,
        depthMm: ex.depthMm ?? imager.stack.depthsMm[0],
      });
      if (res.images.length < keepImages) {
        res.images.push({
          blurred: cropPatch(shot.images[b], P, C, 0, true),
          restored: cropPatch(restored.subarray(b * n, (b + 1) * n), P, C, 0, true),
          truth: cropPatch(shot.targets.subarray(b * n, (b + 1) * n), P, C, 0, false),
          depthMm: ex.depthMm ?? imager.stack.depthsMm[0],
        });
      }
    });
  }
  const N = res.perExample.length;
  for (const k of ['psnr', 'ssim', 'blurredPsnr', 'blurredSsim'] as const) res[k] = res.perExample.reduce((s, e) => s + e[k], 0) / N;
  return res;
}
