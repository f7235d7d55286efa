/**
 * Worker side of toleranceWorkers.ts: one tolerancing setup, Monte Carlo trial ranges on request.
 * A finished chunk goes back as typed arrays moved (transferred), not copied: the criterion values
 * and the compensators flattened trial by trial, with the thread's CPU time and the chunk's wall
 * time for the pool's accounting.
 */
import { parentPort } from 'node:worker_threads';
import { GlassLibrary } from '../../engine/materials/glassLibrary.ts';
import { prepareTolerancing, type Tolerancing } from '../../engine/tolerance/setup.ts';
import { runTrials } from '../../engine/tolerance/monteCarlo.ts';
import { threadCpuMs } from './threadCpu.ts';
import type { ChunkResult, ToleranceWorkerInit } from './toleranceWorkers.ts';

let tol: Tolerancing | null = null;

parentPort!.on('message', async (msg: { type: string; [k: string]: unknown }) => {
  try {
    if (msg.type === 'init') {
      const init = msg.init as ToleranceWorkerInit;
      let glass = GlassLibrary.builtin();
      if (init.glassDirs.length > 0) {
        const { loadGlassDirs } = await import('./glassDir.ts');
        glass = glass.withCatalogs(await loadGlassDirs(init.glassDirs));
      }
      tol = prepareTolerancing(init.prescription, init.spec, glass, init.criterion);
      tol.evaluator.nominalCompensators();
      parentPort!.postMessage({ type: 'ready', cpuMs: threadCpuMs() });
    } else if (msg.type === 'run') {
      const { id, seed, trials, start, end } = msg as unknown as { id: number; seed: number; trials: number; start: number; end: number };
      const t0 = performance.now();
      const shard = runTrials(tol!.evaluator, tol!.sampled, seed, trials, start, end, {
        progressEvery: 50,
        onProgress: (done, total) => done < total && parentPort!.postMessage({ type: 'progress', id, done }),
      });
      const n = shard.values.length;
      const C = tol!.evaluator.nCompensators;
      const values = Float64Array.from(shard.values);
      const compensators = new Float64Array(n * C);
      shard.compensators.forEach((c, i) => compensators.set(c, i * C));
      const result: ChunkResult = { seed, trials, start, end: shard.end, values, compensators, nCompensators: C, worst: shard.worst, cpuMs: threadCpuMs(), busyMs: performance.now() - t0 };
      parentPort!.postMessage({ type: 'done', id, result }, [values.buffer, compensators.buffer]);
    }
  } catch (err) {
    parentPort!.postMessage({ type: 'error', message: (err as Error).message });
  }
});
