/**
 * The Electron window's security decisions, as pure functions the main process applies (and the
 * tests check without Electron):
 *
 * - the renderer is served from the privileged custom scheme `app://studio/` (not `file://`, which
 *   would give the page the whole disk as its origin): `resolveAppRequest` maps a request to a
 *   file inside the renderer build and refuses everything else;
 * - every response carries the CSP (this origin only, no network, no framing) and nosniff;
 * - the only page a window may show is the studio's own: navigation, redirects, new windows and
 *   <webview>s elsewhere are refused (`isStudioPage`);
 * - every permission request (camera, notifications, geolocation, clipboard, ...) is denied.
 *
 * No Electron import: runs under Node in the tests.
 */
import path from 'node:path';
import { RENDERER_MIME } from '../node/mimeTypes.ts';

export const APP_SCHEME = 'app';
export const APP_HOST = 'studio';
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;
/** The page every window loads. */
export const STUDIO_URL = `${APP_ORIGIN}/index.html`;

/** The privileges `protocol.registerSchemesAsPrivileged` gives the app scheme: a secure standard origin, no CORS bypass, no service workers. */
export const APP_SCHEME_PRIVILEGES = { standard: true, secure: true, supportFetchAPI: true, corsEnabled: false, bypassCSP: false, allowServiceWorkers: false, stream: false } as const;

/** Content-Security-Policy of the Electron window: own scripts, styles, images and fonts; no network; no framing. */
export const ELECTRON_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "font-src 'self'",
  "connect-src 'self'",
  "worker-src 'self' blob:",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

const MIME = RENDERER_MIME;

export type AppResponse = { ok: true; file: string; headers: Record<string, string> } | { ok: false; status: 400 | 403 | 404; headers: Record<string, string> };

/** Headers of every app:// response. */
export function appHeaders(contentType?: string): Record<string, string> {
  return {
    'content-security-policy': ELECTRON_CSP,
    'x-content-type-options': 'nosniff',
    ...(contentType && { 'content-type': contentType }),
  };
}

/**
 * Maps an app:// request URL to a file of the renderer build.
 * Refuses (never touching the disk): another scheme or host (403), a path that leaves
 * `rendererDir` (403), a source map unless `sourceMaps`, a file type the renderer does not ship
 * (404). `/` is `index.html`. The caller still checks that the file exists (404) and that its
 * real path (after symbolic links) stays inside `rendererDir`.
 */
export function resolveAppRequest(rendererDir: string, url: string, sourceMaps = false): AppResponse {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return { ok: false, status: 400, headers: appHeaders() };
  }
  if (u.protocol !== `${APP_SCHEME}:` || u.host !== APP_HOST) return { ok: false, status: 403, headers: appHeaders() };
  let rel: string;
  try {
    rel = decodeURIComponent(u.pathname);
  } catch {
    return { ok: false, status: 400, headers: appHeaders() };
  }
  if (rel.includes('\0') || rel.includes('\\')) return { ok: false, status: 400, headers: appHeaders() };
  if (rel === '' || rel.endsWith('/')) rel += 'index.html';
  const root = path.resolve(rendererDir);
  const file = path.resolve(root, `.${rel}`);
  if (!file.startsWith(root + path.sep)) return { ok: false, status: 403, headers: appHeaders() };
  const ext = path.extname(file).toLowerCase();
  if (ext === '.map' && sourceMaps) return { ok: true, file, headers: appHeaders('application/json') };
  const mime = MIME[ext];
  if (!mime) return { ok: false, status: 404, headers: appHeaders() };
  return { ok: true, file, headers: appHeaders(mime) };
}

/** True for the studio page itself (with any query or fragment): the only place a window may go. */
export function isStudioPage(url: string): boolean {
  try {
    const u = new URL(url);
    return u.protocol === `${APP_SCHEME}:` && u.host === APP_HOST && (u.pathname === '/index.html' || u.pathname === '/');
  } catch {
    return false;
  }
}

/** The permission-request (and permission-check) answer: no, whatever is asked. */
export function permissionAllowed(_permission: string): boolean {
  return false;
}
