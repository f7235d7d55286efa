/**
 * Robust design: the gradient through the perturbed, compensated lenses against central finite
 * differences of the objective (compensators re-optimized at every point), and the direction of
 * small runs: the robust Cooke triplet, and the robust cell-phone lens (curvatures and thicknesses,
 * nominal held within +9 %), have a lower Monte Carlo 90 % point than the nominal designs, on
 * trials independent of the optimization's samples.
 */
import { describe, expect, it } from 'vitest';
import fs from 'node:fs';
import path from 'node:path';
import { parsePrescriptionJson } from '../io/json.ts';
import type { Prescription } from '../io/prescription.ts';
import { GlassLibrary } from '../materials/glassLibrary.ts';
import { buildSystem } from '../paraxial/buildSystem.ts';
import { getParam, setParam } from '../optics/params.ts';
import { writeBack } from '../optics/writeBack.ts';
import { buildMeritProblem } from '../optimize/meritProblem.ts';
import { dampedLeastSquares } from '../optimize/dampedLeastSquares.ts';
import { variablesFromGroups, variablesFromSpec } from '../optimize/variables.ts';
import { defaultToleranceSpec } from './defaults.ts';
import { ToleranceSpec } from '../io/toleranceSpec.ts';
import { efl } from '../analysis/firstOrder.ts';
import { prepareTolerancing, type CriterionSpec } from './setup.ts';
import { buildRobustProblem } from './robust.ts';
import { runTrials, statistics } from './monteCarlo.ts';

const root = path.resolve(import.meta.dirname, '../..');
const glass = GlassLibrary.builtin();
const cooke = parsePrescriptionJson(fs.readFileSync(path.join(root, 'lens-library/cooke-triplet.json'), 'utf8'));
const sumSq = (r: Float64Array) => r.reduce((a, v) => a + v * v, 0);

function setup(p: Prescription, samples: number, quantile?: number, scale = 1, nominalCap?: number, criterion: CriterionSpec = { type: 'rms-spot' }) {
  const system = buildSystem(p, glass);
  const spec = defaultToleranceSpec(p, system);
  for (const o of spec.operands) {
    o.min *= scale;
    o.max *= scale;
  }
  const vars = variablesFromGroups(system, ['curvatures']);
  const tol = prepareTolerancing(p, spec, glass, criterion, {}, vars.map((v) => ({ kind: 'curvature' as const, surface: v.surface })));
  const x0 = Float64Array.from(vars, (v) => getParam(system, v));
  const cons = buildMeritProblem(buildSystem(p, glass), { defaultMerit: { weight: 0 }, operands: [{ type: 'EFL', target: 50, weight: 1 }], variables: vars.map((v) => ({ kind: v.kind, surface: v.surface })) });
  const robust = buildRobustProblem(tol, { samples, seed: 11, quantile, x0, scale: Float64Array.from(vars, (v) => v.scale), constraints: cons.problem, nominalCap });
  return { system, spec, vars, tol, x0, robust };
}

describe('robust design', () => {
  const wavefront: CriterionSpec = { type: 'wavefront', rings: 6, arms: 12 };
  for (const [quantile, cap, criterion, K] of [[undefined, undefined, undefined, 5], [0.6, undefined, undefined, 5], [undefined, 0.01, undefined, 5], [undefined, 0.1, wavefront, 2]] as const) {
    it(`has the exact gradient through the compensated perturbed lenses (${quantile === undefined ? 'mean' : `quantile ${quantile}`}${cap ? ', nominal cap' : ''}${criterion ? ', RMS wavefront' : ''})`, () => {
      const { robust, x0 } = setup(cooke, K, quantile, 1, cap, criterion);
      const x = Float64Array.from(x0, (v, j) => v * (1 + 0.002 * Math.sin(j + 1)));
      const { residuals, jacobian } = robust.problem.evaluate(x, true);
      const r = Float64Array.from(residuals), J = Float64Array.from(jacobian!);
      const n = x.length, m = r.length;
      const active = [...robust.active];
      if (cap !== undefined) expect(robust.nominal).toBeGreaterThan(cap); // the penalty row is active
      for (let j = 0; j < n; j++) {
        let g = 0;
        for (let i = 0; i < m; i++) g += 2 * J[i * n + j] * r[i];
        const h = 1e-6;
        const xp = Float64Array.from(x), xm = Float64Array.from(x);
        xp[j] += h;
        xm[j] -= h;
        const fp = sumSq(robust.problem.evaluate(xp, false).residuals);
        expect(robust.active).toEqual(active); // the upper tail does not change within ±h
        const fm = sumSq(robust.problem.evaluate(xm, false).residuals);
        const fd = (fp - fm) / (2 * h);
        expect(Math.abs(g - fd) / Math.abs(fd), `curvature ${j}`).toBeLessThan(2e-5);
      }
    });
  }

  it('lowers the Monte Carlo 90 % point of the nominally optimized Cooke triplet (small run)', async () => {
    // The nominal design: the default merit's RMS spot and EFL = 50 on the curvatures and the back focus.
    const system = buildSystem(cooke, glass);
    const nvars = [...variablesFromGroups(system, ['curvatures']).map((v) => ({ kind: v.kind, surface: v.surface })), { kind: 'thickness' as const, surface: 5 }];
    const mp = buildMeritProblem(system, { defaultMerit: {}, operands: [{ type: 'EFL', target: 50, weight: 1 }], variables: nvars });
    const nominal = mp.apply((await dampedLeastSquares(mp.problem, mp.x0, { maxIterations: 100 })).x);
    const { robust, x0, vars, spec } = setup(nominal, 8, undefined, 2);
    const res = await dampedLeastSquares(robust.problem, x0, { maxIterations: 8 });
    expect(res.merit).toBeLessThan(res.initialMerit);
    const design = buildSystem(nominal, glass);
    vars.forEach((v, j) => setParam(design, v, res.x[j]));
    const p90 = (p: Prescription) => {
      const t = prepareTolerancing(p, spec, glass);
      return statistics(runTrials(t.evaluator, t.sampled, 1, 60, 0, 60), null).p90;
    };
    expect(p90(writeBack(design))).toBeLessThan(p90(nominal));
  });

  it('lowers the Monte Carlo 90 % point of the nominally optimized cell-phone lens, nominal within its cap (small run)', async () => {
    const cell = parsePrescriptionJson(fs.readFileSync(path.join(root, 'lens-library/cellphone-largan-us11940605-ex2.json'), 'utf8'));
    // The nominal design: the default merit on the lens surfaces' curvatures, EFL held.
    const system = buildSystem(cell, glass);
    const curv = Array.from({ length: 14 }, (_, i) => ({ kind: 'curvature' as const, surface: i + 1 }));
    const mp = buildMeritProblem(system, { defaultMerit: {}, operands: [{ type: 'EFL', target: efl(system), weight: 1 }], variables: curv });
    const nominal = mp.apply((await dampedLeastSquares(mp.problem, mp.x0, { maxIterations: 30 })).x);
    // Cell-phone tolerances: the defaults with the thickness, decenter and tilt limits × 0.1.
    const nomSystem = buildSystem(nominal, glass);
    const spec = ToleranceSpec.parse(JSON.parse(fs.readFileSync(path.join(root, 'lens-library/robust/cellphone-tolerances.json'), 'utf8')));
    const defaults = defaultToleranceSpec(nominal, nomSystem);
    expect(spec.operands.map((o) => [o.type, o.surface, o.max])).toEqual(defaults.operands.map((o) => [o.type, o.surface, ['TFRN', 'TIRR', 'TIND', 'TABB'].includes(o.type) ? o.max : Number((0.1 * o.max).toPrecision(10))]));
    // Robust design: curvatures and thicknesses of the lens, stop to last element (the back focus is
    // the compensator; the IR filter and its air gap stay, the gap being the back focus's twin).
    const vars = [...curv, ...Array.from({ length: 14 }, (_, s) => ({ kind: 'thickness' as const, surface: s }))];
    const tol = prepareTolerancing(nominal, spec, glass, { type: 'rms-spot' }, {}, vars);
    const nominal0 = tol.evaluator.evaluate(new Float64Array(tol.model.operands.length)).value;
    const x0 = Float64Array.from(vars, (v) => getParam(nomSystem, v));
    const cons = buildMeritProblem(buildSystem(nominal, glass), { defaultMerit: { weight: 0 }, operands: [{ type: 'EFL', target: efl(nomSystem), weight: 1e4 }], variables: vars });
    const V = variablesFromSpec(nomSystem, vars);
    const robust = buildRobustProblem(tol, {
      samples: 8,
      seed: 7919,
      x0,
      lower: Float64Array.from(V, (v) => v.lower),
      upper: Float64Array.from(V, (v) => v.upper),
      scale: Float64Array.from(V, (v) => v.scale),
      constraints: cons.problem,
      nominalCap: 1.09 * nominal0,
    });
    const res = await dampedLeastSquares(robust.problem, x0, { maxIterations: 12 });
    expect(res.merit).toBeLessThan(res.initialMerit);
    const design = buildSystem(nominal, glass);
    vars.forEach((v, j) => setParam(design, v, res.x[j]));
    const run = (p: Prescription) => {
      const t = prepareTolerancing(p, spec, glass);
      return { nominal: t.evaluator.evaluate(new Float64Array(t.model.operands.length)).value, p90: statistics(runTrials(t.evaluator, t.sampled, 1, 100, 0, 100), null).p90 };
    };
    const before = run(nominal), after = run(writeBack(design));
    expect(after.p90).toBeLessThan(before.p90);
    expect(after.nominal).toBeLessThan(1.1 * before.nominal);
  });
});
