/**
 * Training and held-out data for end-to-end runs: scenes (sharp images, linear light) from which
 * random crops are drawn for training, and a fixed held-out set of crops placed at fixed sensor
 * positions with fixed noise seeds, so that two runs (e.g. the initial lens and the jointly
 * optimized one) are compared on exactly the same inputs.
 *
 * The built-in default is dead leaves (./deadLeaves.ts): `count` training images and a disjoint
 * held-out set, each from its own fixed seed. A user's photographs are split one of two ways:
 * - 'photos': by file order, every fifth image (indices 4, 9, ...) is held out, and at least one
 *   image is on each side when there are two or more (with a single image, crops of the same image
 *   serve both, which is reported);
 * - 'regions': every photograph is cut in two: a vertical band on its right (`fraction` of its
 *   width, at least `minBand` px) is held out and the rest trains. Crops never cross the cut, so
 *   no held-out pixel is trained on, and with few photographs the held-out content is of the same
 *   kinds as the training content (a photo-level split of ten photographs can leave, say, two
 *   smooth ones to test a design trained on textured ones).
 */
import { DEAD_LEAVES_HELDOUT_SEED, DEAD_LEAVES_TRAIN_SEED, deadLeavesSet } from './deadLeaves.ts';
import { cropImage, randomCrop, withChannels, type FloatImage } from '../imaging/image.ts';
import { deriveSeed, Rng } from '../imaging/prng.ts';
import { sensorHalfSizeMm, type Sensor } from '../imaging/sensor.ts';

export interface SceneSet {
  /** Where the data came from, for reports ("dead leaves (64 + 16 images, 256 px)", a folder). */
  description: string;
  train: FloatImage[];
  heldOut: FloatImage[];
  /** Notes for the user (e.g. a single image used for both sets). */
  notes: string[];
}

/** The built-in dead-leaves scenes (square, `size` px), fixed by seed. */
export function deadLeavesScenes(opts: { channels: 1 | 3; size: number; trainCount: number; heldOutCount: number }): SceneSet {
  const common = { size: opts.size, channels: opts.channels, rMin: 1, rMax: opts.size / 4 };
  return {
    description: `dead leaves (${opts.trainCount} training + ${opts.heldOutCount} held-out images of ${opts.size} px, r⁻³ radii in [1, ${opts.size / 4}] px)`,
    train: deadLeavesSet({ ...common, count: opts.trainCount, seed: DEAD_LEAVES_TRAIN_SEED }),
    heldOut: deadLeavesSet({ ...common, count: opts.heldOutCount, seed: DEAD_LEAVES_HELDOUT_SEED }),
    notes: [],
  };
}

/**
 * Adds dead-leaves images to a set's training images so that a fraction `fraction` of the training
 * crops (drawn uniformly over the images) comes from them: n = round(f/(1 − f) · train) images of
 * `size` px (at least one when f > 0), from the dead-leaves training seed. The held-out set is
 * unchanged. Dead leaves have edges at every scale and orientation, the statistics a deblurring
 * network learns fastest from; photographs keep the training close to the held-out content.
 * @throws Error for a fraction outside [0, 1)
 */
export function withDeadLeaves(set: SceneSet, fraction: number, channels: 1 | 3, size: number): SceneSet {
  if (!(fraction >= 0 && fraction < 1)) throw new Error(`dead-leaves fraction must be in [0, 1) (got ${fraction})`);
  if (fraction === 0) return set;
  const n = Math.max(1, Math.round((fraction / (1 - fraction)) * set.train.length));
  const leaves = deadLeavesSet({ size, channels, rMin: 1, rMax: size / 4, count: n, seed: DEAD_LEAVES_TRAIN_SEED });
  return {
    ...set,
    description: `${set.description}; plus ${n} dead-leaves training images of ${size} px (${Math.round((100 * n) / (n + set.train.length))} % of the training crops)`,
    train: [...set.train, ...leaves],
  };
}

export type PhotoSplit = 'photos' | 'regions';

/**
 * Splits each photograph into a training part and a held-out band on its right (see the module docs).
 * @param minBand the narrowest held-out band (px), e.g. the held-out crop size
 * @param minTrain the narrowest training part (px), e.g. the training crop size
 * @throws Error naming a photograph too narrow for both
 */
export function regionScenes(images: FloatImage[], names: string[], channels: 1 | 3, source: string, fraction: number, minBand: number, minTrain: number): SceneSet {
  if (images.length === 0) throw new Error(`${source}: no images`);
  const train: FloatImage[] = [];
  const heldOut: FloatImage[] = [];
  images.forEach((im0, i) => {
    const im = withChannels(im0, channels);
    const band = Math.max(Math.round(fraction * im.width), minBand);
    if (im.width - band < minTrain) throw new Error(`${source}/${names[i]}: ${im.width} px wide, too narrow for a ${band}-px held-out band and ${minTrain}-px training crops`);
    train.push(cropImage(im, 0, 0, im.width - band, im.height));
    heldOut.push(cropImage(im, im.width - band, 0, band, im.height));
  });
  return {
    description: `${source} (${images.length} photographs, each split: the right ${Math.round(100 * fraction)} % of its width (at least ${minBand} px) held out, the rest for training)`,
    train,
    heldOut,
    notes: [],
  };
}

/** Splits photographs (in file order) into training and held-out sets (see the module docs). */
export function photoScenes(images: FloatImage[], names: string[], channels: 1 | 3, source: string): SceneSet {
  if (images.length === 0) throw new Error(`${source}: no images`);
  const imgs = images.map((im) => withChannels(im, channels));
  const train: FloatImage[] = [];
  const heldOut: FloatImage[] = [];
  const heldNames: string[] = [];
  imgs.forEach((im, i) => {
    if (i % 5 === 4) {
      heldOut.push(im);
      heldNames.push(names[i]);
    } else train.push(im);
  });
  const notes: string[] = [];
  if (heldOut.length === 0 && train.length >= 2) {
    heldOut.push(train.pop()!);
    heldNames.push(names[imgs.length - 1]);
  }
  if (heldOut.length === 0) {
    heldOut.push(train[0]);
    heldNames.push(names[0]);
    notes.push(`only one image in ${source}: held-out crops come from the training image`);
  }
  return {
    description: `${source} (${train.length} training, ${heldOut.length} held-out: ${heldNames.join(', ')})`,
    train,
    heldOut,
    notes,
  };
}

/** A training or evaluation example: a scene crop and where its output patch sits on the sensor. */
export interface PlacedScene {
  /** (P + K − 1)² × C scene; the sharp target is its central P × P crop. */
  scene: FloatImage;
  /** Sensor position (mm) of the output patch's centre. */
  xMm: number;
  yMm: number;
  /** Seed of this example's sensor noise. */
  noiseSeed: number;
  /** Object distance, mm (absent: the run's first depth). */
  depthMm?: number;
}

/** Uniform patch-centre position on the sensor such that a P × P patch lies inside it. */
export function randomPatchCenter(sensor: Sensor, patch: number, rng: Rng): [number, number] {
  const [hx, hy] = sensorHalfSizeMm(sensor);
  const p = sensor.pixelPitchUm * 1e-3;
  const mx = Math.max(0, hx - (patch / 2) * p);
  const my = Math.max(0, hy - (patch / 2) * p);
  return [rng.uniform(-mx, mx), rng.uniform(-my, my)];
}

/** Draws one training example: a random crop of a random training scene at a random sensor position. */
export function sampleTraining(set: SceneSet, sensor: Sensor, patch: number, psfSize: number, rng: Rng): PlacedScene {
  const size = patch + psfSize - 1;
  const scene = randomCrop(set.train[rng.int(set.train.length)], size, rng);
  const [xMm, yMm] = randomPatchCenter(sensor, patch, rng);
  return { scene, xMm, yMm, noiseSeed: rng.nextUint32() };
}

/**
 * The fixed held-out examples: `count` crops taken in turn from the held-out scenes (positions
 * drawn from `seed`), at sensor positions spread from the centre to the corners (the k-th of n at
 * a fraction (k + ½)/n of the half-diagonal, at a seeded azimuth), with fixed noise seeds.
 */
export function heldOutExamples(set: SceneSet, sensor: Sensor, patch: number, psfSize: number, count: number, seed: number): PlacedScene[] {
  const size = patch + psfSize - 1;
  const rng = new Rng(deriveSeed(seed, 0x4e1d));
  const [hx, hy] = sensorHalfSizeMm(sensor);
  const p = sensor.pixelPitchUm * 1e-3;
  const mx = Math.max(0, hx - (patch / 2) * p);
  const my = Math.max(0, hy - (patch / 2) * p);
  const out: PlacedScene[] = [];
  for (let k = 0; k < count; k++) {
    const img = set.heldOut[k % set.heldOut.length];
    if (img.width < size || img.height < size) throw new Error(`held-out image ${k % set.heldOut.length} is ${img.width}×${img.height}, smaller than the ${size}×${size} crop`);
    const scene = cropImage(img, rng.int(img.width - size + 1), rng.int(img.height - size + 1), size, size);
    const f = (k + 0.5) / count;
    const az = rng.uniform(0, 2 * Math.PI);
    // a point at fraction f of the way to the sensor's corner, in a seeded quadrant direction
    const xMm = Math.sign(Math.cos(az)) * f * mx;
    const yMm = Math.sign(Math.sin(az)) * f * my;
    out.push({ scene, xMm, yMm, noiseSeed: deriveSeed(seed, 0x5eed, k) });
  }
  return out;
}

/** The central P × P crop of a placed scene: the sharp target aligned with the rendered patch. */
export function targetOf(ex: PlacedScene, patch: number): FloatImage {
  const h = (ex.scene.width - patch) / 2;
  return cropImage(ex.scene, h, h, patch, patch);
}
