/**
 * The spot-radius gradient on several worker threads: each worker traces a share of the pupil
 * grid (forward, recorded), the main thread combines the centroid, then each worker runs its
 * adjoint pass and returns a partial gradient. The result equals spotGradient on one thread.
 */
import { Worker } from 'node:worker_threads';
import type { Prescription } from '../../engine/io/prescription.ts';
import type { ParamRef } from '../../engine/optics/params.ts';

const bootstrap = new URL('../host/tsxBootstrap.mjs', import.meta.url);
const entry = new URL('./gradientWorker.ts', import.meta.url).href;

interface Phase1 {
  sx: number;
  sy: number;
  n: number;
}

/**
 * A pool of worker threads that each hold the lens and a share of an n×n pupil grid, and compute
 * the centroid RMS spot radius² and its exact gradient (field f, wavelength w) together.
 */
export class SpotGradientPool {
  private constructor(private readonly workers: Worker[], private readonly nParams: number) {}

  /** Starts `threads` workers and loads the lens into each. */
  static async create(prescription: Prescription, f: number, w: number, grid: number, params: readonly ParamRef[], threads: number): Promise<SpotGradientPool> {
    const workers = Array.from({ length: threads }, () => new Worker(bootstrap, { workerData: { entry }, name: 'lens-studio-gradient' }));
    const pool = new SpotGradientPool(workers, params.length);
    await Promise.all(workers.map((wk, k) => ask(wk, { type: 'init', prescription, f, w, grid, params, part: k, parts: threads })));
    return pool;
  }

  /** One forward + adjoint evaluation across the workers. */
  async run(): Promise<{ value: number; gradient: Float64Array; validRays: number }> {
    const p1 = await Promise.all(this.workers.map((wk) => ask<Phase1>(wk, { type: 'forward' })));
    const n = p1.reduce((a, r) => a + r.n, 0);
    const cx = p1.reduce((a, r) => a + r.sx, 0) / n;
    const cy = p1.reduce((a, r) => a + r.sy, 0) / n;
    const p2 = await Promise.all(this.workers.map((wk) => ask<{ value: number; gradient: Float64Array }>(wk, { type: 'adjoint', cx, cy, n })));
    const gradient = new Float64Array(this.nParams);
    let value = 0;
    for (const r of p2) {
      value += r.value;
      for (let j = 0; j < gradient.length; j++) gradient[j] += r.gradient[j];
    }
    return { value: value / n, gradient, validRays: n };
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((wk) => wk.terminate()));
  }
}

function ask<T>(wk: Worker, msg: unknown): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const onError = (e: Error) => reject(e);
    wk.once('message', (m) => {
      wk.off('error', onError);
      resolve(m as T);
    });
    wk.once('error', onError);
    wk.postMessage(msg);
  });
}
