/**
 * Tolerancing benchmarks (issue 15), on the library Double Gauss with the default tolerances, the
 * back-focus compensator and the RMS spot criterion:
 * - `tolerance_mc_trials_per_s`: Monte Carlo trials per second on one worker (this thread), after
 *   a warm-up; also per CPU second (`tolerance_mc_trials_per_cpu_s`), which a loaded machine
 *   disturbs less;
 * - `tolerance_sensitivity_ms`: the full exact sensitivity table (every operand at both limits,
 *   compensated), and `tolerance_linear_ms` the Gauss–Newton estimate of it; median of 3;
 * - `tolerance_worker_scaling`: trials per second on 2 worker threads over 1 (pool start excluded;
 *   two interleaved rounds, the faster of each),
 *   `speedup`; and, since the machine may be shared (wall time then also measures the other
 *   processes), the workers' thread CPU time per trial with 1 and 2 workers (equal when the pool
 *   adds no work per trial), their `cpu_share` (thread CPU over the workers' combined wall time:
 *   1 on idle cores), and `busy_share` (time in trials over the workers' combined wall time: the
 *   pool's own losses, hand-out, merge and the last chunk's imbalance). `speedup_cpu` =
 *   2 · (CPU per trial, 1 worker)/(CPU per trial, 2 workers) · busy_share(2)/busy_share(1) is the
 *   speedup the pool gives when each worker has a core to itself.
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
  const M = 2000;
  const rate = async (workers: number) => {
    const pool = await ToleranceWorkerPool.create({ prescription: p, spec, criterion: { type: 'rms-spot' }, glassDirs: [] }, workers);
    try {
      await pool.run(3, 400, 0, 400); // warm-up
      const t = performance.now();
      await pool.run(4, M, 0, M);
      const wall = performance.now() - t;
      const st = pool.lastRun!;
      return {
        perS: M / (wall / 1000),
        cpuMsPerTrial: st.cpuMs === null ? null : st.cpuMs / M,
        cpuShare: st.cpuMs === null ? null : st.cpuMs / (workers * st.wallMs),
        busyShare: st.busyMs / (workers * st.wallMs),
      };
    } finally {
      await pool.close();
    }
  };
  // Interleaved rounds, the best of each (the load of a shared machine comes and goes).
  const best = (a: Awaited<ReturnType<typeof rate>>, b: Awaited<ReturnType<typeof rate>>) => (b.perS > a.perS ? b : a);
  let w1 = await rate(1);
  let w2 = await rate(2);
  w1 = best(w1, await rate(1));
  w2 = best(w2, await rate(2));
  const one = w1.perS, two = w2.perS;
  const r3 = (v: number | null) => (v === null ? null : Number(v.toFixed(3)));
  return {
    tolerance_mc_trials_per_s: Math.round(N / wall),
    tolerance_mc_trials_per_cpu_s: Math.round(N / cpuS),
    tolerance_sensitivity_ms: Number(med(tables.map((t) => t.exactMs)).toFixed(1)),
    tolerance_linear_ms: Number(med(tables.map((t) => t.linearMs)).toFixed(1)),
    tolerance_operands: tol.model.operands.length,
    tolerance_worker_scaling: {
      one_worker_trials_per_s: Math.round(one),
      two_workers_trials_per_s: Math.round(two),
      speedup: Number((two / one).toFixed(2)),
      one_worker_cpu_ms_per_trial: r3(w1.cpuMsPerTrial),
      two_workers_cpu_ms_per_trial: r3(w2.cpuMsPerTrial),
      one_worker_cpu_share: r3(w1.cpuShare),
      two_workers_cpu_share: r3(w2.cpuShare),
      one_worker_busy_share: r3(w1.busyShare),
      two_workers_busy_share: r3(w2.busyShare),
      speedup_cpu: w1.cpuMsPerTrial !== null && w2.cpuMsPerTrial !== null ? Number(((2 * w1.cpuMsPerTrial * w2.busyShare) / (w2.cpuMsPerTrial * w1.busyShare)).toFixed(2)) : null,
    },
  };
}
