/**
 * Glass catalogs: a named list of catalog glasses, each with the data of its AGF records.
 *
 * AGF records (Zemax glass catalog format) kept here:
 * - NM name formula glassCode nd vd excludeSubstitution status meltFreq
 * - GC comment (free text)
 * - ED TCE(−30..70 °C, 1e-6/K) TCE(100..300 °C) density(g/cm³) ΔPgF ignoreThermalExpansion
 * - CD dispersion coefficients (see dispersion.ts)
 * - TD D0 D1 D2 E0 E1 λtk(µm) Tref(°C): Schott thermal dn/dT model
 * - OD relativeCost CR FR SR AR PR: cost and resistance classes (−1 = unknown)
 * - LD λmin λmax (µm): range of validity of the formula
 * - IT λ(µm) transmission thickness(mm): internal transmittance points
 */
import { FormulaGlass } from './dispersion.ts';

/** TD record: coefficients of the Schott dn/dT formula, reference temperature in °C. */
export interface ThermalData {
  d0: number;
  d1: number;
  d2: number;
  e0: number;
  e1: number;
  lambdaTkUm: number;
  tRefC: number;
}

/** ED record. TCE in 1e-6/K, density in g/cm³. */
export interface ExtraData {
  tce30to70: number;
  tce100to300: number;
  densityGcm3: number;
  dPgF: number;
  ignoreThermalExpansion: boolean;
}

/** OD record: relative cost and climate (CR), stain (FR), acid (SR), alkali (AR), phosphate (PR) classes. */
export interface OtherData {
  relativeCost: number;
  climateResistance: number;
  stainResistance: number;
  acidResistance: number;
  alkaliResistance: number;
  phosphateResistance: number;
}

/** One IT record: internal transmittance at λ (µm) through a thickness (mm). */
export interface TransmissionPoint {
  wavelengthUm: number;
  transmission: number;
  thicknessMm: number;
}

/** Everything a catalog says about one glass. Fields absent from the catalog are undefined. */
export interface CatalogGlassData {
  name: string;
  catalog: string;
  formula: number;
  coefficients: ArrayLike<number>;
  /** nd and Vd as the NM line states them (not computed). */
  nd?: number;
  vd?: number;
  /** Six-digit glass code as the NM line gives it, e.g. "517642" or "517642.251". */
  glassCode?: string;
  excludeSubstitution?: boolean;
  /** 0 standard, 1 preferred, 2 obsolete, 3 special, 4 melt (Zemax codes). */
  status?: number;
  meltFreq?: number;
  comment?: string;
  /** LD record [λmin, λmax] in µm. */
  rangeUm?: readonly [number, number];
  thermal?: ThermalData;
  extra?: ExtraData;
  other?: OtherData;
  transmission?: readonly TransmissionPoint[];
}

/** A glass from a catalog: its dispersion formula plus the catalog's other records. */
export class CatalogGlass extends FormulaGlass {
  override readonly catalog: string;
  readonly nd?: number;
  readonly vd?: number;
  readonly glassCode?: string;
  readonly excludeSubstitution?: boolean;
  readonly status?: number;
  readonly meltFreq?: number;
  readonly comment?: string;
  readonly thermal?: ThermalData;
  readonly extra?: ExtraData;
  readonly other?: OtherData;
  readonly transmission: readonly TransmissionPoint[];

  /** @throws RangeError for a formula outside 1..13 or a non-finite coefficient */
  constructor(data: CatalogGlassData) {
    super(data.name, data.formula, data.coefficients, data.catalog, data.rangeUm);
    this.catalog = data.catalog;
    this.nd = data.nd;
    this.vd = data.vd;
    this.glassCode = data.glassCode;
    this.excludeSubstitution = data.excludeSubstitution;
    this.status = data.status;
    this.meltFreq = data.meltFreq;
    this.comment = data.comment;
    this.thermal = data.thermal;
    this.extra = data.extra;
    this.other = data.other;
    this.transmission = data.transmission ?? [];
  }

  /** "CATALOG:NAME". */
  get qualifiedName(): string {
    return `${this.catalog}:${this.name}`;
  }
}

/** Case-insensitive lookup key of a glass or catalog name. */
export function glassKey(name: string): string {
  return name.trim().toUpperCase();
}

/**
 * A named glass catalog (e.g. "SCHOTT"), in file order. Lookup by name is case-insensitive; when a
 * catalog lists a name twice, the first entry wins (as in Zemax).
 */
export class GlassCatalog {
  readonly name: string;
  readonly glasses: readonly CatalogGlass[];
  /** Where it came from: a file path, "builtin", ... (informative). */
  readonly source?: string;
  /** CC lines of the catalog. */
  readonly comments: readonly string[];
  /** Entries the parser skipped, one readable line each (e.g. an unsupported formula). */
  readonly warnings: readonly string[];
  /**
   * Entries refused as contradictory (glassKey → why, naming glass and catalog), e.g. a formula
   * that does not give the stated nd: using such a glass is an error that says why.
   */
  readonly rejected: ReadonlyMap<string, string>;
  private readonly byKey = new Map<string, CatalogGlass>();

  constructor(
    name: string,
    glasses: readonly CatalogGlass[],
    opts: { source?: string; comments?: readonly string[]; warnings?: readonly string[]; rejected?: ReadonlyMap<string, string> } = {},
  ) {
    this.name = glassKey(name);
    this.glasses = glasses;
    this.source = opts.source;
    this.comments = opts.comments ?? [];
    this.warnings = opts.warnings ?? [];
    this.rejected = opts.rejected ?? new Map();
    for (const g of glasses) {
      const k = glassKey(g.name);
      if (!this.byKey.has(k)) this.byKey.set(k, g);
    }
  }

  /** The glass of that name (case-insensitive), or undefined. */
  get(name: string): CatalogGlass | undefined {
    return this.byKey.get(glassKey(name));
  }

  get size(): number {
    return this.glasses.length;
  }
}
