/**
 * Model glass: a glass defined by its d-line index nd and Abbe number Vd alone.
 *
 * The dispersion is the two-term Cauchy form n(λ) = A + B / λ² (λ in µm), with A and B fixed by
 *   n(λd) = nd  and  (nd − 1) / (n(λF) − n(λC)) = Vd,
 * which gives B = (nd − 1) / (Vd · (λF⁻² − λC⁻²)) and A = nd − B / λd². This is the fit dO uses for
 * its `nd/Vd` material strings. It is linear in nd and in 1/Vd, so its derivatives are exact and
 * cheap (used when optimizing glass continuously). Zemax's model glass also uses a partial
 * dispersion term; with dPgF = 0 the two agree to about 1e-4 in the visible.
 */
import { LAMBDA_C_UM, LAMBDA_D_UM, LAMBDA_F_UM } from './material.ts';
import type { TunableGlass } from './offsetGlass.ts';

const INV_FC = 1 / (LAMBDA_F_UM * LAMBDA_F_UM) - 1 / (LAMBDA_C_UM * LAMBDA_C_UM);
const INV_D2 = 1 / (LAMBDA_D_UM * LAMBDA_D_UM);

export class ModelGlass implements TunableGlass {
  readonly catalog = 'MODEL';
  readonly name: string;

  /**
   * @param nd index at the d line (587.5618 nm), > 1 for glass
   * @param vd Abbe number, > 0
   * @throws RangeError when nd or vd is not a finite number, or vd ≤ 0
   */
  constructor(
    readonly nd: number,
    readonly vd: number,
    name?: string,
  ) {
    if (!Number.isFinite(nd) || !Number.isFinite(vd) || vd <= 0) {
      throw new RangeError(`model glass needs finite nd and a positive Vd (got nd=${nd}, Vd=${vd})`);
    }
    this.name = name ?? `${nd.toFixed(4)}/${vd.toFixed(2)}`;
  }

  index(wavelengthUm: number): number {
    const b = (this.nd - 1) / (this.vd * INV_FC);
    return this.nd + b * (1 / (wavelengthUm * wavelengthUm) - INV_D2);
  }

  /** ∂n/∂nd at λ (µm), unitless. */
  dIndexDnd(wavelengthUm: number): number {
    return 1 + (1 / (wavelengthUm * wavelengthUm) - INV_D2) / (this.vd * INV_FC);
  }

  /** ∂n/∂Vd at λ (µm). */
  dIndexDvd(wavelengthUm: number): number {
    const b = (this.nd - 1) / (this.vd * INV_FC);
    return (-b / this.vd) * (1 / (wavelengthUm * wavelengthUm) - INV_D2);
  }

  /** The model glass of another nd and Vd, keeping this one's name. */
  withNdVd(nd: number, vd: number): ModelGlass {
    return new ModelGlass(nd, vd, this.name);
  }
}
