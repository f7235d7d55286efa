/**
 * A refractive medium: its index relative to air at a wavelength λ in µm.
 *
 * Indices follow the glass catalogs' convention: relative to air, with air itself exactly 1.0 at
 * every wavelength; no temperature or pressure correction is applied.
 */
export interface Material {
  /** Glass name as the catalog spells it, e.g. "N-BK7"; "AIR" for air. */
  readonly name: string;
  /** Catalog the glass came from (e.g. "SCHOTT", "BUILTIN", "MODEL"), if any. */
  readonly catalog?: string;
  /** Refractive index at wavelength λ (µm). Never NaN for λ > 0. */
  index(wavelengthUm: number): number;
}

/**
 * How a lens file names a medium, as the glass library reads it (engine/materials/glassLibrary.ts):
 * null for air, a name ("N-BK7", "SCHOTT:N-BK7", "AIR", "MIRROR", dO's "1.5168/64.12"), a catalog
 * glass {name, catalog?}, a model glass {model: {nd, vd}}, an inline AGF formula, or one of these
 * with an index / Abbe offset {glass, offset: {nd, vd}}. The
 * prescription schema's MaterialRef (engine/io/prescription.ts) is checked to fit this type; it is
 * restated here because materials/ sits above io/ and imports nothing of the engine.
 */
export type MaterialReference =
  | null
  | GlassReference
  /** A toleranced melt: the glass with its d-line index and Abbe number offset (engine/materials/offsetGlass.ts). */
  | { readonly glass: GlassReference; readonly offset: { readonly nd: number; readonly vd: number } };

/** A glass by name, catalog entry, model (nd, Vd) or inline formula. */
export type GlassReference =
  | string
  | { readonly model: { readonly nd: number; readonly vd: number }; readonly name?: string }
  | {
      readonly name: string;
      readonly catalog?: string;
      readonly formula: number;
      readonly coefficients: readonly number[];
      readonly rangeUm?: readonly [number, number];
    }
  | { readonly name: string; readonly catalog?: string };

/** Air, n = 1 exactly at every wavelength. */
export const AIR: Material = Object.freeze({
  name: 'AIR',
  index: () => 1,
});

/** Fraunhofer lines used for nd and Abbe numbers, µm (F: H 486.1327 nm, d: He 587.5618 nm, C: H 656.2725 nm). */
export const LAMBDA_F_UM = 0.4861327;
export const LAMBDA_D_UM = 0.5875618;
export const LAMBDA_C_UM = 0.6562725;

/** Abbe number Vd = (nd − 1) / (nF − nC) of a material. */
export function abbeNumber(material: Material): number {
  const nd = material.index(LAMBDA_D_UM);
  return (nd - 1) / (material.index(LAMBDA_F_UM) - material.index(LAMBDA_C_UM));
}
