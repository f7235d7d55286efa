import { describe, expect, it } from 'vitest';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { decodeImage, downscale, encodePng, linearToSrgb, loadImageFolder, srgbToLinear } from './images.ts';
import { createImage } from '../../engine/imaging/image.ts';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const photos = path.resolve(repoRoot, '../shared/data/images');

describe('image folder loading', () => {
  it('loads the real photographs (PNG and JPEG) as linear float images', () => {
    const res = loadImageFolder(photos, { channels: 3, minSize: 64 });
    expect(res.names).toContain('astronaut.png');
    expect(res.names).toContain('rocket.jpg');
    expect(res.warnings).toEqual([]);
    const rocket = res.images[res.names.indexOf('rocket.jpg')];
    expect([rocket.width, rocket.height, rocket.channels]).toEqual([640, 427, 3]);
    for (const img of res.images) expect(img.data.every((v) => v >= 0 && v <= 1)).toBe(true);
    const mono = loadImageFolder(photos, { channels: 1, minSize: 64, maxSize: 256 });
    const astro = mono.images[mono.names.indexOf('astronaut.png')];
    expect([astro.width, astro.height, astro.channels]).toEqual([256, 256, 1]);
  });

  it('skips corrupt and too-small images with a warning naming them, ignores other files', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ls-img-'));
    fs.symlinkSync(path.join(photos, 'camera.png'), path.join(dir, 'camera.png'));
    fs.writeFileSync(path.join(dir, 'broken.png'), 'not a png');
    fs.writeFileSync(path.join(dir, 'truncated.jpg'), fs.readFileSync(path.join(photos, 'rocket.jpg')).subarray(0, 300));
    fs.writeFileSync(path.join(dir, 'tiny.png'), encodePng(createImage(8, 8, 3)));
    fs.writeFileSync(path.join(dir, 'notes.txt'), 'hello');
    const res = loadImageFolder(dir, { channels: 3, minSize: 32 });
    expect(res.names).toEqual(['camera.png']);
    expect(res.warnings).toHaveLength(3);
    expect(res.warnings.find((w) => w.includes('broken.png'))).toMatch(/cannot decode/);
    expect(res.warnings.find((w) => w.includes('truncated.jpg'))).toMatch(/cannot decode/);
    expect(res.warnings.find((w) => w.includes('tiny.png'))).toMatch(/8×8 is smaller than the 32×32/);
    fs.rmSync(path.join(dir, 'camera.png'));
    expect(() => loadImageFolder(dir, { channels: 3, minSize: 32 })).toThrow(/no usable PNG or JPEG/);
    expect(() => loadImageFolder(path.join(dir, 'nope'), { channels: 3, minSize: 32 })).toThrow(/nope: cannot read the image folder \(ENOENT\)/);
  });

  it('sRGB decoding is the IEC 61966-2-1 curve and PNG encoding inverts it to 8 bits', () => {
    expect(srgbToLinear(0.5)).toBeCloseTo(0.214041, 6);
    expect(srgbToLinear(0.04)).toBeCloseTo(0.04 / 12.92, 12);
    for (let i = 0; i <= 255; i += 17) expect(Math.round(255 * linearToSrgb(srgbToLinear(i / 255)))).toBe(i);
    const img = createImage(3, 2, 3);
    img.data.set([0, 0.2140412, 1, 0.5, 0.25, 0.125, 0, 0, 0, 1, 1, 1, 0.01, 0.02, 0.03, 0.9, 0.8, 0.7]);
    const back = decodeImage(encodePng(img), 'x.png', 3);
    for (let i = 0; i < img.data.length; i++) expect(Math.abs(back.data[i] - img.data[i])).toBeLessThan(0.006);
  });

  it('box downscaling averages blocks', () => {
    const img = createImage(4, 2, 1);
    img.data.set([0, 1, 2, 3, 4, 5, 6, 7]);
    expect(Array.from(downscale(img, 2).data)).toEqual([2.5, 4.5]);
  });
});
