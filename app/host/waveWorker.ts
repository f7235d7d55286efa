/**
 * The wave-analysis thread of the engine host: a worker_threads worker, started by the host
 * (waveWorkerClient.ts), that runs the passes of waveBundle.ts so that the host thread — edits,
 * the ray analyses the studio draws on every edit — never waits behind wave optics.
 *
 * On Linux the thread lowers its own scheduling priority (nice 10; `setpriority` on the calling
 * thread only), so on a busy machine the ray analyses and the renderer come first.
 *
 * Messages (structured clone; typed arrays travel as they are):
 *   in   { type: 'analyze', id, revision, prescription, request }   { type: 'cancel', id }
 *   out  { type: 'result', id, bundle } | { type: 'superseded', id } | { type: 'error', id, message }
 * Loaded through tsxBootstrap.mjs; `workerData.glassDirs` are the host's AGF folders.
 */
import os from 'node:os';
import { parentPort, workerData } from 'node:worker_threads';
import type { Prescription } from '../../engine/io/prescription.ts';
import type { LensSystem } from '../../engine/optics/system.ts';
import { buildLensSystem } from './engineIo.ts';
import { configureGlass } from './glassSetup.ts';
import { computeWaveBundle, WaveSuperseded } from './waveBundle.ts';
import type { WaveRequest } from './waveOptions.ts';

export type WaveWorkerInput =
  | { type: 'analyze'; id: number; revision: number; prescription: Prescription; request: WaveRequest }
  | { type: 'cancel'; id: number };

export type WaveWorkerOutput =
  | { type: 'result'; id: number; bundle: Awaited<ReturnType<typeof computeWaveBundle>> }
  | { type: 'superseded'; id: number }
  | { type: 'error'; id: number; message: string };

if (!parentPort) throw new Error('waveWorker.ts must run in a worker thread');
const port = parentPort;

if (process.platform === 'linux') {
  try {
    os.setPriority(10);
  } catch {
    // not permitted: run at the host's priority
  }
}
// (No top-level await: the Electron package bundles this file as CommonJS.)
const glassReady = configureGlass((workerData?.glassDirs as string[] | undefined) ?? []);

/** The lens of the latest revision seen, built once. */
let built: { revision: number; system: LensSystem } | null = null;
const cancelled = new Set<number>();

port.on('message', (msg: WaveWorkerInput) => {
  if (msg.type === 'cancel') {
    cancelled.add(msg.id);
    return;
  }
  if (msg.type === 'analyze') void analyze(msg);
});

async function analyze(msg: Extract<WaveWorkerInput, { type: 'analyze' }>): Promise<void> {
  const { id } = msg;
  try {
    if (!built || built.revision !== msg.revision) built = { revision: msg.revision, system: buildLensSystem(msg.prescription) };
    const bundle = await computeWaveBundle(built.system, msg.revision, msg.request, { cancelled: () => cancelled.has(id) });
    bundle.computedOn = 'wave-thread';
    port.postMessage({ type: 'result', id, bundle } satisfies WaveWorkerOutput);
  } catch (e) {
    if (e instanceof WaveSuperseded) port.postMessage({ type: 'superseded', id } satisfies WaveWorkerOutput);
    else port.postMessage({ type: 'error', id, message: e instanceof Error ? e.message : String(e) } satisfies WaveWorkerOutput);
  } finally {
    cancelled.delete(id);
  }
}

void glassReady.then(() => port.postMessage({ type: 'ready' }));
