/**
 * Content types of the renderer build's files, as both studio servers send them: the browser
 * studio's loopback server (app/web/server.ts, which adds source maps when asked) and the Electron
 * window's `app://` protocol (app/electron/security.ts). A file type not listed is not served by
 * the Electron protocol and goes out as application/octet-stream from the web server.
 */
export const RENDERER_MIME: Readonly<Record<string, string>> = {
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
};
