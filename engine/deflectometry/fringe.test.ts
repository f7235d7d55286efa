import { describe, expect, it } from 'vitest';
import { decodePhaseShift, decodeScreenPoints, unwrapMultiPeriod } from './fringe.ts';
import { makePatternSet, patternFrames, patternIntensity, type PatternSet } from './patterns.ts';
import { Rng } from '../imaging/prng.ts';

const SCREEN = { widthPx: 2560, heightPx: 1600, pitchMm: 0.11185 };
const RIG_PERIODS = [70, 100, 110];

/** Camera images of a set of screen points (s, t in screen px) with gain, dark level, noise, 16-bit. */
function render(
  set: PatternSet,
  s: Float64Array,
  t: Float64Array,
  opts: { gain?: number; dark?: number; sigma?: number; seed?: number; periodFor?: (p: number, k: number) => number } = {},
): Uint16Array[] {
  const gain = opts.gain ?? 0.8;
  const dark = opts.dark ?? 0.02;
  const rng = new Rng(opts.seed ?? 1);
  return patternFrames(set).map((frame) => {
    const img = new Uint16Array(s.length);
    for (let p = 0; p < s.length; p++) {
      const period = opts.periodFor ? opts.periodFor(frame.periodPx, p) : frame.periodPx;
      const v = dark + gain * patternIntensity(set, { ...frame, periodPx: period }, s[p], t[p]) + (opts.sigma ?? 0) * rng.normal();
      img[p] = Math.round(Math.min(1, Math.max(0, v)) * 65535);
    }
    return img;
  });
}

function randomPoints(n: number, seed: number): { s: Float64Array; t: Float64Array } {
  const rng = new Rng(seed);
  const s = new Float64Array(n);
  const t = new Float64Array(n);
  for (let p = 0; p < n; p++) {
    s[p] = -0.5 + rng.next() * SCREEN.widthPx;
    t[p] = -0.5 + rng.next() * SCREEN.heightPx;
  }
  // Named edge cases: both screen edges and the phase origin.
  s[0] = -0.49;
  t[0] = -0.49;
  s[1] = SCREEN.widthPx - 0.51;
  t[1] = SCREEN.heightPx - 0.51;
  s[2] = 0;
  t[2] = 0;
  return { s, t };
}

describe('N-step phase shifting', () => {
  it('recovers phase, modulation and mean of exact sinusoids for N = 3, 4, 5 and 8', () => {
    for (const n of [3, 4, 5, 8]) {
      const phi = [-3.1, -1, 0, 0.5, 2, 3.14];
      const frames = Array.from({ length: n }, (_, k) => Float64Array.from(phi, (f) => 0.3 + 0.2 * Math.cos(f + (2 * Math.PI * k) / n)));
      const pm = decodePhaseShift(frames);
      phi.forEach((f, i) => {
        expect(pm.phase[i]).toBeCloseTo(f, 12);
        expect(pm.modulation[i]).toBeCloseTo(0.2, 12);
        expect(pm.mean[i]).toBeCloseTo(0.3, 12);
      });
    }
  });

  it('rejects fewer than three frames and frames of different sizes', () => {
    expect(() => decodePhaseShift([new Float64Array(4), new Float64Array(4)])).toThrow(/at least 3/);
    expect(() => decodePhaseShift([new Float64Array(4), new Float64Array(4), new Float64Array(5)])).toThrow(/differ in size/);
  });
});

describe('multi-period unwrapping to screen millimetres', () => {
  it('round-trips synthetic screen positions over the whole screen (no noise, 16-bit)', () => {
    const set = makePatternSet(RIG_PERIODS, 4);
    const { s, t } = randomPoints(20000, 7);
    const m = decodeScreenPoints(render(set, s, t), s.length, 1, set, SCREEN);
    let worst = 0;
    for (let p = 0; p < s.length; p++) {
      expect(m.valid[p]).toBe(1);
      worst = Math.max(worst, Math.abs(m.xMm[p] - s[p] * SCREEN.pitchMm), Math.abs(m.yMm[p] - t[p] * SCREEN.pitchMm));
    }
    // 16-bit quantisation alone: phase error ~ 2^-16 / B → well under a micrometre on the screen.
    expect(worst).toBeLessThan(1e-3);
  });

  it('exact sinusoids in float64 unwrap to 1e-9 px', () => {
    const set = makePatternSet(RIG_PERIODS, 4);
    const { s, t } = randomPoints(2000, 3);
    const images = patternFrames(set).map((f) => Float64Array.from(s, (sp, p) => patternIntensity(set, f, sp, t[p])));
    const m = decodeScreenPoints(images, s.length, 1, set, SCREEN, { fullScale: 1 });
    for (let p = 0; p < s.length; p++) {
      expect(Math.abs(m.xMm[p] / SCREEN.pitchMm - s[p])).toBeLessThan(1e-9);
      expect(Math.abs(m.yMm[p] / SCREEN.pitchMm - t[p])).toBeLessThan(1e-9);
    }
  });

  it('is robust to sensor noise: no unwrapping blunders and an error at the predicted noise floor', () => {
    const set = makePatternSet(RIG_PERIODS, 4);
    const { s, t } = randomPoints(30000, 11);
    const sigma = 0.01; // 1 % of full scale per frame: a noisy camera
    const gain = 0.8;
    const m = decodeScreenPoints(render(set, s, t, { sigma, gain, seed: 5 }), s.length, 1, set, SCREEN);
    let sum2 = 0;
    let count = 0;
    let worst = 0;
    for (let p = 0; p < s.length; p++) {
      if (!m.valid[p]) continue;
      const e = m.xMm[p] / SCREEN.pitchMm - s[p];
      sum2 += e * e;
      count++;
      worst = Math.max(worst, Math.abs(e));
    }
    // Predicted per-period position σ: P σ / (2π B √(N/2)), B = gain · amplitude; combined by
    // inverse-variance weights over the three periods.
    const b = gain * set.amplitude;
    const inv = RIG_PERIODS.reduce((acc, per) => acc + 1 / ((per * sigma) / (2 * Math.PI * b * Math.sqrt(2))) ** 2, 0);
    const predicted = Math.sqrt(1 / inv);
    const rms = Math.sqrt(sum2 / count);
    expect(count).toBeGreaterThan(0.999 * s.length);
    expect(rms).toBeGreaterThan(0.8 * predicted);
    expect(rms).toBeLessThan(1.2 * predicted);
    expect(worst).toBeLessThan(8 * predicted); // a blunder would be ≥ 10 px
  });

  it('masks most of a region shown with a wrong period and leaves the rest of the image intact', () => {
    // Where one of three periods is wrong, the other two still coincide every lcm(70, 110) = 770 px,
    // so a wrong-but-consistent position survives wherever the corrupted phase happens to match
    // one of those coincidences (about 3 candidates × 2·3 px / 100 px ≈ 20 %); the rest is masked.
    const set = makePatternSet(RIG_PERIODS, 4);
    const { s, t } = randomPoints(20000, 13);
    const bad = (p: number): boolean => p >= 10000;
    const images = render(set, s, t, { periodFor: (per, p) => (bad(p) && per === 100 ? 93 : per) });
    const m = decodeScreenPoints(images, s.length, 1, set, SCREEN);
    let maskedBad = 0;
    for (let p = 0; p < s.length; p++) {
      if (!bad(p)) {
        expect(m.valid[p]).toBe(1);
        expect(Math.abs(m.xMm[p] / SCREEN.pitchMm - s[p])).toBeLessThan(0.05);
      } else if (!m.valid[p]) maskedBad++;
      else expect(m.misfitPx[p]).toBeLessThanOrEqual(3);
    }
    expect(maskedBad).toBeGreaterThan(0.75 * 10000);
    expect(m.maskedInconsistent).toBe(maskedBad);
  });

  it('masks dark pixels (mount, off-screen) and flat, saturated ones by modulation', () => {
    const set = makePatternSet(RIG_PERIODS, 4);
    const frames = patternFrames(set);
    const n = 4;
    // pixel 0: fine; 1: dark; 2: uniform grey (no fringes); 3: saturated white.
    const images = frames.map((f) => Uint16Array.from([Math.round((0.05 + 0.7 * patternIntensity(set, f, 300.2, 500.7)) * 65535), 300, 30000, 65535]));
    const m = decodeScreenPoints(images, n, 1, set, SCREEN);
    expect(Array.from(m.valid)).toEqual([1, 0, 0, 0]);
    expect(m.maskedLowModulation).toBe(3);
    expect(m.xMm[0] / SCREEN.pitchMm).toBeCloseTo(300.2, 2);
    expect(m.yMm[0] / SCREEN.pitchMm).toBeCloseTo(500.7, 2);
    expect(Number.isNaN(m.xMm[1])).toBe(true);
  });

  it('flags a single period as ambiguous unless the range holds one period', () => {
    const phase = Float64Array.from([1, 1]);
    const mod = Float64Array.from([0.4, 0.4]);
    const many = unwrapMultiPeriod([phase], [mod], [70], Uint8Array.from([1, 1]), { rangePx: [0, 2559] });
    expect(Array.from(many.valid)).toEqual([0, 0]);
    const one = unwrapMultiPeriod([phase], [mod], [70], Uint8Array.from([1, 1]), { rangePx: [0, 60] });
    expect(Array.from(one.valid)).toEqual([1, 1]);
    expect(one.coordPx[0]).toBeCloseTo((70 * 1) / (2 * Math.PI), 12);
  });

  it('rejects a wrong number of images or images of the wrong size', () => {
    const set = makePatternSet(RIG_PERIODS, 4);
    const imgs = patternFrames(set).map(() => new Uint16Array(6));
    expect(() => decodeScreenPoints(imgs.slice(1), 3, 2, set, SCREEN)).toThrow(/expected 24 fringe images/);
    imgs[5] = new Uint16Array(5);
    expect(() => decodeScreenPoints(imgs, 3, 2, set, SCREEN)).toThrow(/image 5 has 5 pixels, expected 3×2/);
  });
});
