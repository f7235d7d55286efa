/**
 * Image sizes read from the file header, before any decoding: a PNG's IHDR chunk, a JPEG's
 * start-of-frame marker. The decoders (pngjs, jpeg-js) allocate the whole pixel buffer from the
 * declared size, so a 48 kB PNG that declares 20000 × 20000 pixels would take 1.6 GB before a
 * single row is read; `checkImageSize` refuses it first.
 */

/** The largest width and height accepted, px. */
export const MAX_IMAGE_SIDE = 16384;

export interface ImageHeader {
  format: 'png' | 'jpeg';
  width: number;
  height: number;
}

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

/** The format and size a PNG or JPEG file declares, or null when the header is not one of them. */
export function readImageHeader(bytes: Uint8Array): ImageHeader | null {
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (bytes.length >= 24 && PNG_SIGNATURE.every((b, i) => bytes[i] === b)) {
    // Length (4), "IHDR" (4), then width and height, big-endian.
    if (String.fromCharCode(bytes[12], bytes[13], bytes[14], bytes[15]) !== 'IHDR') return null;
    return { format: 'png', width: dv.getUint32(16), height: dv.getUint32(20) };
  }
  if (bytes.length >= 4 && bytes[0] === 0xff && bytes[1] === 0xd8) {
    let i = 2;
    while (i + 4 <= bytes.length) {
      if (bytes[i] !== 0xff) return null;
      const marker = bytes[i + 1];
      if (marker === 0xff) {
        i++; // fill byte
        continue;
      }
      if (marker === 0xd8 || (marker >= 0xd0 && marker <= 0xd7) || marker === 0x01) {
        i += 2; // markers without a length
        continue;
      }
      const length = dv.getUint16(i + 2);
      // SOF0..SOF15 except DHT (C4), JPG (C8) and DAC (CC): precision, height, width.
      if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) {
        if (i + 9 > bytes.length) return null;
        return { format: 'jpeg', height: dv.getUint16(i + 5), width: dv.getUint16(i + 7) };
      }
      if (marker === 0xd9 || marker === 0xda || length < 2) return null; // end or scan before any frame
      i += 2 + length;
    }
  }
  return null;
}

/**
 * Refuses an image whose header declares more than MAX_IMAGE_SIDE pixels a side (or none).
 * @returns the header (null when it is neither PNG nor JPEG: the decoder then says what is wrong)
 * @throws Error "`fileName`: image declares W×H px, more than 16384 a side (not decoded)"
 */
export function checkImageSize(bytes: Uint8Array, fileName: string): ImageHeader | null {
  const h = readImageHeader(bytes);
  if (h && (h.width > MAX_IMAGE_SIDE || h.height > MAX_IMAGE_SIDE)) {
    throw new Error(`${fileName}: image declares ${h.width}×${h.height} px, more than ${MAX_IMAGE_SIDE} a side (not decoded)`);
  }
  if (h && (h.width === 0 || h.height === 0)) throw new Error(`${fileName}: image declares ${h.width}×${h.height} px (no pixels)`);
  return h;
}
