import { describe, expect, it } from 'vitest';
import { createImage } from '../imaging/image.ts';
import { photoScenes, regionScenes, withDeadLeaves } from './dataset.ts';

function ramp(w: number, h: number) {
  const im = createImage(w, h, 1);
  for (let r = 0; r < h; r++) for (let c = 0; c < w; c++) im.data[r * w + c] = c; // value = column
  return im;
}

describe('splitting photographs into training and held-out data', () => {
  it('regions: a band on the right of every photograph is held out, the rest trains, with no shared pixel', () => {
    const set = regionScenes([ramp(200, 50), ramp(100, 40)], ['a.png', 'b.png'], 1, 'dir', 0.3, 40, 30);
    expect(set.train.map((i) => [i.width, i.height])).toEqual([[140, 50], [60, 40]]);
    expect(set.heldOut.map((i) => [i.width, i.height])).toEqual([[60, 50], [40, 40]]); // 30 % of 100 < 40 px: the band is 40
    expect(Math.max(...set.train[0].data)).toBe(139);
    expect(Math.min(...set.heldOut[0].data)).toBe(140);
    expect(set.description).toMatch(/2 photographs, each split: the right 30 % of its width \(at least 40 px\) held out/);
    expect(() => regionScenes([ramp(60, 50)], ['c.png'], 1, 'dir', 0.3, 40, 30)).toThrow(/dir\/c\.png: 60 px wide, too narrow/);
  });

  it('photos: every fifth photograph is held out', () => {
    const imgs = Array.from({ length: 6 }, () => ramp(20, 20));
    const set = photoScenes(imgs, ['0', '1', '2', '3', '4', '5'], 1, 'dir');
    expect([set.train.length, set.heldOut.length]).toEqual([5, 1]);
    expect(set.description).toMatch(/5 training, 1 held-out: 4/);
  });

  it('mixes dead leaves into the training images at the asked fraction, held-out set untouched', () => {
    const base = regionScenes([ramp(200, 50), ramp(100, 40), ramp(120, 40)], ['a', 'b', 'c'], 1, 'dir', 0.3, 40, 30);
    const half = withDeadLeaves(base, 0.5, 1, 64);
    expect(half.train.length).toBe(6); // 3 photographs + 3 dead-leaves images: half the crops
    expect(half.train.slice(0, 3)).toEqual(base.train);
    expect(half.heldOut).toBe(base.heldOut);
    expect(half.train.slice(3).every((im) => im.width === 64 && im.height === 64 && im.channels === 1)).toBe(true);
    expect(new Set(half.train[3].data).size).toBeGreaterThan(2); // an image, not a constant
    expect(half.description).toMatch(/plus 3 dead-leaves training images of 64 px \(50 % of the training crops\)$/);
    expect(withDeadLeaves(base, 0.75, 1, 64).train.length).toBe(3 + 9);
    expect(withDeadLeaves(base, 0.01, 1, 64).train.length).toBe(4); // at least one
    expect(withDeadLeaves(base, 0, 1, 64)).toBe(base);
    expect(() => withDeadLeaves(base, 1, 1, 64)).toThrow(/\[0, 1\)/);
    expect(() => withDeadLeaves(base, Number.NaN, 1, 64)).toThrow(/\[0, 1\)/);
  });
});
