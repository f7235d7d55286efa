import { describe, expect, it } from 'vitest';
import { adam, leastSquaresObjective, type ScalarObjective } from './adam.ts';
import type { LeastSquaresProblem, ProgressEvent } from './problem.ts';

/** L = Σ aⱼ (xⱼ − cⱼ)², curvatures spanning four decades. */
const a = [0.01, 1, 100];
const c = [2, -1, 0.5];
const bowl: ScalarObjective = (x) => {
  let value = 0;
  const gradient = new Float64Array(3);
  for (let j = 0; j < 3; j++) {
    value += a[j] * (x[j] - c[j]) ** 2;
    gradient[j] = 2 * a[j] * (x[j] - c[j]);
  }
  return { value, gradient };
};

describe('adam', () => {
  it('takes a first step of exactly α per variable against the gradient sign (bias correction)', async () => {
    // m̂ / √v̂ = g / |g| at t = 1, so the step is α·sign(g) up to ε/|g|.
    const events: ProgressEvent[] = [];
    const x0 = Float64Array.of(0, 0, 0);
    await adam(bowl, x0, {
      learningRate: [0.1, 0.02],
      groups: [0, 1, 0],
      maxIterations: 1,
      epsilon: 0,
      onProgress: (e) => events.push(e),
    });
    // The step from 0 lowers the loss, so the best point after iteration 1 is the first iterate.
    const x1 = events[1].x;
    expect(x1[0]).toBeCloseTo(0.1, 15);
    expect(x1[1]).toBeCloseTo(-0.02, 15);
    expect(x1[2]).toBeCloseTo(0.1, 15);
  });

  it('minimises an ill-scaled convex bowl', async () => {
    const res = await adam(bowl, Float64Array.of(0, 0, 0), {
      learningRate: 0.05,
      maxIterations: 3000,
      relativeTolerance: 0,
    });
    // Adam is insensitive to the curvature spread: all three reach their minimum.
    expect(res.merit).toBeLessThan(1e-6 * res.initialMerit);
    for (let j = 0; j < 3; j++) expect(Math.abs(res.x[j] - c[j])).toBeLessThan(2e-2);
    for (let k = 1; k < res.history.length; k++) expect(res.history[k]).toBeLessThanOrEqual(res.history[k - 1]);
  });

  it('keeps every iterate in the bounds and finds the bound-constrained minimum', async () => {
    const visited: number[] = [];
    const f: ScalarObjective = (x) => {
      visited.push(x[0]);
      return { value: (x[0] - 3) ** 2, gradient: Float64Array.of(2 * (x[0] - 3)) };
    };
    const res = await adam(f, Float64Array.of(-5), {
      learningRate: 0.5,
      lower: Float64Array.of(-2),
      upper: Float64Array.of(1),
      maxIterations: 200,
    });
    expect(res.x[0]).toBe(1);
    expect(res.merit).toBe(4);
    expect(visited[0]).toBe(-2); // the start was clamped
    for (const v of visited) expect(v >= -2 && v <= 1).toBe(true);
  });

  it('leaves a group with learning rate 0 untouched', async () => {
    const res = await adam(bowl, Float64Array.of(0, 0, 0), { learningRate: [0.05, 0], groups: [0, 1, 0], maxIterations: 50 });
    expect(res.x[1]).toBe(0);
    expect(res.x[0]).not.toBe(0);
  });

  it('stops with "no further improvement" (not "converged") when the loss no longer improves', async () => {
    const res = await adam(bowl, Float64Array.of(0, 0, 0), {
      learningRate: 0.05,
      maxIterations: 100000,
      relativeTolerance: 1e-3,
      patience: 20,
    });
    // Adam's steps stay about α long: it hovers around the minimum, where the gradient is not ~0.
    expect(res.stopReason).toBe('noImprovement');
    expect(res.iterations).toBeLessThan(100000);
  });

  it('says "converged" at a stationary point: every variable held at a bound by the gradient', async () => {
    // The bowl's minimum (2, −1, 0.5) lies outside the box: the best point is its corner (1, 0, 0).
    const res = await adam(bowl, Float64Array.of(0.5, 0.5, 0.2), {
      learningRate: 0.05,
      maxIterations: 10000,
      lower: Float64Array.of(-1, 0, -1),
      upper: Float64Array.of(1, 1, 0),
    });
    expect(res.stopReason).toBe('converged');
    expect(Array.from(res.x)).toEqual([1, 0, 0]);
  });

  it('minimises a least-squares merit through leastSquaresObjective (gradient 2Jᵀr)', async () => {
    const p: LeastSquaresProblem = {
      nVariables: 2,
      nResiduals: 2,
      evaluate: (x) => ({
        residuals: Float64Array.of(x[0] + 2 * x[1] - 4, 3 * x[0] - x[1] - 5),
        jacobian: Float64Array.of(1, 2, 3, -1),
      }),
    };
    const obj = leastSquaresObjective(p);
    const { value, gradient } = obj(Float64Array.of(1, 1));
    // r = (−1, −3): value 10, gradient 2·Jᵀr = 2·(−1 − 9, −2 + 3) = (−20, 2)
    expect(value).toBe(10);
    expect(Array.from(gradient)).toEqual([-20, 2]);
    const res = await adam(obj, Float64Array.of(0, 0), { learningRate: 0.05, maxIterations: 4000, relativeTolerance: 0 });
    expect(res.x[0]).toBeCloseTo(2, 3); // solution of x + 2y = 4, 3x − y = 5
    expect(res.x[1]).toBeCloseTo(1, 3);
  });

  it('recovers from non-finite losses and never returns one', async () => {
    const f: ScalarObjective = (x) =>
      x[0] > 1.2 ? { value: NaN, gradient: Float64Array.of(NaN) } : { value: (x[0] - 2) ** 2, gradient: Float64Array.of(2 * (x[0] - 2)) };
    const res = await adam(f, Float64Array.of(0), { learningRate: 0.1, maxIterations: 300 });
    expect(Number.isFinite(res.merit)).toBe(true);
    expect(res.x[0]).toBeLessThanOrEqual(1.2);
  });

  it('returns the best point seen when cancelled', async () => {
    const controller = new AbortController();
    const seen: { x: number; value: number }[] = [];
    // A loss Adam overshoots: the iterates oscillate, so the best is not simply the last.
    const f: ScalarObjective = (x) => {
      const value = Math.abs(x[0] - 1) ** 1.5;
      seen.push({ x: x[0], value });
      if (seen.length === 40) controller.abort();
      return { value, gradient: Float64Array.of(1.5 * Math.sign(x[0] - 1) * Math.abs(x[0] - 1) ** 0.5) };
    };
    const res = await adam(f, Float64Array.of(0), { learningRate: 0.3, signal: controller.signal, maxIterations: 1000 });
    expect(res.stopReason).toBe('cancelled');
    const best = seen.reduce((u, v) => (v.value < u.value ? v : u));
    expect(res.merit).toBe(best.value);
    expect(res.x[0]).toBe(best.x);
    expect(res.iterations).toBe(39);
  });

  it('rejects bad learning-rate groups', async () => {
    await expect(adam(bowl, Float64Array.of(0, 0, 0), { learningRate: [0.1], groups: [0, 1, 0] })).rejects.toThrow(
      /group 1, which has no learning rate/,
    );
    await expect(adam(bowl, Float64Array.of(0, 0, 0), { groups: [0, 0] })).rejects.toThrow(/groups has 2 entries/);
  });
});
