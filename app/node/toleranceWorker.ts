/** Worker side of toleranceWorkers.ts: one tolerancing setup, Monte Carlo trial ranges on request. */
import { parentPort } from 'node:worker_threads';
import { GlassLibrary } from '../../engine/materials/glassLibrary.ts';
import { prepareTolerancing, type Tolerancing } from '../../engine/tolerance/setup.ts';
import { runTrials } from '../../engine/tolerance/monteCarlo.ts';
import type { ToleranceWorkerInit } from './toleranceWorkers.ts';

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
      parentPort!.postMessage({ type: 'ready' });
    } else if (msg.type === 'run') {
      const { id, seed, trials, start, end } = msg as unknown as { id: number; seed: number; trials: number; start: number; end: number };
      const shard = runTrials(tol!.evaluator, tol!.sampled, seed, trials, start, end, {
        progressEvery: 10,
        onProgress: (done) => parentPort!.postMessage({ type: 'progress', id, done }),
      });
      parentPort!.postMessage({ type: 'done', id, shard });
    }
  } catch (err) {
    parentPort!.postMessage({ type: 'error', message: (err as Error).message });
  }
});
