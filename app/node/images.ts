/**
 * Reading and writing photographs for the end-to-end pipeline (Node side).
 *
 * A folder of PNG/JPEG files (pngjs, jpeg-js) becomes float images in linear light: 8-bit sRGB
 * values are decoded with the IEC 61966-2-1 transfer function (v ≤ 0.04045: v/12.92, else
 * ((v + 0.055)/1.055)^2.4), because blur happens in linear intensity. PNGs are written back with the
 * inverse encoding. Files that cannot be decoded, or are smaller than the smallest usable size, are
 * skipped with a warning naming them; files with other extensions are ignored. Writes go to a
 * temporary file that is then renamed, so no half-written PNG is ever left behind.
 */
import fs from 'node:fs';
import path from 'node:path';
import jpeg from 'jpeg-js';
import { PNG } from 'pngjs';
import { createImage, toRgba8, withChannels, type FloatImage } from '../../engine/e2e/image.ts';
import { writeFileAtomicSync } from './atomicWrite.ts';
import { checkImageSize } from './imageHeader.ts';

const IMAGE_EXT = /\.(png|jpe?g)$/i;

/** sRGB (0..1) → linear (0..1). */
export function srgbToLinear(v: number): number {
  return v <= 0.04045 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4;
}

/** linear (0..1) → sRGB (0..1), clamped. */
export function linearToSrgb(v: number): number {
  const x = Math.min(1, Math.max(0, v));
  return x <= 0.0031308 ? 12.92 * x : 1.055 * x ** (1 / 2.4) - 0.055;
}

/**
 * Decodes PNG or JPEG bytes into a linear-light float image with 1 or 3 channels.
 * @throws Error for an image that declares more than 16384 px a side (checked from the header,
 *   before decoding), (from the decoder) for corrupt data, or for an unknown format
 */
export function decodeImage(bytes: Uint8Array, fileName: string, channels: 1 | 3): FloatImage {
  checkImageSize(bytes, fileName);
  let rgba: Uint8Array;
  let width: number;
  let height: number;
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (/\.png$/i.test(fileName)) {
    const png = PNG.sync.read(buf);
    ({ width, height } = png);
    rgba = png.data;
  } else if (/\.jpe?g$/i.test(fileName)) {
    const j = jpeg.decode(buf, { useTArray: true, formatAsRGBA: true, maxMemoryUsageInMB: 512 });
    ({ width, height } = j);
    rgba = j.data;
  } else {
    throw new Error('not a PNG or JPEG file');
  }
  if (!(width > 0 && height > 0)) throw new Error(`image has no pixels (${width}×${height})`);
  const lut = new Float32Array(256);
  for (let i = 0; i < 256; i++) lut[i] = srgbToLinear(i / 255);
  const rgb = createImage(width, height, 3);
  for (let i = 0; i < width * height; i++) {
    rgb.data[3 * i] = lut[rgba[4 * i]];
    rgb.data[3 * i + 1] = lut[rgba[4 * i + 1]];
    rgb.data[3 * i + 2] = lut[rgba[4 * i + 2]];
  }
  return withChannels(rgb, channels);
}

/** Box-downscales by an integer factor (averaging factor × factor blocks; edges cropped). */
export function downscale(img: FloatImage, factor: number): FloatImage {
  if (factor <= 1) return img;
  const w = Math.floor(img.width / factor);
  const h = Math.floor(img.height / factor);
  const C = img.channels;
  const out = createImage(w, h, C);
  const inv = 1 / (factor * factor);
  for (let r = 0; r < h; r++) {
    for (let c = 0; c < w; c++) {
      for (let ch = 0; ch < C; ch++) {
        let s = 0;
        for (let i = 0; i < factor; i++) for (let j = 0; j < factor; j++) s += img.data[((r * factor + i) * img.width + c * factor + j) * C + ch];
        out.data[(r * w + c) * C + ch] = s * inv;
      }
    }
  }
  return out;
}

export interface FolderImages {
  images: FloatImage[];
  /** File names (no directory), in the same order, sorted by name. */
  names: string[];
  /** One line per skipped file, naming it and the reason. */
  warnings: string[];
}

export interface LoadFolderOptions {
  channels: 1 | 3;
  /** Images smaller than this on either side (after downscaling) are skipped with a warning. */
  minSize: number;
  /** Images are box-downscaled by an integer factor until both sides are ≤ maxSize (default: no limit). */
  maxSize?: number;
}

/**
 * Loads every PNG/JPEG in a folder (not recursive), sorted by file name.
 * @throws Error if the folder cannot be read or holds no usable image
 */
export function loadImageFolder(dir: string, opts: LoadFolderOptions): FolderImages {
  let entries: string[];
  try {
    entries = fs.readdirSync(dir).filter((f) => IMAGE_EXT.test(f)).sort();
  } catch (err) {
    throw new Error(`${dir}: cannot read the image folder (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
  }
  const out: FolderImages = { images: [], names: [], warnings: [] };
  for (const name of entries) {
    const file = path.join(dir, name);
    try {
      let img = decodeImage(fs.readFileSync(file), name, opts.channels);
      if (opts.maxSize) {
        const factor = Math.ceil(Math.max(img.width, img.height) / opts.maxSize);
        img = downscale(img, factor);
      }
      if (img.width < opts.minSize || img.height < opts.minSize) {
        out.warnings.push(`${file}: skipped, ${img.width}×${img.height} is smaller than the ${opts.minSize}×${opts.minSize} needed`);
        continue;
      }
      out.images.push(img);
      out.names.push(name);
    } catch (err) {
      out.warnings.push(`${file}: skipped, cannot decode (${(err as Error).message})`);
    }
  }
  if (out.images.length === 0) {
    throw new Error(`${dir}: no usable PNG or JPEG image (${entries.length} image file(s) found${out.warnings.length ? `; ${out.warnings.join('; ')}` : ''})`);
  }
  return out;
}

/** Encodes a linear-light float image as an 8-bit sRGB PNG (mono → gray). */
export function encodePng(img: FloatImage, linear = true): Uint8Array {
  const src = linear ? { ...img, data: img.data.map(linearToSrgb) } : img;
  const png = new PNG({ width: img.width, height: img.height });
  png.data = Buffer.from(toRgba8(src));
  return PNG.sync.write(png);
}

/** Writes a PNG atomically (app/node/atomicWrite.ts). */
export function savePng(file: string, img: FloatImage, linear = true): void {
  writeFileAtomicSync(file, encodePng(img, linear));
}
