/**
 * The StudioApi contract, once per transport:
 * - IPC stand-in: the session served in-process over a MessageChannel (what Electron's
 *   MessageChannelMain gives the renderer and the utility process);
 * - WebSocket: the browser studio's server on 127.0.0.1 relaying to the engine in a worker thread.
 * The server's own checks (token, origin, headers, static files) are in studioServer.test.ts.
 */
import { mkdtemp } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { MessageChannel } from 'node:worker_threads';
import WebSocket from 'ws';
import { describeStudioContract, repoRoot } from './studioContract.ts';
import { createStudioClient, serveStudio } from '../../app/contract/studioRpc.ts';
import { messagePortFramePort, webSocketFramePort, type MessagePortLike, type WebSocketLike } from '../../app/contract/studioTransports.ts';
import { StudioSession } from '../../app/host/studioSession.ts';
import { WorkerEngineHost } from '../../app/host/workerHost.ts';
import { startStudioServer } from '../../app/web/server.ts';

const libraryDir = path.join(repoRoot, 'lens-library');

function openSocket(url: string, headers: Record<string, string> = {}): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { headers });
    ws.once('open', () => resolve(ws));
    ws.once('error', reject);
    ws.once('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
  });
}

describeStudioContract('the in-process IPC stand-in (MessageChannel)', 'in-process', async (stateDir) => {
  const { port1, port2 } = new MessageChannel();
  const session = new StudioSession({ libraryDir, stateDir, mode: 'in-process', engineThread: 'main' });
  serveStudio(session, messagePortFramePort(port1 as unknown as MessagePortLike));
  const api = createStudioClient(messagePortFramePort(port2 as unknown as MessagePortLike));
  return {
    api,
    async close() {
      api.close();
      port1.close();
    },
  };
});

describeStudioContract('WebSocket (browser studio server + worker-thread engine)', 'web', async (stateDir) => {
  const rendererDir = await mkdtemp(path.join(os.tmpdir(), 'lens-studio-renderer-'));
  const host = new WorkerEngineHost({ libraryDir, stateDir, mode: 'web' });
  await host.ready;
  const server = await startStudioServer({ rendererDir, connectEngine: () => host.connect(), port: 0 });
  const ws = await openSocket(`ws://127.0.0.1:${server.port}/api?token=${server.token}`);
  const api = createStudioClient(webSocketFramePort(ws as unknown as WebSocketLike));
  return {
    api,
    async close() {
      api.close();
      await server.close();
      await host.close();
    },
  };
});
