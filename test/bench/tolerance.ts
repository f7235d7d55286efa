/**
 * Tolerancing benchmarks (issue 15), on the library Double Gauss with the default tolerances, the
 * back-focus compensator and the RMS spot criterion:
 * - `tolerance_mc_trials_per_s`: Monte Carlo trials per second on one worker (this thread), after
 *   a warm-up; also per CPU second (`tolerance_mc_trials_per_cpu_s`), which a loaded machine
 *   disturbs less;
 * - `tolerance_sensitivity_ms`: the full exact sensitivity table (every operand at both limits,
 *   compensated), and `tolerance_linear_ms` the Gauss–Newton estimate of it; median of 3;
 * - `tolerance_worker_scaling`: trials per second on 2 worker threads over 1 (pool start excluded).
 */
import fs from 'node:fs';
import path from 'node:path';
import { parsePrescriptionJson } from '../../engine/io/json.ts';
import { GlassLibrary } from '../../engine/materials/glassLibrary.ts';
import { buildSystem } from '../../engine/paraxial/buildSystem.ts';
import { defaultToleranceSpec } from '../../engine/tolerance/defaults.ts';
import { prepareTolerancing } from '../../engine/tolerance/setup.ts';
import { sensitivity } from '../../engine/tolerance/sensitivity.ts';
import { runTrials } from '../../engine/tolerance/monteCarlo.ts';
import { ToleranceWorkerPool } from '../../app/node/toleranceWorkers.ts';

const root = path.resolve(import.meta.dirname, '../..');

function setup() {
  const p = parsePrescriptionJson(fs.readFileSync(path.join(root, 'lens-library/double-gauss.json'), 'utf8'), 'double-gauss.json');
  const glass = GlassLibrary.builtin();
  const spec = defaultToleranceSpec(p, buildSystem(p, glass));
  return { p, spec, tol: prepareTolerancing(p, spec, glass) };
}

export async function benchTolerance(): Promise<Record<string, unknown>> {
  const { p, spec, tol } = setup();
  const ev = tol.evaluator;
  runTrials(ev, tol.sampled, 1, 10000, 0, 100); // warm-up
  const N = 1000;
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  runTrials(ev, tol.sampled, 2, N, 0, N);
  const wall = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  const cpuS = (cpu.user + cpu.system) / 1e6;
  const tables = [0, 1, 2].map(() => sensitivity(ev, tol.limits));
  const med = (xs: number[]) => xs.sort((a, b) => a - b)[1];
  const rate = async (workers: number) => {
    const pool = await ToleranceWorkerPool.create({ prescription: p, spec, criterion: { type: 'rms-spot' }, glassDirs: [] }, workers);
    try {
      await pool.run(3, 400, 0, 400); // warm-up
      const t = performance.now();
      await pool.run(4, 2000, 0, 2000);
      return 2000 / ((performance.now() - t) / 1000);
    } finally {
      await pool.close();
    }
  };
  const one = await rate(1);
  const two = await rate(2);
  return {
    tolerance_mc_trials_per_s: Math.round(N / wall),
    tolerance_mc_trials_per_cpu_s: Math.round(N / cpuS),
    tolerance_sensitivity_ms: Number(med(tables.map((t) => t.exactMs)).toFixed(1)),
    tolerance_linear_ms: Number(med(tables.map((t) => t.linearMs)).toFixed(1)),
    tolerance_operands: tol.model.operands.length,
    tolerance_worker_scaling: { one_worker_trials_per_s: Math.round(one), two_workers_trials_per_s: Math.round(two), speedup: Number((two / one).toFixed(2)) },
  };
}
