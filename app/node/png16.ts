/**
 * 16-bit grayscale PNG reading and writing (pngjs), for deflectometry fringe images and error maps.
 *
 * Writing: one channel, bit depth 16, values 0..65535. Reading accepts any PNG pngjs decodes
 * (grayscale, grey + alpha, RGB, RGBA; 1-16 bit): the grey level is the first channel (red for
 * colour images, which cameras in a deflectometry rig write as grey), rescaled to 16 bits
 * (an 8-bit value v becomes 257·v, so full scale stays 65535). Alpha is ignored.
 */
import { PNG } from 'pngjs';
import { checkImageSize } from './imageHeader.ts';

/** A grayscale image, row-major, 16-bit values. */
export interface Gray16Image {
  readonly width: number;
  readonly height: number;
  readonly data: Uint16Array;
  /** Bit depth of the file the image came from (16 for images written here). */
  readonly sourceBitDepth?: number;
}

/** Thrown for a file that is not a readable PNG; the message names the file. */
export class PngError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PngError';
  }
}

/**
 * Encodes a 16-bit grayscale PNG.
 * @throws RangeError when data.length ≠ width × height
 */
export function encodeGray16(image: Gray16Image): Uint8Array {
  const { width, height, data } = image;
  if (data.length !== width * height) throw new RangeError(`PNG data has ${data.length} values, expected ${width}×${height}`);
  const opts = { colorType: 0, inputColorType: 0, bitDepth: 16, inputHasAlpha: false } as const;
  const png = new PNG({ width, height, ...opts });
  png.data = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  return PNG.sync.write(png, opts);
}

/**
 * Decodes a PNG into 16-bit grey levels (see the module doc).
 * @param fileName used in error messages
 * @throws PngError naming the file when the bytes are not a valid PNG, or declare more than
 *   16384 px a side (checked from the header, before decoding)
 */
export function decodeGray16(bytes: Uint8Array, fileName = 'image.png'): Gray16Image {
  try {
    checkImageSize(bytes, fileName);
  } catch (err) {
    throw new PngError((err as Error).message);
  }
  let png: PNG;
  try {
    png = PNG.sync.read(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength), { skipRescale: true } as never);
  } catch (err) {
    throw new PngError(`${fileName}: not a readable PNG (${(err as Error).message})`);
  }
  const { width, height } = png;
  const depth = (png as unknown as { depth?: number }).depth ?? 8;
  const src = png.data as unknown as ArrayLike<number>;
  const out = new Uint16Array(width * height);
  // With skipRescale, values keep the file's depth; data is RGBA (4 values per pixel).
  const scale = depth === 16 ? 1 : 65535 / ((1 << depth) - 1);
  for (let i = 0; i < out.length; i++) out[i] = Math.round(src[4 * i] * scale);
  return { width, height, data: out, sourceBitDepth: depth };
}
