/**
 * The StudioApi contract, once per transport:
 * - IPC stand-in: the session served in-process over a MessageChannel (what Electron's
 *   MessageChannelMain gives the renderer and the utility process);
 * - WebSocket: the browser studio's server on 127.0.0.1 relaying to the engine in a worker thread.
 * Plus protocol-level checks of the server (origin check, unknown method, static files).
 */
import { mkdtemp, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { MessageChannel } from 'node:worker_threads';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { describeStudioContract, repoRoot } from './studioContract.ts';
import { createStudioClient, serveStudio } from '../../app/contract/studioRpc.ts';
import { messagePortFramePort, webSocketFramePort, type MessagePortLike, type WebSocketLike } from '../../app/contract/studioTransports.ts';
import { decodeFrame, encodeFrame } from '../../app/contract/studioWire.ts';
import { StudioSession } from '../../app/host/studioSession.ts';
import { WorkerEngineHost } from '../../app/host/workerHost.ts';
import { startStudioServer, type StudioServer } from '../../app/web/server.ts';

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
  const ws = await openSocket(`ws://127.0.0.1:${server.port}/api`);
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

describe('browser studio server', () => {
  let server: StudioServer;
  let host: WorkerEngineHost;
  beforeAll(async () => {
    const rendererDir = await mkdtemp(path.join(os.tmpdir(), 'lens-studio-renderer-'));
    await writeFile(path.join(rendererDir, 'index.html'), '<!doctype html><title>studio</title>');
    host = new WorkerEngineHost({ libraryDir, stateDir: null, mode: 'web' });
    await host.ready;
    server = await startStudioServer({ rendererDir, connectEngine: () => host.connect(), port: 0 });
  });
  afterAll(async () => {
    await server?.close();
    await host?.close();
  });

  it('listens on 127.0.0.1 only and serves the renderer, never files outside it', async () => {
    expect(server.url).toBe(`http://127.0.0.1:${server.port}/`);
    const index = await fetch(server.url);
    expect(index.status).toBe(200);
    expect(index.headers.get('content-type')).toMatch(/text\/html/);
    expect(await index.text()).toContain('<title>studio</title>');
    const escape = await fetch(`${server.url}..%2f..%2fetc%2fpasswd`);
    expect([403, 404]).toContain(escape.status);
    expect((await fetch(`${server.url}nope.js`)).status).toBe(404);
  });

  it('refuses WebSocket connections from pages of another origin', async () => {
    await expect(openSocket(`ws://127.0.0.1:${server.port}/api`, { Origin: 'http://evil.example' })).rejects.toThrow(/403/);
    const ok = await openSocket(`ws://127.0.0.1:${server.port}/api`, { Origin: `http://127.0.0.1:${server.port}` });
    ok.close();
  });

  it('answers an unknown method with BAD_REQUEST instead of hanging', async () => {
    const ws = await openSocket(`ws://127.0.0.1:${server.port}/api`);
    const reply = new Promise<unknown>((resolve) => ws.once('message', (data: Buffer) => resolve(decodeFrame(data))));
    ws.send(encodeFrame({ t: 'req', id: 7, method: 'deleteEverything', args: [] }));
    expect(await reply).toMatchObject({ t: 'res', id: 7, ok: false, error: { code: 'BAD_REQUEST' } });
    ws.close();
  });
});
