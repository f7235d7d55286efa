/**
 * Monte Carlo tolerancing on several worker threads. Every worker builds the same tolerancing
 * setup; the trial range is cut into chunks handed out as workers become free, and the chunks'
 * shards are merged in trial order, so the result equals a single-threaded run exactly (every
 * trial's perturbation depends only on the seed and its index: engine/tolerance/sampling.ts).
 * Cancelling (an AbortSignal) terminates the workers and returns the completed trials from the
 * start of the range without a gap.
 *
 * Chunks come from a {@link TrialQueue} that other takers may share: `runMonteCarlo` lets the
 * calling thread work through chunks while the workers start (each loads and compiles the engine,
 * about a second), so short runs are not slowed by the pool's start-up. Chunks shrink as the queue
 * empties (guided self-scheduling, Polychronopoulos & Kuck 1987), so the workers finish together
 * instead of one idling while another ends a large last chunk.
 *
 * Nothing is serial but the hand-out of the next range (a few bytes) and the merge at the end
 * (trial order, O(N)): every worker draws its own perturbations from (seed, trial), and a chunk's
 * results come back as transferred typed arrays. Each run records the workers' thread CPU time and
 * busy time (`lastRun`), so that scaling can be judged on a shared machine, where wall time also
 * measures the other processes.
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

/**
 * Chunks [a, b) of a trial range, handed out in order to whoever asks first. With `guided`, a
 * chunk is ⌈remaining / (2 · takers)⌉ trials, between `guided.min` and `chunk`.
 */
export class TrialQueue {
  private next_: number;
  /** Takers sharing the queue (guided sizes); may change while it is used. */
  takers: number;
  constructor(
    readonly start: number,
    readonly end: number,
    readonly chunk: number,
    private readonly guided?: { takers: number; min: number },
  ) {
    this.next_ = start;
    this.takers = guided?.takers ?? 1;
  }

  /** The next chunk, or null when every trial has been handed out. */
  next(): [number, number] | null {
    if (this.next_ >= this.end) return null;
    const a = this.next_;
    let size = this.chunk;
    if (this.guided) size = Math.min(this.chunk, Math.max(this.guided.min, Math.ceil((this.end - a) / (2 * Math.max(1, this.takers)))));
    this.next_ = Math.min(this.end, a + size);
    return [a, this.next_];
  }

  /** Stops handing out chunks. */
  close(): void {
    this.next_ = this.end;
  }

  get remaining(): number {
    return this.end - this.next_;
  }
}

/** The default chunk: about 8 per taker, 10..200 trials. */
export function defaultChunk(total: number, takers: number): number {
  return Math.min(200, Math.max(10, Math.ceil(total / (Math.max(1, takers) * 8))));
}

/** The default queue of [start, end) for `takers`: guided chunks of 10 up to {@link defaultChunk} trials. */
export function defaultQueue(start: number, end: number, takers: number): TrialQueue {
  return new TrialQueue(start, end, defaultChunk(end - start, takers), { takers, min: 10 });
}

/** A worker's finished chunk on the wire (typed arrays, transferred). */
export interface ChunkResult {
  seed: number;
  trials: number;
  start: number;
  end: number;
  values: Float64Array;
  /** Compensators of trial start + i at [i·C, (i+1)·C). */
  compensators: Float64Array;
  nCompensators: number;
  worst: Shard['worst'];
  /** The worker thread's CPU time since it started (ms), null where unknown. */
  cpuMs: number | null;
  /** Wall time of the chunk in the worker (ms). */
  busyMs: number;
}

/** A chunk result as a shard. */
export function chunkShard(r: ChunkResult): Shard {
  const C = r.nCompensators;
  const compensators: number[][] = [];
  for (let i = 0; i < r.values.length; i++) compensators.push(Array.from(r.compensators.subarray(i * C, (i + 1) * C)));
  return { seed: r.seed, trials: r.trials, start: r.start, end: r.end, values: Array.from(r.values), compensators, worst: r.worst };
}

/** Accounting of one pool run (`ToleranceWorkerPool.lastRun`). */
export interface PoolRunStats {
  trials: number;
  /** Wall time of the run on the calling thread (ms). */
  wallMs: number;
  /** Summed wall time the workers spent in trials (ms). */
  busyMs: number;
  /** Summed thread CPU time of the workers during the run (ms); null where unknown. */
  cpuMs: number | null;
}

/** Shards of contiguous chunks from `start`, merged (the completed prefix when some are missing). */
export function mergePrefix(seed: number, trials: number, start: number, shards: readonly Shard[]): Shard {
  const byStart = new Map(shards.map((s) => [s.start, s]));
  const prefix: Shard[] = [];
  for (let s = byStart.get(start); s && s.end > s.start; s = byStart.get(s.end)) prefix.push(s);
  return prefix.length ? mergeShards(prefix) : { seed, trials, start, end: start, values: [], compensators: [], worst: null };
}

type Message = { type: 'ready'; cpuMs: number | null } | { type: 'progress'; id: number; done: number } | { type: 'done'; id: number; result: ChunkResult } | { type: 'error'; message: string };

export class ToleranceWorkerPool {
  /** Each worker's thread CPU time (ms) at its last message that carried it. */
  private readonly cpuSeen: (number | null)[];
  /** Accounting of the last `run` / `runQueue` (null before the first). */
  lastRun: PoolRunStats | null = null;

  private constructor(private readonly workers: Worker[]) {
    this.cpuSeen = workers.map(() => null);
  }

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
          (wk, i) =>
            new Promise<void>((resolve, reject) => {
              const onMessage = (m: Message) => {
                if (m.type === 'ready') {
                  pool.cpuSeen[i] = m.cpuMs;
                  resolve();
                }
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
    const n = this.workers.length;
    const queue = options.chunk !== undefined ? new TrialQueue(start, end, options.chunk) : defaultQueue(start, end, n);
    return mergePrefix(seed, trials, start, await this.runQueue(seed, trials, queue, options));
  }

  /**
   * Runs chunks of `queue` on the workers until it is empty (or cancelled); returns the shards
   * computed here, in no particular order. `onProgress` counts the trials done by this call.
   */
  async runQueue(seed: number, trials: number, queue: TrialQueue, options: Omit<PoolRunOptions, 'chunk'> = {}): Promise<Shard[]> {
    const results: Shard[] = [];
    const t0 = performance.now();
    const cpu0 = [...this.cpuSeen];
    const stats: PoolRunStats = { trials: 0, wallMs: 0, busyMs: 0, cpuMs: null };
    const progress = new Map<number, number>();
    let doneTrials = 0;
    let nextId = 0;
    const report = () => options.onProgress?.(doneTrials + [...progress.values()].reduce((a, v) => a + v, 0));
    await new Promise<void>((resolve, reject) => {
      let active = 0;
      let failed = false;
      const finish = () => {
        for (const wk of this.workers) wk.removeAllListeners('message');
        options.signal?.removeEventListener('abort', abort);
        resolve();
      };
      const abort = () => {
        queue.close();
        finish();
      };
      if (options.signal?.aborted) return abort();
      options.signal?.addEventListener('abort', abort, { once: true });
      const feed = (wk: Worker) => {
        const range = failed ? null : queue.next();
        if (!range) {
          if (active === 0) finish();
          return;
        }
        const id = nextId++;
        active++;
        wk.postMessage({ type: 'run', id, seed, trials, start: range[0], end: range[1] });
      };
      this.workers.forEach((wk, w) => {
        wk.on('message', (m: Message) => {
          if (m.type === 'progress') {
            progress.set(m.id, m.done);
            report();
          } else if (m.type === 'done') {
            const shard = chunkShard(m.result);
            results.push(shard);
            this.cpuSeen[w] = m.result.cpuMs;
            stats.trials += shard.values.length;
            stats.busyMs += m.result.busyMs;
            progress.delete(m.id);
            doneTrials += shard.values.length;
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
      });
    });
    stats.wallMs = performance.now() - t0;
    const known = this.cpuSeen.every((c, i) => c !== null && cpu0[i] !== null);
    stats.cpuMs = known ? this.cpuSeen.reduce((a: number, c, i) => a + c! - cpu0[i]!, 0) : null;
    this.lastRun = stats;
    return results;
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((wk) => wk.terminate()));
  }
}
