/**
 * dO's material names → prescription materials.
 *
 * dO (vccimaging/DiffOptics, diffoptics/basics.py, class Material) computes every index from a
 * (nD, V) pair with the Cauchy fit n(λ) = A + B/λ², and looks names up (case-insensitively) in the
 * hard-coded table below; any other string must be "nd/Vd". Here a dO glass name is mapped to the
 * catalog glass of the same name when the glass library has one (real dispersion), and otherwise
 * to a model glass with dO's own (nD, V) from this table. AIR, VACUUM and OCCLUDER all become air
 * (n = 1): dO gives air 1.000293 and vacuum 1, but catalog indices, and ours, are relative to air.
 */
import { LensFileError } from './lensFileError.ts';
import type { MaterialRef } from './prescription.ts';

/** dO's MATERIAL_TABLE: name → [nD, V] (basics.py; sources there: SCHOTT, HIKARI, SUMITA, PGO, refractiveindex.info). */
export const DO_GLASS_TABLE: Readonly<Record<string, readonly [number, number]>> = {
  f2: [1.62, 36.37],
  f15: [1.6057, 37.831],
  uvfs: [1.458, 67.82],
  bk10: [1.4978, 66.954],
  'n-baf10': [1.67003, 47.11],
  'n-bk7': [1.5168, 64.17],
  'n-sf1': [1.71736, 29.62],
  'n-sf2': [1.64769, 33.82],
  'n-sf4': [1.75513, 27.38],
  'n-sf5': [1.67271, 32.25],
  'n-sf6': [1.80518, 25.36],
  'n-sf6ht': [1.80518, 25.36],
  'n-sf8': [1.68894, 31.31],
  'n-sf10': [1.72828, 28.53],
  'n-sf11': [1.78472, 25.68],
  sf1: [1.71736, 29.51],
  sf2: [1.64769, 33.85],
  sf4: [1.7552, 27.58],
  sf5: [1.6727, 32.21],
  sf6: [1.80518, 25.43],
  sf18: [1.7215, 29.245],
  baf10: [1.67, 47.05],
  sk1: [1.6103, 56.712],
  sk16: [1.6204, 60.306],
  ssk4: [1.6177, 55.116],
  b270: [1.5229, 58.5],
  's-nph1': [1.8078, 22.76],
  'd-k59': [1.5175, 63.5],
  flint: [1.62, 36.37],
  pmma: [1.491756, 58.0],
  polycarb: [1.58547, 30.0],
};

/** Names in dO's table that are not glass-catalog names: always dO's model glass. */
const DO_ONLY = new Set(['flint', 'pmma', 'polycarb', 'uvfs']);

const AIR_NAMES = new Set(['air', 'vacuum', 'occluder']);

const ND_VD = /^(\d+(?:\.\d*)?)\/(\d+(?:\.\d*)?)$/;

export interface DOGlassContext {
  fileName: string;
  line: number;
  resolveGlass?: (name: string, catalogs: string[]) => boolean;
  warnings: string[];
}

/**
 * Maps a dO material string to a MaterialRef; undefined means air. Without `resolveGlass`, any
 * name outside dO's model-only entries (FLINT, PMMA, POLYCARB, UVFS) is taken as a catalog glass.
 * @throws LensFileError for a name dO does not know that is not "nd/Vd" either
 */
export function materialFromDO(token: string, ctx: DOGlassContext): MaterialRef | undefined {
  const key = token.toLowerCase();
  if (AIR_NAMES.has(key)) return undefined;
  const m = ND_VD.exec(token);
  if (m) {
    const nd = Number(m[1]);
    const vd = Number(m[2]);
    if (!(nd >= 1) || !(vd > 0)) {
      throw new LensFileError(ctx.fileName, ctx.line, `material ${token}: expected nd ≥ 1 and Vd > 0`);
    }
    return { model: { nd, vd } };
  }
  const name = token.toUpperCase();
  const table = DO_GLASS_TABLE[key];
  if (ctx.resolveGlass ? ctx.resolveGlass(name, []) : !DO_ONLY.has(key)) return name;
  if (table) {
    if (ctx.resolveGlass && !DO_ONLY.has(key)) {
      ctx.warnings.push(
        `${ctx.fileName}:${ctx.line}: glass ${name} not found in the glass catalogs; using dO's own nd = ${table[0]}, Vd = ${table[1]} as a model glass`,
      );
    }
    return { model: { nd: table[0], vd: table[1] }, name };
  }
  throw new LensFileError(ctx.fileName, ctx.line, `material ${token}: not in the glass catalogs nor in dO's table, and not "nd/Vd"`);
}
