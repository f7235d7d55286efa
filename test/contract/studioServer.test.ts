/**
 * The browser studio server as an attacker meets it: a WebSocket handshake without the launch
 * token, with a wrong one, from a page of another origin, under a rebound host name; the headers
 * of every response (CSP with frame-ancestors 'none', nosniff); static files outside the renderer
 * folder or through a symbolic link; source maps; the per-client connection cap; an unknown method.
 */
import { mkdir, mkdtemp, symlink, writeFile } from 'node:fs/promises';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { repoRoot } from './studioContract.ts';
import { decodeFrame, encodeFrame } from '../../app/contract/studioWire.ts';
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

/** A raw GET with a chosen Host header (fetch cannot set it). */
function getWithHost(port: number, pathName: string, host: string): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.get({ host: '127.0.0.1', port, path: pathName, headers: { host } }, (res) => {
      let body = '';
      res.on('data', (d: Buffer) => (body += d.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.once('error', reject);
  });
}

describe('browser studio server', () => {
  let server: StudioServer;
  let host: WorkerEngineHost;
  let api: string;
  beforeAll(async () => {
    const rendererDir = await mkdtemp(path.join(os.tmpdir(), 'lens-studio-renderer-'));
    await writeFile(path.join(rendererDir, 'index.html'), '<!doctype html><title>studio</title>');
    await mkdir(path.join(rendererDir, 'assets'));
    await writeFile(path.join(rendererDir, 'assets', 'index.js'), 'console.log(1)\n//# sourceMappingURL=index.js.map\n');
    await writeFile(path.join(rendererDir, 'assets', 'index.js.map'), '{"version":3,"sources":["secret.ts"]}');
    const outside = await mkdtemp(path.join(os.tmpdir(), 'lens-studio-outside-'));
    await writeFile(path.join(outside, 'private.txt'), 'not for the page');
    await symlink(path.join(outside, 'private.txt'), path.join(rendererDir, 'assets', 'link.txt'));
    host = new WorkerEngineHost({ libraryDir, stateDir: null, mode: 'web' });
    await host.ready;
    server = await startStudioServer({ rendererDir, connectEngine: () => host.connect(), port: 0, maxClients: 3 });
    api = `ws://127.0.0.1:${server.port}/api`;
  });
  afterAll(async () => {
    await server?.close();
    await host?.close();
  });

  it('hands out a URL on 127.0.0.1 that carries a fresh launch token of at least 128 bits', async () => {
    expect(server.url).toBe(`http://127.0.0.1:${server.port}/?token=${server.token}`);
    expect(server.token).toMatch(/^[A-Za-z0-9_-]{43}$/); // 32 bytes base64url = 256 bits
    const other = await startStudioServer({ rendererDir: os.tmpdir(), connectEngine: () => host.connect(), port: 0 });
    expect(other.token).not.toBe(server.token);
    await other.close();
  });

  it('refuses a WebSocket without the token (401), with a wrong one (401), and accepts the right one', async () => {
    await expect(openSocket(api)).rejects.toThrow(/401/);
    await expect(openSocket(`${api}?token=`)).rejects.toThrow(/401/);
    const wrong = server.token.slice(0, -1) + (server.token.endsWith('A') ? 'B' : 'A');
    await expect(openSocket(`${api}?token=${wrong}`)).rejects.toThrow(/401/);
    await expect(openSocket(`${api}?token=${server.token}x`)).rejects.toThrow(/401/);
    const ok = await openSocket(`${api}?token=${server.token}`);
    ok.close();
  });

  it('refuses pages of another origin and rebound host names (403), even with the token', async () => {
    const withToken = `${api}?token=${server.token}`;
    await expect(openSocket(withToken, { Origin: 'http://evil.example' })).rejects.toThrow(/403/);
    await expect(openSocket(withToken, { Origin: 'null' })).rejects.toThrow(/403/);
    await expect(openSocket(withToken, { Host: `evil.example:${server.port}` })).rejects.toThrow(/403/);
    const ok = await openSocket(withToken, { Origin: `http://127.0.0.1:${server.port}` });
    ok.close();
    const rebound = await getWithHost(server.port, '/', `evil.example:${server.port}`);
    expect(rebound.status).toBe(403);
    expect(rebound.body).not.toContain('<title>');
  });

  it('sends a Content-Security-Policy that forbids framing, and nosniff, with every response', async () => {
    for (const p of ['/', '/assets/index.js', '/nope.js']) {
      const res = await fetch(`http://127.0.0.1:${server.port}${p}`);
      const csp = res.headers.get('content-security-policy') ?? '';
      expect(csp).toMatch(/frame-ancestors 'none'/);
      expect(csp).toMatch(/default-src 'none'/);
      expect(csp).toMatch(/script-src 'self'(;|$)/);
      expect(csp).toContain(`connect-src 'self' ws://127.0.0.1:${server.port}`);
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
      expect(res.headers.get('referrer-policy')).toBe('no-referrer');
    }
  });

  it('serves the renderer and nothing outside it: no path escape, no symbolic link out, no source maps', async () => {
    const base = `http://127.0.0.1:${server.port}/`;
    const index = await fetch(base);
    expect(index.status).toBe(200);
    expect(await index.text()).toContain('<title>studio</title>');
    expect([403, 404]).toContain((await fetch(`${base}..%2f..%2fetc%2fpasswd`)).status);
    expect((await fetch(`${base}nope.js`)).status).toBe(404);
    expect((await fetch(`${base}assets/index.js`)).status).toBe(200);
    expect((await fetch(`${base}assets/index.js.map`)).status).toBe(404);
    const link = await fetch(`${base}assets/link.txt`);
    expect(link.status).toBe(404);
    expect(await link.text()).not.toContain('not for the page');
  });

  it('serves source maps only when asked', async () => {
    const rendererDir = await mkdtemp(path.join(os.tmpdir(), 'lens-studio-renderer-'));
    await writeFile(path.join(rendererDir, 'a.js.map'), '{}');
    const s = await startStudioServer({ rendererDir, connectEngine: () => host.connect(), port: 0, sourceMaps: true });
    expect((await fetch(`http://127.0.0.1:${s.port}/a.js.map`)).status).toBe(200);
    await s.close();
  });

  it('caps the number of clients connected at once (503 beyond)', async () => {
    const url = `${api}?token=${server.token}`;
    await expect.poll(() => server.connections).toBe(0);
    const open = [await openSocket(url), await openSocket(url), await openSocket(url)];
    await expect(openSocket(url)).rejects.toThrow(/503/);
    for (const ws of open) ws.close();
    await expect.poll(() => server.connections).toBe(0);
    (await openSocket(url)).close();
  });

  it('answers an unknown method with BAD_REQUEST instead of hanging', async () => {
    const ws = await openSocket(`${api}?token=${server.token}`);
    const reply = new Promise<unknown>((resolve) => ws.once('message', (data: Buffer) => resolve(decodeFrame(data))));
    ws.send(encodeFrame({ t: 'req', id: 7, method: 'deleteEverything', args: [] }));
    expect(await reply).toMatchObject({ t: 'res', id: 7, ok: false, error: { code: 'BAD_REQUEST' } });
    ws.close();
  });
});
