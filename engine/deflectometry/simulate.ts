/**
 * Simulated fringe images: what each camera of the rig captures while the screen shows each
 * phase-shifted pattern, with the lens in place or not.
 *
 * Image formation per pixel (one ray through the pixel centre, see camera.ts and scene.ts):
 *   signal = dark + gain · I_pattern(screen point)   for pixels that see the screen,
 *   signal = dark                                     for blocked / off-screen pixels,
 * as a fraction of full scale. Sensor noise (EMVA 1288 linear camera model): photon shot noise,
 * Poisson in electrons with `fullWellElectrons` at full scale, plus Gaussian read noise of σ =
 * `readNoise` (fraction of full scale), then clipping and 16-bit quantisation
 * DN = round(clamp(signal, 0, 1) · 65535). The lens is taken as lossless (the LE1234-A is
 * anti-reflection coated); the display's response as linear (gamma-calibrated).
 * Binning n×n (camera.ts) sums n² sensor pixels into one: the binned pixel sees the ray through its
 * centre, with n²·fullWellElectrons at full scale (shot noise falls by n relative to full scale)
 * and read noise readNoise / n (n² independent reads summed, over n² times the full scale).
 */
import type { PatternFrame, PatternSet } from './patterns.ts';
import { patternIntensity } from './patterns.ts';
import { Rng } from '../imaging/prng.ts';
import { PixelStatus, type ScreenHits } from './scene.ts';
import type { Screen } from './screen.ts';

export interface SensorModel {
  /** Signal of a white screen pixel, fraction of full scale (default 0.8). */
  readonly gain: number;
  /** Dark level (black screen, mount), fraction of full scale (default 0.01). */
  readonly darkLevel: number;
  /** Gaussian read noise σ, fraction of full scale (default 0.001). */
  readonly readNoise: number;
  /** Electrons at full scale for photon shot noise; 0 disables it (default 20000). */
  readonly fullWellElectrons: number;
}

export const DEFAULT_SENSOR: SensorModel = { gain: 0.8, darkLevel: 0.01, readNoise: 0.001, fullWellElectrons: 20000 };

/** A sensor with neither shot nor read noise (16-bit quantisation only). */
export const NOISELESS_SENSOR: SensorModel = { ...DEFAULT_SENSOR, readNoise: 0, fullWellElectrons: 0 };

export const FULL_SCALE_16 = 65535;

/**
 * Renders one 16-bit frame for the pixels of `hits` (row-major image of hits.count pixels).
 * @param seed noise seed of this frame (frames are independent and reproducible)
 * @param binning the camera's binning n (scales the noise, see the module doc)
 */
export function renderFrame(
  hits: ScreenHits,
  set: PatternSet,
  frame: PatternFrame,
  screen: Screen,
  sensor: SensorModel,
  seed: number,
  binning = 1,
): Uint16Array {
  const n = hits.count;
  const out = new Uint16Array(n);
  const rng = new Rng(seed);
  const inv = 1 / screen.pitchMm;
  const fw = sensor.fullWellElectrons * binning * binning;
  const readNoise = sensor.readNoise / binning;
  for (let i = 0; i < n; i++) {
    const st = hits.status[i];
    let signal = sensor.darkLevel;
    if (st === PixelStatus.DIRECT || st === PixelStatus.LENS) {
      signal += sensor.gain * patternIntensity(set, frame, hits.xMm[i] * inv, hits.yMm[i] * inv);
    }
    if (fw > 0) signal = rng.poisson(Math.max(0, signal) * fw) / fw;
    if (readNoise > 0) signal += readNoise * rng.normal();
    out[i] = Math.round(Math.min(1, Math.max(0, signal)) * FULL_SCALE_16);
  }
  return out;
}

/**
 * A deterministic per-frame seed from a session seed, camera index, capture (0 lens, 1 reference)
 * and frame index, so that frames can be rendered in any order.
 */
export function frameSeed(seed: number, camera: number, capture: number, frame: number): number {
  let h = (seed >>> 0) ^ 0x9e3779b9;
  for (const v of [camera, capture, frame]) {
    h = Math.imul(h ^ (v + 0x7f4a7c15), 0x85ebca6b) >>> 0;
    h ^= h >>> 13;
  }
  return h >>> 0;
}
