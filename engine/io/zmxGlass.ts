/**
 * The GLAS keyword of Zemax .zmx files → a prescription MaterialRef.
 *
 * A GLAS line reads `GLAS <name> <solve> <pickup> <nd> <Vd> <ΔPgF> ...`:
 * - `MIRROR`: a reflecting surface (the medium stays what it was);
 * - `___BLANK`: a model glass from its nd and Vd tokens (Vd = 0 means a constant index nd);
 * - six digits, e.g. `517642`: a glass code, nd = 1 + 517/1000 and Vd = 642/10, as a model glass;
 * - anything else: a catalog glass name, searched in GCAT order when the system is built.
 *   When the caller's `resolveGlass` says the name is in none of the catalogs, the line's own
 *   nd/Vd become a model glass, with a warning: OpticStudio rewrites those tokens only when it
 *   saves with the catalog at hand, so they are often stale placeholders (1.5 / 40 is common).
 *   When the file has no GCAT and the name is in several catalogs with different indices, the
 *   glass the search finds first is used, with a warning naming the others.
 */
import { LensFileError } from './lensFileError.ts';
import type { MaterialRef } from './prescription.ts';

export interface GlasContext {
  fileName: string;
  /** 1-based line of the GLAS keyword. */
  line: number;
  /** Zemax surface number (SURF n). */
  surf: number;
  /** GCAT catalogs, in search order. */
  catalogs: string[];
  resolveGlass?: (name: string, catalogs: string[]) => boolean;
  /** Catalogs holding a glass of this name, with nd, first the one a search without GCAT finds. */
  glassMatches?: (name: string) => { catalog: string; nd: number }[];
  /** Whether the file has a GCAT line. */
  gcatGiven?: boolean;
  warnings: string[];
}

/** Parses a GLAS number token; OpticStudio in some locales writes a decimal comma. */
function glasNumber(token: string | undefined): number | undefined {
  if (token === undefined || token === '') return undefined;
  const v = Number(token.replace(',', '.'));
  return Number.isFinite(v) ? v : undefined;
}

/**
 * A constant-index medium n (Zemax ___BLANK with Vd = 0), as AGF formula 1 with only a0 = n².
 * sqrt(fl(n²)) == n in IEEE double, so writing it back recovers n exactly.
 */
export function constantIndexGlass(n: number): MaterialRef {
  return { name: `n=${n}`, formula: 1, coefficients: [n * n, 0, 0, 0, 0, 0] };
}

/** When `ref` is a constant-index glass as made by constantIndexGlass, its index; else undefined. */
export function constantIndexOf(ref: MaterialRef | undefined): number | undefined {
  if (!ref || typeof ref !== 'object' || !('formula' in ref) || ref.formula !== 1) return undefined;
  const c = ref.coefficients;
  if (c.length < 1 || !(c[0] > 0) || c.slice(1).some((v) => v !== 0)) return undefined;
  return Math.sqrt(c[0]);
}

/** Warns when a name is in several catalogs with different indices and no GCAT picks one. */
function warnAmbiguous(name: string, ctx: GlasContext): void {
  const matches = ctx.glassMatches!(name);
  if (matches.length < 2 || matches.every((m) => Math.abs(m.nd - matches[0].nd) < 1e-6)) return;
  const list = matches.map((m) => `${m.catalog} (nd ${m.nd.toFixed(5)})`).join(', ');
  ctx.warnings.push(
    `${ctx.fileName}:${ctx.line}: SURF ${ctx.surf}: glass ${name} is in several catalogs, ${list}, and the file has no GCAT to choose; ${matches[0].catalog}'s is used`,
  );
}

/**
 * Maps the tokens after `GLAS` to a MaterialRef (see the module doc).
 * @throws LensFileError when the line has no name, a model glass lacks a valid nd/Vd, or a catalog
 *   glass is found nowhere and its line carries no usable nd/Vd
 */
export function materialFromGlas(tokens: string[], ctx: GlasContext): MaterialRef {
  const fail = (detail: string): never => {
    throw new LensFileError(ctx.fileName, ctx.line, `SURF ${ctx.surf}: GLAS ${detail}`);
  };
  const name = tokens[0];
  if (!name) return fail('needs a glass name');
  const nd = glasNumber(tokens[3]);
  const vd = glasNumber(tokens[4]);
  if (name.toUpperCase() === 'MIRROR') return 'MIRROR';
  if (name === '___BLANK') {
    if (nd === undefined || !(nd > 0) || vd === undefined || vd < 0) {
      return fail(`___BLANK: model glass needs nd > 0 and Vd ≥ 0 (got ${tokens[3]} ${tokens[4]})`);
    }
    const dPgF = glasNumber(tokens[5]);
    if (dPgF !== undefined && dPgF !== 0) {
      ctx.warnings.push(
        `${ctx.fileName}:${ctx.line}: SURF ${ctx.surf}: model glass ΔPgF = ${dPgF} ignored (model glasses here have no partial-dispersion term)`,
      );
    }
    return vd === 0 ? constantIndexGlass(nd) : { model: { nd, vd } };
  }
  if (/^\d{6}$/.test(name)) {
    return { model: { nd: 1 + Number(name.slice(0, 3)) / 1000, vd: Number(name.slice(3)) / 10 }, name };
  }
  if (!ctx.resolveGlass || ctx.resolveGlass(name, ctx.catalogs)) {
    if (!ctx.gcatGiven && ctx.glassMatches) warnAmbiguous(name, ctx);
    return name;
  }
  const where = ctx.catalogs.length ? `catalogs ${ctx.catalogs.join(', ')}` : 'any catalog';
  if (nd === undefined || !(nd > 1) || vd === undefined || !(vd > 0)) {
    return fail(`${name}: glass not found in ${where} or the built-in table, and the GLAS line carries no nd/Vd to fall back on`);
  }
  ctx.warnings.push(
    `${ctx.fileName}:${ctx.line}: SURF ${ctx.surf}: glass ${name} not found in ${where} or the built-in table; ` +
      `using the GLAS line's nd = ${nd}, Vd = ${vd} as a model glass (such tokens are often stale placeholders)`,
  );
  return { model: { nd, vd }, name };
}
