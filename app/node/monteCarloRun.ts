/**
 * A Monte Carlo run on this thread and a worker pool together: the pool starts (each worker loads
 * and compiles the engine, about a second, longer on a busy machine) while this thread already
 * works through chunks of the trial range; once the workers are ready they take the remaining
 * chunks and this thread only relays progress. The result is the same as a single-threaded run,
 * trial for trial (engine/tolerance/sampling.ts). Cancelling returns the completed trials from
 * the start of the range without a gap.
 */
import type { Tolerancing } from '../../engine/tolerance/setup.ts';
import { runTrials, type Shard } from '../../engine/tolerance/monteCarlo.ts';
import { defaultQueue, mergePrefix, type ToleranceWorkerPool } from './toleranceWorkers.ts';

export interface MonteCarloRunOptions {
  /** Trials completed so far (this thread and the workers). */
  onProgress?: (done: number) => void;
  signal?: AbortSignal;
}

/**
 * Runs trials [start, end) of the seeded run of `trials` trials with `tol` here and on the pool
 * that `pool` resolves to (a failed pool start leaves the work to this thread).
 * @returns the merged shard and how many workers took part (0: this thread alone)
 */
export async function runMonteCarlo(tol: Tolerancing, pool: Promise<ToleranceWorkerPool>, seed: number, trials: number, start: number, end: number, options: MonteCarloRunOptions = {}): Promise<{ shard: Shard; workers: number }> {
  let ready: ToleranceWorkerPool | null = null;
  let failed = false;
  const watch = pool.then(
    (p) => (ready = p),
    () => (failed = true),
  );
  const queue = defaultQueue(start, end, 2);
  const shards: Shard[] = [];
  let here = 0;
  const turn = () => new Promise<void>((r) => setImmediate(r));
  // This thread works until the workers are ready (or for good if they fail to start).
  while (!ready && !options.signal?.aborted) {
    const range = queue.next();
    if (!range) break;
    shards.push(runTrials(tol.evaluator, tol.sampled, seed, trials, range[0], range[1]));
    here += range[1] - range[0];
    options.onProgress?.(here);
    await turn();
  }
  await watch;
  let workers = 0;
  const p = ready as ToleranceWorkerPool | null;
  if (p && queue.remaining > 0 && !options.signal?.aborted) {
    workers = p.size;
    queue.takers = p.size;
    shards.push(...(await p.runQueue(seed, trials, queue, { onProgress: (d) => options.onProgress?.(here + d), signal: options.signal })));
  }
  return { shard: mergePrefix(seed, trials, start, shards), workers };
}
