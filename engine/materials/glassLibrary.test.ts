import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseAgf, parseAgfText } from './agf.ts';
import { builtinCatalogs } from './builtinGlasses.ts';
import type { GlassCatalog } from './catalog.ts';
import { FormulaGlass } from './dispersion.ts';
import { GlassLibrary, UnknownGlassError } from './glassLibrary.ts';
import { abbeNumber, AIR, LAMBDA_C_UM, LAMBDA_D_UM, LAMBDA_F_UM } from './material.ts';
import { ModelGlass } from './modelGlass.ts';

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
const glassDir = path.resolve(repoRoot, '../shared/data/glass');
const oracleDir = path.resolve(repoRoot, '../shared/oracles');

const shared = new Map<string, GlassCatalog>();
function sharedCatalog(stem: string): GlassCatalog {
  let c = shared.get(stem);
  if (!c) shared.set(stem, (c = parseAgf(readFileSync(path.join(glassDir, `${stem}.AGF`)), stem)));
  return c;
}

const WAVELENGTHS = [0.4, 0.4861327, 0.5875618, 0.6562725, 0.8, 1.0];

describe('built-in table', () => {
  const lib = GlassLibrary.builtin();
  const all = builtinCatalogs().flatMap((c) => c.glasses);

  it('holds at least 60 glasses, each (catalog, name) once', () => {
    expect(all.length).toBeGreaterThanOrEqual(60);
    const keys = all.map((g) => g.qualifiedName.toUpperCase());
    expect(new Set(keys).size).toBe(keys.length);
  });

  it('every entry of SCHOTT, OHARA, HOYA, CDGM equals the shared AGF entry (n to 1e-12, same NM data)', () => {
    let checked = 0;
    for (const g of all) {
      if (!['SCHOTT', 'OHARA', 'HOYA', 'CDGM'].includes(g.catalog)) continue;
      const ref = sharedCatalog(g.catalog).get(g.name);
      expect(ref, g.qualifiedName).toBeDefined();
      expect(g.formula).toBe(ref!.formula);
      expect(g.nd).toBe(ref!.nd);
      expect(g.vd).toBe(ref!.vd);
      expect(g.glassCode).toBe(ref!.glassCode);
      expect(g.rangeUm).toEqual(ref!.rangeUm);
      for (const w of WAVELENGTHS) expect(Math.abs(g.index(w) - ref!.index(w))).toBeLessThanOrEqual(1e-12);
      checked++;
    }
    console.log(`built-in table: ${all.length} glasses, ${checked} checked against the shared AGF files`);
    expect(checked).toBeGreaterThanOrEqual(100);
  });

  it('HIKARI entries (formulas 1, 12, 13) give their published nd and Vd to half a unit of the 6th decimal', () => {
    const stated = all.filter((g) => g.catalog === 'HIKARI' && g.nd !== undefined);
    expect(new Set(stated.map((g) => g.formula))).toEqual(new Set([1, 12, 13]));
    for (const g of stated) {
      expect(Math.abs(g.index(LAMBDA_D_UM) - g.nd!), g.name).toBeLessThanOrEqual(5e-7);
      expect(Math.abs(abbeNumber(g) - g.vd!), g.name).toBeLessThanOrEqual(5e-7);
    }
  });

  it('fused silica and CaF2 (Malitson) give their published nd', () => {
    // Malitson 1965: n = 1.45846 at 587.56 nm, Vd = 67.82 (Corning 7980 / Heraeus data sheets);
    // Malitson 1963: CaF2 n = 1.43385 at 587.56 nm.
    const silica = lib.resolve('F_SILICA');
    expect(Math.abs(silica.index(LAMBDA_D_UM) - 1.45846)).toBeLessThan(5e-6);
    expect(Math.abs(abbeNumber(silica) - 67.82)).toBeLessThan(5e-3);
    expect(Math.abs(lib.resolve('CAF2').index(LAMBDA_D_UM) - 1.43385)).toBeLessThan(5e-6);
  });

  it('resolves the names the issue and the dO lens files use', () => {
    const names = [
      'N-BK7', 'N-SF2', 'N-SF5', 'N-SF6', 'N-SF10', 'N-SF11', 'F2', 'F5', 'SF1', 'SF2', 'N-SK2', 'N-SK4',
      'N-SK16', 'N-SSK2', 'N-LAK9', 'N-BAF10', 'N-BAK1', 'S-BSL7', 'S-LAH64', 'LAC9', 'H-K9L',
      'F_SILICA', 'CAF2', 'SK1', 'F15', 'SK16', 'B270', 'SF5', 'n-bk7', 'sf5',
    ];
    for (const n of names) expect(lib.resolve(n).index(LAMBDA_D_UM), n).toBeGreaterThan(1.4);
    expect(lib.resolve('SK16').catalog).toBe('SCHOTT');
    expect(lib.resolve('VACUUM')).toBe(AIR);
  });
});

describe('oracle index tables', () => {
  const files = readdirSync(oracleDir).filter((f) => f.endsWith('.json'));
  const FORMULA: Record<string, number> = { sellmeier: 2, polynomial: 1 };

  for (const file of files) {
    it(`${file}: expected.index from the oracle's coefficients, SCHOTT.AGF and the built-in table, to 1e-9`, () => {
      const oracle = JSON.parse(readFileSync(path.join(oracleDir, file), 'utf8'));
      const table = oracle.expected.index as Record<string, Record<string, number>>;
      let compared = 0;
      const lib = GlassLibrary.builtin();
      for (const s of oracle.surfaces) {
        const m = s.material;
        if (!m) continue;
        const inline = lib.resolve(
          { name: m.name, catalog: m.catalog, formula: FORMULA[m.formula], coefficients: m.coefficients },
          [],
        );
        expect(inline).toBeInstanceOf(FormulaGlass);
        const fromTable = lib.resolve(`${m.catalog}:${m.name}`);
        const fromAgf = m.catalog === 'SCHOTT' ? sharedCatalog('SCHOTT').get(m.name) : undefined;
        if (m.catalog === 'SCHOTT') expect(fromAgf).toBeDefined();
        for (const [lambda, n] of Object.entries(table[m.name])) {
          const w = Number(lambda);
          expect(Math.abs(inline.index(w) - n)).toBeLessThanOrEqual(1e-9);
          expect(Math.abs(fromTable.index(w) - n)).toBeLessThanOrEqual(1e-9);
          if (fromAgf) expect(Math.abs(fromAgf.index(w) - n)).toBeLessThanOrEqual(1e-9);
          compared++;
        }
      }
      expect(compared).toBeGreaterThanOrEqual(3);
    });
  }

  it("SCHOTT.AGF's SK16 is not the Cooke triplet's HIKARI SK16 (1.2e-5 apart at 0.48 µm)", () => {
    const d = sharedCatalog('SCHOTT').get('SK16')!.index(0.48) - GlassLibrary.builtin().resolve('HIKARI:SK16').index(0.48);
    expect(Math.abs(d)).toBeGreaterThan(1e-5);
    expect(Math.abs(d)).toBeLessThan(1.5e-5);
  });
});

describe('GlassLibrary search', () => {
  // Two user catalogs: SCHOTT with an N-BK7 that differs from the built-in one, and ACME.
  const userSchott = parseAgfText('NM N-BK7 2 0 1.59523 60\nCD 1.5 0.01 0 0 0 0\nNM ONLY-SCHOTT 1 0 1.5 60\nCD 2.25', 'SCHOTT');
  const acme = parseAgfText('NM N-BK7 1 0 1.7 50\nCD 2.89\nNM F2 1 0 1.8 40\nCD 3.24', 'ACME');
  const lib = GlassLibrary.builtin().withCatalogs([userSchott, acme]);

  it('null, undefined, AIR, VACUUM resolve to air; MIRROR is refused', () => {
    for (const ref of [null, undefined, 'AIR', 'air', 'Vacuum', { name: 'AIR' }]) expect(lib.resolve(ref)).toBe(AIR);
    expect(() => lib.resolve('MIRROR')).toThrow(/reflecting surface/);
  });

  it('searches user catalogs in catalogOrder, then their built-in entries, then any catalog', () => {
    expect(lib.resolve('N-BK7', ['ACME', 'SCHOTT']).index(0.5)).toBeCloseTo(1.7, 14);
    expect(lib.resolve('n-bk7', ['schott']).index(0.5)).toBeCloseTo(Math.sqrt(1 + 1.5 * 0.25 / 0.24), 14);
    // No order: user catalogs in load order first.
    expect(lib.resolve('N-BK7').catalog).toBe('SCHOTT');
    expect(lib.resolve('N-BK7').index(0.5)).toBeCloseTo(Math.sqrt(1 + 1.5 * 0.25 / 0.24), 14);
    // Built-in entries of a listed catalog come before other user catalogs.
    const b = GlassLibrary.builtin().withCatalogs([acme]);
    expect(b.resolve('N-BK7', ['SCHOTT']).index(LAMBDA_D_UM)).toBeCloseTo(1.5168, 6);
    expect(b.resolve('N-BK7', ['SCHOTT']).catalog).toBe('SCHOTT');
    expect(b.resolve('N-BK7').catalog).toBe('ACME');
    // Falls through to any catalog when the ordered ones lack it.
    expect(lib.resolve('S-BSL7', ['ACME']).catalog).toBe('OHARA');
  });

  it('CATALOG:NAME and {name, catalog} restrict the search to one catalog (user copy first)', () => {
    expect(lib.resolve('ACME:F2').index(0.5)).toBeCloseTo(1.8, 14);
    expect(lib.resolve({ name: 'f2', catalog: 'schott' }).index(LAMBDA_D_UM)).toBeCloseTo(1.62004, 5);
    expect(lib.resolve('SCHOTT:N-BK7').index(0.5)).toBeCloseTo(Math.sqrt(1 + 1.5 * 0.25 / 0.24), 14);
    expect(lib.find('N-BK7', { catalog: 'ACME' })?.catalog).toBe('ACME');
    expect(lib.find('ONLY-SCHOTT', { catalog: 'ACME' })).toBeUndefined();
    expect(() => lib.resolve('ACME:S-BSL7')).toThrow(UnknownGlassError);
  });

  it('unknown glass: error names the glass and catalogs searched, with close names', () => {
    let err: UnknownGlassError | undefined;
    try {
      lib.resolve('N-BK8', ['ACME']);
    } catch (e) {
      err = e as UnknownGlassError;
    }
    expect(err).toBeInstanceOf(UnknownGlassError);
    expect(err!.glass).toBe('N-BK8');
    expect(err!.searched.slice(0, 2)).toEqual(['ACME', 'SCHOTT']);
    expect(err!.suggestions).toContain('ACME:N-BK7');
    expect(err!.suggestions).toContain('SCHOTT:N-BK7');
    expect(err!.message).toMatch(/^unknown glass "N-BK8" \(searched ACME, SCHOTT, SCHOTT \(built-in\).*did you mean/);
    expect(() => lib.resolve('NOPE:N-BK7')).toThrow(/catalog NOPE is not loaded; loaded: SCHOTT, ACME, /);
    expect(GlassLibrary.builtin().suggest('BK7')).toContain('SCHOTT:N-BK7');
  });

  it('model glass from {model} and from a dO "nd/Vd" string reproduces nd and Vd', () => {
    for (const m of [lib.resolve({ model: { nd: 1.6935, vd: 53.2 } }), lib.resolve('1.6935/53.20')]) {
      expect(m).toBeInstanceOf(ModelGlass);
      expect(m.index(LAMBDA_D_UM)).toBe(1.6935);
      expect(Math.abs(abbeNumber(m) - 53.2)).toBeLessThanOrEqual(1e-12 * 53.2);
      expect(m.index(LAMBDA_F_UM)).toBeGreaterThan(m.index(LAMBDA_C_UM));
    }
  });

  it('catalogs() lists user catalogs, then the built-in ones', () => {
    expect(lib.catalogs().map((c) => c.name).slice(0, 3)).toEqual(['SCHOTT', 'ACME', 'SCHOTT']);
    expect(lib.catalogs()[2].source).toBe('builtin');
    expect(GlassLibrary.builtin()).toBe(GlassLibrary.builtin());
  });
});
