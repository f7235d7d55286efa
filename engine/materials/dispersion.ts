/**
 * The 13 dispersion formulas of Zemax AGF glass catalogs, λ in µm, coefficients in the order of
 * the catalog's CD record.
 *
 * Source: the Zemax OpticStudio manual, "Glass catalogs > dispersion formulas" (the same forms are
 * used by every AGF reader: optiland, rayoptics, zemaxglass). With λ in µm and L = 1/(λ² − 0.028):
 *
 * | # | name               | formula                                                                     | CD order |
 * |---|--------------------|-----------------------------------------------------------------------------|----------|
 * | 1 | Schott             | n² = a0 + a1λ² + a2λ⁻² + a3λ⁻⁴ + a4λ⁻⁶ + a5λ⁻⁸                               | a0..a5 |
 * | 2 | Sellmeier 1        | n² − 1 = Σ(i=1..3) Kᵢλ²/(λ² − Lᵢ)                                            | K1 L1 K2 L2 K3 L3 |
 * | 3 | Herzberger         | n = A + BL + CL² + Dλ² + Eλ⁴ + Fλ⁶                                          | A..F |
 * | 4 | Sellmeier 2        | n² − 1 = A + B1λ²/(λ² − λ1²) + B2/(λ² − λ2²)                                 | A B1 λ1 B2 λ2 |
 * | 5 | Conrady            | n = n0 + A/λ + B/λ^3.5                                                      | n0 A B |
 * | 6 | Sellmeier 3        | n² − 1 = Σ(i=1..4) Kᵢλ²/(λ² − Lᵢ)                                            | K1 L1 .. K4 L4 |
 * | 7 | Handbook of Optics 1 | n² = A + B/(λ² − C) − Dλ²                                                 | A B C D |
 * | 8 | Handbook of Optics 2 | n² = A + Bλ²/(λ² − C) − Dλ²                                               | A B C D |
 * | 9 | Sellmeier 4        | n² = A + Bλ²/(λ² − C) + Dλ²/(λ² − E)                                        | A B C D E |
 * |10 | Extended           | n² = a0 + a1λ² + a2λ⁻² + a3λ⁻⁴ + a4λ⁻⁶ + a5λ⁻⁸ + a6λ⁻¹⁰ + a7λ⁻¹²            | a0..a7 |
 * |11 | Sellmeier 5        | n² − 1 = Σ(i=1..5) Kᵢλ²/(λ² − Lᵢ)                                            | K1 L1 .. K5 L5 |
 * |12 | Extended 2         | n² = a0 + a1λ² + a2λ⁻² + a3λ⁻⁴ + a4λ⁻⁶ + a5λ⁻⁸ + a6λ⁴ + a7λ⁶                | a0..a7 |
 * |13 | Extended 3         | n² = a0 + a1λ² + a2λ⁴ + a3λ⁻² + a4λ⁻⁴ + a5λ⁻⁶ + a6λ⁻⁸ + a7λ⁻¹⁰ + a8λ⁻¹²     | a0..a8 |
 *
 * Sellmeier 2's second term has no λ² in its numerator: that is the manual's form, not a typo.
 * The Lᵢ of the Sellmeier forms and C, E of 7-9 are in µm²; λ1, λ2 of formula 4 are in µm.
 * Indices are relative to air at the catalog's reference temperature (no thermal correction).
 */
import type { Material } from './material.ts';

/** Names of formulas 1..13 (index 0 unused), as the Zemax manual spells them. */
export const FORMULA_NAMES: readonly string[] = [
  '',
  'Schott',
  'Sellmeier 1',
  'Herzberger',
  'Sellmeier 2',
  'Conrady',
  'Sellmeier 3',
  'Handbook of Optics 1',
  'Handbook of Optics 2',
  'Sellmeier 4',
  'Extended',
  'Sellmeier 5',
  'Extended 2',
  'Extended 3',
];

/** Number of CD coefficients each formula 1..13 uses (index 0 unused). Missing ones count as 0. */
export const FORMULA_COEFFICIENT_COUNT: readonly number[] = [0, 6, 6, 6, 5, 3, 8, 4, 4, 5, 8, 10, 8, 9];

/** True when `formula` is an integer 1..13. */
export function isDispersionFormula(formula: number): boolean {
  return Number.isInteger(formula) && formula >= 1 && formula <= 13;
}

/**
 * Refractive index from a Zemax AGF dispersion formula.
 *
 * @param formula AGF formula number 1..13 (see the table in this module's docs)
 * @param cd the CD coefficients in catalog order; entries beyond `cd.length` are taken as 0
 * @param lambdaUm wavelength in µm (> 0)
 * @returns n relative to air; NaN when the formula has no real positive index at λ (n² ≤ 0, a
 *   pole of a Sellmeier term, λ ≤ 0). Callers that need a guaranteed number use `FormulaGlass`.
 * @throws RangeError for a formula number outside 1..13
 */
export function indexFromFormula(formula: number, cd: ArrayLike<number>, lambdaUm: number): number {
  const c = (i: number): number => (i < cd.length ? cd[i] : 0);
  if (!(lambdaUm > 0)) return Number.NaN;
  const l2 = lambdaUm * lambdaUm;
  const i2 = 1 / l2;
  let n2: number;
  switch (formula) {
    case 1: // Schott
      n2 = c(0) + c(1) * l2 + i2 * (c(2) + i2 * (c(3) + i2 * (c(4) + i2 * c(5))));
      break;
    case 2: // Sellmeier 1
      n2 = 1 + sellmeier(c, l2, 3);
      break;
    case 3: {
      // Herzberger: n itself, not n²
      const L = 1 / (l2 - 0.028);
      const n = c(0) + c(1) * L + c(2) * L * L + l2 * (c(3) + l2 * (c(4) + l2 * c(5)));
      return n > 0 && Number.isFinite(n) ? n : Number.NaN;
    }
    case 4: // Sellmeier 2
      n2 = 1 + c(0) + (c(1) * l2) / (l2 - c(2) * c(2)) + c(3) / (l2 - c(4) * c(4));
      break;
    case 5: {
      // Conrady: n itself
      const n = c(0) + c(1) / lambdaUm + c(2) / Math.pow(lambdaUm, 3.5);
      return n > 0 && Number.isFinite(n) ? n : Number.NaN;
    }
    case 6: // Sellmeier 3
      n2 = 1 + sellmeier(c, l2, 4);
      break;
    case 7: // Handbook of Optics 1
      n2 = c(0) + c(1) / (l2 - c(2)) - c(3) * l2;
      break;
    case 8: // Handbook of Optics 2
      n2 = c(0) + (c(1) * l2) / (l2 - c(2)) - c(3) * l2;
      break;
    case 9: // Sellmeier 4
      n2 = c(0) + (c(1) * l2) / (l2 - c(2)) + (c(3) * l2) / (l2 - c(4));
      break;
    case 10: // Extended
      n2 = c(0) + c(1) * l2 + i2 * (c(2) + i2 * (c(3) + i2 * (c(4) + i2 * (c(5) + i2 * (c(6) + i2 * c(7))))));
      break;
    case 11: // Sellmeier 5
      n2 = 1 + sellmeier(c, l2, 5);
      break;
    case 12: // Extended 2
      n2 =
        c(0) + l2 * (c(1) + l2 * (c(6) + l2 * c(7))) + i2 * (c(2) + i2 * (c(3) + i2 * (c(4) + i2 * c(5))));
      break;
    case 13: // Extended 3
      n2 =
        c(0) +
        l2 * (c(1) + l2 * c(2)) +
        i2 * (c(3) + i2 * (c(4) + i2 * (c(5) + i2 * (c(6) + i2 * (c(7) + i2 * c(8))))));
      break;
    default:
      throw new RangeError(`unknown dispersion formula ${formula}: AGF formulas are 1..13`);
  }
  return n2 > 0 && Number.isFinite(n2) ? Math.sqrt(n2) : Number.NaN;
}

/** Σ(i<terms) Kᵢλ²/(λ² − Lᵢ) with K, L interleaved from index 0. */
function sellmeier(c: (i: number) => number, l2: number, terms: number): number {
  let s = 0;
  for (let i = 0; i < terms; i++) s += (c(2 * i) * l2) / (l2 - c(2 * i + 1));
  return s;
}

/**
 * A glass given by an AGF dispersion formula and its coefficients (λ in µm).
 *
 * `index(λ)` throws a RangeError naming the glass and λ when the formula has no real index there
 * (so NaN never leaks into a trace); `rangeUm` is informative and not enforced.
 */
export class FormulaGlass implements Material {
  readonly coefficients: Float64Array;

  /**
   * @param name glass name
   * @param formula AGF formula number 1..13
   * @param coefficients CD coefficients in catalog order (copied)
   * @param catalog catalog name, if any
   * @param rangeUm [min, max] wavelength of validity in µm, if known
   * @throws RangeError for a formula outside 1..13 or a non-finite coefficient
   */
  constructor(
    readonly name: string,
    readonly formula: number,
    coefficients: ArrayLike<number>,
    readonly catalog?: string,
    readonly rangeUm?: readonly [number, number],
  ) {
    if (!isDispersionFormula(formula)) {
      throw new RangeError(`glass ${name}: unknown dispersion formula ${formula} (AGF formulas are 1..13)`);
    }
    this.coefficients = Float64Array.from(coefficients as ArrayLike<number>);
    const bad = this.coefficients.findIndex((v) => !Number.isFinite(v));
    if (bad >= 0) throw new RangeError(`glass ${name}: coefficient ${bad + 1} is not a finite number`);
  }

  /** Formula name, e.g. "Sellmeier 1". */
  get formulaName(): string {
    return FORMULA_NAMES[this.formula];
  }

  index(wavelengthUm: number): number {
    const n = indexFromFormula(this.formula, this.coefficients, wavelengthUm);
    if (Number.isNaN(n)) {
      const where = this.catalog ? `${this.catalog}:${this.name}` : this.name;
      throw new RangeError(
        `glass ${where}: the ${this.formulaName} formula gives no real index at λ = ${wavelengthUm} µm`,
      );
    }
    return n;
  }
}
