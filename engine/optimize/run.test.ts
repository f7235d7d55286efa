import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parsePrescriptionJson } from '../io/json.ts';
import type { Prescription } from '../io/prescription.ts';
import { GlassLibrary } from '../materials/glassLibrary.ts';
import { buildSystem } from '../paraxial/buildSystem.ts';
import { glassRegion } from './glassChoice.ts';
import { buildMeritProblem } from './meritProblem.ts';
import type { MeritSpec } from '../io/meritSpecSchema.ts';
import type { LeastSquaresProblem, ProgressEvent } from './problem.ts';
import { describeRun, formatMerit, optimizeLens, prepareLensOptimization, runOptimizer } from './run.ts';

const library = GlassLibrary.builtin();
const cooke = parsePrescriptionJson(fs.readFileSync(path.resolve(import.meta.dirname, '../../lens-library/cooke-triplet.json'), 'utf8'));
const defaultMerit: MeritSpec = { defaultMerit: {} };

/** Rosenbrock as least squares: r = (10 (x₂ − x₁²), 1 − x₁), minimum 0 at (1, 1). */
const rosenbrock: LeastSquaresProblem = {
  nVariables: 2,
  nResiduals: 2,
  evaluate(x, wantJacobian) {
    const residuals = Float64Array.of(10 * (x[1] - x[0] * x[0]), 1 - x[0]);
    return wantJacobian ? { residuals, jacobian: Float64Array.of(-20 * x[0], 10, -1, 0) } : { residuals };
  },
};

/** r = x − (5, −5) with 0 ≤ x ≤ 2: the bounded minimum is (2, 0). */
const boundedShift: LeastSquaresProblem = {
  nVariables: 2,
  nResiduals: 2,
  lower: Float64Array.of(0, 0),
  upper: Float64Array.of(2, 2),
  scale: Float64Array.of(1, 1),
  evaluate(x, wantJacobian) {
    const residuals = Float64Array.of(x[0] - 5, x[1] + 5);
    return wantJacobian ? { residuals, jacobian: Float64Array.of(1, 0, 0, 1) } : { residuals };
  },
};

const sumOfSquares = (r: Float64Array) => r.reduce((a, v) => a + v * v, 0);

describe('runOptimizer', () => {
  it('damped least squares finds the Rosenbrock minimum', async () => {
    const events: ProgressEvent[] = [];
    const r = await runOptimizer(rosenbrock, Float64Array.of(-1.2, 1), { algorithm: 'dls', iterations: 200, onProgress: (e) => events.push(e) });
    expect(r.stopReason).toBe('converged');
    expect(r.x[0]).toBeCloseTo(1, 6);
    expect(r.x[1]).toBeCloseTo(1, 6);
    expect(r.initialMerit).toBeCloseTo(24.2, 12);
    expect(events.length).toBeGreaterThan(0);
  });

  it('Adam keeps to the bounds and stops at the bounded minimum', async () => {
    const r = await runOptimizer(boundedShift, Float64Array.of(1, 1), { algorithm: 'adam', iterations: 400, learningRate: 0.05 });
    expect(r.x[0]).toBeCloseTo(2, 6);
    expect(r.x[1]).toBeCloseTo(0, 6);
    expect(r.merit).toBeCloseTo(9 + 25, 6);
  });

  it('returns the start point, cancelled, when the signal is already aborted', async () => {
    const controller = new AbortController();
    controller.abort();
    for (const algorithm of ['dls', 'adam'] as const) {
      const r = await runOptimizer(rosenbrock, Float64Array.of(-1.2, 1), { algorithm, iterations: 50, signal: controller.signal });
      expect(r.stopReason).toBe('cancelled');
      expect([...r.x]).toEqual([-1.2, 1]);
    }
  });
});

describe('optimizeLens with glass (model glass, then the nearest catalog glass)', () => {
  /** The glass of every surface that has one (not air). */
  const glasses = (p: Prescription) => p.surfaces.map((s) => ('material' in s ? s.material : null)).filter((m) => m !== null && m !== undefined);
  const materialOf = (p: Prescription, i: number) => {
    const s = p.surfaces[i];
    return 'material' in s ? s.material : undefined;
  };

  it('bounds nd and Vd by the glass region, substitutes catalog glasses and re-optimizes the other variables', async () => {
    const system = buildSystem(cooke, library);
    const setup = prepareLensOptimization(cooke, system, library, defaultMerit, ['glass', 'curvatures'], buildMeritProblem);
    const region = glassRegion(library, cooke.glassCatalogs ?? []);
    const kinds = (setup.merit.variables ?? []).map((v) => v.kind);
    expect(kinds.filter((k) => k === 'nd')).toHaveLength(3);
    kinds.forEach((k, j) => {
      if (k === 'nd') expect([setup.merit.problem.lower![j], setup.merit.problem.upper![j]]).toEqual([region.ndMin, region.ndMax]);
      if (k === 'vd') expect([setup.merit.problem.lower![j], setup.merit.problem.upper![j]]).toEqual([region.vdMin, region.vdMax]);
    });
    const initialMerit = sumOfSquares(setup.merit.problem.evaluate(setup.merit.x0, false).residuals);

    const runs: { updates: number; stopped: boolean }[] = [];
    const outcome = await optimizeLens(setup, {
      algorithm: 'dls',
      iterations: 3,
      progress: () => {
        const run = { updates: 0, stopped: false };
        runs.push(run);
        return { update: () => run.updates++, stop: () => (run.stopped = true) };
      },
    });

    // Two optimizer runs (model glass, then curvatures with catalog glass), each with its own progress.
    expect(runs).toHaveLength(2);
    expect(runs.every((r) => r.stopped && r.updates > 0)).toBe(true);
    expect(outcome.result.initialMerit).toBe(initialMerit);
    expect(outcome.result.iterations).toBeGreaterThan(3);
    expect(outcome.result.iterations).toBeLessThanOrEqual(6);

    // Every glass is a catalog glass of the lens's catalogs, as the substitutions say.
    expect(outcome.substitutions.map((s) => s.surface)).toEqual([0, 2, 4]);
    for (const s of outcome.substitutions) {
      expect(cooke.glassCatalogs).toContain(s.to.catalog);
      expect(materialOf(outcome.prescription, s.surface)).toEqual({ name: s.to.name, catalog: s.to.catalog });
      expect(Math.abs(s.to.nd - s.from.nd) / 0.01 + Math.abs(s.to.vd - s.from.vd)).toBeLessThan(5);
    }
    expect(glasses(outcome.prescription)).toHaveLength(3);

    // The reported merit is the merit of the written lens, evaluated afresh.
    const check = buildMeritProblem(buildSystem(outcome.prescription, library), defaultMerit, ['curvatures']);
    expect(outcome.result.merit).toBeCloseTo(sumOfSquares(check.problem.evaluate(check.x0, false).residuals), 15);
    // Operands after: those of the catalog-glass merit, which has no glass-region penalty (the
    // model-glass merit's last three operands); the rest line up with the operands before.
    const after = outcome.operandsAfter!.map((o) => o.label);
    expect(after).toHaveLength(9);
    expect(outcome.operandsBefore!.map((o) => o.label).slice(0, 9)).toEqual(after);
  });

  it('with glass alone: substitutes, and reports the merit and operands of the substituted lens', async () => {
    const setup = prepareLensOptimization(cooke, buildSystem(cooke, library), library, defaultMerit, ['glass'], buildMeritProblem);
    expect(setup.merit.problem.nVariables).toBe(6);
    const outcome = await optimizeLens(setup, { algorithm: 'dls', iterations: 3 });
    expect(outcome.substitutions).toHaveLength(3);
    expect(glasses(outcome.prescription).every((m) => typeof m === 'object' && m !== null && 'catalog' in m)).toBe(true);
    const check = buildMeritProblem(buildSystem(outcome.prescription, library), defaultMerit, ['thicknesses']);
    const r = check.problem.evaluate(check.x0, false).residuals;
    expect(outcome.result.merit).toBe(sumOfSquares(r));
    expect(outcome.operandsAfter).toEqual(check.operands(check.x0));
  });

  it('keeps the model glasses when the run was cancelled', async () => {
    const controller = new AbortController();
    controller.abort();
    const setup = prepareLensOptimization(cooke, buildSystem(cooke, library), library, defaultMerit, ['glass', 'curvatures'], buildMeritProblem);
    const outcome = await optimizeLens(setup, { algorithm: 'dls', iterations: 3, signal: controller.signal });
    expect(outcome.result.stopReason).toBe('cancelled');
    expect(outcome.substitutions).toEqual([]);
    for (const m of glasses(outcome.prescription)) expect(m).toMatchObject({ model: {} });
  });
});

describe('the run in words', () => {
  it('says how the merit went and why the run stopped, merits to three significant digits', () => {
    expect(describeRun({ initialMerit: 1.2345e-3, merit: 4.5649e-4, iterations: 37, stopReason: 'noImprovement' })).toBe(
      'merit 1.23e-3 → 4.56e-4 in 37 iterations, stopped: no further improvement',
    );
    expect(describeRun({ initialMerit: 3.67, merit: 8.19e-5, iterations: 1, stopReason: 'converged' })).toBe('merit 3.67e0 → 8.19e-5 in 1 iteration, converged');
    expect(describeRun({ initialMerit: 2, merit: 1, iterations: 50, stopReason: 'maxIterations' })).toMatch(/stopped: iteration limit reached$/);
    expect(formatMerit(0)).toBe('0');
    expect(formatMerit(123456)).toBe('1.23e5');
  });

  it('optimizeLens reports the summary and no violated bound for a lens that meets them', async () => {
    const p = parsePrescriptionJson(fs.readFileSync(path.resolve(import.meta.dirname, '../../lens-library/cooke-triplet.json'), 'utf8'));
    const library = GlassLibrary.builtin();
    const spec: MeritSpec = { defaultMerit: { airMin: 0.5 }, operands: [{ type: 'EFL', target: 50 }] };
    const setup = prepareLensOptimization(p, buildSystem(p, library), library, spec, ['curvatures'], buildMeritProblem);
    const outcome = await optimizeLens(setup, { algorithm: 'dls', iterations: 3 });
    expect(outcome.summary).toBe(describeRun(outcome.result));
    expect(outcome.violations).toEqual([]);
  });
});
