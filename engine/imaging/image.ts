/**
 * Float images for the end-to-end pipeline: interleaved height × width × channels (HWC), row 0 at
 * the top, values nominally in [0, 1] (linear intensity). Channels are 1 (mono) or 3 (R, G, B).
 */
import type { Rng } from './prng.ts';

/** An H × W × C image stored row-major with interleaved channels: data[(row·W + col)·C + c]. */
export interface FloatImage {
  readonly width: number;
  readonly height: number;
  readonly channels: number;
  readonly data: Float32Array;
}

/** A zero image of the given size. Throws for non-positive or non-integer sizes. */
export function createImage(width: number, height: number, channels: number): FloatImage {
  for (const [k, v] of [['width', width], ['height', height], ['channels', channels]] as const) {
    if (!Number.isInteger(v) || v <= 0) throw new Error(`createImage: ${k} must be a positive integer (got ${v})`);
  }
  return { width, height, channels, data: new Float32Array(width * height * channels) };
}

/** The w × h window whose top-left pixel is (x0, y0). Throws if it leaves the image. */
export function cropImage(img: FloatImage, x0: number, y0: number, w: number, h: number): FloatImage {
  if (x0 < 0 || y0 < 0 || x0 + w > img.width || y0 + h > img.height) {
    throw new Error(`cropImage: window ${w}×${h} at (${x0}, ${y0}) leaves the ${img.width}×${img.height} image`);
  }
  const out = createImage(w, h, img.channels);
  const C = img.channels;
  for (let r = 0; r < h; r++) {
    const src = ((y0 + r) * img.width + x0) * C;
    out.data.set(img.data.subarray(src, src + w * C), r * w * C);
  }
  return out;
}

/** A uniformly placed `size` × `size` crop. Throws if the image is smaller than the crop. */
export function randomCrop(img: FloatImage, size: number, rng: Rng): FloatImage {
  if (img.width < size || img.height < size) {
    throw new Error(`randomCrop: image ${img.width}×${img.height} is smaller than the ${size}×${size} crop`);
  }
  return cropImage(img, rng.int(img.width - size + 1), rng.int(img.height - size + 1), size, size);
}

/**
 * Converts between 1 and 3 channels: RGB → mono by Rec. 709 luma weights (0.2126, 0.7152, 0.0722),
 * mono → RGB by replication. Returns the image itself when the count already matches.
 */
export function withChannels(img: FloatImage, channels: 1 | 3): FloatImage {
  if (img.channels === channels) return img;
  const out = createImage(img.width, img.height, channels);
  const n = img.width * img.height;
  if (channels === 1) {
    if (img.channels !== 3) throw new Error(`withChannels: cannot convert ${img.channels} channels to mono`);
    for (let i = 0; i < n; i++) {
      out.data[i] = 0.2126 * img.data[3 * i] + 0.7152 * img.data[3 * i + 1] + 0.0722 * img.data[3 * i + 2];
    }
  } else {
    if (img.channels !== 1) throw new Error(`withChannels: cannot convert ${img.channels} channels to RGB`);
    for (let i = 0; i < n; i++) out.data[3 * i] = out.data[3 * i + 1] = out.data[3 * i + 2] = img.data[i];
  }
  return out;
}

/** Encodes an image as 8-bit RGBA bytes (clamped to [0, 1], mono replicated), for PNG writers. */
export function toRgba8(img: FloatImage): Uint8Array {
  const n = img.width * img.height;
  const out = new Uint8Array(4 * n);
  const C = img.channels;
  const q = (v: number) => Math.round(255 * Math.min(1, Math.max(0, Number.isFinite(v) ? v : 0)));
  for (let i = 0; i < n; i++) {
    for (let c = 0; c < 3; c++) out[4 * i + c] = q(img.data[i * C + (C === 1 ? 0 : c)]);
    out[4 * i + 3] = 255;
  }
  return out;
}
