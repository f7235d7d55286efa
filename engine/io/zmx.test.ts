import { describe, expect, it } from 'vitest';
import { rotationalSag } from '../trace/sag.ts';
import { lensFileErrorOf } from '../../test/helpers/lensFileError.ts';
import type { Prescription, SurfaceSpec } from './prescription.ts';
import { encodeUtf16Le } from './text.ts';
import { parseZmx } from './zmx.ts';
import { constantIndexOf } from './zmxGlass.ts';
import { curvatureFor, writeZmx, ZmxWriteError } from './zmxWrite.ts';

/** The medium after a surface (coordinate breaks have none). */
const mat = (s: SurfaceSpec) => ('material' in s ? s.material : undefined);

const bytes = (lines: string[]) => new TextEncoder().encode(lines.join('\r\n'));

/** A small valid file: a singlet; `extra` goes into the system section, `s1` into surface 1. */
function singlet(extra: string[] = [], s1: string[] = [], s2: string[] = []): string[] {
  return [
    'VERS 190513 0 0',
    'MODE SEQ',
    'NAME test singlet',
    'UNIT MM X W X CM MR CPMM',
    'ENPD 10',
    'GCAT SCHOTT OHARA',
    'FTYP 0 0 2 3 0 0 0',
    'XFLN 0 0 0 0',
    'YFLN 0 10 0 0',
    'WAVM 1 0.4861327 1',
    'WAVM 2 0.5875618 1',
    'WAVM 3 0.6562725 1',
    'WAVM 4 0.55 1',
    'PWAV 2',
    ...extra,
    'SURF 0',
    '  TYPE STANDARD',
    '  CURV 0.0',
    '  DISZ INFINITY',
    'SURF 1',
    '  STOP',
    '  TYPE STANDARD',
    '  CURV 0.02',
    '  DISZ 5',
    '  GLAS N-BK7 0 0 1.5168 64.17',
    ...s1,
    'SURF 2',
    '  TYPE STANDARD',
    '  CURV -0.02',
    '  DISZ 48',
    ...s2,
    'SURF 3',
    '  TYPE STANDARD',
    '  CURV 0',
    '  DISZ 0',
  ];
}

const parse = (lines: string[], resolveGlass?: (n: string, c: string[]) => boolean) =>
  parseZmx(bytes(lines), { fileName: 't.zmx', resolveGlass });

const errorOf = lensFileErrorOf;

describe('parseZmx: system data', () => {
  it('reads aperture, fields (trimmed by FTYP), wavelengths (trimmed by FTYP), primary and GCAT', () => {
    const { prescription: p, warnings } = parse(singlet());
    expect(warnings).toEqual([]);
    expect(p.name).toBe('test singlet');
    expect(p.aperture).toEqual({ type: 'EPD', value: 10 });
    expect(p.fields).toEqual({ type: 'angle', points: [{ x: 0, y: 0 }, { x: 0, y: 10 }] });
    expect(p.wavelengths).toEqual({ valuesUm: [0.4861327, 0.5875618, 0.6562725], primaryIndex: 1 });
    expect(p.glassCatalogs).toEqual(['SCHOTT', 'OHARA']);
    expect(p.object).toEqual({ distance: 'infinity' });
    expect(p.surfaces.map((s) => s.thickness)).toEqual([5, 48]);
    expect(p.surfaces[0]).toMatchObject({ type: 'standard', radius: 50, material: 'N-BK7', stop: true });
    expect(p.surfaces[1]).toMatchObject({ radius: -50 });
    expect(p.surfaces[1]).not.toHaveProperty('material');
  });

  it('reads FNUM, OBNA (NA and cone angle) and FLOA (the stop DIAM) apertures', () => {
    const swap = (kw: string[]) => singlet().map((l) => (l === 'ENPD 10' ? kw : [l])).flat();
    expect(parse(swap(['FNUM 4.5 0'])).prescription.aperture).toEqual({ type: 'imageFNumber', value: 4.5 });
    expect(parse(swap(['OBNA 0.15 0'])).prescription.aperture).toEqual({ type: 'objectNA', value: 0.15 });
    const cone = parse(swap(['OBNA 30 1']));
    expect(cone.prescription.aperture.value).toBeCloseTo(0.5, 15);
    expect(cone.warnings[0]).toMatch(/cone angle/);
    const floa = parse(singlet(['FLOA'], ['  DIAM 4.5 1 0 0 1 ""']).filter((l) => l !== 'ENPD 10'));
    expect(floa.prescription.aperture).toEqual({ type: 'floatByStop' });
    expect(floa.prescription.surfaces[0].semiDiameter).toBe(4.5);
    const noDiam = errorOf(() => parse(singlet(['FLOA']).filter((l) => l !== 'ENPD 10')));
    expect(noDiam.message).toMatch(/^t\.zmx:\d+: FLOA: .*stop \(SURF 1\) has no DIAM/);
    expect(errorOf(() => parse(singlet().filter((l) => l !== 'ENPD 10'))).message).toBe(
      't.zmx: no system aperture: expected ENPD, FNUM, OBNA or FLOA',
    );
  });

  it('refuses non-sequential files and unsupported surface types, naming file, line and keyword', () => {
    const nsc = singlet().map((l) => (l === 'MODE SEQ' ? 'MODE NSC' : l));
    expect(errorOf(() => parse(nsc)).message).toBe('t.zmx:2: MODE NSC: non-sequential files are not supported (only MODE SEQ)');
    const tor = singlet().map((l, i, a) => (a[i - 1] === 'SURF 2' ? '  TYPE TOROIDAL' : l));
    const e = errorOf(() => parse(tor));
    expect(e.message).toBe(`t.zmx:${tor.indexOf('  TYPE TOROIDAL') + 1}: SURF 2: TYPE TOROIDAL is not supported yet`);
    expect(errorOf(() => parse(singlet([], ['  CONI abc']))).message).toMatch(/^t\.zmx:\d+: CONI: expected a number, got "abc"$/);
  });

  it('collects unknown keywords as warnings and ignores known optics-free ones silently', () => {
    const { warnings } = parse(singlet(['ZZZZ 1 2', 'RAIM 0 0 1', 'ZZZZ 3'], ['  HIDE 0 0', '  QQQQ']));
    expect(warnings).toEqual([
      `t.zmx:15: unknown keyword ZZZZ ignored (2 lines)`,
      expect.stringMatching(/^t\.zmx:\d+: unknown keyword QQQQ ignored$/),
    ]);
  });

  it('converts UNIT IN to mm: lengths, heights and asphere coefficients (sag scales with the unit)', () => {
    const inch = singlet().map((l) => (l.startsWith('UNIT') ? 'UNIT IN X W X CM MR CPMM' : l.replace('ENPD 10', 'ENPD 0.5')));
    const i1 = inch.indexOf('  TYPE STANDARD', inch.indexOf('SURF 1'));
    inch.splice(i1, 1, '  TYPE EVENASPH', '  PARM 1 0.001', '  PARM 2 -0.002', '  PARM 3 0.0003');
    const { prescription: p } = parse(inch);
    expect(p.aperture.value).toBeCloseTo(12.7, 12);
    expect(p.surfaces.map((s) => s.thickness)).toEqual([5 * 25.4, 48 * 25.4]);
    const s = p.surfaces[0];
    if (s.type !== 'evenAsphere' || s.radius === null) throw new Error('expected an even asphere');
    expect(s.radius).toBeCloseTo(50 * 25.4, 9);
    // The surface is the same physical shape: sag(r mm) = 25.4 · sag_inch(r / 25.4).
    const sagInch = (rIn: number) => rotationalSag(0.02, 0, Float64Array.from([0.001, -0.002, 0.0003]), rIn * rIn);
    for (const r of [1, 5, 10, 20]) {
      const mm = rotationalSag(1 / s.radius, 0, Float64Array.from(s.asphere), r * r);
      expect(mm).toBeCloseTo(25.4 * sagInch(r / 25.4), 12);
    }
  });

  it('reads object heights and image heights in lens units, and a finite object distance', () => {
    const lines = singlet()
      .map((l) => (l.startsWith('UNIT') ? 'UNIT CM' : l.startsWith('FTYP') ? 'FTYP 1 0 2 2' : l))
      .map((l) => (l === '  DISZ INFINITY' ? '  DISZ 100' : l));
    const { prescription: p } = parse(lines);
    expect(p.object.distance).toBe(1000);
    expect(p.fields).toEqual({ type: 'objectHeight', points: [{ x: 0, y: 0 }, { x: 0, y: 100 }] });
    expect(p.wavelengths).toEqual({ valuesUm: [0.4861327, 0.5875618], primaryIndex: 1 });
    expect(() => parse(singlet().map((l) => (l.startsWith('FTYP') ? 'FTYP 1 0 2 3' : l)))).toThrow(/FTYP 1: object-height fields need a finite object distance/);
    expect(() => parse(singlet().map((l) => (l.startsWith('FTYP') ? 'FTYP 4 0 2 3' : l)))).toThrow(/FTYP 4: field type theodolite angles is not supported yet/);
  });
});

describe('parseZmx: glasses', () => {
  it('reads ___BLANK model glasses, Vd = 0 constant indices, 6-digit codes and MIRROR', () => {
    const glas = (g: string) => mat(parse(singlet().map((l) => (l.startsWith('  GLAS') ? `  GLAS ${g}` : l))).prescription.surfaces[0]);
    expect(glas('___BLANK 1 0 1.58913 61.2 0 0 0')).toEqual({ model: { nd: 1.58913, vd: 61.2 } });
    expect(constantIndexOf(glas('___BLANK 1 0 1.7 0'))).toBe(1.7);
    expect(glas('517642')).toEqual({ model: { nd: 1.517, vd: 64.2 }, name: '517642' });
    expect(glas('MIRROR 0 0')).toBe('MIRROR');
  });

  it('asks resolveGlass with the GCAT order and falls back to the line nd/Vd with a warning naming glass and line', () => {
    const asked: [string, string[]][] = [];
    const { prescription: p, warnings } = parse(singlet(), (name, cats) => {
      asked.push([name, cats]);
      return false;
    });
    expect(asked).toEqual([['N-BK7', ['SCHOTT', 'OHARA']]]);
    expect(mat(p.surfaces[0])).toEqual({ model: { nd: 1.5168, vd: 64.17 }, name: 'N-BK7' });
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/^t\.zmx:24: SURF 1: glass N-BK7 not found in catalogs SCHOTT, OHARA .* nd = 1\.5168, Vd = 64\.17/);
    const found = parse(singlet(), () => true);
    expect(mat(found.prescription.surfaces[0])).toBe('N-BK7');
  });

  it('fails when a glass is found nowhere and its line has no nd/Vd', () => {
    const lines = singlet().map((l) => (l.startsWith('  GLAS') ? '  GLAS S-LAH64 0 0 0 0 0 0' : l));
    expect(errorOf(() => parse(lines, () => false)).message).toMatch(/^t\.zmx:24: SURF 1: GLAS S-LAH64: glass not found in catalogs SCHOTT, OHARA/);
  });
});

describe('parseZmx: surfaces', () => {
  it('maps EVENASPH, even-only ODDASPHE, COORDBRK, PARAXIAL, CLAP and FLAP; a plain DIAM does not clip', () => {
    const lines = singlet(
      [],
      ['  CONI -1.5', '  DIAM 12 1 0 0 1 ""', '  PARM 1 0', '  PARM 2 1e-5', '  PARM 3 0', '  PARM 4 0'],
      ['  CLAP 0 11 0'],
    ).map((l, i, a) => (a[i - 2] === 'SURF 1' ? '  TYPE EVENASPH' : l));
    const k = lines.indexOf('SURF 3');
    lines.splice(
      k,
      0,
      'SURF 3', '  TYPE COORDBRK', '  PARM 1 0.5', '  PARM 2 -1', '  PARM 3 10', '  PARM 4 0', '  PARM 5 0', '  PARM 6 1', '  DISZ 0',
      'SURF 4', '  TYPE PARAXIAL', '  PARM 1 100', '  PARM 2 1', '  DISZ 5', '  DIAM 7', '  FLAP 0 7 0',
      'SURF 5', '  TYPE ODDASPHE', '  CURV 0.01', '  PARM 2 0.001', '  PARM 4 -1e-6', '  DISZ 2',
    );
    const { prescription: p } = parse(lines);
    expect(p.surfaces[0]).toEqual({ type: 'evenAsphere', radius: 50, conic: -1.5, asphere: [0, 1e-5], material: 'N-BK7', thickness: 5, stop: true });
    expect(p.surfaces[1]).toEqual({ type: 'standard', radius: -50, thickness: 48, semiDiameter: 11 });
    expect(p.surfaces[2]).toEqual({ type: 'coordinateBreak', decenterX: 0.5, decenterY: -1, tiltX: 10, order: 1, thickness: 0 });
    expect(p.surfaces[3]).toEqual({ type: 'paraxial', focalLength: 100, thickness: 5, semiDiameter: 7 });
    expect(p.surfaces[4]).toEqual({ type: 'evenAsphere', radius: 100, asphere: [0.001, -1e-6], thickness: 2 });
    const odd = lines.map((l) => (l === '  PARM 4 -1e-6' ? '  PARM 3 -1e-6' : l));
    expect(() => parse(odd)).toThrow(/SURF 5: TYPE ODDASPHE with odd-order terms \(PARM 3 = -0\.000001\) is not supported yet/);
  });

  it('takes surface 1 as the stop when no STOP is given, with a warning', () => {
    const { prescription: p, warnings } = parse(singlet().filter((l) => l !== '  STOP'));
    expect(p.surfaces[0].stop).toBe(true);
    expect(warnings[0]).toMatch(/no STOP keyword/);
  });

  it('needs an object, a surface and an image', () => {
    expect(() => parse(['MODE SEQ', 'ENPD 1', 'SURF 0', 'DISZ INFINITY', 'SURF 1'])).toThrow(/found 2 SURF block/);
  });
});

describe('writeZmx', () => {
  const base: Prescription = {
    format: 'lens-studio/1',
    name: 'written',
    units: 'mm',
    notes: 'first paragraph\nsecond ' + 'x'.repeat(450),
    object: { distance: 250, material: null },
    aperture: { type: 'objectNA', value: 0.1 },
    fields: { type: 'objectHeight', points: [{ x: 0, y: 0 }, { x: 1, y: 3.3, weight: 2, vignetting: { vcy: 0.25 } }] },
    wavelengths: { valuesUm: [0.55, 0.65], weights: [1, 0.5], primaryIndex: 0 },
    glassCatalogs: ['SCHOTT'],
    surfaces: [
      { type: 'standard', radius: 37.21, conic: -0.7, thickness: 3.1, material: 'OHARA:S-LAH64', semiDiameter: 6 },
      { type: 'evenAsphere', radius: -81.3, asphere: [0, 2.5e-5, -3e-8], thickness: 0.2, material: { model: { nd: 1.62, vd: 36.4 } } },
      { type: 'standard', radius: null, thickness: 1, stop: true, material: { model: { nd: 1.7, vd: 30 }, name: 'J-LAK14' }, comment: 'stop here' },
      { type: 'coordinateBreak', tiltX: 45, thickness: 0 },
      { type: 'standard', radius: null, thickness: -10, material: 'MIRROR' },
      { type: 'coordinateBreak', tiltX: 45, decenterY: 0.1, order: 1, thickness: -20 },
      { type: 'paraxial', focalLength: 50, thickness: 50 },
    ],
    image: { radius: -120, semiDiameter: 15 },
  };

  it('round-trips every number: prescription → .zmx → prescription', () => {
    const text = writeZmx(base);
    expect(text).toMatch(/^VERS .*\r\nMODE SEQ\r\n/);
    // J-LAK14 is in no catalog: it comes back as the same model glass, by name.
    const back = parseZmx(encodeUtf16Le(text), { fileName: 'w.zmx', resolveGlass: (name) => name === 'S-LAH64' }).prescription;
    expect(back.surfaces).toEqual([{ ...base.surfaces[0], material: 'S-LAH64' }, ...base.surfaces.slice(1)]);
    expect(back.object).toEqual({ distance: 250 });
    for (const key of ['name', 'notes', 'aperture', 'fields', 'wavelengths', 'image'] as const) expect(back[key]).toEqual(base[key]);
    expect(back.glassCatalogs).toEqual(['SCHOTT', 'OHARA']);
  });

  it('without a glass library, writes an inline-formula glass as a model glass with a warning; refuses XY polynomials', () => {
    const warnings: string[] = [];
    const p: Prescription = {
      ...base,
      surfaces: [
        { type: 'standard', radius: 20, thickness: 2, material: { name: 'SK16', catalog: 'HIKARI', formula: 1, coefficients: [2.592001, -0.01540969, 0.0102268, 0.001581559, -0.0001877149, 1.012515e-5] } },
        { type: 'standard', radius: null, thickness: 20 },
      ],
    };
    const text = writeZmx(p, { warnings });
    expect(text).toMatch(/GLAS ___BLANK 1 0 1\.62\d+ 60\.\d+/);
    expect(warnings).toEqual([expect.stringMatching(/^surfaces\[0\]: glass SK16 is given by an inline dispersion formula that matches no catalog glass at hand; written as a model glass/)]);
    const xy: Prescription = { ...base, surfaces: [{ type: 'xyPolynomial', xy: [0, 0, 0], thickness: 1 }] };
    expect(() => writeZmx(xy)).toThrow(ZmxWriteError);
  });

  it('writes a curvature whose reciprocal is the radius read from a .zmx exactly, and within 1 ulp otherwise', () => {
    let seed = 12345;
    const rand = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
    let inexact = 0;
    for (let i = 0; i < 20000; i++) {
      const c = (rand() - 0.5) * 10 ** (rand() * 8 - 6);
      if (c === 0) continue;
      const radiusFromFile = 1 / c;
      expect(1 / curvatureFor(radiusFromFile)).toBe(radiusFromFile);
      // An arbitrary radius may have no double curvature with exactly that reciprocal.
      const r = 1 / c + (rand() - 0.5) * Math.abs(1 / c) * 1e-9;
      const back = 1 / curvatureFor(r);
      if (back !== r) inexact++;
      expect(Math.abs(back - r)).toBeLessThanOrEqual(Math.abs(r) * 2 ** -52);
    }
    expect(inexact).toBeGreaterThan(0);
  });
});
