/**
 * Monte Carlo: the distributions, reproducibility from the seed, shards that merge into exactly
 * the single run, and the statistics' definitions.
 */
import { describe, expect, it } from 'vitest';
import fs from 'node:fs';
import path from 'node:path';
import { parsePrescriptionJson } from '../io/json.ts';
import { GlassLibrary } from '../materials/glassLibrary.ts';
import { buildSystem } from '../paraxial/buildSystem.ts';
import { defaultToleranceSpec } from './defaults.ts';
import { prepareTolerancing } from './setup.ts';
import { mergeShards, runTrials, statistics, type Shard } from './monteCarlo.ts';
import { normalQuantile, sampleDistribution, sampleTrial, uniform01 } from './sampling.ts';

const root = path.resolve(import.meta.dirname, '../..');
const glass = GlassLibrary.builtin();
const cooke = parsePrescriptionJson(fs.readFileSync(path.join(root, 'lens-library/cooke-triplet.json'), 'utf8'));

function moments(xs: number[]): { mean: number; variance: number } {
  const mean = xs.reduce((a, v) => a + v, 0) / xs.length;
  return { mean, variance: xs.reduce((a, v) => a + (v - mean) ** 2, 0) / xs.length };
}

describe('sampling', () => {
  it('the inverse normal CDF is accurate', () => {
    expect(normalQuantile(0.5)).toBeCloseTo(0, 12);
    expect(normalQuantile(0.9772498680518208)).toBeCloseTo(2, 8);
    expect(normalQuantile(0.022750131948179195)).toBeCloseTo(-2, 8);
    expect(normalQuantile(0.8413447460685429)).toBeCloseTo(1, 8);
    expect(normalQuantile(1e-6)).toBeCloseTo(-4.753424308822899, 7);
  });

  it('draws each distribution with its stated moments, inside the limits', () => {
    const N = 40000;
    const draw = (d: 'normal' | 'uniform' | 'parabolic' | 'end-points') => Array.from({ length: N }, (_, t) => sampleDistribution(d, -2, 4, uniform01(7, t, 3)));
    // Half-width h = 3 about 1. Uniform: h²/3; parabolic (density ∝ x²): 3h²/5; end-points: h²;
    // normal truncated at ±2σ with σ = h/2: σ²(1 − 4φ(2)/(Φ(2) − Φ(−2))).
    const phi2 = Math.exp(-2) / Math.sqrt(2 * Math.PI);
    const truncated = 2.25 * (1 - (4 * phi2) / (0.9772498680518208 - 0.022750131948179195));
    const cases = [['uniform', 3], ['parabolic', 27 / 5], ['end-points', 9], ['normal', truncated]] as const;
    for (const [d, variance] of cases) {
      const xs = draw(d);
      const m = moments(xs);
      expect(Math.min(...xs)).toBeGreaterThanOrEqual(-2);
      expect(Math.max(...xs)).toBeLessThanOrEqual(4);
      expect(Math.abs(m.mean - 1)).toBeLessThan((4 * Math.sqrt(variance)) / Math.sqrt(N));
      expect(Math.abs(m.variance - variance) / variance).toBeLessThan(0.03);
    }
    expect(new Set(draw('end-points'))).toEqual(new Set([-2, 4]));
  });

  it('is a pure function of (seed, trial, operand)', () => {
    const ops = [{ min: -1, max: 1 }, { min: 0, max: 2, distribution: 'uniform' as const }];
    expect(sampleTrial(ops, 42, 17)).toEqual(sampleTrial(ops, 42, 17));
    expect(sampleTrial(ops, 42, 17)).not.toEqual(sampleTrial(ops, 43, 17));
    expect(sampleTrial(ops, 42, 17)).not.toEqual(sampleTrial(ops, 42, 18));
    const u = Array.from({ length: 20000 }, (_, t) => uniform01(1, t, 0));
    expect(Math.abs(moments(u).mean - 0.5)).toBeLessThan(0.01);
    expect(Math.abs(moments(u).variance - 1 / 12)).toBeLessThan(0.002);
  });
});

describe('Monte Carlo', () => {
  const spec = defaultToleranceSpec(cooke, buildSystem(cooke, glass));
  const tol = prepareTolerancing(cooke, spec, glass);

  it('is reproducible from its seed, and two shards merge into exactly the single run', () => {
    const N = 40;
    const single = runTrials(tol.evaluator, tol.sampled, 1234, N, 0, N);
    const again = runTrials(prepareTolerancing(cooke, spec, glass).evaluator, tol.sampled, 1234, N, 0, N);
    expect(again.values).toEqual(single.values);
    const a = runTrials(tol.evaluator, tol.sampled, 1234, N, 0, 17);
    const b = runTrials(tol.evaluator, tol.sampled, 1234, N, 17, N);
    const merged = mergeShards([b, a]);
    expect(merged).toEqual(single);
    expect(statistics(merged, 0.012)).toEqual(statistics(single, 0.012));
    const other = runTrials(tol.evaluator, tol.sampled, 999, N, 0, N);
    expect(other.values).not.toEqual(single.values);
    // The worst trial reproduces from its perturbation.
    expect(tol.evaluator.evaluate(single.worst!.delta).value).toBe(single.worst!.value);
    expect(single.worst!.value).toBe(Math.max(...single.values));
  });

  it('refuses shards that overlap, leave gaps or come from another run', () => {
    const s = (start: number, end: number, seed = 1, trials = 10): Shard => ({ seed, trials, start, end, values: Array(end - start).fill(1), compensators: Array(end - start).fill([0]), worst: null });
    expect(() => mergeShards([s(0, 5), s(4, 10)])).toThrow(/overlap/);
    expect(() => mergeShards([s(0, 4), s(5, 10)])).toThrow(/4:5 are missing/);
    expect(() => mergeShards([s(0, 5), s(5, 10, 2)])).toThrow(/seeds/);
    expect(() => runTrials(tol.evaluator, tol.sampled, 1, 10, 5, 11)).toThrow(/5:11/);
  });

  it('reports nearest-rank percentiles, the N − 1 standard deviation and the yield', () => {
    const values = Array.from({ length: 50 }, (_, i) => (i * 37) % 50 + 1); // 1..50 shuffled
    const st = statistics({ seed: 3, trials: 50, start: 0, end: 50, values, compensators: [], worst: null }, 45);
    expect([st.p10, st.p50, st.p90, st.p98]).toEqual([5, 25, 45, 49]);
    expect(st.mean).toBe(25.5);
    expect(st.std).toBeCloseTo(Math.sqrt((50 * 51) / 12), 12);
    expect(st.yield).toBe(0.9);
  });
});
