import { describe, expect, it } from 'vitest';
import { PNG } from 'pngjs';
import { decodeGray16, encodeGray16, PngError } from './png16.ts';

describe('16-bit grayscale PNG', () => {
  it('round-trips every 16-bit value exactly', () => {
    const width = 300;
    const height = 219; // 65 700 pixels: every value 0..65535 at least once
    const data = Uint16Array.from({ length: width * height }, (_, i) => (i * 7919) % 65536);
    data[0] = 0;
    data[1] = 65535;
    const bytes = encodeGray16({ width, height, data });
    const back = decodeGray16(bytes, 'x.png');
    expect([back.width, back.height, back.sourceBitDepth]).toEqual([width, height, 16]);
    expect(back.data).toEqual(data);
    // It is a real 16-bit greyscale PNG: colour type 0, bit depth 16 in the IHDR chunk.
    expect(bytes[24]).toBe(16);
    expect(bytes[25]).toBe(0);
  });

  it('reads 8-bit grey and RGB images scaled to 16 bits (first channel)', () => {
    const png = new PNG({ width: 2, height: 1 });
    png.data = Buffer.from([0, 9, 9, 255, 255, 1, 1, 255]);
    const bytes = PNG.sync.write(png, { colorType: 2 });
    const img = decodeGray16(bytes, 'rgb.png');
    expect(Array.from(img.data)).toEqual([0, 65535]);
    expect(img.sourceBitDepth).toBe(8);
    const grey = new PNG({ width: 3, height: 1, colorType: 0, inputColorType: 0, inputHasAlpha: false } as never);
    grey.data = Buffer.from([0, 128, 255]);
    const g = decodeGray16(PNG.sync.write(grey, { colorType: 0, inputColorType: 0, inputHasAlpha: false } as never), 'g.png');
    expect(Array.from(g.data)).toEqual([0, 128 * 257, 65535]);
  });

  it('names the file when the bytes are not a PNG, and rejects data of the wrong length', () => {
    expect(() => decodeGray16(new TextEncoder().encode('not a png'), 'cam1/x-p070-s0.png')).toThrow(PngError);
    expect(() => decodeGray16(new TextEncoder().encode('not a png'), 'cam1/x-p070-s0.png')).toThrow(/^cam1\/x-p070-s0\.png: not a readable PNG/);
    expect(() => encodeGray16({ width: 3, height: 3, data: new Uint16Array(8) })).toThrow(/8 values, expected 3×3/);
  });
});
