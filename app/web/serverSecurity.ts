/**
 * The browser studio server's access rules, as small pure functions (tested on their own):
 *
 * - a per-launch secret token (256 random bits, base64url) that the URL `lens-studio studio --web`
 *   prints carries (`http://127.0.0.1:PORT/?token=…`), required on the WebSocket handshake and
 *   compared in constant time;
 * - the Host header must name this server on the loopback interface (defeats DNS rebinding: a page
 *   of evil.example whose name resolves to 127.0.0.1 sends `Host: evil.example`);
 * - a browser page of another origin is refused (browsers always send Origin on a WebSocket
 *   handshake, and a WebSocket is not protected by CORS);
 * - the response headers of every served file: a Content-Security-Policy that allows only this
 *   origin (and its WebSocket) and forbids framing, nosniff, no referrer.
 *
 * Node-only (node:crypto).
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/** Bytes of entropy of a launch token (256 bits; the issue asks for at least 128). */
export const TOKEN_BYTES = 32;

/** A fresh launch token: 32 random bytes, base64url (43 characters, URL-safe). */
export function newLaunchToken(): string {
  return randomBytes(TOKEN_BYTES).toString('base64url');
}

/**
 * True when `given` equals `expected`, in time independent of where they differ or of their
 * lengths: both are hashed (SHA-256) to 32 bytes and compared with `crypto.timingSafeEqual`.
 */
export function tokenMatches(given: string | null | undefined, expected: string): boolean {
  if (typeof given !== 'string') return false;
  const a = createHash('sha256').update(given, 'utf8').digest();
  const b = createHash('sha256').update(expected, 'utf8').digest();
  return timingSafeEqual(a, b);
}

/** The origins (scheme://host:port) this server answers to on port `port`. */
export function loopbackOrigins(port: number): string[] {
  return [`http://127.0.0.1:${port}`, `http://localhost:${port}`];
}

/** True when the Host header names this server (127.0.0.1:PORT or localhost:PORT). */
export function hostAllowed(host: string | undefined, port: number): boolean {
  if (!host) return false;
  const h = host.toLowerCase();
  return h === `127.0.0.1:${port}` || h === `localhost:${port}`;
}

/**
 * True when the Origin header is absent (not a browser page: a script on this machine, which must
 * still show the token) or is this server's own origin.
 */
export function originAllowed(origin: string | undefined, port: number): boolean {
  if (origin === undefined) return true;
  return loopbackOrigins(port).includes(origin.toLowerCase());
}

export type HandshakeVerdict = { ok: true } | { ok: false; status: 401 | 403 | 404; reason: string };

/**
 * Decides a WebSocket upgrade request: 404 for a path other than `/api`, 403 for a foreign Host or
 * Origin, 401 for a missing or wrong token (`/api?token=…`). The checks that do not depend on the
 * token come first, so a foreign page learns nothing about it.
 */
export function checkHandshake(req: { url?: string; host?: string; origin?: string }, port: number, token: string): HandshakeVerdict {
  let url: URL;
  try {
    url = new URL(req.url ?? '/', 'http://127.0.0.1');
  } catch {
    return { ok: false, status: 404, reason: 'bad request path' };
  }
  if (url.pathname !== '/api') return { ok: false, status: 404, reason: 'not the studio API' };
  if (!hostAllowed(req.host, port)) return { ok: false, status: 403, reason: 'foreign Host header' };
  if (!originAllowed(req.origin, port)) return { ok: false, status: 403, reason: 'foreign Origin' };
  if (!tokenMatches(url.searchParams.get('token'), token)) return { ok: false, status: 401, reason: 'missing or wrong token' };
  return { ok: true };
}

/**
 * The Content-Security-Policy of the studio page on `port`: scripts, styles, fonts and images of
 * this origin only (styles may be set inline by React and uPlot; images may be data:/blob: from
 * canvases), the WebSocket to this server only, no plugins, no framing by any page, no <base>, no
 * form posts.
 */
export function contentSecurityPolicy(port: number): string {
  const ws = [`ws://127.0.0.1:${port}`, `ws://localhost:${port}`].join(' ');
  return [
    "default-src 'none'",
    "script-src 'self'",
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self'",
    `connect-src 'self' ${ws}`,
    "worker-src 'self' blob:",
    "manifest-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
}

/** Security headers sent with every response of the studio server. */
export function securityHeaders(port: number): Record<string, string> {
  return {
    'content-security-policy': contentSecurityPolicy(port),
    'x-content-type-options': 'nosniff',
    'x-frame-options': 'DENY',
    'referrer-policy': 'no-referrer',
    'cross-origin-opener-policy': 'same-origin',
    'cross-origin-resource-policy': 'same-origin',
  };
}
