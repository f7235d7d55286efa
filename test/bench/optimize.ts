/**
 * `cooke_reoptimize` (issue 4): the library Cooke triplet with every curvature scaled by 1.03,
 * re-optimized by damped least squares on its six curvatures and the image distance under the
 * default merit function plus EFL = 50 mm; iterations, wall ms and final / design merit.
 */
import { buildMeritProblem } from '../../engine/optimize/meritProblem.ts';
import { dampedLeastSquares } from '../../engine/optimize/dampedLeastSquares.ts';
import type { MeritSpec } from '../../engine/io/meritSpecSchema.ts';
import { loadLibraryLens } from './trace.ts';

export async function benchCookeReoptimize(): Promise<Record<string, unknown>> {
  const spec: MeritSpec = {
    operands: [{ type: 'EFL', target: 50 }],
    defaultMerit: {},
    variables: [...[0, 1, 2, 3, 4, 5].map((s) => ({ kind: 'curvature' as const, surface: s })), { kind: 'thickness', surface: 5 }],
  };
  const design = buildMeritProblem(loadLibraryLens('cooke-triplet.json'), spec);
  const designMerit = design.problem.evaluate(design.x0, false).residuals.reduce((a, v) => a + v * v, 0);
  const runs: { ms: number; iterations: number; merit: number }[] = [];
  for (let r = 0; r < 5; r++) {
    const system = loadLibraryLens('cooke-triplet.json');
    for (let s = 0; s < 6; s++) system.surfaces[s].c *= 1.03;
    const t0 = performance.now();
    const mp = buildMeritProblem(system, spec);
    const result = await dampedLeastSquares(mp.problem, mp.x0, { maxIterations: 100 });
    runs.push({ ms: performance.now() - t0, iterations: result.iterations, merit: result.merit });
  }
  runs.sort((a, b) => a.ms - b.ms);
  const med = runs[Math.floor(runs.length / 2)];
  return {
    cooke_reoptimize: {
      iterations: med.iterations,
      wall_ms: Number(med.ms.toFixed(1)),
      final_over_design_merit: Number((med.merit / designMerit).toPrecision(6)),
      design_merit: designMerit,
    },
  };
}
