import { describe, expect, it } from 'vitest';
import { dampedLeastSquares } from './dampedLeastSquares.ts';
import type { LeastSquaresProblem, ProgressEvent } from './problem.ts';

/** Rosenbrock as least squares: r = (10 (x₂ − x₁²), 1 − x₁); minimum 0 at (1, 1). */
function rosenbrock(bounds?: { lower?: number[]; upper?: number[] }): LeastSquaresProblem & { visited: Float64Array[] } {
  const visited: Float64Array[] = [];
  return {
    nVariables: 2,
    nResiduals: 2,
    lower: bounds?.lower ? Float64Array.from(bounds.lower) : undefined,
    upper: bounds?.upper ? Float64Array.from(bounds.upper) : undefined,
    visited,
    evaluate(x, wantJacobian) {
      visited.push(Float64Array.from(x));
      const residuals = Float64Array.of(10 * (x[1] - x[0] * x[0]), 1 - x[0]);
      return wantJacobian ? { residuals, jacobian: Float64Array.of(-20 * x[0], 10, -1, 0) } : { residuals };
    },
  };
}

/** y = a e^{−b t} + c sampled at 25 points, exactly (no noise). */
function exponentialFit(truth: number[]): LeastSquaresProblem {
  const t = Float64Array.from({ length: 25 }, (_, i) => i * 0.2);
  const y = t.map((ti) => truth[0] * Math.exp(-truth[1] * ti) + truth[2]);
  return {
    nVariables: 3,
    nResiduals: t.length,
    evaluate(x, wantJacobian) {
      const residuals = new Float64Array(t.length);
      const jacobian = new Float64Array(t.length * 3);
      for (let i = 0; i < t.length; i++) {
        const e = Math.exp(-x[1] * t[i]);
        residuals[i] = x[0] * e + x[2] - y[i];
        jacobian[i * 3] = e;
        jacobian[i * 3 + 1] = -x[0] * t[i] * e;
        jacobian[i * 3 + 2] = 1;
      }
      return wantJacobian ? { residuals, jacobian } : { residuals };
    },
  };
}

/** A linear least-squares problem r = A x − b (A row-major m×n). */
function linear(a: Float64Array, b: Float64Array, n: number): LeastSquaresProblem {
  const m = b.length;
  return {
    nVariables: n,
    nResiduals: m,
    evaluate(x, wantJacobian) {
      const residuals = new Float64Array(m);
      for (let i = 0; i < m; i++) {
        let s = -b[i];
        for (let j = 0; j < n; j++) s += a[i * n + j] * x[j];
        residuals[i] = s;
      }
      return wantJacobian ? { residuals, jacobian: Float64Array.from(a) } : { residuals };
    },
  };
}

/** Deterministic pseudo-random numbers in [−1, 1) (a 32-bit LCG; tests need repeatability only). */
function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 31 - 1;
  };
}

describe('dampedLeastSquares', () => {
  it('solves Rosenbrock from the classic start (−1.2, 1)', async () => {
    const p = rosenbrock();
    const res = await dampedLeastSquares(p, Float64Array.of(-1.2, 1));
    expect(res.stopReason).toBe('converged');
    expect(res.x[0]).toBeCloseTo(1, 10);
    expect(res.x[1]).toBeCloseTo(1, 10);
    expect(res.merit).toBeLessThan(1e-20);
    expect(res.initialMerit).toBeCloseTo(24.2, 12); // (10·(1 − 1.44))² + 2.2² = 19.36 + 4.84
    expect(res.history[0]).toBe(res.initialMerit);
    for (let k = 1; k < res.history.length; k++) expect(res.history[k]).toBeLessThan(res.history[k - 1]);
  });

  it('solves Rosenbrock with geodesic acceleration too', async () => {
    const res = await dampedLeastSquares(rosenbrock(), Float64Array.of(-1.2, 1), { geodesicAcceleration: true });
    expect(res.stopReason).toBe('converged');
    expect(res.x[0]).toBeCloseTo(1, 10);
    expect(res.x[1]).toBeCloseTo(1, 10);
  });

  it('finds the constrained minimum of Rosenbrock with x₁ ≤ 0.5, never leaving the box', async () => {
    // On the box the minimum has x₂ = x₁² (first residual 0) and x₁ as close to 1 as allowed.
    // The merit there is (1 − 0.5)² = 0.25; stopping at a relative merit change of 1e-15 leaves
    // 10·|x₂ − 0.25| ≤ √(0.25·1e-15), i.e. x₂ within 2e-9.
    const p = rosenbrock({ lower: [-2, -1], upper: [0.5, 3] });
    const res = await dampedLeastSquares(p, Float64Array.of(-1.2, 1), { relativeTolerance: 1e-15 });
    expect(res.x[0]).toBe(0.5);
    expect(Math.abs(res.x[1] - 0.25)).toBeLessThan(2e-9);
    expect(res.merit).toBeLessThanOrEqual(0.25 * (1 + 1e-15));
    expect(res.stopReason).toBe('converged');
    for (const v of p.visited) {
      expect(v[0]).toBeGreaterThanOrEqual(-2);
      expect(v[0]).toBeLessThanOrEqual(0.5);
      expect(v[1]).toBeGreaterThanOrEqual(-1);
      expect(v[1]).toBeLessThanOrEqual(3);
    }
  });

  it('clamps a start point outside the bounds and never evaluates outside', async () => {
    const p = rosenbrock({ lower: [0.8, 0.8], upper: [2, 2] });
    const res = await dampedLeastSquares(p, Float64Array.of(-1.2, 5));
    expect(p.visited[0][0]).toBe(0.8);
    expect(p.visited[0][1]).toBe(2);
    expect(res.x[0]).toBeCloseTo(1, 9);
    expect(res.x[1]).toBeCloseTo(1, 9);
    for (const v of p.visited) for (const c of v) expect(c >= 0.8 && c <= 2).toBe(true);
  });

  it('fits an exactly solvable exponential curve to round-off', async () => {
    const truth = [3.2, 0.7, -0.4];
    const res = await dampedLeastSquares(exponentialFit(truth), Float64Array.of(1, 2, 0));
    expect(res.stopReason).toBe('converged');
    for (let j = 0; j < 3; j++) expect(Math.abs(res.x[j] - truth[j])).toBeLessThan(1e-10 * (1 + Math.abs(truth[j])));
    expect(res.merit).toBeLessThan(1e-24);
  });

  it('reaches the least-squares minimum of an ill-conditioned, badly scaled polynomial fit', async () => {
    // A = Vandermonde [t^j], degree 9 on 40 points in [0, 1], columns scaled by 10^(j−4):
    // cond(A) ≈ 1e13, cond(AᵀA) ≈ 1e26, far past what one Cholesky solve can handle.
    const m = 40;
    const n = 10;
    const a = new Float64Array(m * n);
    for (let i = 0; i < m; i++) {
      const t = i / (m - 1);
      for (let j = 0; j < n; j++) a[i * n + j] = t ** j * 10 ** (j - 4);
    }
    const cTrue = Float64Array.from({ length: n }, (_, j) => (j % 2 ? -1 : 1) * (1 + j) * 10 ** (4 - j));
    // b = A c* + e with e orthogonal to range(A) (two passes of modified Gram–Schmidt), so the
    // minimum merit is exactly ‖e‖², attained at c*.
    const rand = lcg(7);
    const e = Float64Array.from({ length: m }, () => 1e-3 * rand());
    const q: Float64Array[] = [];
    for (let j = 0; j < n; j++) {
      const col = Float64Array.from({ length: m }, (_, i) => a[i * n + j]);
      for (let pass = 0; pass < 2; pass++) {
        for (const qk of q) {
          let dot = 0;
          for (let i = 0; i < m; i++) dot += qk[i] * col[i];
          for (let i = 0; i < m; i++) col[i] -= dot * qk[i];
        }
      }
      let norm = 0;
      for (let i = 0; i < m; i++) norm += col[i] * col[i];
      q.push(col.map((v) => v / Math.sqrt(norm)));
    }
    for (let pass = 0; pass < 2; pass++) {
      for (const qk of q) {
        let dot = 0;
        for (let i = 0; i < m; i++) dot += qk[i] * e[i];
        for (let i = 0; i < m; i++) e[i] -= dot * qk[i];
      }
    }
    let eNorm2 = 0;
    for (let i = 0; i < m; i++) eNorm2 += e[i] * e[i];
    const b = new Float64Array(m);
    for (let i = 0; i < m; i++) {
      let s = e[i];
      for (let j = 0; j < n; j++) s += a[i * n + j] * cTrue[j];
      b[i] = s;
    }
    const res = await dampedLeastSquares(linear(a, b, n), new Float64Array(n), { maxIterations: 500 });
    expect(['converged', 'stalled']).toContain(res.stopReason);
    // The merit cannot go below ‖e‖²; it should reach it to a relative 1e-9 (b has ‖b‖ ≈ 1e4).
    expect(res.merit).toBeGreaterThanOrEqual(eNorm2 * (1 - 1e-12));
    expect(res.merit).toBeLessThan(eNorm2 * (1 + 1e-9));
  });

  it('handles a rank-deficient Jacobian (redundant and inert variables)', async () => {
    // r = (x₀ + x₁ − 3, 2x₀ + 2x₁ − 6, x₀ − x₁ − 1·0 + 0·x₂): x₂ has no effect at all.
    const a = Float64Array.of(1, 1, 0, 2, 2, 0);
    const b = Float64Array.of(3, 6);
    const res = await dampedLeastSquares(linear(a, b, 3), Float64Array.of(0, 0, 5));
    expect(res.merit).toBeLessThan(1e-24);
    expect(res.x[0] + res.x[1]).toBeCloseTo(3, 12);
    expect(res.x[2]).toBe(5);
    expect(res.stopReason).toBe('converged');
  });

  it('treats non-finite residuals as an unacceptable point and keeps the best finite one', async () => {
    // The penalised model: beyond x = 1.5 the "lens" is invalid and the residual is infinite.
    const p: LeastSquaresProblem = {
      nVariables: 1,
      nResiduals: 1,
      evaluate(x, wantJacobian) {
        const residuals = Float64Array.of(x[0] > 1.5 ? Infinity : x[0] - 2);
        return wantJacobian ? { residuals, jacobian: Float64Array.of(1) } : { residuals };
      },
    };
    const res = await dampedLeastSquares(p, Float64Array.of(0));
    expect(Number.isFinite(res.merit)).toBe(true);
    expect(res.x[0]).toBeLessThanOrEqual(1.5);
    expect(res.x[0]).toBeGreaterThan(1.4);
  });

  it('stops at the iteration cap and reports progress every iteration', async () => {
    const events: ProgressEvent[] = [];
    const res = await dampedLeastSquares(rosenbrock(), Float64Array.of(-1.2, 1), {
      maxIterations: 3,
      onProgress: (e) => events.push(e),
    });
    expect(res.stopReason).toBe('maxIterations');
    expect(res.iterations).toBe(3);
    expect(events.map((e) => e.iteration)).toEqual([0, 1, 2, 3]);
    expect(events.map((e) => e.merit)).toEqual(res.history);
    expect(events[3].x).toEqual(res.x);
    expect(events[0].x).toEqual(Float64Array.of(-1.2, 1));
    expect(events[1].lambda).toBeGreaterThan(0);
  });

  it('returns the best point seen when cancelled mid-run', async () => {
    const controller = new AbortController();
    const seen: { x: Float64Array; merit: number }[] = [];
    const base = exponentialFit([3.2, 0.7, -0.4]);
    const p: LeastSquaresProblem = {
      ...base,
      evaluate(x, wantJacobian) {
        const out = base.evaluate(x, wantJacobian);
        let merit = 0;
        for (const v of out.residuals) merit += v * v;
        seen.push({ x: Float64Array.from(x), merit });
        if (seen.length === 10) controller.abort();
        return out;
      },
    };
    const res = await dampedLeastSquares(p, Float64Array.of(1, 2, 0), { signal: controller.signal });
    expect(res.stopReason).toBe('cancelled');
    const best = seen.reduce((u, v) => (v.merit < u.merit ? v : u));
    expect(res.merit).toBe(best.merit);
    expect(res.x).toEqual(best.x);
    expect(res.merit).toBeLessThan(res.initialMerit);
  });

  it('delivers an abort raised from a timer while a slow optimization runs', async () => {
    const controller = new AbortController();
    const slow = rosenbrock();
    const p: LeastSquaresProblem = {
      ...slow,
      evaluate(x, wantJacobian) {
        const until = performance.now() + 3;
        while (performance.now() < until); // a 3 ms "trace"
        return slow.evaluate(x, wantJacobian);
      },
    };
    setTimeout(() => controller.abort(), 30);
    // A far start and a vanishing tolerance keep it busy for hundreds of evaluations.
    const res = await dampedLeastSquares(p, Float64Array.of(-30, 900), {
      signal: controller.signal,
      relativeTolerance: 0,
      maxIterations: 100000,
      initialDamping: 1e8,
      yieldEveryMs: 5,
    });
    expect(res.stopReason).toBe('cancelled');
    expect(res.iterations).toBeLessThan(100000);
  });

  it('returns the start point at once when already aborted', async () => {
    const controller = new AbortController();
    controller.abort();
    const res = await dampedLeastSquares(rosenbrock(), Float64Array.of(-1.2, 1), { signal: controller.signal });
    expect(res.stopReason).toBe('cancelled');
    expect(res.iterations).toBe(0);
    expect(res.x).toEqual(Float64Array.of(-1.2, 1));
    expect(res.merit).toBe(res.initialMerit);
  });

  it('rejects inconsistent inputs with a clear error', async () => {
    await expect(dampedLeastSquares(rosenbrock(), Float64Array.of(1))).rejects.toThrow(/start point has 1 values/);
    await expect(
      dampedLeastSquares(rosenbrock({ lower: [1, 0], upper: [0, 1] }), Float64Array.of(0, 0)),
    ).rejects.toThrow(/bounds of variable 0/);
    const bad: LeastSquaresProblem = {
      nVariables: 1,
      nResiduals: 1,
      evaluate: () => ({ residuals: Float64Array.of(NaN), jacobian: Float64Array.of(1) }),
    };
    await expect(dampedLeastSquares(bad, Float64Array.of(0))).rejects.toThrow(/merit at the start point is not finite/);
  });
});
