/**
 * Every dO lens file of ../shared/data/dO loads and gives sensible first-order data. Stated
 * numbers come from the file (name line, file name) or the part's catalog, as noted.
 */
import fs from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Prescription } from '../../engine/io/prescription.ts';
import type { GlassLibrary } from '../../engine/materials/glassLibrary.ts';
import { LAMBDA_D_UM } from '../../engine/materials/material.ts';
import { corpusGlassLibrary, dataDir, loadCorpusLens, materialOf, rel, type LoadedCorpusLens } from './corpus.ts';

const doDir = path.join(dataDir, 'dO');
let library: GlassLibrary;

beforeAll(async () => {
  library = await corpusGlassLibrary();
});

const lens = (name: string): LoadedCorpusLens => loadCorpusLens(path.join(doDir, name), library);
const radiusOf = (p: Prescription, i: number) => {
  const s = p.surfaces[i];
  if (!('radius' in s) || s.radius === null) throw new Error(`surface ${i} is not curved`);
  return s.radius;
};

/**
 * dO's aperture choice makes the F-number nominal: marketing F-numbers are rounded to the
 * third-stop scale, so "1.8" covers ±1/6 stop, a factor 2^(±1/12).
 */
const withinSixthStop = (fno: number, nominal: number) => expect(Math.abs(Math.log2(fno / nominal))).toBeLessThanOrEqual(1 / 12);

const checks: Record<string, () => void> = {
  'LA1131.txt': () => {
    // Thorlabs LA1131: N-BK7 plano-convex, Ø25.4 mm, f = 50.0 mm (Thorlabs catalog, at 588 nm).
    // With a flat back, EFL = R/(n − 1) exactly.
    const l = lens('LA1131.txt');
    expect(l.warnings).toEqual([]);
    expect(l.prescription.name).toBe('Thorlabs-LA1131');
    expect(materialOf(l.prescription.surfaces[0])).toBe('N-BK7');
    const n = library.resolve('N-BK7').index(LAMBDA_D_UM);
    expect(rel(l.fo.efl, radiusOf(l.prescription, 0) / (n - 1))).toBeLessThan(1e-12);
    expect(rel(l.fo.efl, 50)).toBeLessThan(0.005);
    // No A row: the first surface (Ø25.4) is the stop.
    expect(l.fo.epd).toBe(25.4);
  },
  'ACL5040U.txt': () => {
    // Thorlabs ACL5040U aspheric condenser, Ø50 mm, f = 40 mm; B270 from the SCHOTT catalog.
    const l = lens('ACL5040U.txt');
    expect(l.warnings).toEqual([]);
    expect(l.prescription.surfaces[0]).toMatchObject({ type: 'evenAsphere', radius: 20.923, conic: -0.6405, asphere: [0, 2e-6], material: 'B270' });
    expect(rel(l.fo.efl, 40)).toBeLessThan(0.005);
  },
  'Nikon-z35-f1.8-JPA2019090949-example2.txt': () => {
    // Nikon Z 35 mm f/1.8 (JP 2019-090949 A, example 2), scaled; two aspheric surfaces; nd/Vd glasses.
    const l = lens('Nikon-z35-f1.8-JPA2019090949-example2.txt');
    const p = l.prescription;
    expect(l.warnings).toEqual([]);
    expect(p.surfaces[11]).toMatchObject({ stop: true, semiDiameter: 0.555 });
    expect(p.surfaces[16]).toMatchObject({ type: 'evenAsphere', radius: -7.317, asphere: [0, -0.24, -0.4268], material: { model: { nd: 1.6935, vd: 53.2 } } });
    expect(p.surfaces[17]).toMatchObject({ type: 'evenAsphere', radius: -2.2, asphere: [0, -0.05053, -0.3491, 0.1459, 0.07718] });
    withinSixthStop(l.fo.fno, 1.8);
    // The sensor sits at the paraxial focus to within 1 % of the EFL.
    expect(Math.abs(l.fo.bfl - p.surfaces[p.surfaces.length - 1].thickness)).toBeLessThan(0.01 * l.fo.efl);
  },
  'US02532751-1.txt': () => {
    // Double Gauss of US 2,532,751; SSK4 (SUMITA) is in no catalog here: dO's own nd/Vd.
    const l = lens('US02532751-1.txt');
    expect(l.warnings).toEqual(["US02532751-1.txt:4: glass SSK4 not found in the glass catalogs; using dO's own nd = 1.6177, Vd = 55.116 as a model glass"]);
    const p = l.prescription;
    expect(p.surfaces[0]).toMatchObject({ type: 'evenAsphere', conic: 0.005, asphere: [0, 1e-6, 1e-8, -3e-10] });
    expect(p.surfaces[5]).toMatchObject({ stop: true, semiDiameter: 2.443 });
    expect(p.surfaces.map(materialOf).filter((m) => typeof m === 'string')).toEqual(['SK1', 'F15', 'F15', 'SK16', 'SK16']);
    expect(Math.abs(l.fo.bfl - p.surfaces[p.surfaces.length - 1].thickness)).toBeLessThan(0.01 * l.fo.efl);
  },
  'end2end_edof.txt': () => {
    // Its doublet is Thorlabs AC254-100-A (R 62.8 / −45.7 / −128.2, N-BK7 + SF5, f = 100 mm), then
    // a plate and a flat XY-polynomial surface (all coefficients 0).
    const l = lens('end2end_edof.txt');
    const p = l.prescription;
    expect(l.warnings).toEqual([]);
    expect(p.surfaces.map(materialOf)).toEqual(['N-BK7', 'SF5', undefined, 'N-BK7', undefined]);
    expect(p.surfaces[4]).toEqual({ type: 'xyPolynomial', xy: [0, 0, 0, 0, 0, 0, 0, 0, 0, 0], thickness: 96, semiDiameter: 6.35 });
    expect(rel(l.fo.efl, 100)).toBeLessThan(0.005);
  },
};

describe('the dO corpus', () => {
  const files = fs.readdirSync(doDir).filter((f) => f.endsWith('.txt')).sort();

  it('has a test for every file', () => {
    expect(files.filter((f) => !(f in checks))).toEqual([]);
  });

  for (const [file, check] of Object.entries(checks)) {
    it(`${file} loads with sensible first-order data`, () => {
      check();
      const l = lens(file);
      expect(l.prescription.aperture).toEqual({ type: 'floatByStop' });
      for (const k of ['efl', 'bfl', 'fno', 'epd', 'epl', 'invariant'] as const) expect(Number.isFinite(l.fo[k])).toBe(true);
      expect(l.fo.efl).toBeGreaterThan(0);
    });
  }
});
