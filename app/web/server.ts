/**
 * The browser studio's local server: serves the built renderer (vite output) and the StudioApi over
 * a WebSocket at `/api`, bound to 127.0.0.1 only. Each WebSocket is relayed, frame for frame, to
 * its own connection of the engine host (a worker thread); the server itself never runs optics.
 *
 * Security: loopback only; WebSocket upgrades from a browser page of another origin are refused
 * (browsers always send Origin, and a WebSocket is not protected by CORS); static paths cannot
 * leave the renderer folder.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import type { FramePort } from '../contract/studioRpc.ts';

const MIME: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.wasm': 'application/wasm',
  '.woff2': 'font/woff2',
  '.map': 'application/json',
};

export interface StudioServerOptions {
  /** The renderer's build output (index.html and assets/). */
  rendererDir: string;
  /** Opens one engine connection per WebSocket client. */
  connectEngine: () => FramePort;
  /** TCP port; 0 picks a free one. */
  port?: number;
  /** Largest accepted frame (a lens file upload), bytes. Default 64 MiB. */
  maxPayload?: number;
}

export interface StudioServer {
  /** http://127.0.0.1:PORT/ */
  url: string;
  port: number;
  close(): Promise<void>;
}

/**
 * Starts the server.
 * @throws Error with code EADDRINUSE when the port is taken (the caller may retry with 0)
 */
export async function startStudioServer(options: StudioServerOptions): Promise<StudioServer> {
  const root = path.resolve(options.rendererDir);
  const server: Server = createServer((req, res) => {
    serveStatic(root, req, res).catch((e) => {
      res.writeHead(500, { 'content-type': 'text/plain' });
      res.end(`lens-studio: ${(e as Error).message}`);
    });
  });
  const wss = new WebSocketServer({ noServer: true, maxPayload: options.maxPayload ?? 64 * 1024 * 1024 });
  const sockets = new Set<WebSocket>();

  server.on('upgrade', (req, socket, head) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    if (url.pathname !== '/api' || !originAllowed(req, server)) {
      socket.write('HTTP/1.1 403 Forbidden\r\nConnection: close\r\n\r\n');
      socket.destroy();
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => relay(ws));
  });

  const relay = (ws: WebSocket) => {
    let engine: FramePort;
    try {
      engine = options.connectEngine();
    } catch (e) {
      ws.close(1011, (e as Error).message.slice(0, 120));
      return;
    }
    sockets.add(ws);
    engine.onFrame((frame) => {
      if (ws.readyState === ws.OPEN) ws.send(frame);
    });
    engine.onClose?.(() => ws.close(1011, 'engine host stopped'));
    ws.on('message', (data: Buffer | ArrayBuffer | Buffer[]) => {
      const bytes = Array.isArray(data) ? Buffer.concat(data) : Buffer.isBuffer(data) ? data : Buffer.from(data);
      // A private copy: the relay transfers it to the engine thread.
      const ab = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
      try {
        engine.send(ab);
      } catch {
        ws.close(1011, 'engine host stopped');
      }
    });
    ws.on('close', () => {
      sockets.delete(ws);
      engine.close?.();
    });
  };

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}/`,
    port,
    async close() {
      for (const ws of sockets) ws.terminate();
      wss.close();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections?.();
    },
  };
}

function originAllowed(req: IncomingMessage, server: Server): boolean {
  const origin = req.headers.origin;
  if (!origin) return true; // not a browser page (a test client, a script on this machine)
  const port = (server.address() as AddressInfo).port;
  return origin === `http://127.0.0.1:${port}` || origin === `http://localhost:${port}`;
}

async function serveStatic(root: string, req: IncomingMessage, res: ServerResponse): Promise<void> {
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.writeHead(405, { allow: 'GET, HEAD' });
    res.end();
    return;
  }
  const url = new URL(req.url ?? '/', 'http://127.0.0.1');
  let rel: string;
  try {
    rel = decodeURIComponent(url.pathname);
  } catch {
    res.writeHead(400).end();
    return;
  }
  if (rel.endsWith('/')) rel += 'index.html';
  const file = path.resolve(root, `.${rel}`);
  if (file !== root && !file.startsWith(root + path.sep)) {
    res.writeHead(403).end();
    return;
  }
  let body: Buffer;
  try {
    if (!(await stat(file)).isFile()) throw new Error('not a file');
    body = await readFile(file);
  } catch {
    res.writeHead(404, { 'content-type': 'text/plain' });
    res.end('not found');
    return;
  }
  const ext = path.extname(file).toLowerCase();
  res.writeHead(200, {
    'content-type': MIME[ext] ?? 'application/octet-stream',
    'content-length': body.byteLength,
    // Hashed assets can be cached; index.html must not be (it names the current assets).
    'cache-control': rel.startsWith('/assets/') ? 'public, max-age=31536000, immutable' : 'no-cache',
    'x-content-type-options': 'nosniff',
  });
  res.end(req.method === 'HEAD' ? undefined : body);
}
