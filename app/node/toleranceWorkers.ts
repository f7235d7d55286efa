/**
 * Monte Carlo tolerancing on several worker threads. Every worker builds the same tolerancing
 * setup; the trial range is cut into chunks handed out as workers become free, and the chunks'
 * shards are merged in trial order, so the result equals a single-threaded run exactly (every
 * trial's perturbation depends only on the seed and its index: engine/tolerance/sampling.ts).
 * Cancelling (an AbortSignal) terminates the workers and returns the completed trials from the
 * start of the range without a gap.
 */
import { Worker } from 'node:worker_threads';
import type { Prescription } from '../../engine/io/prescription.ts';
import type { ToleranceSpec } from '../../engine/io/toleranceSpec.ts';
import type { CriterionSpec } from '../../engine/tolerance/setup.ts';
import { mergeShards, type Shard } from '../../engine/tolerance/monteCarlo.ts';

const bootstrap = new URL('../host/tsxBootstrap.mjs', import.meta.url);
const entry = new URL('./toleranceWorker.ts', import.meta.url).href;

/** What every worker needs to rebuild the tolerancing setup. */
export interface ToleranceWorkerInit {
  prescription: Prescription;
  spec: ToleranceSpec;
  criterion: CriterionSpec;
  /** AGF folders to load in front of the built-in glass table. */
  glassDirs: string[];
}

export interface PoolRunOptions {
  /** Trials per chunk (default: about 8 chunks per worker, 10..200). */
  chunk?: number;
  /** Called with the number of trials completed so far. */
  onProgress?: (done: number) => void;
  signal?: AbortSignal;
}

type Message = { type: 'ready' } | { type: 'progress'; id: number; done: number } | { type: 'done'; id: number; shard: Shard } | { type: 'error'; message: string };

export class ToleranceWorkerPool {
  private constructor(private readonly workers: Worker[]) {}

  /**
   * Starts `threads` workers and builds the setup in each.
   * @throws Error with a worker's message when the setup fails
   */
  static async create(init: ToleranceWorkerInit, threads: number): Promise<ToleranceWorkerPool> {
    const workers = Array.from({ length: Math.max(1, threads) }, () => new Worker(bootstrap, { workerData: { entry }, name: 'lens-studio-tolerance' }));
    const pool = new ToleranceWorkerPool(workers);
    try {
      await Promise.all(
        workers.map(
          (wk) =>
            new Promise<void>((resolve, reject) => {
              const onMessage = (m: Message) => {
                if (m.type === 'ready') resolve();
                else if (m.type === 'error') reject(new Error(m.message));
                else return;
                wk.off('message', onMessage);
              };
              wk.on('message', onMessage);
              wk.once('error', reject);
              wk.postMessage({ type: 'init', init });
            }),
        ),
      );
    } catch (err) {
      await pool.close();
      throw err;
    }
    return pool;
  }

  get size(): number {
    return this.workers.length;
  }

  /** Runs trials [start, end) of the seeded run of `trials` trials across the workers. */
  async run(seed: number, trials: number, start: number, end: number, options: PoolRunOptions = {}): Promise<Shard> {
    const total = end - start;
    const chunk = options.chunk ?? Math.min(200, Math.max(10, Math.ceil(total / (this.workers.length * 8))));
    const ranges: [number, number][] = [];
    for (let a = start; a < end; a += chunk) ranges.push([a, Math.min(end, a + chunk)]);
    const results: (Shard | null)[] = ranges.map(() => null);
    const progress = new Map<number, number>();
    let doneTrials = 0;
    let next = 0;
    const report = () => options.onProgress?.(doneTrials + [...progress.values()].reduce((a, v) => a + v, 0));
    await new Promise<void>((resolve, reject) => {
      let active = 0;
      let failed = false;
      const abort = () => {
        next = ranges.length;
        for (const wk of this.workers) wk.removeAllListeners('message');
        resolve();
      };
      if (options.signal?.aborted) return abort();
      options.signal?.addEventListener('abort', abort, { once: true });
      const feed = (wk: Worker) => {
        if (failed || next >= ranges.length) {
          if (active === 0) {
            options.signal?.removeEventListener('abort', abort);
            resolve();
          }
          return;
        }
        const id = next++;
        active++;
        wk.postMessage({ type: 'run', id, seed, trials, start: ranges[id][0], end: ranges[id][1] });
      };
      for (const wk of this.workers) {
        wk.on('message', (m: Message) => {
          if (m.type === 'progress') {
            progress.set(m.id, m.done);
            report();
          } else if (m.type === 'done') {
            results[m.id] = m.shard;
            progress.delete(m.id);
            doneTrials += m.shard.values.length;
            active--;
            report();
            feed(wk);
          } else if (m.type === 'error') {
            failed = true;
            reject(new Error(m.message));
          }
        });
        wk.once('error', (e) => {
          failed = true;
          reject(e);
        });
        feed(wk);
      }
    });
    const complete: Shard[] = [];
    for (const r of results) {
      if (!r) break;
      complete.push(r);
    }
    if (complete.length === 0) return { seed, trials, start, end: start, values: [], compensators: [], worst: null };
    return mergeShards(complete);
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((wk) => wk.terminate()));
  }
}
