/**
 * Glass lookup: turns a prescription's material reference into a `Material`.
 *
 * Search order (as Zemax's GCAT list): for a bare name, the user catalogs named in `catalogOrder`
 * (in that order), then the built-in entries of those catalogs, then every other user catalog
 * (in load order), then every other built-in catalog. "CATALOG:NAME" or {name, catalog} restricts
 * the search to that one catalog (user copy first, then built-in). Names are case-insensitive.
 */
import { builtinCatalogs } from './builtinGlasses.ts';
import { type CatalogGlass, type GlassCatalog, glassKey } from './catalog.ts';
import { FormulaGlass } from './dispersion.ts';
import { AIR, type Material, type MaterialReference } from './material.ts';
import { ModelGlass } from './modelGlass.ts';
import { OffsetGlass } from './offsetGlass.ts';

/** Thrown when a glass is in none of the searched catalogs. */
export class UnknownGlassError extends Error {
  /** The glass as it was asked for (catalog prefix included, if any). */
  readonly glass: string;
  /** Close names found in the searched catalogs, "CATALOG:NAME", best first (at most 5). */
  readonly suggestions: string[];
  /** Names of the catalogs searched, in search order. */
  readonly searched: string[];

  constructor(glass: string, searched: string[], suggestions: string[], detail?: string) {
    const where = searched.length ? `searched ${searched.join(', ')}` : 'no catalog to search';
    const hint = suggestions.length ? `; did you mean ${suggestions.join(', ')}?` : '';
    super(`unknown glass "${glass}" (${detail ?? where})${hint}`);
    this.name = 'UnknownGlassError';
    this.glass = glass;
    this.suggestions = suggestions;
    this.searched = searched;
  }
}

/** Thrown when the catalog entry of a glass was rejected as contradictory (glassCatalog.rejected). */
export class RejectedGlassError extends Error {
  constructor(
    readonly glass: string,
    reason: string,
  ) {
    super(reason);
    this.name = 'RejectedGlassError';
  }
}

/** A dO-style model glass string "nd/Vd", e.g. "1.5168/64.12". */
const MODEL_STRING = /^\s*(\d+(?:\.\d*)?)\s*\/\s*(\d+(?:\.\d*)?)\s*$/;

/**
 * User glass catalogs (e.g. loaded AGF files) in front of the built-in table.
 * Immutable: `withCatalogs` returns a new library.
 */
export class GlassLibrary {
  private static builtinLibrary: GlassLibrary | undefined;
  private readonly user: readonly GlassCatalog[];
  private readonly builtin: readonly GlassCatalog[];

  /** @param catalogs user catalogs, searched before the built-in table (in this order when no catalogOrder applies) */
  constructor(catalogs: readonly GlassCatalog[] = []) {
    this.user = [...catalogs];
    this.builtin = builtinCatalogs();
  }

  /** The built-in table alone (cached). */
  static builtin(): GlassLibrary {
    return (GlassLibrary.builtinLibrary ??= new GlassLibrary());
  }

  /** A new library with `catalogs` added after this one's user catalogs. */
  withCatalogs(catalogs: readonly GlassCatalog[]): GlassLibrary {
    return new GlassLibrary([...this.user, ...catalogs]);
  }

  /** User catalogs (load order), then the built-in catalogs. */
  catalogs(): readonly GlassCatalog[] {
    return [...this.user, ...this.builtin];
  }

  /**
   * Resolves a prescription material.
   * - null, undefined, "AIR", "VACUUM" (any case) → AIR (n = 1: indices are relative to air, and
   *   dO's VACUUM is its air).
   * - "nd/Vd" (dO style, e.g. "1.5168/64.12") or {model: {nd, vd}} → ModelGlass.
   * - "NAME", "CATALOG:NAME", {name, catalog?} → the catalog glass (search order in the module docs).
   * - {name, formula, coefficients} → FormulaGlass.
   * - {glass, offset: {nd, vd}} → OffsetGlass (the base glass with Δnd and ΔVd).
   * "MIRROR" is not a medium: the caller handles it; here it throws an Error saying so.
   * @throws UnknownGlassError naming the glass, the catalogs searched and close names;
   *   RejectedGlassError when the first catalog that lists it rejected the entry (naming why)
   */
  resolve(ref: MaterialReference | undefined, catalogOrder: readonly string[] = []): Material {
    if (ref == null) return AIR;
    if (typeof ref === 'string') {
      const text = ref.trim();
      const key = glassKey(text);
      if (key === 'AIR' || key === 'VACUUM') return AIR;
      if (key === 'MIRROR') throw new Error('"MIRROR" marks a reflecting surface, not a glass to look up');
      const model = MODEL_STRING.exec(text);
      if (model) return new ModelGlass(Number(model[1]), Number(model[2]));
      const colon = text.indexOf(':');
      if (colon > 0) return this.lookup(text.slice(colon + 1), text.slice(0, colon), catalogOrder);
      return this.lookup(text, undefined, catalogOrder);
    }
    if ('offset' in ref) return new OffsetGlass(this.resolve(ref.glass, catalogOrder), ref.offset.nd, ref.offset.vd);
    if ('model' in ref) return new ModelGlass(ref.model.nd, ref.model.vd, ref.name);
    if ('formula' in ref && 'coefficients' in ref) {
      return new FormulaGlass(ref.name, ref.formula, ref.coefficients, ref.catalog, ref.rangeUm);
    }
    const key = glassKey(ref.name);
    if (!ref.catalog && (key === 'AIR' || key === 'VACUUM')) return AIR;
    return this.lookup(ref.name, ref.catalog, catalogOrder);
  }

  /**
   * The catalog glass of that name (case-insensitive), or undefined. With `catalog`, only that
   * catalog is searched; otherwise the order of the module docs applies.
   */
  find(name: string, opts: { catalog?: string; catalogOrder?: readonly string[] } = {}): CatalogGlass | undefined {
    for (const catalog of this.searchOrder(opts.catalog, opts.catalogOrder ?? [])) {
      const glass = catalog.get(name);
      if (glass) return glass;
    }
    return undefined;
  }

  /**
   * Up to `max` names close to `name` ("CATALOG:NAME", best first), from the given catalogs
   * (default: all). Closeness is the edit distance between names with '-', ' ', '_' removed.
   */
  suggest(name: string, catalogs: readonly GlassCatalog[] = this.catalogs(), max = 5): string[] {
    const target = looseKey(name);
    const limit = Math.max(2, Math.floor(target.length / 3));
    const scored = new Map<string, number>();
    for (const catalog of catalogs) {
      for (const glass of catalog.glasses) {
        const candidate = looseKey(glass.name);
        let d = editDistance(target, candidate, limit);
        if (d > limit && target.length >= 3 && (candidate.includes(target) || target.includes(candidate))) {
          d = limit;
        }
        if (d > limit) continue;
        const label = `${catalog.name}:${glass.name}`;
        const prev = scored.get(label);
        if (prev === undefined || d < prev) scored.set(label, d);
      }
    }
    return [...scored]
      .sort((a, b) => a[1] - b[1] || a[0].localeCompare(b[0]))
      .slice(0, max)
      .map(([label]) => label);
  }

  private lookup(name: string, catalog: string | undefined, catalogOrder: readonly string[]): CatalogGlass {
    const trimmed = name.trim();
    // In search order: the first catalog that has the name, or that rejected an entry of that name
    // (then the glass is not silently taken from a later catalog).
    for (const c of this.searchOrder(catalog, catalogOrder)) {
      const glass = c.get(trimmed);
      if (glass) return glass;
      const why = c.rejected.get(glassKey(trimmed));
      if (why) throw new RejectedGlassError(trimmed, why);
    }
    const searched = [...this.searchOrder(catalog, catalogOrder)];
    const asked = catalog ? `${glassKey(catalog)}:${trimmed}` : trimmed;
    const labels = searched.map((c) => (c.source === 'builtin' ? `${c.name} (built-in)` : c.name));
    const detail =
      catalog && searched.length === 0
        ? `catalog ${glassKey(catalog)} is not loaded; loaded: ${this.catalogNames().join(', ')}`
        : undefined;
    let suggestions = searched.length ? this.suggest(trimmed, searched) : [];
    if (suggestions.length === 0) suggestions = this.suggest(trimmed);
    throw new UnknownGlassError(asked, labels, suggestions, detail);
  }

  private catalogNames(): string[] {
    return [...new Set(this.catalogs().map((c) => c.name))];
  }

  /** Catalogs in search order, each once. */
  private searchOrder(catalog: string | undefined, catalogOrder: readonly string[]): GlassCatalog[] {
    const out: GlassCatalog[] = [];
    const add = (list: readonly GlassCatalog[], key?: string) => {
      for (const c of list) if ((key === undefined || c.name === key) && !out.includes(c)) out.push(c);
    };
    if (catalog !== undefined) {
      const key = glassKey(catalog);
      add(this.user, key);
      add(this.builtin, key);
      return out;
    }
    const order = catalogOrder.map(glassKey);
    for (const key of order) add(this.user, key);
    for (const key of order) add(this.builtin, key);
    add(this.user);
    add(this.builtin);
    return out;
  }
}

function looseKey(name: string): string {
  return glassKey(name).replace(/[-_\s]/g, '');
}

/** Levenshtein distance, or a value > limit as soon as it must exceed limit. */
function editDistance(a: string, b: string, limit: number): number {
  if (Math.abs(a.length - b.length) > limit) return limit + 1;
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    let rowMin = i;
    for (let j = 1; j <= b.length; j++) {
      const v = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
      cur.push(v);
      if (v < rowMin) rowMin = v;
    }
    if (rowMin > limit) return limit + 1;
    prev = cur;
  }
  return prev[b.length];
}
