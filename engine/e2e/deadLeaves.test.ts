import { describe, expect, it } from 'vitest';
import { DEAD_LEAVES_HELDOUT_SEED, DEAD_LEAVES_TRAIN_SEED, deadLeaves, deadLeavesSet, sampleRadius } from './deadLeaves.ts';
import { Rng } from '../imaging/prng.ts';

describe('seeded PRNG', () => {
  it('repeats for a seed and differs between seeds', () => {
    const a = new Rng(42);
    const b = new Rng(42);
    const c = new Rng(43);
    const sa = Array.from({ length: 5 }, () => a.nextUint32());
    expect(Array.from({ length: 5 }, () => b.nextUint32())).toEqual(sa);
    expect(Array.from({ length: 5 }, () => c.nextUint32())).not.toEqual(sa);
  });

  it('uniform, normal and Poisson deviates have the right mean and variance', () => {
    const rng = new Rng(7);
    const n = 20000;
    const moments = (f: () => number) => {
      let s = 0, s2 = 0;
      for (let i = 0; i < n; i++) {
        const v = f();
        s += v;
        s2 += v * v;
      }
      return [s / n, s2 / n - (s / n) ** 2];
    };
    const [mu, vu] = moments(() => rng.next());
    expect(Math.abs(mu - 0.5)).toBeLessThan(5 * Math.sqrt(1 / 12 / n));
    expect(Math.abs(vu - 1 / 12)).toBeLessThan(0.003);
    const [mn, vn] = moments(() => rng.normal());
    expect(Math.abs(mn)).toBeLessThan(5 / Math.sqrt(n));
    expect(Math.abs(vn - 1)).toBeLessThan(5 * Math.sqrt(2 / n));
    for (const lambda of [0.5, 3, 37, 2500]) {
      const [m, v] = moments(() => rng.poisson(lambda));
      expect(Math.abs(m - lambda)).toBeLessThan(5 * Math.sqrt(lambda / n));
      expect(Math.abs(v / lambda - 1)).toBeLessThan(5 * Math.sqrt(2 / n) + 5 / Math.sqrt(n * lambda));
    }
  });
});

describe('dead-leaves images', () => {
  it('radii follow p(r) ∝ r⁻³ on [rMin, rMax] (Kolmogorov–Smirnov, 1 % level)', () => {
    const rng = new Rng(11);
    const n = 20000;
    const rMin = 2;
    const rMax = 40;
    const r = Array.from({ length: n }, () => sampleRadius(rng, rMin, rMax)).sort((a, b) => a - b);
    expect(r[0]).toBeGreaterThanOrEqual(rMin);
    expect(r[n - 1]).toBeLessThanOrEqual(rMax);
    const cdf = (x: number) => (rMin ** -2 - x ** -2) / (rMin ** -2 - rMax ** -2);
    let d = 0;
    for (let i = 0; i < n; i++) d = Math.max(d, Math.abs(cdf(r[i]) - i / n), Math.abs(cdf(r[i]) - (i + 1) / n));
    expect(d).toBeLessThan(1.63 / Math.sqrt(n));
  });

  it('is reproducible by seed, covers every pixel with leaf colours in range, and is piecewise constant', () => {
    const opts = { width: 96, height: 80, channels: 3 as const, seed: 5 };
    const a = deadLeaves(opts);
    expect(Array.from(deadLeaves(opts).data)).toEqual(Array.from(a.data));
    expect(Array.from(deadLeaves({ ...opts, seed: 6 }).data)).not.toEqual(Array.from(a.data));
    expect(a.data.every((v) => v >= 0.05 && v <= 0.95)).toBe(true);
    let same = 0;
    for (let r = 0; r < 80; r++) for (let c = 0; c + 1 < 96; c++) if (a.data[(r * 96 + c) * 3] === a.data[(r * 96 + c + 1) * 3]) same++;
    const frac = same / (80 * 95);
    // occluding disks: most neighbours share a leaf, but there are many edges at every scale
    expect(frac).toBeGreaterThan(0.5);
    expect(frac).toBeLessThan(0.97);
    const colours = new Set<number>();
    for (let i = 0; i < a.data.length; i += 3) colours.add(a.data[i]);
    expect(colours.size).toBeGreaterThan(50);
  });

  it('occlusion: the first-drawn (topmost) leaf is never painted over', () => {
    // with rMin = rMax-ish large disks and few of them, the front leaf is a full disk of one colour
    const img = deadLeaves({ width: 64, height: 64, channels: 1, seed: 9, rMin: 30, rMax: 31 });
    const rng = new Rng(9);
    const r = sampleRadius(rng, 30, 31);
    const cx = rng.uniform(-31, 64 + 31);
    const cy = rng.uniform(-31, 64 + 31);
    const v = Math.fround(rng.uniform(0.05, 0.95));
    let inside = 0;
    for (let row = 0; row < 64; row++) {
      for (let col = 0; col < 64; col++) {
        if ((col + 0.5 - cx) ** 2 + (row + 0.5 - cy) ** 2 <= r * r) {
          inside++;
          expect(img.data[row * 64 + col]).toBe(v);
        }
      }
    }
    expect(inside).toBeGreaterThan(0);
  });

  it('the train and held-out sets are fixed and disjoint', () => {
    const train = deadLeavesSet({ count: 2, size: 32, channels: 1, seed: DEAD_LEAVES_TRAIN_SEED });
    const held = deadLeavesSet({ count: 2, size: 32, channels: 1, seed: DEAD_LEAVES_HELDOUT_SEED });
    expect(Array.from(deadLeavesSet({ count: 2, size: 32, channels: 1, seed: DEAD_LEAVES_TRAIN_SEED })[1].data)).toEqual(Array.from(train[1].data));
    for (const t of train) for (const h of held) expect(Array.from(t.data)).not.toEqual(Array.from(h.data));
    expect(Array.from(train[0].data)).not.toEqual(Array.from(train[1].data));
  });

  it('rejects bad radii', () => {
    expect(() => deadLeaves({ width: 8, height: 8, channels: 1, seed: 1, rMin: 5, rMax: 2 })).toThrow(/rMin < rMax/);
  });
});
