import { describe, expect, it } from 'vitest';
import { parsePrescriptionJson, PrescriptionError } from './json.ts';
import { parseMeritSpecJson } from './meritSpecSchema.ts';
import { closestKey, describeUnknownKey, editDistance, findUnknownKeys } from './unknownKeys.ts';
import { Prescription } from './prescription.ts';
import { jsonDepthExceeded, parseJsonText } from './jsonText.ts';

const lens = () => ({
  format: 'lens-studio/1',
  name: 'singlet',
  units: 'mm',
  object: { distance: 'infinity' },
  aperture: { type: 'EPD', value: 10 },
  fields: { type: 'angle', points: [{ x: 0, y: 0 }] },
  wavelengths: { valuesUm: [0.5875618], primaryIndex: 0 },
  surfaces: [
    { type: 'standard', radius: 50, thickness: 4, material: 'N-BK7', stop: true },
    { type: 'standard', radius: null, thickness: 95 },
  ],
});

describe('unknown keys', () => {
  it('edit distance with transpositions', () => {
    expect(editDistance('semiDiamter', 'semiDiameter')).toBe(1);
    expect(editDistance('thickenss', 'thickness')).toBe(1);
    expect(editDistance('abc', 'abc')).toBe(0);
    expect(closestKey('semiDiamter', ['radius', 'semiDiameter', 'thickness'])).toBe('semiDiameter');
    expect(closestKey('Thickness', ['thickness'])).toBe('thickness');
    expect(closestKey('banana', ['radius', 'thickness'])).toBeUndefined();
  });

  it('names the path and the closest known key, everywhere in a prescription', () => {
    const p = lens() as Record<string, unknown>;
    (p.surfaces as Record<string, unknown>[])[1].semiDiamter = 12;
    (p.aperture as Record<string, unknown>).vaule = 3;
    p.wavelenghts = {};
    (p as { meta?: unknown }).meta = { anything: { goes: 1 } };
    const found = findUnknownKeys(Prescription, p).map(describeUnknownKey);
    expect(found).toEqual([
      'aperture.vaule: unknown key — did you mean value?',
      'surfaces[1].semiDiamter: unknown key — did you mean semiDiameter?',
      'wavelenghts: unknown key — did you mean wavelengths?',
    ]);
  });

  it('follows the discriminated surface union and the merit spec', () => {
    const p = lens() as Record<string, unknown>;
    (p.surfaces as Record<string, unknown>[])[0] = { type: 'evenAsphere', radius: 50, thickness: 4, asphere: [0, 1e-6], conci: -1 };
    p.merit = { operands: [{ type: 'EFL', target: 50, wieght: 2 }] };
    const warnings: string[] = [];
    parsePrescriptionJson(JSON.stringify(p), 'x.json', { warnings });
    expect(warnings).toEqual(['surfaces[0].conci: unknown key — did you mean conic?', 'merit.operands[0].wieght: unknown key — did you mean weight?']);
    const specWarnings: string[] = [];
    parseMeritSpecJson(JSON.stringify({ defaultMerit: { rings: 3, armz: 6 } }), 'spec.json', { warnings: specWarnings });
    expect(specWarnings).toEqual(['defaultMerit.armz: unknown key — did you mean arms?']);
  });

  it('is an error with strict', () => {
    const p = lens() as Record<string, unknown>;
    (p.surfaces as Record<string, unknown>[])[1].semiDiamter = 12;
    expect(() => parsePrescriptionJson(JSON.stringify(p), 'x.json', { strict: true })).toThrow(PrescriptionError);
    expect(() => parsePrescriptionJson(JSON.stringify(p), 'x.json', { strict: true })).toThrow(
      'x.json: surfaces[1].semiDiamter: unknown key — did you mean semiDiameter? (--strict)',
    );
    expect(parsePrescriptionJson(JSON.stringify(lens()), 'x.json', { strict: true }).name).toBe('singlet');
  });
});

describe('JSON nesting', () => {
  it('refuses nesting deeper than 64 with line and column, never a stack overflow', () => {
    const deep = `{"a":\n${'['.repeat(200_000)}${']'.repeat(200_000)}}`;
    expect(jsonDepthExceeded(deep)).toBe(5 + 1 + 63);
    expect(() => parseJsonText(deep, 'deep.json', PrescriptionError)).toThrow('deep.json: JSON nested deeper than 64 levels at line 2, column 64');
    expect(() => parsePrescriptionJson(deep, 'deep.json')).toThrow(/nested deeper than 64 levels/);
    // Brackets inside strings do not count; 64 levels are fine.
    expect(jsonDepthExceeded(`{"s": "${'['.repeat(1000)}\\"["}`)).toBe(-1);
    expect(jsonDepthExceeded(`${'['.repeat(64)}${']'.repeat(64)}`)).toBe(-1);
    expect(jsonDepthExceeded(`${'['.repeat(65)}${']'.repeat(65)}`)).toBe(64);
    // A malformed deep file is refused for its depth, not by the recursive error finder.
    expect(() => parseJsonText('['.repeat(500_000), 'bad.json', PrescriptionError)).toThrow(/nested deeper than 64/);
  });
});
