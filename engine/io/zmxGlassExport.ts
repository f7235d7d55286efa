/**
 * Glasses of a prescription → the GCAT line and GLAS lines of a .zmx file.
 *
 * A .zmx GLAS line names a glass without its catalog; the reader takes the first GCAT catalog that
 * holds the name. So, with a glass library at hand:
 * - every catalog glass (a name, "CATALOG:NAME", {name, catalog}, or an inline dispersion formula
 *   identical to a catalog entry) is resolved to the catalog it comes from, and GCAT lists exactly
 *   the catalogs used, ordered so that each glass's own catalog comes before any other used
 *   catalog holding a glass of the same name; when no order does that (two glasses of one name
 *   from two catalogs), the later ones are written as model glasses, with a warning;
 * - a glass from no catalog (an inline formula matching no catalog entry, a name found nowhere,
 *   a name that is not a single token) is written as OpticStudio's model glass (`GLAS ___BLANK 1 0
 *   nd Vd ...`), with a warning giving the largest index change at the system wavelengths;
 * - model glasses (nd, Vd) and constant indices are written as such, exactly.
 * Without a library, names are written as given and GCAT lists the prescription's catalogs and
 * those named by its materials.
 */
import { FormulaGlass } from '../materials/dispersion.ts';
import { LAMBDA_C_UM, LAMBDA_D_UM, LAMBDA_F_UM, type Material } from '../materials/material.ts';
import { ModelGlass } from '../materials/modelGlass.ts';
import type { MaterialRef, OffsetGlassRef, Prescription } from './prescription.ts';
import { constantIndexOf } from './zmxGlass.ts';
import { ZmxWriteError } from './zmxWriteError.ts';

/** A catalog glass as the writer needs it. */
export interface FoundGlass extends Material {
  readonly name: string;
  readonly catalog: string;
  readonly formula: number;
  readonly coefficients: ArrayLike<number>;
}

/** The glass library's lookup (engine/materials/glassLibrary.ts GlassLibrary.find). */
export interface GlassLookup {
  find(name: string, opts?: { catalog?: string; catalogOrder?: readonly string[] }): FoundGlass | undefined;
}

/** The planned glasses: the GCAT catalogs and a GLAS line per material reference. */
export interface GlassPlan {
  gcat: string[];
  /** The GLAS line for a material, or undefined for air. */
  line(ref: MaterialRef | undefined): string | undefined;
}

/** A material reference other than an offset glass (whose base glass is written instead). */
type PlainRef = Exclude<MaterialRef, OffsetGlassRef>;

const GLASS_TOKEN = /^[A-Za-z0-9][A-Za-z0-9_.+\-()]*$/;

/** Shortest decimal that parses back to exactly `v`. */
const fmt = (v: number) => (Object.is(v, -0) ? '0' : String(v));
const tail = (nd: number, vd: number) => `${fmt(nd)} ${fmt(vd)} 0 0 0 0 0 0`;

function ndVd(m: Material): { nd: number; vd: number } {
  const nd = m.index(LAMBDA_D_UM);
  return { nd, vd: (nd - 1) / (m.index(LAMBDA_F_UM) - m.index(LAMBDA_C_UM)) };
}

/** Same dispersion formula and coefficients. */
function sameDispersion(a: { formula: number; coefficients: ArrayLike<number> }, b: { formula: number; coefficients: ArrayLike<number> }): boolean {
  if (a.formula !== b.formula) return false;
  const n = Math.max(a.coefficients.length, b.coefficients.length);
  for (let i = 0; i < n; i++) if ((a.coefficients[i] ?? 0) !== (b.coefficients[i] ?? 0)) return false;
  return true;
}

function refName(ref: PlainRef): string {
  if (ref === null) return 'air';
  if (typeof ref === 'string') return ref;
  return ref.name ?? 'model glass';
}

/**
 * Plans the glasses of `p` (see the module doc).
 * @param warnings receives one line per glass that could not be written as it is
 * @throws ZmxWriteError for a glass name that cannot stand on a GLAS line and is in no catalog
 */
export function planGlasses(p: Prescription, library: GlassLookup | undefined, warnings: string[] | undefined): GlassPlan {
  const order = p.glassCatalogs ?? [];
  const refs: { ref: PlainRef; where: string }[] = [];
  /** The base glass of an offset glass (a toleranced melt), which .zmx cannot hold: warned. */
  const base = new Map<MaterialRef, MaterialRef>();
  const add = (ref: MaterialRef, where: string) => {
    if (ref && typeof ref === 'object' && 'offset' in ref) {
      warnings?.push(`${where}: the glass offset (Δnd ${ref.offset.nd}, ΔVd ${ref.offset.vd}) is not written; .zmx gets the base glass`);
      base.set(ref, ref.glass);
      refs.push({ ref: ref.glass, where });
    } else refs.push({ ref, where });
  };
  if (p.object.material !== undefined) add(p.object.material, 'object');
  p.surfaces.forEach((s, i) => {
    if ('material' in s && s.material !== undefined) add(s.material, `surfaces[${i}]`);
  });
  const wavelengths = p.wavelengths.valuesUm;
  /** The catalog glass a reference stands for, when the library has it. */
  const resolve = (ref: PlainRef): FoundGlass | undefined => {
    if (!library || ref === null) return undefined;
    if (typeof ref === 'string') {
      const colon = ref.indexOf(':');
      return colon > 0 ? library.find(ref.slice(colon + 1), { catalog: ref.slice(0, colon) }) : library.find(ref, { catalogOrder: order });
    }
    if ('model' in ref) return undefined;
    const found = library.find(ref.name, ref.catalog ? { catalog: ref.catalog } : { catalogOrder: order });
    if ('formula' in ref) return found && sameDispersion(found, ref) ? found : undefined;
    return found;
  };
  const isSpecial = (ref: PlainRef) =>
    ref === null || (typeof ref === 'string' && ['AIR', 'MIRROR'].includes(ref.toUpperCase())) || (typeof ref === 'object' && ('model' in ref || constantIndexOf(ref) !== undefined));

  // Catalog glasses and the catalogs they need, in first-use order.
  const found = new Map<PlainRef, FoundGlass>();
  const used: string[] = [];
  for (const { ref } of refs) {
    if (isSpecial(ref)) continue;
    const g = resolve(ref);
    if (!g || !GLASS_TOKEN.test(g.name)) continue;
    found.set(ref, g);
    if (!used.includes(g.catalog)) used.push(g.catalog);
  }
  // GCAT order: each glass's catalog before every other used catalog holding its name. When no
  // order satisfies every glass (SCHOTT F2 and HIKARI SK16 in one lens: both catalogs have both
  // names), the order that keeps the most surfaces exact wins (all orders are tried for up to 6
  // catalogs), ties going to the prescription's own catalog order.
  const holds = (c: string, name: string) => library?.find(name, { catalog: c }) !== undefined;
  const exactUses = (gcat: readonly string[]) => {
    let n = 0;
    for (const g of found.values()) if (gcat.find((c) => holds(c, g.name)) === g.catalog) n++;
    return n;
  };
  const rank = (c: string) => {
    const k = order.findIndex((o) => o.toUpperCase() === c.toUpperCase());
    return k >= 0 ? k : order.length + used.indexOf(c);
  };
  let gcat = [...used].sort((a, b) => rank(a) - rank(b));
  if (used.length > 1 && used.length <= 6) {
    let best = exactUses(gcat);
    const permute = (prefix: string[], rest: string[]) => {
      if (best === found.size) return;
      if (rest.length === 0) {
        const n = exactUses(prefix);
        if (n > best) {
          best = n;
          gcat = prefix;
        }
        return;
      }
      rest.forEach((c, i) => permute([...prefix, c], [...rest.slice(0, i), ...rest.slice(i + 1)]));
    };
    permute([], gcat);
  }
  const resolvesTo = (g: FoundGlass) => gcat.find((c) => holds(c, g.name)) === g.catalog;

  const modelLine = (m: Material, ref: PlainRef, where: string, why: string): string => {
    const { nd, vd } = ndVd(m);
    const model = new ModelGlass(nd, vd);
    let worst = 0;
    for (const w of wavelengths) worst = Math.max(worst, Math.abs(model.index(w) - m.index(w)));
    warnings?.push(
      `${where}: glass ${refName(ref)} ${why}; written as a model glass (nd = ${nd.toFixed(6)}, Vd = ${vd.toFixed(3)}), which changes the index by up to ${worst.toExponential(1)} at the system wavelengths`,
    );
    return `GLAS ___BLANK 1 0 ${tail(nd, vd)}`;
  };
  // Catalogs named by references the library cannot resolve (or all of them, without a library).
  const extra: string[] = library ? [] : [...order];
  const addExtra = (c: string | undefined) => {
    if (c && !extra.some((o) => o.toUpperCase() === c.toUpperCase())) extra.push(c);
  };

  const lines = new Map<MaterialRef, string | undefined>();
  for (const { ref, where } of refs) {
    if (lines.has(ref)) continue;
    let line: string | undefined;
    if (ref === null || (typeof ref === 'string' && ref.toUpperCase() === 'AIR')) line = undefined;
    else if (typeof ref === 'string' && ref.toUpperCase() === 'MIRROR') line = 'GLAS MIRROR 0 0';
    else if (typeof ref === 'object' && 'model' in ref) {
      const { nd, vd } = ref.model;
      line = ref.name && GLASS_TOKEN.test(ref.name) && !ref.name.startsWith('___') && !library?.find(ref.name) ? `GLAS ${ref.name} 0 0 ${tail(nd, vd)}` : `GLAS ___BLANK 1 0 ${tail(nd, vd)}`;
    } else if (typeof ref === 'object' && constantIndexOf(ref) !== undefined) line = `GLAS ___BLANK 1 0 ${tail(constantIndexOf(ref)!, 0)}`;
    else if (found.has(ref)) {
      const g = found.get(ref)!;
      const { nd, vd } = ndVd(g);
      line = resolvesTo(g) ? `GLAS ${g.name} 0 0 ${tail(nd, vd)}` : modelLine(g, ref, where, `(${g.catalog}) shares its name with a glass of another catalog this lens uses, which GCAT would find first`);
    } else if (typeof ref === 'object' && 'formula' in ref) {
      line = modelLine(new FormulaGlass(ref.name, ref.formula, ref.coefficients, ref.catalog), ref, where, 'is given by an inline dispersion formula that matches no catalog glass at hand');
    } else if (resolve(ref)) {
      line = modelLine(resolve(ref)!, ref, where, 'has a name that cannot stand on a .zmx GLAS line');
    } else {
      // A catalog name the library does not have (or no library): written by name.
      const name = typeof ref === 'string' ? (ref.indexOf(':') > 0 ? ref.slice(ref.indexOf(':') + 1) : ref) : ref.name;
      const catalog = typeof ref === 'string' ? (ref.indexOf(':') > 0 ? ref.slice(0, ref.indexOf(':')) : undefined) : ref.catalog;
      if (!GLASS_TOKEN.test(name)) throw new ZmxWriteError(`${where}: glass name "${name}" cannot be written on a .zmx GLAS line (one token of letters, digits, _ . + - ( ))`);
      if (library) warnings?.push(`${where}: glass ${refName(ref)} is in no catalog at hand; written by name without nd/Vd`);
      addExtra(catalog);
      line = `GLAS ${name} 0 0`;
    }
    lines.set(ref, line);
  }
  const all = [...gcat, ...extra.filter((c) => !gcat.some((g) => g.toUpperCase() === c.toUpperCase()))];
  return { gcat: all, line: (ref) => (ref === undefined ? undefined : lines.get(base.get(ref) ?? ref)) };
}
