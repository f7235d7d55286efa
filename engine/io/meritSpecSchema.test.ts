/** The merit spec schema: every operand type, errors naming the JSON path, index checks, files. */
import { describe, expect, it } from 'vitest';
import { checkMeritIndices, MeritSpec, MeritSpecError, OPERAND_TYPES, parseMeritSpecJson } from './meritSpecSchema.ts';

const full = {
  operands: [
    { type: 'EFL', target: 50, weight: 10 },
    { type: 'FNO', target: 5, kind: 'upper' },
    { type: 'BFL', target: 40, kind: 'lower', wavelength: 1 },
    { type: 'TOTAL_TRACK', target: 60, kind: 'upper' },
    { type: 'RMS_SPOT', field: 2, wavelength: 'all', reference: 'centroid', rings: 4, arms: 8 },
    { type: 'RMS_SPOT', field: 0, wavelength: 1, reference: 'chief' },
    { type: 'REAL_IMAGE_HEIGHT', field: 2, target: 18.2 },
    { type: 'DISTORTION', field: 2, percent: true, target: 1, kind: 'upper' },
    { type: 'CENTER_THICKNESS', surface: 1, target: 2, kind: 'lower' },
    { type: 'EDGE_THICKNESS', surface: 0, target: 1, kind: 'lower', heightMm: 6 },
    { type: 'WAVEFRONT_RMS', field: 1, wavelength: 0, rings: 8, arms: 16 },
    { type: 'ZERNIKE', term: 9, field: 0, basis: 'standard', target: 0.1 },
  ],
  defaultMerit: { rings: 3, arms: 6, reference: 'centroid', glassMin: 1, glassMax: 10, glassEdgeMin: 1, airMin: 0.5 },
  variables: [
    { kind: 'curvature', surface: 0 },
    { kind: 'thickness', surface: 5, lower: 30, upper: 60 },
    { kind: 'asphere', surface: 2, index: 1 },
    { kind: 'objectDistance' },
  ],
};

function firstIssue(value: unknown): string {
  const r = MeritSpec.safeParse(value);
  if (r.success) return 'no issue';
  const i = r.error.issues[0];
  return `${i.path.join('.')}: ${i.message}`;
}

describe('MeritSpec', () => {
  it('accepts a spec using every operand type, the default merit and variables', () => {
    const spec = MeritSpec.parse(full);
    expect(new Set(spec.operands!.map((o) => o.type))).toEqual(new Set(OPERAND_TYPES));
    expect(OPERAND_TYPES).toHaveLength(11);
    // Lossless: parse(JSON(parse(x))) equals parse(x).
    expect(MeritSpec.parse(JSON.parse(JSON.stringify(spec)))).toEqual(spec);
  });

  it('names the offending field of a bad spec', () => {
    expect(firstIssue({ operands: [{ type: 'EFLX', target: 1 }] })).toMatch(/^operands\.0\.type/);
    expect(firstIssue({ operands: [{ type: 'EFL', weight: -1 }] })).toBe('operands.0.weight: expected a number ≥ 0');
    expect(firstIssue({ operands: [{ type: 'RMS_SPOT' }] })).toMatch(/^operands\.0\.field/);
    expect(firstIssue({ operands: [{ type: 'RMS_SPOT', field: 0, wavelength: 'some' }] })).toMatch(/^operands\.0\.wavelength/);
    expect(firstIssue({ operands: [{ type: 'CENTER_THICKNESS', surface: 1.5 }] })).toMatch(/^operands\.0\.surface/);
    expect(firstIssue({ operands: [{ type: 'EFL', kind: 'between' }] })).toMatch(/^operands\.0\.kind/);
    expect(firstIssue({ defaultMerit: { arms: 0 } })).toMatch(/^defaultMerit\.arms/);
    expect(firstIssue({ defaultMerit: {}, variables: [{ kind: 'thickness' }] })).toBe(
      'variables.0.surface: the thickness variable needs a surface index',
    );
    expect(firstIssue({ defaultMerit: {}, variables: [{ kind: 'asphere', surface: 1 }] })).toBe(
      'variables.0.index: the asphere variable needs a coefficient index',
    );
    expect(firstIssue({ defaultMerit: {}, variables: [{ kind: 'conic', surface: 1, lower: 1, upper: 0 }] })).toBe(
      'variables.0.upper: upper bound 0 is below lower bound 1',
    );
    expect(firstIssue({ defaultMerit: {}, variables: [{ kind: 'radius', surface: 1 }] })).toMatch(/^variables\.0\.kind/);
    expect(firstIssue({ operands: [] })).toBe(': a merit function needs at least one operand or a defaultMerit');
  });
});

describe('checkMeritIndices', () => {
  it('names every index that does not exist in the lens', () => {
    const spec = MeritSpec.parse(full);
    expect(checkMeritIndices(spec, { surfaces: 6, fields: 3, wavelengths: 3 })).toEqual([]);
    expect(checkMeritIndices(spec, { surfaces: 5, fields: 2, wavelengths: 1 })).toEqual([
      'merit.operands[2].wavelength: wavelength 1 does not exist (there is 1; indices start at 0)',
      'merit.operands[4].field: field 2 does not exist (there are 2; indices start at 0)',
      'merit.operands[5].wavelength: wavelength 1 does not exist (there is 1; indices start at 0)',
      'merit.operands[6].field: field 2 does not exist (there are 2; indices start at 0)',
      'merit.operands[7].field: field 2 does not exist (there are 2; indices start at 0)',
      'merit.variables[1].surface: surface 5 does not exist (there are 5; indices start at 0)',
    ]);
  });
});

describe('the merit field of a prescription', () => {
  it('is validated with the prescription, errors naming merit.*', async () => {
    const { validatePrescription } = await import('./json.ts');
    const lens = {
      format: 'lens-studio/1',
      name: 'singlet',
      units: 'mm',
      object: { distance: 'infinity' },
      aperture: { type: 'EPD', value: 10 },
      fields: { type: 'angle', points: [{ x: 0, y: 0 }] },
      wavelengths: { valuesUm: [0.5876], primaryIndex: 0 },
      surfaces: [
        { type: 'standard', radius: 50, thickness: 5, material: 'N-BK7', stop: true },
        { type: 'standard', radius: null, thickness: 95 },
      ],
      merit: { operands: [{ type: 'EFL', target: 100 }], defaultMerit: {} },
    };
    expect(validatePrescription(lens).merit).toEqual(lens.merit);
    expect(() => validatePrescription({ ...lens, merit: { operands: [{ type: 'EFL', weight: 'high' }] } }, 'l.json')).toThrow(
      /^l\.json: merit\.operands\[0\]\.weight: expected a number/,
    );
  });
});

describe('parseMeritSpecJson', () => {
  it('reads a spec file, naming the line and column of a syntax error and the JSON path of a bad field', () => {
    expect(parseMeritSpecJson(JSON.stringify(full), 'm.json')).toEqual(MeritSpec.parse(full));
    expect(() => parseMeritSpecJson('{\n  "operands": [\n    { "type": "EFL", },\n  ]\n}', 'm.json')).toThrow(
      'm.json: malformed JSON at line 3, column 22: unexpected "}"',
    );
    try {
      parseMeritSpecJson('{ "operands": [{ "type": "EFL", "weight": "high" }, { "type": "RMS_SPOT" }] }', 'm.json');
      throw new Error('no error');
    } catch (err) {
      expect(err).toBeInstanceOf(MeritSpecError);
      expect((err as Error).message).toBe('m.json: operands[0].weight: expected a number (and 1 more)');
      expect((err as MeritSpecError).issues[1]).toMatch(/^operands\[1\]\.field: /);
    }
  });
});
