import { describe, expect, it } from 'vitest';
import { gaussianPupil, gaussianRings, gaussLegendre } from './pupilQuadrature.ts';

/** Mean of f over the unit disk by the sampled rule. */
function ruleMean(s: ReturnType<typeof gaussianPupil>, f: (x: number, y: number) => number): number {
  let acc = 0;
  for (let k = 0; k < s.weight.length; k++) acc += s.weight[k] * f(s.px[k], s.py[k]);
  return acc;
}

/**
 * Exact mean of x^p y^q over the unit disk: (1/π) ∫₀¹ ρ^(p+q+1) dρ ∫₀^{2π} cos^p θ sin^q θ dθ. The
 * angular integral is computed by a 4096-point trapezoid rule, exact for trigonometric polynomials
 * of degree < 4096 (an independent check of the arms).
 */
function exactMonomialMean(p: number, q: number): number {
  const K = 4096;
  let ang = 0;
  for (let k = 0; k < K; k++) {
    const t = (2 * Math.PI * k) / K;
    ang += Math.cos(t) ** p * Math.sin(t) ** q;
  }
  ang *= (2 * Math.PI) / K;
  return ang / (p + q + 2) / Math.PI;
}

describe('gaussLegendre', () => {
  it('integrates x^k on [−1, 1] exactly up to degree 2n − 1', () => {
    for (const n of [1, 2, 3, 5, 8, 12]) {
      const { nodes, weights } = gaussLegendre(n);
      for (let k = 0; k <= 2 * n - 1; k++) {
        let s = 0;
        for (let i = 0; i < n; i++) s += weights[i] * nodes[i] ** k;
        expect(s).toBeCloseTo(k % 2 ? 0 : 2 / (k + 1), 13);
      }
    }
  });
});

describe('gaussianRings', () => {
  it('matches the closed forms for 1, 2 and 3 rings', () => {
    // u = ρ² at the Gauss–Legendre nodes mapped to [0, 1]: ½, ½ ± ½/√3, ½ ± ½√(3/5).
    expect(Array.from(gaussianRings(1).radii)).toEqual([Math.SQRT1_2]);
    const two = gaussianRings(2);
    expect(two.radii[0]).toBeCloseTo(Math.sqrt(0.5 - 0.5 / Math.sqrt(3)), 15);
    expect(two.radii[1]).toBeCloseTo(Math.sqrt(0.5 + 0.5 / Math.sqrt(3)), 15);
    const three = gaussianRings(3);
    expect(three.radii[0]).toBeCloseTo(0.3357106870197288, 14);
    expect(three.radii[1]).toBeCloseTo(0.7071067811865476, 14);
    expect(three.radii[2]).toBeCloseTo(0.9419651451198933, 14);
    expect(three.weights[0]).toBeCloseTo(5 / 18, 15);
    expect(three.weights[1]).toBeCloseTo(8 / 18, 15);
    expect(three.weights[2]).toBeCloseTo(5 / 18, 15);
  });
});

describe('gaussianPupil', () => {
  it('has weights summing to 1 and rays inside the unit pupil, in every mode', () => {
    for (const [rings, arms] of [[1, 6], [3, 6], [4, 8], [6, 12], [5, 7]]) {
      for (const sym of ['none', 'mirrorX', 'rotational'] as const) {
        const s = gaussianPupil(rings, arms, sym);
        expect(s.weight.reduce((u, v) => u + v, 0)).toBeCloseTo(1, 14);
        for (let k = 0; k < s.px.length; k++) expect(Math.hypot(s.px[k], s.py[k])).toBeLessThan(1);
      }
    }
    expect(gaussianPupil(3, 6).px.length).toBe(18);
    expect(gaussianPupil(3, 6, 'mirrorX').px.length).toBe(9);
    expect(gaussianPupil(3, 6, 'rotational').px.length).toBe(3);
  });

  it('integrates ρ^(2k) exactly for k ≤ 2N − 1 and not beyond', () => {
    for (const rings of [1, 2, 3, 4, 6]) {
      const s = gaussianPupil(rings, 6);
      for (let k = 0; k <= 2 * rings - 1; k++) {
        expect(ruleMean(s, (x, y) => (x * x + y * y) ** k)).toBeCloseTo(1 / (k + 1), 14);
      }
      const k = 2 * rings;
      // Round-off is ~1e-16; a genuinely inexact rule misses by far more.
      expect(Math.abs(ruleMean(s, (x, y) => (x * x + y * y) ** k) - 1 / (k + 1))).toBeGreaterThan(1e-12);
    }
  });

  it('integrates every monomial x^p y^q exactly up to total degree 10 with 3 rings and 12 arms', () => {
    const s = gaussianPupil(3, 12);
    for (let deg = 0; deg <= 10; deg++) {
      for (let p = 0; p <= deg; p++) {
        const q = deg - p;
        expect(ruleMean(s, (x, y) => x ** p * y ** q)).toBeCloseTo(exactMonomialMean(p, q), 14);
      }
    }
    // Degree M = 12 in angle is beyond 12 arms: cos(12θ) terms alias.
    expect(Math.abs(ruleMean(s, (x, y) => x ** 12) - exactMonomialMean(12, 0))).toBeGreaterThan(1e-6);
  });

  it('3 rings and 6 arms integrate the squared spot error of coma plus defocus exactly', () => {
    const s = gaussianPupil(3, 6);
    // Δy = y (x² + y²) + 0.3 y, Δx = x y + 0.1 x: the squared radius has powers ρ² … ρ⁶ (within
    // ρ^(4N−2) = ρ¹⁰) and angular frequencies ≤ 2 (within M − 1 = 5).
    const f = (x: number, y: number) => (y * (x * x + y * y) + 0.3 * y) ** 2 + (x * y + 0.1 * x) ** 2;
    let exact = 0;
    // Expand by hand into monomials: y²(x²+y²)² + 0.6 y²(x²+y²) + 0.09 y² + x²y² + 0.2 x²y + 0.01 x².
    const terms: [number, number, number][] = [
      [1, 4, 2], [2, 2, 4], [1, 0, 6], // y²(x⁴ + 2x²y² + y⁴)
      [0.6, 2, 2], [0.6, 0, 4], [0.09, 0, 2], [1, 2, 2], [0.2, 2, 1], [0.01, 2, 0],
    ];
    for (const [c, p, q] of terms) exact += c * exactMonomialMean(p, q);
    expect(ruleMean(s, f)).toBeCloseTo(exact, 14);
  });

  it('the half pupil equals the full pupil for left-right symmetric integrands', () => {
    const full = gaussianPupil(4, 8);
    const half = gaussianPupil(4, 8, 'mirrorX');
    for (let k = 0; k < half.px.length; k++) expect(half.px[k]).toBeGreaterThanOrEqual(0);
    const f = (x: number, y: number) => Math.exp(0.3 * y) * Math.cos(2 * x) + y ** 3 * x * x;
    expect(ruleMean(half, f)).toBeCloseTo(ruleMean(full, f), 14);
    // Odd arm counts put one arm on the −y axis; it keeps its single weight.
    const f2 = (x: number, y: number) => x * x * y + y ** 3 + 1;
    expect(ruleMean(gaussianPupil(3, 7, 'mirrorX'), f2)).toBeCloseTo(ruleMean(gaussianPupil(3, 7), f2), 14);
  });

  it('rejects bad counts', () => {
    expect(() => gaussianPupil(0, 6)).toThrow(/integer in 1..100/);
    expect(() => gaussianPupil(3, 2.5)).toThrow(/arms must be an integer/);
  });
});
