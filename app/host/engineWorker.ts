/**
 * Engine host entry for a worker_threads worker (web mode and tests): builds the one StudioSession
 * of this host and serves it on every MessagePort the parent sends as `{ type: 'connect', port }`.
 * Loaded through tsxBootstrap.mjs; `workerData.options` holds the StudioSessionOptions, the glass
 * folders and the start-up lens (opened before `ready`; its error, if any, travels with `ready`).
 */
import { parentPort, workerData, type MessagePort } from 'node:worker_threads';
import { serveStudio } from '../contract/studioRpc.ts';
import { messagePortFramePort, type MessagePortLike } from '../contract/studioTransports.ts';
import { StudioSession, type StudioSessionOptions } from './studioSession.ts';
import { configureGlass } from './glassSetup.ts';

if (!parentPort) throw new Error('engineWorker.ts must run in a worker thread');

const options = workerData.options as StudioSessionOptions & { glassDirs?: string[]; startupLens?: string };
const warnings = await configureGlass(options.glassDirs ?? []);
for (const w of warnings) process.stderr.write(`lens-studio: ${w}\n`);
const { startupLens, glassDirs: _glassDirs, ...sessionOptions } = options;
const session = new StudioSession({ ...sessionOptions, engineThread: 'worker' });
// The lens given on the command line, opened (and its path granted) before any client connects.
let startupError: string | undefined;
if (startupLens) {
  try {
    await session.openStartupLens(startupLens);
  } catch (e) {
    startupError = (e as Error).message;
  }
}

parentPort.on('message', (msg: { type?: string; port?: MessagePort; path?: string }) => {
  if (msg?.type === 'connect' && msg.port) {
    serveStudio(session, messagePortFramePort(msg.port as unknown as MessagePortLike));
  }
});
parentPort.postMessage({ type: 'ready', ...(startupError !== undefined && { startupError }) });
