import { describe, expect, it } from 'vitest';
import { rotationalSag } from '../trace/sag.ts';
import { parseDOLens } from './dO.ts';
import { lensFileErrorOf } from '../../test/helpers/lensFileError.ts';
import type { SurfaceSpec } from './prescription.ts';

/** The medium after a surface (coordinate breaks have none). */
const mat = (s: SurfaceSpec) => ('material' in s ? s.material : undefined);

const file = (...rows: string[]) => ['my lens', 'type distance roc diameter material', ...rows].join('\n');
const parse = (text: string, resolveGlass?: (n: string, c: string[]) => boolean) => parseDOLens(text, { fileName: 'l.txt', resolveGlass });

const errorOf = lensFileErrorOf;

/** dO's sag (shapes.py, Aspheric._g): c r²/(1 + sqrt(1 − (1+k) c² r²)) + Σ ai[i] r^(2i+4). */
function dOSag(c: number, k: number, ai: number[], r: number): number {
  const r2 = r * r;
  let higher = 0;
  for (let i = ai.length - 1; i >= 0; i--) higher = r2 * higher + ai[i];
  return (r2 * c) / (1 + Math.sqrt(1 - (1 + k) * r2 * c * c)) + higher * r2 * r2;
}

describe('parseDOLens', () => {
  it('turns row distances into thicknesses, diameters into clear semi-diameters, the A row into the stop', () => {
    const { prescription: p, warnings } = parse(
      file('O 20 0 100 AIR', 'S 0 25.75 25.4 N-BK7', 'S 5.34 0 25.4 AIR', 'A 3 0 10 OCCLUDER', 'S 2 -40 20 1.5168/64.12', 'S 4 0 20 AIR', 'I 40 0 8 AIR'),
    );
    expect(warnings).toEqual([]);
    expect(p.name).toBe('my lens');
    expect(p.surfaces).toEqual([
      { type: 'standard', radius: 25.75, thickness: 5.34, semiDiameter: 12.7, material: 'N-BK7' },
      { type: 'standard', radius: null, thickness: 3, semiDiameter: 12.7 },
      { type: 'standard', radius: null, thickness: 2, semiDiameter: 5, stop: true },
      { type: 'standard', radius: -40, thickness: 4, semiDiameter: 10, material: { model: { nd: 1.5168, vd: 64.12 } } },
      { type: 'standard', radius: null, thickness: 40, semiDiameter: 10 },
    ]);
    expect(p.aperture).toEqual({ type: 'floatByStop' });
    expect(p.object).toEqual({ distance: 'infinity' });
    expect(p.fields).toEqual({ type: 'paraxialImageHeight', points: [{ x: 0, y: 0 }, { x: 0, y: 2.8 }, { x: 0, y: 4 }] });
    expect(p.wavelengths.valuesUm[p.wavelengths.primaryIndex]).toBe(0.5875618);
    expect(p.meta).toMatchObject({ sourceFormat: 'dO', sensorSemiDiameterMm: 4 });
    expect(p.notes).toMatch(/carry no field, aperture or wavelength data/);
  });

  it('maps S-row conic and aspheric terms so that our even asphere has dO sag', () => {
    const { prescription: p } = parse(file('O 0 0 0 AIR', 'S 0 -7.317 1.208 1.6935/53.20 0.3 -0.240 -0.4268 0.05', 'S 0.122 -2.2 1.254 AIR', 'I 1 0 1 AIR'));
    const s = p.surfaces[0];
    if (s.type !== 'evenAsphere' || s.radius === null) throw new Error('expected an even asphere');
    expect(s.asphere).toEqual([0, -0.24, -0.4268, 0.05]);
    for (const r of [0.1, 0.3, 0.5, 0.6]) {
      expect(rotationalSag(1 / s.radius, s.conic ?? 0, Float64Array.from(s.asphere), r * r)).toBeCloseTo(dOSag(1 / -7.317, 0.3, [-0.24, -0.4268, 0.05], r), 14);
    }
    expect(p.surfaces[1]).toEqual({ type: 'standard', radius: -2.2, thickness: 1, semiDiameter: 0.627 });
    // No A row: the first surface is the stop.
    expect(p.surfaces[0].stop).toBe(true);
  });

  it('reads X rows as XY polynomials (b, then a_ji in dO order) and checks their length', () => {
    const ai = [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0];
    const { prescription: p } = parse(file('O 0 0 0 AIR', 'S 0 62.8 12.7 N-BK7', `X 2.5 0 12.7 AIR 0.01 ${ai.join(' ')}`, 'I 96 0 1.7664 AIR'));
    expect(p.surfaces[1]).toEqual({ type: 'xyPolynomial', b: 0.01, xy: ai, thickness: 96, semiDiameter: 6.35 });
    const bad = file('O 0 0 0 AIR', 'S 0 62.8 12.7 N-BK7', 'X 2.5 0 12.7 AIR 0 1 2 3 4 5 6 7', 'I 96 0 1 AIR');
    expect(errorOf(() => parse(bad)).message).toBe('l.txt:5: X row: expected b and (J+1)(J+2)/2 polynomial coefficients (1, 3, 6, 10, ...); got 8 extra values');
  });

  it('maps dO glass names to catalog glasses when found, else to dO table values with a warning', () => {
    const text = file('O 0 0 0 VACUUM', 'S 0 13.35 17.4 SSK4', 'S 2 35.6 17.4 sk16', 'S 1 0 10 pmma', 'S 1 0 10 AIR', 'I 17 0 20 VACUUM');
    const { prescription: p, warnings } = parse(text, (name) => name === 'SK16');
    expect(p.surfaces.map(mat)).toEqual([
      { model: { nd: 1.6177, vd: 55.116 }, name: 'SSK4' },
      'SK16',
      { model: { nd: 1.491756, vd: 58 }, name: 'PMMA' },
      undefined,
    ]);
    expect(warnings).toEqual(["l.txt:4: glass SSK4 not found in the glass catalogs; using dO's own nd = 1.6177, Vd = 55.116 as a model glass"]);
    expect(errorOf(() => parse(file('O 0 0 0 AIR', 'S 0 1 1 UNOBTAINIUM', 'I 1 0 1 AIR'), () => false)).message).toBe(
      'l.txt:4: material UNOBTAINIUM: not in the glass catalogs nor in dO\'s table, and not "nd/Vd"',
    );
  });

  it('fails with the file and line for unsupported rows, bad numbers and a missing image row', () => {
    expect(errorOf(() => parse(file('O 0 0 0 AIR', 'B 1 0 10 AIR 4 4', 'I 1 0 1 AIR'))).message).toBe('l.txt:4: row type B (B-spline) is not supported yet');
    expect(errorOf(() => parse(file('O 0 0 0 AIR', 'S 1 abc 10 AIR', 'I 1 0 1 AIR'))).message).toBe('l.txt:4: S row: roc: expected a number, got "abc"');
    expect(errorOf(() => parse(file('O 0 0 0 AIR', 'S 0 10 10 N-BK7', 'S 1 0 10 AIR'))).message).toBe('l.txt: no image (I) row');
    expect(errorOf(() => parse(file('S 0 10 10 N-BK7', 'I 1 0 1 AIR'))).message).toBe('l.txt:3: S row before the object (O) row');
  });
});
