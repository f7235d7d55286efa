/**
 * The merit editor's table (meritTable.ts) against the optimizer's own merit problem and the
 * first-order data: same merit, same operand values; targets as given; the default merit's rows
 * generated from its settings.
 */
import { describe, expect, it } from 'vitest';
import { efl } from '../analysis/firstOrder.ts';
import { spotDiagram } from '../analysis/spot.ts';
import type { MeritSpec } from '../io/meritSpecSchema.ts';
import { GlassLibrary } from '../materials/glassLibrary.ts';
import { buildSystem } from '../paraxial/buildSystem.ts';
import { cookeTriplet } from '../../test/helpers/solvedLenses.ts';
import { buildMeritProblem } from './meritProblem.ts';
import { meritTable } from './meritTable.ts';
import { sumOfSquares } from './problem.ts';

describe('merit table', () => {
  const spec: MeritSpec = { operands: [{ type: 'EFL', target: 48 }, { type: 'TOTAL_TRACK', target: 60, kind: 'upper', weight: 2 }], defaultMerit: { rings: 2, arms: 4, glassMin: 3.5 } };

  it('agrees with the merit problem: merit, values and shares', () => {
    const p = cookeTriplet();
    p.surfaces[0].variables = { radius: true };
    const table = meritTable(buildSystem(p, GlassLibrary.builtin()), spec);
    const mp = buildMeritProblem(buildSystem(p, GlassLibrary.builtin()), spec);
    const merit = sumOfSquares(mp.problem.evaluate(mp.x0, false).residuals);
    expect(Math.abs(table.merit - merit)).toBeLessThan(1e-14 * merit);
    const ops = mp.operands(mp.x0);
    expect(table.rows.map((r) => r.label)).toEqual(ops.map((o) => o.label));
    table.rows.forEach((r, i) => {
      expect(r.value).toBe(ops[i].value);
      expect(r.contribution).toBeCloseTo(ops[i].contribution, 12);
    });
  });

  it('keeps targets as given and generates the default merit from its settings', () => {
    const system = buildSystem(cookeTriplet(), GlassLibrary.builtin());
    const table = meritTable(system, spec);
    expect(table.rows[0]).toMatchObject({ operand: spec.operands![0], label: 'EFL', target: 48, kind: 'target', generated: false, value: efl(system) });
    expect(table.rows[1]).toMatchObject({ label: 'TOTAL_TRACK', target: 60, weight: 2, kind: 'upper' });
    const generated = table.rows.filter((r) => r.generated);
    // 3 fields × 3 wavelengths of RMS spot, then the glass centre bounds of the three elements.
    expect(generated.map((r) => r.label)).toEqual([
      ...[1, 2, 3].flatMap((f) => [1, 2, 3].map((w) => `RMS f${f} w${w}`)),
      'CT s1',
      'CT s3',
      'CT s5',
    ]);
    expect(generated[0].operand).toEqual({ type: 'RMS_SPOT', field: 0, wavelength: 0, reference: 'centroid', rings: 2, arms: 4, weight: 1 / 9 });
    expect(generated[9]).toMatchObject({ operand: { type: 'CENTER_THICKNESS', surface: 0, target: 3.5, kind: 'lower' }, value: system.surfaces[0].thickness });
    // A generated RMS row is the RMS_SPOT operand of its field and wavelength with the settings
    // (the default merit traces half the pupil of this left-right symmetric lens: equal to round-off).
    const single = meritTable(system, { operands: [{ type: 'RMS_SPOT', field: 2, wavelength: 1, reference: 'centroid', rings: 2, arms: 4 }] });
    expect(Math.abs(generated[7].value / single.rows[0].value - 1)).toBeLessThan(1e-12);
    // With enough rings the quadrature gives the RMS spot radius a dense hexapolar spot diagram
    // estimates (its equal-weight sampling is biased by about 1 % at 20 rings).
    const dense = meritTable(system, { defaultMerit: { rings: 10, arms: 20 } }).rows[7].value;
    const hex = spotDiagram(system, 2, 1, { reference: 'centroid', density: 20 }).rmsRadius!;
    expect(Math.abs(dense / hex - 1)).toBeLessThan(0.02);
    expect(table.defaultMerit).toMatchObject({ rings: 2, arms: 4, reference: 'centroid', glassMin: 3.5, weight: 1 });
    expect(meritTable(system, { operands: spec.operands }).defaultMerit).toBeNull();
  });
});
