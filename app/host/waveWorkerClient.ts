/**
 * The host's side of the wave-analysis thread (waveWorker.ts): starts it on first use, sends it
 * passes, and cancels them. When the thread cannot start (or dies), the passes run on the host
 * thread instead, in the same slices (waveBundle.ts) — slower edits while they run, same results.
 */
import { existsSync, readFileSync } from 'node:fs';
import { Worker } from 'node:worker_threads';
import { fileURLToPath, pathToFileURL } from 'node:url';
import path from 'node:path';
import type { Prescription } from '../../engine/io/prescription.ts';
import type { LensSystem } from '../../engine/optics/system.ts';
import type { WaveBundle } from '../contract/studioApi.ts';
import { computeWaveBundle, WaveSuperseded } from './waveBundle.ts';
import type { WaveRequest } from './waveOptions.ts';
import type { WaveWorkerInput, WaveWorkerOutput } from './waveWorker.ts';

const here = path.dirname(fileURLToPath(import.meta.url));

/**
 * The thread's code: in the Electron package, the bundle beside this one (out/electron/
 * waveWorker.cjs, app/electron/buildElectron.ts), run from its text so that it loads from inside
 * the asar archive; otherwise waveWorker.ts through tsx.
 */
function startWorker(glassDirs: string[]): Worker {
  const bundled = path.join(here, 'waveWorker.cjs');
  const options = { workerData: { glassDirs }, name: 'lens-studio-wave' };
  if (existsSync(bundled)) return new Worker(readFileSync(bundled, 'utf8'), { ...options, eval: true });
  return new Worker(path.join(here, 'tsxBootstrap.mjs'), { ...options, workerData: { ...options.workerData, entry: pathToFileURL(path.join(here, 'waveWorker.ts')).href } });
}

export interface WavePassHandle {
  /** Resolves with the bundle; rejects with WaveSuperseded when cancelled, or the pass's error. */
  result: Promise<WaveBundle>;
  cancel(): void;
}

export class WaveThread {
  private worker: Worker | null = null;
  private ready: Promise<boolean> | null = null;
  private nextId = 1;
  private readonly pending = new Map<number, { resolve: (b: WaveBundle) => void; reject: (e: unknown) => void }>();

  constructor(private readonly glassDirs: readonly string[] = []) {}

  private start(): Promise<boolean> {
    if (this.ready) return this.ready;
    this.ready = new Promise<boolean>((resolve) => {
      let worker: Worker;
      try {
        worker = startWorker([...this.glassDirs]);
      } catch {
        resolve(false);
        return;
      }
      // The thread must not keep a finished host (or a test process) alive.
      worker.unref();
      worker.on('message', (m: WaveWorkerOutput | { type: 'ready' }) => {
        if (m.type === 'ready') {
          this.worker = worker;
          resolve(true);
          return;
        }
        const p = this.pending.get(m.id);
        if (!p) return;
        this.pending.delete(m.id);
        if (m.type === 'result') p.resolve(m.bundle);
        else if (m.type === 'superseded') p.reject(new WaveSuperseded('superseded'));
        else p.reject(new Error(m.message));
      });
      const fail = (e: unknown) => {
        this.worker = null;
        this.ready = null; // a later pass tries again
        for (const p of this.pending.values()) p.reject(e instanceof Error ? e : new Error(String(e)));
        this.pending.clear();
        resolve(false);
      };
      worker.on('error', fail);
      worker.on('exit', (code) => fail(new Error(`the wave-analysis thread exited (code ${code})`)));
    });
    return this.ready;
  }

  /** Runs one pass of `request` on the lens `prescription` (= `system`) at `revision`. */
  run(prescription: Prescription, system: LensSystem, revision: number, request: WaveRequest): WavePassHandle {
    let cancelled = false;
    let id = 0;
    const result = this.start().then((ok) => {
      if (!ok || !this.worker) return computeWaveBundle(system, revision, request, { cancelled: () => cancelled });
      if (cancelled) throw new WaveSuperseded('superseded');
      id = this.nextId++;
      const worker = this.worker;
      return new Promise<WaveBundle>((resolve, reject) => {
        this.pending.set(id, { resolve, reject });
        worker.postMessage({ type: 'analyze', id, revision, prescription, request } satisfies WaveWorkerInput);
      });
    });
    return {
      result,
      cancel: () => {
        cancelled = true;
        if (id && this.worker && this.pending.has(id)) this.worker.postMessage({ type: 'cancel', id } satisfies WaveWorkerInput);
      },
    };
  }

  async close(): Promise<void> {
    await this.worker?.terminate();
    this.worker = null;
  }
}
