/**
 * The browser studio's local server: serves the built renderer (vite output) and the StudioApi over
 * a WebSocket at `/api`, bound to 127.0.0.1 only. Each WebSocket is relayed, frame for frame, to
 * its own connection of the engine host (a worker thread); the server itself never runs optics.
 *
 * Security (rules in serverSecurity.ts): loopback only; a per-launch token of 256 random bits is
 * required on the WebSocket handshake (`/api?token=…`, compared in constant time; 401 without it),
 * and the URL the server hands out carries it (`http://127.0.0.1:PORT/?token=…`); the Host header
 * must name this server and a browser page of another origin is refused (403); every response
 * carries a Content-Security-Policy (frame-ancestors 'none'), nosniff and no-referrer; source maps
 * are not served unless asked (`sourceMaps: true`); static paths cannot leave the renderer folder.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { readFile, realpath, stat } from 'node:fs/promises';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import type { FramePort } from '../contract/studioRpc.ts';
import { checkHandshake, hostAllowed, newLaunchToken, securityHeaders } from './serverSecurity.ts';
import { RENDERER_MIME } from '../node/mimeTypes.ts';

const MIME: Record<string, string> = { ...RENDERER_MIME, '.map': 'application/json' };

export interface StudioServerOptions {
  /** The renderer's build output (index.html and assets/). */
  rendererDir: string;
  /** Opens one engine connection per WebSocket client. */
  connectEngine: () => FramePort;
  /** TCP port; 0 picks a free one. */
  port?: number;
  /** Largest accepted frame (a lens file upload), bytes. Default 64 MiB. */
  maxPayload?: number;
  /** The launch token (default: a fresh one; tests may fix it). */
  token?: string;
  /** Serve `.map` files (default false: the served build shows no sources). */
  sourceMaps?: boolean;
  /** Most WebSocket clients at once (default 16); more are refused with 503. */
  maxClients?: number;
}

export interface StudioServer {
  /** The page to open, with the launch token: http://127.0.0.1:PORT/?token=… */
  url: string;
  /** http://127.0.0.1:PORT (no token). */
  origin: string;
  port: number;
  /** The launch token the WebSocket handshake must carry (`/api?token=…`). */
  token: string;
  /** WebSocket clients connected now. */
  readonly connections: number;
  close(): Promise<void>;
}

/**
 * Starts the server.
 * @throws Error with code EADDRINUSE when the port is taken (the caller may retry with 0)
 */
export async function startStudioServer(options: StudioServerOptions): Promise<StudioServer> {
  const root = path.resolve(options.rendererDir);
  const token = options.token ?? newLaunchToken();
  const maxClients = options.maxClients ?? 16;
  const port = () => (server.address() as AddressInfo).port;
  const server: Server = createServer((req, res) => {
    const headers = securityHeaders(port());
    if (!hostAllowed(req.headers.host, port())) {
      res.writeHead(403, { ...headers, 'content-type': 'text/plain' }).end('forbidden');
      return;
    }
    serveStatic(root, req, res, headers, options.sourceMaps ?? false).catch(() => {
      // Never echo an exception (it may name files) to the page.
      if (!res.headersSent) res.writeHead(500, { ...headers, 'content-type': 'text/plain' });
      res.end('internal error');
    });
  });
  const wss = new WebSocketServer({ noServer: true, maxPayload: options.maxPayload ?? 64 * 1024 * 1024 });
  const sockets = new Set<WebSocket>();

  server.on('upgrade', (req, socket, head) => {
    const verdict = checkHandshake({ url: req.url, host: req.headers.host, origin: req.headers.origin }, port(), token);
    const refuse = (status: number, text: string) => {
      socket.write(`HTTP/1.1 ${status} ${text}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
      socket.destroy();
    };
    if (!verdict.ok) {
      refuse(verdict.status, verdict.status === 401 ? 'Unauthorized' : verdict.status === 403 ? 'Forbidden' : 'Not Found');
      return;
    }
    if (sockets.size >= maxClients) {
      refuse(503, 'Service Unavailable');
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
  const bound = port();
  return {
    url: `http://127.0.0.1:${bound}/?token=${token}`,
    origin: `http://127.0.0.1:${bound}`,
    port: bound,
    token,
    get connections() {
      return sockets.size;
    },
    async close() {
      for (const ws of sockets) ws.terminate();
      wss.close();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections?.();
    },
  };
}

async function serveStatic(root: string, req: IncomingMessage, res: ServerResponse, headers: Record<string, string>, sourceMaps: boolean): Promise<void> {
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.writeHead(405, { ...headers, allow: 'GET, HEAD' });
    res.end();
    return;
  }
  const url = new URL(req.url ?? '/', 'http://127.0.0.1');
  let rel: string;
  try {
    rel = decodeURIComponent(url.pathname);
  } catch {
    res.writeHead(400, headers).end();
    return;
  }
  if (rel.endsWith('/')) rel += 'index.html';
  const file = path.resolve(root, `.${rel}`);
  if (file !== root && !file.startsWith(root + path.sep)) {
    res.writeHead(403, headers).end();
    return;
  }
  const ext = path.extname(file).toLowerCase();
  if (ext === '.map' && !sourceMaps) {
    res.writeHead(404, { ...headers, 'content-type': 'text/plain' }).end('not found');
    return;
  }
  let body: Buffer;
  try {
    if (!(await stat(file)).isFile()) throw new Error('not a file');
    // A symbolic link inside the renderer folder must not lead out of it.
    const [realFile, realRoot] = await Promise.all([realpath(file), realpath(root)]);
    if (!realFile.startsWith(realRoot + path.sep)) throw new Error('outside the renderer folder');
    body = await readFile(realFile);
  } catch {
    res.writeHead(404, { ...headers, 'content-type': 'text/plain' });
    res.end('not found');
    return;
  }
  res.writeHead(200, {
    ...headers,
    'content-type': MIME[ext] ?? 'application/octet-stream',
    'content-length': body.byteLength,
    // Hashed assets can be cached; index.html must not be (it names the current assets).
    'cache-control': rel.startsWith('/assets/') ? 'public, max-age=31536000, immutable' : 'no-cache',
  });
  res.end(req.method === 'HEAD' ? undefined : body);
}
