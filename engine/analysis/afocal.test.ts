/**
 * Degenerate systems in the analysis report (issue 12 item 11): afocal systems (a Keplerian
 * telescope of ideal lenses, a glass rod made afocal by its thickness) are reported as afocal with
 * their angular magnification and no focal quantities; a window, a flat mirror, an object at the
 * front focal point and an on-axis-only lens give reports without a single NaN.
 */
import { describe, expect, it } from 'vitest';
import { analyze, scrubNaN, type AnalysisReport } from './report.ts';
import { validatePrescription } from '../io/json.ts';
import { GlassLibrary } from '../materials/glassLibrary.ts';
import { buildSystem } from '../paraxial/buildSystem.ts';
import { firstOrder } from './firstOrder.ts';

const glass = GlassLibrary.builtin();
type Lens = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
const lens = (surfaces: unknown[], extra: Lens = {}): Lens => ({
  format: 'lens-studio/1',
  name: 'test',
  units: 'mm',
  object: { distance: 'infinity' },
  aperture: { type: 'EPD', value: 10 },
  fields: { type: 'angle', points: [{ x: 0, y: 0 }, { x: 0, y: 1 }] },
  wavelengths: { valuesUm: [0.5875618], primaryIndex: 0 },
  surfaces,
  ...extra,
});
const report = (p: Lens) => analyze(buildSystem(validatePrescription(p), glass));

function nans(r: AnalysisReport): string[] {
  const out: string[] = [];
  const walk = (v: unknown, at: string) => {
    if (typeof v === 'number' && Number.isNaN(v)) out.push(at);
    else if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) walk(x, `${at}.${k}`);
  };
  walk(r, 'report');
  return out;
}

describe('afocal systems', () => {
  it('a Keplerian telescope of ideal lenses: afocal, EFL —, angular magnification −f1/f2', () => {
    const r = report(lens([{ type: 'paraxial', focalLength: 100, thickness: 150, stop: true }, { type: 'paraxial', focalLength: 50, thickness: 50 }]));
    expect(r.paraxial.afocal).toBe(true);
    expect(r.paraxial.angular_magnification).toBeCloseTo(-2, 12);
    for (const k of ['efl', 'bfl', 'ffl', 'fno'] as const) expect(r.paraxial[k]).toBe(Infinity);
    expect(r.distortion_percent.every((d) => d.max_field === null)).toBe(true);
    expect(r.field_curvature.every((d) => d.tangential === null && d.sagittal === null)).toBe(true);
    expect(r.warnings.join('\n')).toMatch(/afocal system/);
    expect(nans(r)).toEqual([]);
  });

  it('a glass rod made afocal by its thickness t = 50 n / (n − 1) (R1 = 20, R2 = −30)', () => {
    const n = glass.resolve('N-BK7').index(0.5875618);
    const t = (50 * n) / (n - 1);
    const r = report(lens([{ type: 'standard', radius: 20, thickness: t, material: 'N-BK7', stop: true }, { type: 'standard', radius: -30, thickness: 40 }]));
    expect(r.paraxial.afocal).toBe(true);
    // A telescope in one piece: objective f1 = R1/(n−1), eyepiece f2 = |R2|/(n−1) (focal lengths in
    // air), angular magnification −f1/f2 = −R1/|R2|.
    const fo = firstOrder(buildSystem(validatePrescription(lens([{ type: 'standard', radius: 20, thickness: t, material: 'N-BK7', stop: true }, { type: 'standard', radius: -30, thickness: 40 }])), glass));
    expect(fo.angularMagnification).toBeCloseTo(-20 / 30, 12);
    expect(r.paraxial.angular_magnification).toBe(fo.angularMagnification);
    expect(nans(r)).toEqual([]);
  });

  it('a powered lens is not afocal', () => {
    const r = report(lens([{ type: 'paraxial', focalLength: 100, thickness: 100, stop: true }]));
    expect(r.paraxial.afocal).toBe(false);
    expect(r.paraxial.angular_magnification).toBeNull();
    expect(r.paraxial.efl).toBeCloseTo(100, 12);
  });
});

describe('degenerate systems hold no NaN', () => {
  const cases: [string, Lens][] = [
    ['a window', lens([{ type: 'standard', radius: null, thickness: 5, material: 'N-BK7', stop: true }, { type: 'standard', radius: null, thickness: 50 }])],
    ['a window, finite object', lens([{ type: 'standard', radius: null, thickness: 5, material: 'N-BK7', stop: true }, { type: 'standard', radius: null, thickness: 50 }], { object: { distance: 100 }, fields: { type: 'objectHeight', points: [{ x: 0, y: 0 }, { x: 0, y: 3 }] } })],
    ['a flat mirror', lens([{ type: 'standard', radius: null, thickness: -50, material: 'MIRROR', stop: true }])],
    ['on axis only', lens([{ type: 'paraxial', focalLength: 100, thickness: 100, stop: true }], { fields: { type: 'angle', points: [{ x: 0, y: 0 }] } })],
    ['object at the front focal point', lens([{ type: 'paraxial', focalLength: 100, thickness: 100, stop: true }], { object: { distance: 100 }, fields: { type: 'objectHeight', points: [{ x: 0, y: 0 }, { x: 0, y: 2 }] } })],
    ['afocal, finite object', lens([{ type: 'paraxial', focalLength: 100, thickness: 150, stop: true }, { type: 'paraxial', focalLength: 50, thickness: 50 }], { object: { distance: 200 }, fields: { type: 'objectHeight', points: [{ x: 0, y: 0 }, { x: 0, y: 5 }] } })],
  ];
  for (const [name, p] of cases) {
    it(name, () => expect(nans(report(p))).toEqual([]));
  }

  it('scrubNaN turns a NaN into null and names where', () => {
    const v = { a: 1, b: { c: NaN, d: [1, NaN] }, e: new Float64Array([NaN]) };
    expect(scrubNaN(v)).toEqual(['b.c', 'b.d[1]']);
    expect(v.b).toEqual({ c: null, d: [1, null] });
  });
});
