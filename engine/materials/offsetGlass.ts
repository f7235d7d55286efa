/**
 * A glass whose d-line index and Abbe number are offset from a base glass (a catalog, formula or
 * model glass): the melt-to-melt variation that index (TIND) and Abbe (TABB) tolerances model,
 * as OpticStudio's glass "offset" does.
 *
 * With nb(λ) the base index, nb_d its d-line index and V_b its Abbe number, the offset glass of
 * d-line index nd = nb_d + Δnd and Abbe number V = V_b + ΔV is
 *
 *   n(λ) = nd + (nb(λ) − nb_d) · s,   s = (nd − 1) V_b / ((nb_d − 1) V),
 *
 * i.e. the base dispersion curve shifted to the new nd and scaled so that (nd − 1)/(nF − nC) = V
 * exactly; the relative partial dispersions of the base glass are kept. Both Δnd = 0 and ΔV = 0
 * give the base glass exactly (s = 1). Derivatives with respect to nd and V are exact:
 *   ∂n/∂nd = 1 + (nb − nb_d) V_b / ((nb_d − 1) V),   ∂n/∂V = −(nb − nb_d) (nd − 1) V_b / ((nb_d − 1) V²).
 */
import { LAMBDA_C_UM, LAMBDA_D_UM, LAMBDA_F_UM, type Material } from './material.ts';

/** A glass whose nd and Vd are continuous parameters with exact index derivatives. */
export interface TunableGlass extends Material {
  readonly nd: number;
  readonly vd: number;
  /** ∂n/∂nd at λ (µm). */
  dIndexDnd(wavelengthUm: number): number;
  /** ∂n/∂Vd at λ (µm). */
  dIndexDvd(wavelengthUm: number): number;
  /** The same kind of glass with another nd and Vd (a new object; this one is unchanged). */
  withNdVd(nd: number, vd: number): TunableGlass;
}

/** True for a glass whose nd and Vd can vary (model and offset glasses). */
export function isTunableGlass(m: Material): m is TunableGlass {
  const g = m as Partial<TunableGlass>;
  return typeof g.withNdVd === 'function' && typeof g.dIndexDnd === 'function' && typeof g.nd === 'number';
}

export class OffsetGlass implements TunableGlass {
  readonly name: string;
  readonly catalog?: string;
  /** Base glass d-line index and Abbe number. */
  readonly baseNd: number;
  readonly baseVd: number;
  private readonly scale: number;

  /**
   * @param base the glass being offset
   * @param dnd index offset Δnd (unitless)
   * @param dvd Abbe-number offset ΔV (absolute, not %)
   * @throws RangeError for a non-finite offset, a base glass without dispersion (nF = nC) or
   *   nd ≤ 1, or V_b + ΔV ≤ 0
   */
  constructor(
    readonly base: Material,
    readonly dnd: number,
    readonly dvd: number,
  ) {
    if (!Number.isFinite(dnd) || !Number.isFinite(dvd)) throw new RangeError(`glass offset must be finite (got Δnd=${dnd}, ΔVd=${dvd})`);
    this.name = base.name;
    this.catalog = base.catalog;
    this.baseNd = base.index(LAMBDA_D_UM);
    const dispersion = base.index(LAMBDA_F_UM) - base.index(LAMBDA_C_UM);
    if (!(this.baseNd > 1) || !(dispersion !== 0)) {
      throw new RangeError(`${base.name}: an index/Abbe offset needs a dispersive glass with nd > 1`);
    }
    this.baseVd = (this.baseNd - 1) / dispersion;
    if (!(this.baseVd + dvd > 0)) throw new RangeError(`${base.name}: Vd ${this.baseVd} + ΔVd ${dvd} is not positive`);
    this.scale = ((this.nd - 1) * this.baseVd) / ((this.baseNd - 1) * this.vd);
  }

  get nd(): number {
    return this.baseNd + this.dnd;
  }

  get vd(): number {
    return this.baseVd + this.dvd;
  }

  index(wavelengthUm: number): number {
    return this.nd + (this.base.index(wavelengthUm) - this.baseNd) * this.scale;
  }

  dIndexDnd(wavelengthUm: number): number {
    return 1 + ((this.base.index(wavelengthUm) - this.baseNd) * this.baseVd) / ((this.baseNd - 1) * this.vd);
  }

  dIndexDvd(wavelengthUm: number): number {
    return (-(this.base.index(wavelengthUm) - this.baseNd) * (this.nd - 1) * this.baseVd) / ((this.baseNd - 1) * this.vd * this.vd);
  }

  withNdVd(nd: number, vd: number): OffsetGlass {
    return new OffsetGlass(this.base, nd - this.baseNd, vd - this.baseVd);
  }
}
