/**
 * The merit problem's Jacobian against central finite differences (every operand type), and the
 * Cooke triplet re-optimized from perturbed curvatures back to its design merit.
 */
import { describe, expect, it } from 'vitest';
import fs from 'node:fs';
import path from 'node:path';
import { parsePrescriptionJson } from '../io/json.ts';
import { GlassLibrary } from '../materials/glassLibrary.ts';
import { buildSystem } from '../paraxial/buildSystem.ts';
import { buildMeritProblem } from './meritProblem.ts';
import { dampedLeastSquares } from './dampedLeastSquares.ts';
import type { MeritSpec } from '../io/meritSpecSchema.ts';

const root = path.resolve(import.meta.dirname, '../..');
const cookeSystem = () => buildSystem(parsePrescriptionJson(fs.readFileSync(path.join(root, 'lens-library/cooke-triplet.json'), 'utf8')), GlassLibrary.builtin());

describe('merit problem Jacobian', () => {
  it('matches finite differences for every operand type', () => {
    const system = cookeSystem();
    const spec: MeritSpec = {
      operands: [
        { type: 'EFL', target: 50, weight: 2 },
        { type: 'FNO', target: 5 },
        { type: 'BFL', target: 40 },
        { type: 'TOTAL_TRACK', target: 60 },
        { type: 'RMS_SPOT', field: 2, wavelength: 'all', reference: 'centroid' },
        { type: 'RMS_SPOT', field: 1, reference: 'chief', target: 0.001 },
        { type: 'REAL_IMAGE_HEIGHT', field: 2, target: 18 },
        { type: 'DISTORTION', field: 2, target: 0 },
        { type: 'CENTER_THICKNESS', surface: 0, target: 4 },
        { type: 'EDGE_THICKNESS', surface: 0, target: 2, heightMm: 5 },
      ],
      // Bounds chosen away from their kinks (the F2 element is 0.99997 mm thick).
      defaultMerit: { reference: 'chief', glassMin: 0.9, airMin: 0.5, glassEdgeMin: 0.5 },
    };
    const mp = buildMeritProblem(system, spec, ['curvatures', 'thicknesses']);
    const { problem, x0 } = mp;
    const n = problem.nVariables;
    const m = problem.nResiduals;
    const J = Float64Array.from(problem.evaluate(x0, true).jacobian!);
    let worst = 0;
    for (let j = 0; j < n; j++) {
      const h = (problem.scale![j] ?? 1) * 1e-4;
      let colMax = 0;
      for (let i = 0; i < m; i++) colMax = Math.max(colMax, Math.abs(J[i * n + j]));
      const x = Float64Array.from(x0);
      const at = (v: number) => {
        x[j] = v;
        return Float64Array.from(problem.evaluate(x, false).residuals);
      };
      const rp = at(x0[j] + h), rm = at(x0[j] - h), rp2 = at(x0[j] + h / 2), rm2 = at(x0[j] - h / 2);
      for (let i = 0; i < m; i++) {
        const fd = (4 * (rp2[i] - rm2[i]) / h - (rp[i] - rm[i]) / (2 * h)) / 3;
        const a = J[i * n + j];
        // Entries far below the column's largest are at the finite differences' rounding level.
        const err = Math.abs(a - fd) / Math.max(Math.abs(fd), Math.abs(a), 1e-3 * colMax);
        worst = Math.max(worst, err);
        expect(err, `row ${i}, variable ${j}: ${a} vs ${fd}`).toBeLessThan(1e-6);
      }
    }
    expect(worst).toBeLessThan(1e-6);
  });
});

describe('damped least squares on a perturbed Cooke triplet', () => {
  it('returns to the design merit (curvatures ×1.03, six curvatures + image distance, default merit + EFL = 50)', async () => {
    const spec: MeritSpec = { operands: [{ type: 'EFL', target: 50, weight: 1 }], defaultMerit: {} };
    const design = cookeSystem();
    const dp = buildMeritProblem(design, spec, ['curvatures']);
    const designMerit = dp.problem.evaluate(dp.x0, false).residuals.reduce((a, v) => a + v * v, 0);

    const system = cookeSystem();
    for (let s = 0; s < 6; s++) system.surfaces[s].c *= 1.03;
    const mp = buildMeritProblem(system, { ...spec, variables: [...[0, 1, 2, 3, 4, 5].map((s) => ({ kind: 'curvature' as const, surface: s })), { kind: 'thickness', surface: 5 }] });
    const start = mp.problem.evaluate(mp.x0, false).residuals.reduce((a, v) => a + v * v, 0);
    const result = await dampedLeastSquares(mp.problem, mp.x0, { maxIterations: 50 });
    expect(start).toBeGreaterThan(10 * designMerit);
    expect(result.merit).toBeLessThanOrEqual(designMerit * 1.0001);
    const p = mp.apply(result.x);
    expect(p.surfaces[0].type).toBe('standard');
  });
});
