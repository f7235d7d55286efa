/**
 * Sensitivity and inverse sensitivity on the Cooke triplet with the default tolerances: the linear
 * (Gauss–Newton) table against the exact one for small tolerances, the RSS estimate, and the
 * inverse limits against the exact criterion.
 */
import { describe, expect, it } from 'vitest';
import fs from 'node:fs';
import path from 'node:path';
import { parsePrescriptionJson } from '../io/json.ts';
import { GlassLibrary } from '../materials/glassLibrary.ts';
import { buildSystem } from '../paraxial/buildSystem.ts';
import { defaultToleranceSpec } from './defaults.ts';
import { prepareTolerancing } from './setup.ts';
import { rowDegradation, sensitivity } from './sensitivity.ts';
import { inverseSensitivity } from './inverse.ts';

const root = path.resolve(import.meta.dirname, '../..');
const glass = GlassLibrary.builtin();
const cooke = parsePrescriptionJson(fs.readFileSync(path.join(root, 'lens-library/cooke-triplet.json'), 'utf8'));

function cookeTolerancing(scale: number) {
  const spec = defaultToleranceSpec(cooke, buildSystem(cooke, glass));
  for (const o of spec.operands) {
    o.min *= scale;
    o.max *= scale;
  }
  return { spec, tol: prepareTolerancing(cooke, spec, glass) };
}

describe('sensitivity', () => {
  it('the linear estimate agrees with the exact table within 5 % for small tolerances', () => {
    const { tol } = cookeTolerancing(0.25);
    const s = sensitivity(tol.evaluator, tol.limits);
    expect(s.rows.length).toBe(tol.model.operands.length);
    const a = s.linearAgreement;
    expect(a.firstOrderCount).toBeGreaterThan(30);
    expect(a.firstOrderMaxError).toBeLessThan(0.05);
    expect(a.secondOrderCount).toBeGreaterThan(10);
    expect(a.secondOrderMaxError).toBeLessThan(0.05);
    expect(a.rssError).toBeLessThan(0.05);
    // At 4× those limits the first-order errors grow (the comparison can fail).
    const big = sensitivity(cookeTolerancing(4).tol.evaluator, cookeTolerancing(4).tol.limits);
    expect(big.linearAgreement.firstOrderMaxError).toBeGreaterThan(a.firstOrderMaxError);
  });

  it('sorts the worst offenders first and sums the RSS estimate of their degradations', () => {
    const { tol } = cookeTolerancing(1);
    const s = sensitivity(tol.evaluator, tol.limits);
    const deg = s.worstFirst.map((i) => rowDegradation(s.rows[i], s.nominal));
    for (let i = 1; i < deg.length; i++) expect(deg[i]).toBeLessThanOrEqual(deg[i - 1]);
    expect(deg[0]).toBeGreaterThan(0);
    expect(s.rssChange).toBeCloseTo(Math.sqrt(deg.reduce((a, d) => a + d * d, 0)), 15);
    expect(s.estimatedCriterion).toBe(s.nominal + s.rssChange);
    // The compensated nominal is no worse than the lens as designed.
    expect(s.nominal).toBeLessThanOrEqual(s.nominalAsDesigned);
    // A row's values are the evaluator's.
    const j = s.worstFirst[0];
    const delta = new Float64Array(tol.model.operands.length);
    delta[j] = s.rows[j].limitPlus;
    expect(tol.evaluator.evaluate(delta).value).toBe(s.rows[j].criterionPlus);
  });
});

describe('inverse sensitivity', () => {
  it('finds the limit at which the criterion degrades by the given amount (bisection on the exact criterion)', () => {
    const spec = {
      operands: [
        { type: 'TSDY' as const, surface: 2, min: -0.02, max: 0.02 },
        { type: 'TTHI' as const, surface: 2, min: -0.05, max: 0.05 },
        { type: 'TIND' as const, surface: 2, min: -0.001, max: 0.001 },
        { type: 'TSDX' as const, surface: 6, min: -0.02, max: 0.02 }, // image decenter: no effect on a centroid spot
      ],
    };
    const tol = prepareTolerancing(cooke, spec, glass);
    const delta = 0.5e-3; // mm of RMS spot radius
    const rows = inverseSensitivity(tol.evaluator, tol.limits, delta, { relativeTolerance: 1e-5 });
    const nominal = tol.evaluator.evaluate([0, 0, 0, 0]).value;
    const change = (j: number, L: number) =>
      Math.max(...[-L, L].map((v) => {
        const d = new Float64Array(4);
        d[j] = v;
        return tol.evaluator.evaluate(d).value - nominal;
      }));
    for (let j = 0; j < 3; j++) {
      const L = rows[j].limit;
      expect(Number.isFinite(L)).toBe(true);
      expect(change(j, L)).toBeLessThanOrEqual(delta);
      expect(change(j, L * (1 + 3e-5))).toBeGreaterThan(delta);
      expect(rows[j].change).toBeCloseTo(change(j, L), 15);
    }
    expect(rows[3].limit).toBe(Infinity);
    expect(rows.map((r) => r.label)).toEqual(['TSDY 3', 'TTHI 3', 'TIND 3', 'TSDX 7']);
  });
});
