/**
 * Runs the engine host in a worker_threads worker (off the main thread of the web server) and
 * hands out connections to it: each `connect()` is a fresh MessageChannel whose far end is served
 * by the worker's one StudioSession.
 */
import { MessageChannel, Worker } from 'node:worker_threads';
import { fileURLToPath, pathToFileURL } from 'node:url';
import path from 'node:path';
import type { FramePort } from '../contract/studioRpc.ts';
import { messagePortFramePort, type MessagePortLike } from '../contract/studioTransports.ts';
import type { StudioSessionOptions } from './studioSession.ts';

const here = path.dirname(fileURLToPath(import.meta.url));

export type WorkerHostOptions = Omit<StudioSessionOptions, 'engineThread'> & {
  glassDirs?: string[];
  /** A lens file to open before any client connects (its path is granted: Save writes back to it). */
  startupLens?: string;
};

export class WorkerEngineHost {
  private readonly worker: Worker;
  /**
   * Resolves when the engine is loaded and serving; rejects if the worker fails to start or the
   * start-up lens cannot be opened (with its message).
   */
  readonly ready: Promise<void>;
  private exited = false;

  constructor(options: WorkerHostOptions) {
    this.worker = new Worker(path.join(here, 'tsxBootstrap.mjs'), {
      workerData: { entry: pathToFileURL(path.join(here, 'engineWorker.ts')).href, options },
      // The engine may allocate large ray batches; keep the default heap but name the thread.
      name: 'lens-studio-engine',
    });
    this.ready = new Promise((resolve, reject) => {
      const onMessage = (m: { type?: string; startupError?: string }) => {
        if (m?.type === 'ready') {
          this.worker.off('message', onMessage);
          if (m.startupError !== undefined) reject(new Error(m.startupError));
          else resolve();
        }
      };
      this.worker.on('message', onMessage);
      this.worker.once('error', reject);
      this.worker.once('exit', (code) => {
        this.exited = true;
        reject(new Error(`the engine worker exited (code ${code}) before it was ready`));
      });
    });
    this.worker.on('error', (e: Error) => process.stderr.write(`lens-studio: engine worker error: ${e.message}\n`));
  }

  /** A new connection to the engine (one per window / WebSocket). */
  connect(): FramePort {
    if (this.exited) throw new Error('the engine worker has exited');
    const { port1, port2 } = new MessageChannel();
    this.worker.postMessage({ type: 'connect', port: port2 }, [port2]);
    return messagePortFramePort(port1 as unknown as MessagePortLike);
  }

  async close(): Promise<void> {
    if (!this.exited) await this.worker.terminate();
    this.exited = true;
  }
}
