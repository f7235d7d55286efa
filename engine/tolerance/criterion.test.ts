/**
 * The tolerancing RMS spot criterion is the default merit's RMS spot: the same value (centroid or
 * chief reference, full or mirror-symmetric half pupil) on a nominal and a perturbed lens.
 */
import { describe, expect, it } from 'vitest';
import fs from 'node:fs';
import path from 'node:path';
import { parsePrescriptionJson } from '../io/json.ts';
import { GlassLibrary } from '../materials/glassLibrary.ts';
import { buildSystem } from '../paraxial/buildSystem.ts';
import { buildMeritProblem } from '../optimize/meritProblem.ts';
import { meritCriterion, rmsSpotCriterion } from './criterion.ts';
import { buildPerturbationModel } from './perturbation.ts';

const root = path.resolve(import.meta.dirname, '../..');
const glass = GlassLibrary.builtin();
const lens = (name: string) => buildSystem(parsePrescriptionJson(fs.readFileSync(path.join(root, 'lens-library', `${name}.json`), 'utf8')), glass);

function merit(system: ReturnType<typeof lens>, defaultMerit: Record<string, unknown>): number {
  const mp = buildMeritProblem(system, { defaultMerit, variables: [{ kind: 'curvature', surface: 0 }] });
  return Math.sqrt(mp.problem.evaluate(mp.x0, false).residuals.reduce((a, v) => a + v * v, 0));
}

describe('RMS spot criterion', () => {
  for (const reference of ['centroid', 'chief'] as const) {
    it(`equals the default merit's RMS spot about the ${reference}, on the full and the half (mirror-symmetric) pupil`, () => {
      for (const name of ['cooke-triplet', 'double-gauss']) {
        const system = lens(name);
        const c = rmsSpotCriterion(system, { reference });
        const r = new Float64Array(c.nResiduals);
        c.evaluate(system, [], r, null);
        const ours = c.value(r.reduce((a, v) => a + v * v, 0));
        expect(Math.abs(merit(system, { reference, symmetry: 'none' }) - ours) / ours).toBeLessThan(1e-13);
        // The half pupil (symmetry 'auto') must give the same spot: its x centroid is the full spot's, 0.
        expect(Math.abs(merit(system, { reference }) - ours) / ours).toBeLessThan(1e-12);
      }
    });
  }

  it('a merit spec as criterion is its merit Σ r², on the full pupil even for a lens that is symmetric when built', () => {
    const system = lens('cooke-triplet');
    const c = meritCriterion(system, { defaultMerit: {} });
    const r = new Float64Array(c.nResiduals);
    c.evaluate(system, [], r, null);
    const ss = r.reduce((a, v) => a + v * v, 0);
    expect(c.value(ss)).toBe(ss);
    expect(Math.sqrt(ss)).toBeCloseTo(merit(system, { symmetry: 'none' }), 15);
    // A lens decentered after the criterion was built: the merit criterion still uses the whole pupil.
    const model = buildPerturbationModel(parsePrescriptionJson(fs.readFileSync(path.join(root, 'lens-library/cooke-triplet.json'), 'utf8')), { operands: [{ type: 'TSDX', surface: 2, min: -1, max: 1 }], compensators: [] }, glass);
    const mc = meritCriterion(model.system, { defaultMerit: {} });
    const rc = rmsSpotCriterion(model.system);
    model.apply([0.05], []);
    const a = new Float64Array(mc.nResiduals), b = new Float64Array(rc.nResiduals);
    mc.evaluate(model.system, [], a, null);
    rc.evaluate(model.system, [], b, null);
    const sa = a.reduce((x, v) => x + v * v, 0), sb = b.reduce((x, v) => x + v * v, 0);
    expect(Math.abs(sa - sb) / sb).toBeLessThan(1e-13);
    expect(Math.sqrt(sb)).not.toBeCloseTo(Math.sqrt(ss), 6);
  });
});
