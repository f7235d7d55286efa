/**
 * Each AGF formula 1..13 against a case worked by hand from the Zemax manual's formula (simple
 * rational inputs, expected values written as arithmetic, not produced by this code), plus
 * identities that move published glass data (SCHOTT N-BK7, Sellmeier 1) into the other forms.
 * Published-catalog checks (formulas 1, 2, 12, 13 against stated nd/Vd) are in agf.test.ts and
 * glassLibrary.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { FORMULA_COEFFICIENT_COUNT, FormulaGlass, indexFromFormula } from './dispersion.ts';

/** SCHOTT N-BK7, Sellmeier 1 (SCHOTT.AGF / SCHOTT data sheet). */
const NBK7 = [1.03961212, 0.00600069867, 0.231792344, 0.0200179144, 1.01046945, 103.560653];
/** Its published nd at 587.5618 nm. */
const NBK7_ND = 1.5168;

describe('indexFromFormula: hand-worked cases', () => {
  it('1 Schott: n² = a0 + a1λ² + a2λ⁻² + a3λ⁻⁴ + a4λ⁻⁶ + a5λ⁻⁸', () => {
    // λ = 0.5: λ² = 1/4, λ⁻² = 4, λ⁻⁴ = 16, λ⁻⁶ = 64, λ⁻⁸ = 256
    const n = indexFromFormula(1, [2, 0.4, 0.01, 0.001, 0.0001, 0.00001], 0.5);
    expect(n).toBeCloseTo(Math.sqrt(2 + 0.1 + 0.04 + 0.016 + 0.0064 + 0.00256), 14);
  });

  it('2 Sellmeier 1: n² − 1 = Σ Kλ²/(λ² − L)', () => {
    // λ = 1: 1/(1 − 0.5) = 2, 0.5/(1 − 0.75) = 2, 0.1/(1 − 100) = −0.1/99
    const n = indexFromFormula(2, [1, 0.5, 0.5, 0.75, 0.1, 100], 1);
    expect(n).toBeCloseTo(Math.sqrt(1 + 2 + 2 - 0.1 / 99), 14);
  });

  it('3 Herzberger: n = A + BL + CL² + Dλ² + Eλ⁴ + Fλ⁶, L = 1/(λ² − 0.028)', () => {
    // λ = 0.6: λ² = 0.36, L = 1/0.332
    const L = 1 / 0.332;
    const n = indexFromFormula(3, [1.5, 0.01, 0.001, -0.002, 0.0003, -0.00004], 0.6);
    expect(n).toBeCloseTo(1.5 + 0.01 * L + 0.001 * L * L - 0.002 * 0.36 + 0.0003 * 0.1296 - 0.00004 * 0.046656, 14);
  });

  it('4 Sellmeier 2: n² − 1 = A + B1λ²/(λ² − λ1²) + B2/(λ² − λ2²)', () => {
    // λ = 1: B1 term 1/(1 − 0.25) = 4/3; B2 term 0.02/(1 − 4) = −0.02/3 (no λ² in its numerator)
    const n = indexFromFormula(4, [0.5, 1, 0.5, 0.02, 2], 1);
    expect(n).toBeCloseTo(Math.sqrt(1.5 + 4 / 3 - 0.02 / 3), 14);
    // λ = 2 shows the B2 numerator has no λ²: 0.02/(4 − 4) would be a pole, so use λ2 = 1
    // (B1 term 1·4/(4 − 0.25) = 16/15, B2 term 0.02/(4 − 1))
    expect(indexFromFormula(4, [0.5, 1, 0.5, 0.02, 1], 2)).toBeCloseTo(Math.sqrt(1.5 + 16 / 15 + 0.02 / 3), 14);
  });

  it('5 Conrady: n = n0 + A/λ + B/λ^3.5', () => {
    // λ = 0.5: 1/λ = 2, λ^-3.5 = 2^3.5 = 8√2
    expect(indexFromFormula(5, [1.5, 0.01, 0.001], 0.5)).toBeCloseTo(1.5 + 0.02 + 0.008 * Math.SQRT2, 14);
  });

  it('6 Sellmeier 3: four terms', () => {
    // λ = 1: 1/(1 − 0.5) + 0.5/(1 − 0.75) + 0.1/(1 − 100) + 0.3/(1 − 0.4)
    const n = indexFromFormula(6, [1, 0.5, 0.5, 0.75, 0.1, 100, 0.3, 0.4], 1);
    expect(n).toBeCloseTo(Math.sqrt(1 + 2 + 2 - 0.1 / 99 + 0.5), 14);
  });

  it('7 Handbook of Optics 1: n² = A + B/(λ² − C) − Dλ²', () => {
    // λ = 1: 2 + 0.5/(1 − 0.5) − 0.1
    expect(indexFromFormula(7, [2, 0.5, 0.5, 0.1], 1)).toBeCloseTo(Math.sqrt(2.9), 14);
    // λ = 2 tells B/(λ² − C) from Bλ²/(λ² − C): 2 + 0.5/(4 − 0.5) − 0.4
    expect(indexFromFormula(7, [2, 0.5, 0.5, 0.1], 2)).toBeCloseTo(Math.sqrt(1.6 + 1 / 7), 14);
  });

  it('8 Handbook of Optics 2: n² = A + Bλ²/(λ² − C) − Dλ²', () => {
    // λ = 2: 2 + 0.5·4/(4 − 0.5) − 0.1·4
    expect(indexFromFormula(8, [2, 0.5, 0.5, 0.1], 2)).toBeCloseTo(Math.sqrt(1.6 + 4 / 7), 14);
  });

  it('9 Sellmeier 4: n² = A + Bλ²/(λ² − C) + Dλ²/(λ² − E)', () => {
    // λ = 2: 1.2 + 0.5·4/(4 − 0.5) + 0.25·4/(4 − 2)
    expect(indexFromFormula(9, [1.2, 0.5, 0.5, 0.25, 2], 2)).toBeCloseTo(Math.sqrt(1.2 + 4 / 7 + 0.5), 14);
  });

  it('10 Extended: Schott plus a6λ⁻¹⁰ + a7λ⁻¹²', () => {
    // λ = 0.5: λ⁻¹⁰ = 1024, λ⁻¹² = 4096
    const n = indexFromFormula(10, [2, 0.4, 0.01, 0.001, 0.0001, 0.00001, 1e-6, 1e-7], 0.5);
    expect(n).toBeCloseTo(Math.sqrt(2 + 0.1 + 0.04 + 0.016 + 0.0064 + 0.00256 + 0.001024 + 0.0004096), 14);
  });

  it('11 Sellmeier 5: five terms', () => {
    const n = indexFromFormula(11, [1, 0.5, 0.5, 0.75, 0.1, 100, 0.3, 0.4, 0.2, 0.9], 1);
    expect(n).toBeCloseTo(Math.sqrt(1 + 2 + 2 - 0.1 / 99 + 0.5 + 2), 14);
  });

  it('12 Extended 2: Schott plus a6λ⁴ + a7λ⁶', () => {
    // λ = 2: λ² = 4, λ⁻² = 1/4, ..., λ⁴ = 16, λ⁶ = 64
    const n = indexFromFormula(12, [2, 0.01, 0.04, 0.016, 0.0064, 0.00256, -0.001, 0.0001], 2);
    expect(n).toBeCloseTo(Math.sqrt(2 + 0.04 + 0.01 + 0.001 + 0.0001 + 0.00001 - 0.016 + 0.0064), 14);
  });

  it('13 Extended 3: a0 + a1λ² + a2λ⁴ + a3λ⁻² + a4λ⁻⁴ + ... + a8λ⁻¹²', () => {
    // λ = 0.5: λ² = 1/4, λ⁴ = 1/16, λ⁻² = 4, ..., λ⁻¹² = 4096
    const cd = [2, 0.4, -0.16, 0.01, 0.001, 0.0001, 0.00001, 1e-6, 1e-7];
    const n = indexFromFormula(13, cd, 0.5);
    expect(n).toBeCloseTo(Math.sqrt(2 + 0.1 - 0.01 + 0.04 + 0.016 + 0.0064 + 0.00256 + 0.001024 + 0.0004096), 14);
  });
});

describe('indexFromFormula: N-BK7 moved into the other forms', () => {
  const wavelengths = [0.365, 0.4861327, 0.5875618, 0.6562725, 1.014, 2.3];
  const [K1, L1, K2, L2, K3, L3] = NBK7;
  const cases: [string, number, number[]][] = [
    ['6 Sellmeier 3, terms in slots 2-4', 6, [0, 0, K1, L1, K2, L2, K3, L3]],
    ['11 Sellmeier 5, terms in slots 3-5', 11, [0, 0, 0, 0, K1, L1, K2, L2, K3, L3]],
  ];
  it('N-BK7 gives its catalog nd', () => {
    expect(Math.abs(indexFromFormula(2, NBK7, 0.5875618) - NBK7_ND)).toBeLessThan(5e-7);
  });
  for (const [label, formula, cd] of cases) {
    it(label, () => {
      for (const w of wavelengths) {
        expect(indexFromFormula(formula, cd, w)).toBeCloseTo(indexFromFormula(2, NBK7, w), 14);
      }
    });
  }
  it('9 Sellmeier 4 with A = 1 equals two Sellmeier 1 terms', () => {
    for (const w of wavelengths) {
      expect(indexFromFormula(9, [1, K1, L1, K2, L2], w)).toBeCloseTo(indexFromFormula(2, [K1, L1, K2, L2], w), 14);
    }
  });
  it('8 Handbook 2 with A = 1, D = 0 equals one Sellmeier 1 term', () => {
    for (const w of wavelengths) {
      expect(indexFromFormula(8, [1, K1, L1, 0], w)).toBeCloseTo(indexFromFormula(2, [K1, L1], w), 14);
    }
  });
  it('4 Sellmeier 2 with A = 0, λ1 = √L1, B2 = 0 equals one Sellmeier 1 term', () => {
    for (const w of wavelengths) {
      expect(indexFromFormula(4, [0, K3, Math.sqrt(L3), 0, 1], w)).toBeCloseTo(indexFromFormula(2, [0, 0, 0, 0, K3, L3], w), 12);
    }
  });
  it('10, 12, 13 with extra terms 0 equal Schott (1)', () => {
    const s = [2.592001, -0.01540969, 0.0102268, 0.001581559, -0.0001877149, 1.012515e-5];
    for (const w of wavelengths) {
      const ref = indexFromFormula(1, s, w);
      expect(indexFromFormula(10, [...s, 0, 0], w)).toBeCloseTo(ref, 14);
      expect(indexFromFormula(12, [...s, 0, 0], w)).toBeCloseTo(ref, 14);
      expect(indexFromFormula(13, [s[0], s[1], 0, s[2], s[3], s[4], s[5], 0, 0], w)).toBeCloseTo(ref, 14);
    }
  });
});

describe('FormulaGlass', () => {
  it('coefficient counts match the formulas', () => {
    expect(FORMULA_COEFFICIENT_COUNT.slice(1)).toEqual([6, 6, 6, 5, 3, 8, 4, 4, 5, 8, 10, 8, 9]);
  });
  it('rejects an unknown formula and non-finite coefficients', () => {
    expect(() => new FormulaGlass('X', 14, [1])).toThrow(/formula 14/);
    expect(() => new FormulaGlass('X', 2, [1, Number.NaN])).toThrow(/coefficient 2/);
    expect(() => indexFromFormula(0, [1], 0.5)).toThrow(RangeError);
  });
  it('throws, never returns NaN, where the formula has no real index (at a Sellmeier pole, λ ≤ 0)', () => {
    const g = new FormulaGlass('POLE', 2, [1, 0.25, 0, 0, 0, 0], 'TEST');
    expect(() => g.index(0.5)).toThrow(/TEST:POLE.*0\.5 µm/);
    expect(() => g.index(0)).toThrow(RangeError);
    expect(Number.isNaN(indexFromFormula(2, NBK7, -1))).toBe(true);
    // n² < 0: 1 + 1.5·0.01/(0.01 − 0.02) = −0.5 → no real index
    expect(Number.isNaN(indexFromFormula(2, [1.5, 0.02], 0.1))).toBe(true);
  });
});
