import { describe, expect, it } from 'vitest';
import { choleskyInPlace, normalEquations, solveSymmetric, symmetricEigen } from './linalg.ts';

describe('linalg', () => {
  it('forms JᵀJ and Jᵀr', () => {
    // J = [[1, 2], [3, 4], [5, 6]], r = [1, −1, 2]
    const a = new Float64Array(4);
    const g = new Float64Array(2);
    normalEquations(Float64Array.of(1, 2, 3, 4, 5, 6), Float64Array.of(1, -1, 2), 3, 2, a, g);
    expect(Array.from(a)).toEqual([35, 44, 44, 56]);
    expect(Array.from(g)).toEqual([8, 10]);
  });

  it('solves an SPD system by Cholesky exactly', () => {
    // A = [[4, 2, 0], [2, 5, 1], [0, 1, 3]], x = [1, −2, 3] → b = A x = [0, −5, 7]
    const a = Float64Array.of(4, 2, 0, 2, 5, 1, 0, 1, 3);
    const out = new Float64Array(3);
    expect(solveSymmetric(a, 3, Float64Array.of(0, -5, 7), out)).toBe('cholesky');
    expect(out[0]).toBeCloseTo(1, 14);
    expect(out[1]).toBeCloseTo(-2, 14);
    expect(out[2]).toBeCloseTo(3, 14);
  });

  it('reports an indefinite or singular matrix from Cholesky', () => {
    expect(choleskyInPlace(Float64Array.of(1, 2, 2, 1), 2)).toBe(false);
    expect(choleskyInPlace(Float64Array.of(1, 1, 1, 1), 2)).toBe(false);
    expect(choleskyInPlace(Float64Array.of(0, 0, 0, 0), 2)).toBe(false);
  });

  it('falls back to the minimum-norm solution for a singular system', () => {
    // A = [[1, 1], [1, 1]], b = [2, 2]: solutions x₀ + x₁ = 2, minimum norm (1, 1).
    const out = new Float64Array(2);
    expect(solveSymmetric(Float64Array.of(1, 1, 1, 1), 2, Float64Array.of(2, 2), out)).toBe('pseudoinverse');
    expect(out[0]).toBeCloseTo(1, 14);
    expect(out[1]).toBeCloseTo(1, 14);
  });

  it('is independent of the scale of the unknowns', () => {
    // Same system with unknown 1 in units 1e-8 smaller: A' = S A S, b' = S b, x' = S⁻¹ x.
    const sc = [1, 1e8, 1e-6];
    const a = [4, 2, 0, 2, 5, 1, 0, 1, 3];
    const a2 = Float64Array.from(a, (v, k) => v * sc[Math.floor(k / 3)] * sc[k % 3]);
    const b2 = Float64Array.from([0, -5, 7], (v, i) => v * sc[i]);
    const out = new Float64Array(3);
    expect(solveSymmetric(a2, 3, b2, out)).toBe('cholesky');
    [1, -2, 3].forEach((x, i) => expect(out[i] * sc[i]).toBeCloseTo(x, 12));
  });

  it('diagonalises a symmetric matrix (A V = V diag(w))', () => {
    const a = Float64Array.of(2, -1, 0, 0, -1, 2, -1, 0, 0, -1, 2, -1, 0, 0, -1, 2);
    const { values, vectors } = symmetricEigen(a, 4);
    // Eigenvalues of the 1-D Laplacian: 2 − 2 cos(kπ/5), k = 1..4.
    const expected = [1, 2, 3, 4].map((k) => 2 - 2 * Math.cos((k * Math.PI) / 5)).sort();
    expect(Array.from(values).sort((u, v) => u - v).map((v) => +v.toFixed(12))).toEqual(
      expected.map((v) => +v.toFixed(12)),
    );
    for (let k = 0; k < 4; k++) {
      for (let i = 0; i < 4; i++) {
        let av = 0;
        for (let j = 0; j < 4; j++) av += a[i * 4 + j] * vectors[j * 4 + k];
        expect(av).toBeCloseTo(values[k] * vectors[i * 4 + k], 12);
      }
    }
  });
});
