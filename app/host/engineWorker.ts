/**
 * Engine host entry for a worker_threads worker (web mode and tests): builds the one StudioSession
 * of this host and serves it on every MessagePort the parent sends as `{ type: 'connect', port }`.
 * Loaded through tsxBootstrap.mjs; `workerData.options` holds the StudioSessionOptions.
 */
import { parentPort, workerData, type MessagePort } from 'node:worker_threads';
import { serveStudio } from '../contract/studioRpc.ts';
import { messagePortFramePort, type MessagePortLike } from '../contract/studioTransports.ts';
import { StudioSession, type StudioSessionOptions } from './studioSession.ts';
import { configureGlass } from './glassSetup.ts';

if (!parentPort) throw new Error('engineWorker.ts must run in a worker thread');

const options = workerData.options as StudioSessionOptions & { glassDirs?: string[] };
const warnings = await configureGlass(options.glassDirs ?? []);
for (const w of warnings) process.stderr.write(`lens-studio: ${w}\n`);
const session = new StudioSession({ ...options, engineThread: 'worker' });

parentPort.on('message', (msg: { type?: string; port?: MessagePort; path?: string }) => {
  if (msg?.type === 'connect' && msg.port) {
    serveStudio(session, messagePortFramePort(msg.port as unknown as MessagePortLike));
  }
});
parentPort.postMessage({ type: 'ready' });
