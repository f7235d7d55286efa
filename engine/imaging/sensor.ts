/**
 * The image sensor: pixel grid, colour channels (each a set of wavelengths with weights) and a
 * Poisson–Gaussian noise model.
 *
 * Geometry: `width` × `height` square pixels of pitch `pixelPitchUm` (µm), centred on the optical
 * axis. Pixel (row r, column c) has its centre at
 *   x = (c − (W − 1)/2)·p,   y = −(r − (H − 1)/2)·p   (mm; rows grow downwards, +y is up).
 *
 * Noise (the standard raw-sensor model, Foi et al., "Practical Poissonian-Gaussian noise modeling and
 * fitting for single-image raw-data", IEEE TIP 2008): a linear intensity v ∈ [0, 1] is v·Nfw
 * photo-electrons on average (Nfw = `fullWellElectrons`), the count is Poisson, read noise adds a
 * Gaussian of σ = `readNoiseElectrons`, and the result is scaled back by 1/Nfw:
 *   v' = (Poisson(v·Nfw) + N(0, σ²)) / Nfw.
 * In training the noise is treated as independent of the lens (∂v'/∂v = 1, a straight-through
 * estimate; the noise level's own dependence on the signal is not differentiated).
 */
import type { Rng } from './prng.ts';

/** One colour channel: the wavelengths (µm) it integrates, with weights. */
export interface SensorChannel {
  readonly name: string;
  readonly wavelengthsUm: readonly number[];
  readonly weights: readonly number[];
}

export interface Sensor {
  readonly pixelPitchUm: number;
  readonly width: number;
  readonly height: number;
  readonly channels: readonly SensorChannel[];
  /** Mean photo-electrons at intensity 1; Infinity means a noiseless sensor. */
  readonly fullWellElectrons: number;
  /** Read-noise standard deviation in electrons (0 disables it). */
  readonly readNoiseElectrons: number;
}

export interface SensorOptions {
  pixelPitchUm: number;
  width: number;
  height: number;
  /** 'rgb': three channels, one wavelength each; 'mono': one channel integrating all wavelengths. */
  mode: 'rgb' | 'mono';
  /** The lens's wavelengths (µm), their weights, and the primary index. */
  wavelengthsUm: readonly number[];
  wavelengthWeights?: readonly number[];
  primaryIndex: number;
  fullWellElectrons?: number;
  readNoiseElectrons?: number;
}

/**
 * Builds a sensor. RGB takes, from the lens's wavelengths sorted by length, the longest for R, the
 * primary (or the middle one if the primary is an extreme) for G and the shortest for B; it needs at
 * least three wavelengths. Mono integrates every wavelength with the lens's weights.
 * @throws Error naming the bad field (non-positive pitch or size, too few wavelengths for RGB)
 */
export function makeSensor(o: SensorOptions): Sensor {
  if (!(o.pixelPitchUm > 0) || !Number.isFinite(o.pixelPitchUm)) throw new Error(`sensor.pixelPitchUm must be positive (got ${o.pixelPitchUm})`);
  for (const k of ['width', 'height'] as const) {
    if (!Number.isInteger(o[k]) || o[k] <= 0) throw new Error(`sensor.${k} must be a positive integer (got ${o[k]})`);
  }
  const fw = o.fullWellElectrons ?? 4000;
  const rn = o.readNoiseElectrons ?? 4;
  if (!(fw > 0)) throw new Error(`sensor.fullWellElectrons must be positive (got ${fw})`);
  if (!(rn >= 0)) throw new Error(`sensor.readNoiseElectrons must be ≥ 0 (got ${rn})`);
  const wl = o.wavelengthsUm;
  let channels: SensorChannel[];
  if (o.mode === 'mono') {
    const w = o.wavelengthWeights ?? wl.map(() => 1);
    channels = [{ name: 'Y', wavelengthsUm: [...wl], weights: [...w] }];
  } else {
    if (wl.length < 3) throw new Error(`an RGB sensor needs at least 3 wavelengths (the lens has ${wl.length}); use mono`);
    const order = wl.map((_, i) => i).sort((a, b) => wl[b] - wl[a]);
    const r = order[0];
    const b = order[order.length - 1];
    const g = o.primaryIndex !== r && o.primaryIndex !== b ? o.primaryIndex : order[Math.floor(order.length / 2)];
    channels = [
      { name: 'R', wavelengthsUm: [wl[r]], weights: [1] },
      { name: 'G', wavelengthsUm: [wl[g]], weights: [1] },
      { name: 'B', wavelengthsUm: [wl[b]], weights: [1] },
    ];
  }
  return { pixelPitchUm: o.pixelPitchUm, width: o.width, height: o.height, channels, fullWellElectrons: fw, readNoiseElectrons: rn };
}

/** Sensor position (mm) of the centre of pixel (row, col). */
export function pixelCenterMm(sensor: Sensor, row: number, col: number): [number, number] {
  const p = sensor.pixelPitchUm * 1e-3;
  return [(col - (sensor.width - 1) / 2) * p, -(row - (sensor.height - 1) / 2) * p];
}

/** Half-width and half-height of the active area, mm (to the outer pixel edges). */
export function sensorHalfSizeMm(sensor: Sensor): [number, number] {
  const p = sensor.pixelPitchUm * 1e-3;
  return [(sensor.width * p) / 2, (sensor.height * p) / 2];
}

/**
 * Adds Poisson–Gaussian noise in place (see the module docs); negative intensities count as 0
 * photons. Returns the same array.
 */
export function addSensorNoise<T extends Float64Array | Float32Array>(img: T, sensor: Sensor, rng: Rng): T {
  const fw = sensor.fullWellElectrons;
  const rn = sensor.readNoiseElectrons;
  if (!Number.isFinite(fw)) return img; // noiseless sensor
  for (let i = 0; i < img.length; i++) {
    let e = rng.poisson(Math.max(0, img[i]) * fw);
    if (rn > 0) e += rn * rng.normal();
    img[i] = e / fw;
  }
  return img;
}
