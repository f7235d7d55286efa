import fs from 'node:fs';
import path from 'node:path';
import { deflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { checkImageSize, readImageHeader } from './imageHeader.ts';
import { decodeImage, loadImageFolder } from './images.ts';
import { decodeGray16, encodeGray16 } from './png16.ts';

const photos = path.resolve(import.meta.dirname, '../../../shared/data/images');

/** A tiny PNG (a few hundred bytes) whose IHDR declares width × height (8-bit grey). */
function bombPng(width: number, height: number): Uint8Array {
  const crcTable = Array.from({ length: 256 }, (_, n) => {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    return c >>> 0;
  });
  const crc = (b: Buffer) => {
    let c = 0xffffffff;
    for (const x of b) c = crcTable[(c ^ x) & 0xff] ^ (c >>> 8);
    return (c ^ 0xffffffff) >>> 0;
  };
  const chunk = (type: string, data: Buffer) => {
    const td = Buffer.concat([Buffer.from(type, 'ascii'), data]);
    const out = Buffer.alloc(8 + data.length + 4);
    out.writeUInt32BE(data.length, 0);
    td.copy(out, 4);
    out.writeUInt32BE(crc(td), 8 + data.length);
    return out;
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 0; // greyscale
  return new Uint8Array(
    Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', ihdr), chunk('IDAT', deflateSync(Buffer.alloc(1024))), chunk('IEND', Buffer.alloc(0))]),
  );
}

/** A JPEG header (SOI, APP0, SOF0) declaring width × height. */
function bombJpeg(width: number, height: number): Uint8Array {
  const app0 = [0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46, 0x49, 0x46, 0x00, 0x01, 0x01, 0x00, 0x00, 0x01, 0x00, 0x01, 0x00, 0x00];
  const sof = [0xff, 0xc0, 0x00, 0x0b, 0x08, height >> 8, height & 0xff, width >> 8, width & 0xff, 0x01, 0x01, 0x11, 0x00];
  return new Uint8Array([0xff, 0xd8, ...app0, ...sof, 0xff, 0xd9]);
}

describe('image sizes from the header', () => {
  it('reads the size of real PNG and JPEG photographs as their decoders do', () => {
    const files = fs.readdirSync(photos).filter((f) => /\.(png|jpe?g)$/i.test(f)).slice(0, 6);
    expect(files.length).toBeGreaterThan(0);
    for (const f of files) {
      const bytes = new Uint8Array(fs.readFileSync(path.join(photos, f)));
      const h = readImageHeader(bytes)!;
      const img = decodeImage(bytes, f, 3);
      expect([h.width, h.height]).toEqual([img.width, img.height]);
    }
    const g = encodeGray16({ width: 7, height: 5, data: new Uint16Array(35) });
    expect(readImageHeader(g)).toEqual({ format: 'png', width: 7, height: 5 });
  });

  it('refuses a small file that declares 20000 × 20000 px before decoding it', () => {
    const png = bombPng(20000, 20000);
    expect(png.byteLength).toBeLessThan(2000);
    expect(() => checkImageSize(png, 'bomb.png')).toThrow('bomb.png: image declares 20000×20000 px, more than 16384 a side (not decoded)');
    expect(() => decodeImage(png, 'bomb.png', 3)).toThrow(/more than 16384 a side/);
    expect(() => decodeGray16(png, 'bomb.png')).toThrow(/bomb\.png: image declares 20000×20000 px/);
    const jpg = bombJpeg(30000, 100);
    expect(readImageHeader(jpg)).toEqual({ format: 'jpeg', width: 30000, height: 100 });
    expect(() => decodeImage(jpg, 'bomb.jpg', 3)).toThrow('bomb.jpg: image declares 30000×100 px, more than 16384 a side (not decoded)');
    expect(() => checkImageSize(bombPng(16384, 16384), 'edge.png')).not.toThrow();
  });

  it('an image folder skips such a file with a warning naming it', () => {
    const dir = fs.mkdtempSync(path.join(fs.realpathSync('/tmp'), 'ls-bomb-'));
    fs.writeFileSync(path.join(dir, 'bomb.png'), bombPng(20000, 20000));
    fs.copyFileSync(path.join(photos, fs.readdirSync(photos).find((f) => /\.png$/i.test(f))!), path.join(dir, 'ok.png'));
    const r = loadImageFolder(dir, { channels: 3, minSize: 32 });
    expect(r.warnings.join('\n')).toMatch(/bomb\.png: image declares 20000×20000 px/);
    expect(r.images.length).toBe(1);
  });
});
