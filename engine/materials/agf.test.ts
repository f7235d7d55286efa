import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { AgfParseError, decodeAgfText, parseAgf, parseAgfText } from './agf.ts';
import { GlassLibrary, RejectedGlassError } from './glassLibrary.ts';
import { abbeNumber, LAMBDA_D_UM } from './material.ts';

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
const glassDir = path.resolve(repoRoot, '../shared/data/glass');
const agfFiles = readdirSync(glassDir).filter((f) => /\.agf$/i.test(f));

/** A small catalog in the AGF layout, with SCHOTT's N-BK7 data and a glass with a non-ASCII name. */
const FIXTURE = [
  'CC Test catalog, 20 °C',
  'NM N-BK7 2 517642.251 1.5168 64.17 0 1',
  'GC borosilicate crown',
  'ED 7.1 8.3 2.51 -0.0009 0',
  'CD 1.03961212E+00 6.00069867E-03 2.31792344E-01',
  '   2.00179144E-02 1.01046945E+00 1.03560653E+02 0 0 0 0',
  'TD 1.86E-06 1.31E-08 -1.37E-11 4.34E-07 6.27E-10 1.70E-01 2.00E+01',
  'OD 1.0 2 0 1 2.3 2.3',
  'LD 0.3 2.5',
  'IT 0.35 0.93 25',
  'IT 0.4 0.997',
  'IT 0.5 0.999 25',
  'ZZ an unknown record',
  'NM GLÄS 1 510600 1.50962 60 0 0',
  'GC Glas für Tests',
  'CD 2.25 0 0.01 0 0 0',
].join('\r\n');

function utf16(text: string, littleEndian: boolean, bom = true): Uint8Array {
  const out = new Uint8Array(2 * text.length + (bom ? 2 : 0));
  let o = 0;
  if (bom) {
    out[o++] = littleEndian ? 0xff : 0xfe;
    out[o++] = littleEndian ? 0xfe : 0xff;
  }
  for (let i = 0; i < text.length; i++) {
    const u = text.charCodeAt(i);
    out[o++] = littleEndian ? u & 0xff : u >> 8;
    out[o++] = littleEndian ? u >> 8 : u & 0xff;
  }
  return out;
}

function latin1(text: string): Uint8Array {
  return Uint8Array.from(text, (c) => {
    const u = c.charCodeAt(0);
    if (u > 0xff) throw new Error('not Latin-1');
    return u;
  });
}

function checkFixture(bytes: Uint8Array) {
  const cat = parseAgf(bytes, 'fixture');
  expect(cat.name).toBe('FIXTURE');
  expect(cat.glasses.map((g) => g.name)).toEqual(['N-BK7', 'GLÄS']);
  expect(cat.comments).toEqual(['Test catalog, 20 °C']);
  const bk7 = cat.get('n-bk7')!;
  expect(bk7.formula).toBe(2);
  expect(Array.from(bk7.coefficients).slice(0, 6)).toEqual([
    1.03961212, 0.00600069867, 0.231792344, 0.0200179144, 1.01046945, 103.560653,
  ]);
  expect(Math.abs(bk7.index(LAMBDA_D_UM) - 1.5168)).toBeLessThan(5e-7);
  expect(Math.abs(abbeNumber(bk7) - 64.17)).toBeLessThan(0.01);
  expect(bk7.nd).toBe(1.5168);
  expect(bk7.vd).toBe(64.17);
  expect(bk7.glassCode).toBe('517642.251');
  expect(bk7.excludeSubstitution).toBe(false);
  expect(bk7.status).toBe(1);
  expect(bk7.comment).toBe('borosilicate crown');
  expect(bk7.rangeUm).toEqual([0.3, 2.5]);
  expect(bk7.thermal).toEqual({ d0: 1.86e-6, d1: 1.31e-8, d2: -1.37e-11, e0: 4.34e-7, e1: 6.27e-10, lambdaTkUm: 0.17, tRefC: 20 });
  expect(bk7.extra).toEqual({ tce30to70: 7.1, tce100to300: 8.3, densityGcm3: 2.51, dPgF: -0.0009, ignoreThermalExpansion: false });
  expect(bk7.other?.acidResistance).toBe(1);
  // The two-number IT line is skipped, the others kept.
  expect(bk7.transmission).toEqual([
    { wavelengthUm: 0.35, transmission: 0.93, thicknessMm: 25 },
    { wavelengthUm: 0.5, transmission: 0.999, thicknessMm: 25 },
  ]);
  const glas = cat.get('gläs')!;
  expect(glas.comment).toBe('Glas für Tests');
  expect(glas.index(1)).toBeCloseTo(Math.sqrt(2.26), 15);
}

describe('parseAgf: encodings and line endings (fixture with CRLF and a continuation line)', () => {
  it('UTF-8 without BOM', () => checkFixture(new TextEncoder().encode(FIXTURE)));
  it('UTF-8 with BOM', () => checkFixture(new Uint8Array([0xef, 0xbb, 0xbf, ...new TextEncoder().encode(FIXTURE)])));
  it('UTF-16 LE with BOM', () => checkFixture(utf16(FIXTURE, true)));
  it('UTF-16 BE with BOM', () => checkFixture(utf16(FIXTURE, false)));
  it('UTF-16 BE without BOM', () => checkFixture(utf16(FIXTURE, false, false)));
  it('Latin-1 (bytes that are not UTF-8)', () => {
    const bytes = latin1(FIXTURE);
    expect(() => new TextDecoder('utf-8', { fatal: true }).decode(bytes)).toThrow();
    checkFixture(bytes);
  });
  it('LF and CR line endings', () => {
    checkFixture(new TextEncoder().encode(FIXTURE.replace(/\r\n/g, '\n')));
    checkFixture(new TextEncoder().encode(FIXTURE.replace(/\r\n/g, '\r')));
  });
  it('decodeAgfText strips the BOM', () => {
    expect(decodeAgfText(utf16('CC x', false))).toBe('CC x');
  });
});

describe('parseAgf: malformed input', () => {
  const parse = (text: string) => () => parseAgfText(text, 'bad');
  it('names catalog, line and record for a bad number', () => {
    const text = 'CC x\nNM A 2 0 1.5 60\nCD 1 0.01 abc';
    expect(parse(text)).toThrow(AgfParseError);
    expect(parse(text)).toThrow('glass catalog BAD, line 3 (CD): field 3 "abc" is not a number');
  });
  it('rejects a non-numeric formula, a missing name, a record before NM, a glass without CD', () => {
    expect(parse('NM A two 0 1.5 60\nCD 1')).toThrow(/line 1 \(NM\).*formula "two"/);
    expect(parse('NM\nCD 1')).toThrow(/line 1 \(NM\): missing glass name/);
    expect(parse('CC x\nCD 1 2 3')).toThrow(/line 2 \(CD\): record before the first NM/);
    expect(parse('NM A 2 0 1.5 60\nGC x\nNM B 2 0 1.5 60\nCD 1 0.01')).toThrow(/line 1 \(NM\): glass A has no CD/);
    expect(parse('12 13\nNM A 2')).toThrow(/line 1/);
  });
  it('skips a glass with a formula outside 1..13, with a warning', () => {
    const cat = parseAgfText('NM A 14 0 1.5 60\nCD 1 2\nNM B 2.00000E+00 0 1.42472 60\nCD 1 0.01', 'w');
    expect(cat.glasses.map((g) => g.name)).toEqual(['B']);
    expect(cat.warnings).toHaveLength(1);
    expect(cat.warnings[0]).toMatch(/W:A \(line 1\).*formula 14/);
  });
});

describe('parseAgf: contradictory entries', () => {
  it('rejects an entry whose formula contradicts its stated nd by more than 1e-3, naming glass and catalog', () => {
    // N-BK7's Sellmeier coefficients with nd misstated as 1.5268 (formula: 1.5168).
    const cat = parseAgfText(
      'NM N-BK7 2 517642 1.5268 64.17 0 1\nCD 1.03961212 6.00069867E-03 2.31792344E-01 2.00179144E-02 1.01046945 1.03560653E+02\nNM OK 1 0 1.5 60\nCD 2.25',
      'ACME',
    );
    expect(cat.glasses.map((g) => g.name)).toEqual(['OK']);
    expect(cat.warnings).toEqual([
      'glass N-BK7 of catalog ACME (line 1) rejected: its formula gives nd = 1.516800 but the catalog states nd = 1.5268 (more than 0.001 apart)',
    ]);
    expect(cat.rejected.get('N-BK7')).toMatch(/N-BK7 of catalog ACME/);
    // Within 1e-3 it is kept; an infrared glass whose range excludes the d line is not checked.
    expect(parseAgfText('NM A 1 0 1.5009 60\nCD 2.25', 'X').glasses).toHaveLength(1);
    expect(parseAgfText('NM IR 1 0 1 60\nCD 16\nLD 2 14', 'X').glasses).toHaveLength(1);
  });

  it('using a rejected glass is an error that says why; it is not taken from a later catalog', () => {
    const acme = parseAgfText('NM N-BK7 2 517642 1.5268 64.17 0 1\nCD 1.03961212 6.00069867E-03 2.31792344E-01 2.00179144E-02 1.01046945 1.03560653E+02', 'ACME');
    const lib = GlassLibrary.builtin().withCatalogs([acme]);
    expect(() => lib.resolve('N-BK7', ['ACME'])).toThrow(/glass N-BK7 of catalog ACME \(line 1\) rejected: its formula gives nd = 1\.516800/);
    expect(() => lib.resolve('ACME:N-BK7')).toThrow(RejectedGlassError);
    // Asked from SCHOTT explicitly, the built-in N-BK7 is fine.
    expect(lib.resolve('SCHOTT:N-BK7').index(LAMBDA_D_UM)).toBeCloseTo(1.5168, 5);
  });
});

describe('the shared AGF catalogs', () => {
  it('every glass whose NM line states nd gives n(0.5875618 µm) within 2e-4 of it', () => {
    let checked = 0;
    let worst = 0;
    let worstName = '';
    const failures: string[] = [];
    for (const file of agfFiles) {
      const cat = parseAgf(readFileSync(path.join(glassDir, file)), path.parse(file).name);
      expect(cat.warnings).toEqual([]);
      for (const g of cat.glasses) {
        if (!(g.nd !== undefined && g.nd > 1 && g.nd < 4)) continue;
        const d = Math.abs(g.index(LAMBDA_D_UM) - g.nd);
        checked++;
        if (d > worst) [worst, worstName] = [d, g.qualifiedName];
        if (!(d <= 2e-4)) failures.push(`${g.qualifiedName}: n = ${g.index(LAMBDA_D_UM)}, nd = ${g.nd}`);
      }
    }
    console.log(`AGF nd check: ${checked} glasses in ${agfFiles.length} catalogs, worst |n − nd| = ${worst.toExponential(2)} (${worstName})`);
    expect(failures).toEqual([]);
    expect(checked).toBeGreaterThan(1700);
  });

  it('reads the UTF-16 LE catalog OHARA_20200623.AGF', () => {
    const bytes = readFileSync(path.join(glassDir, 'OHARA_20200623.AGF'));
    expect([bytes[0], bytes[1]]).toEqual([0xff, 0xfe]);
    const cat = parseAgf(bytes, 'OHARA_20200623');
    expect(cat.name).toBe('OHARA_20200623');
    expect(cat.size).toBe(158);
    const g = cat.get('S-BSL7')!;
    expect(g.nd).toBe(1.51633);
    expect(Math.abs(g.index(LAMBDA_D_UM) - 1.51633)).toBeLessThan(2e-6);
    expect(g.transmission.length).toBeGreaterThan(10);
    expect(cat.get('SK-1310')?.comment).toBe('Anhydrous Synthetic Fused Silica');
  });
});
