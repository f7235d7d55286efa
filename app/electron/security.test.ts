import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ELECTRON_CSP, isStudioPage, permissionAllowed, resolveAppRequest, STUDIO_URL } from './security.ts';
import { electronLayout } from './appLayout.ts';

const root = path.resolve('/opt/lens-studio/renderer/dist');

describe('app:// requests', () => {
  it('serve files of the renderer build with the CSP and nosniff headers', () => {
    const r = resolveAppRequest(root, STUDIO_URL);
    expect(r).toMatchObject({ ok: true, file: path.join(root, 'index.html') });
    expect(r.headers['content-security-policy']).toBe(ELECTRON_CSP);
    expect(r.headers['x-content-type-options']).toBe('nosniff');
    expect(r.headers['content-type']).toMatch(/text\/html/);
    expect(resolveAppRequest(root, 'app://studio/')).toMatchObject({ ok: true, file: path.join(root, 'index.html') });
    expect(resolveAppRequest(root, 'app://studio/assets/index-abc.js')).toMatchObject({ ok: true, file: path.join(root, 'assets/index-abc.js') });
  });

  it('refuse paths out of the build, other hosts and schemes, and unknown file types', () => {
    for (const url of ['app://studio/../secret.js', 'app://studio/%2e%2e/%2e%2e/etc/passwd.js', 'app://studio/assets/..%2f..%2f..%2fx.js']) {
      const r = resolveAppRequest(root, url);
      expect(r.ok ? r.file.startsWith(root + path.sep) : true).toBe(true);
    }
    expect(resolveAppRequest(root, 'app://studio/%2e%2e%2f%2e%2e%2fsecret.js')).toMatchObject({ ok: false, status: 403 });
    expect(resolveAppRequest(root, 'app://studio/a%5c..%5c..%5cx.js')).toMatchObject({ ok: false, status: 400 });
    expect(resolveAppRequest(root, 'app://studio/a%00.js')).toMatchObject({ ok: false, status: 400 });
    expect(resolveAppRequest(root, 'app://other/index.html')).toMatchObject({ ok: false, status: 403 });
    expect(resolveAppRequest(root, 'file:///etc/passwd')).toMatchObject({ ok: false, status: 403 });
    expect(resolveAppRequest(root, 'app://studio/id_rsa')).toMatchObject({ ok: false, status: 404 });
    expect(resolveAppRequest(root, 'app://studio/assets/index.js.map')).toMatchObject({ ok: false, status: 404 });
    expect(resolveAppRequest(root, 'app://studio/assets/index.js.map', true)).toMatchObject({ ok: true });
    expect(resolveAppRequest(root, 'not a url')).toMatchObject({ ok: false, status: 400 });
  });

  it('the CSP allows only the app origin, no network, no framing', () => {
    expect(ELECTRON_CSP).toContain("default-src 'none'");
    expect(ELECTRON_CSP).toContain("frame-ancestors 'none'");
    expect(ELECTRON_CSP).toContain("connect-src 'self'");
    expect(ELECTRON_CSP).not.toMatch(/https?:|ws:|unsafe-eval/);
  });
});

describe('window rules', () => {
  it('a window stays on the studio page: no navigation or redirect elsewhere', () => {
    expect(isStudioPage(STUDIO_URL)).toBe(true);
    expect(isStudioPage('app://studio/index.html#x')).toBe(true);
    expect(isStudioPage('app://studio/')).toBe(true);
    for (const url of ['https://evil.example/', 'file:///etc/passwd', 'app://studio/other.html', 'app://evil/index.html', 'javascript:alert(1)', 'data:text/html,x', '']) {
      expect(isStudioPage(url)).toBe(false);
    }
  });

  it('denies every permission', () => {
    for (const p of ['media', 'geolocation', 'notifications', 'clipboard-read', 'clipboard-sanitized-write', 'openExternal', 'fullscreen', 'pointerLock', 'hid', 'serial', 'usb', 'unknown']) {
      expect(permissionAllowed(p)).toBe(false);
    }
  });
});

describe('the app layout', () => {
  it('packaged: bundles inside the archive, no TypeScript; development: tsx from the repository', () => {
    const p = electronLayout(true, '/opt/app.asar', '/repo');
    expect(p.engineModule).toBe(path.join('/opt/app.asar', 'out/electron/engineUtility.cjs'));
    expect(p.engineArgs).toEqual([]);
    expect(p.preload).toBe(path.join('/opt/app.asar', 'out/electron/preload.cjs'));
    expect(p.rendererDir).toBe(path.join('/opt/app.asar', 'renderer/dist'));
    const d = electronLayout(false, '/ignored', '/repo');
    expect(d.engineModule).toBe(path.join('/repo', 'app/host/tsxBootstrap.mjs'));
    expect(d.engineArgs[0]).toMatch(/^file:.*engineUtility\.ts$/);
    expect(d.preload).toBeNull();
  });
});
