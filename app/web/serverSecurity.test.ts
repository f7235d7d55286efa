import { describe, expect, it } from 'vitest';
import { checkHandshake, contentSecurityPolicy, hostAllowed, newLaunchToken, originAllowed, tokenMatches } from './serverSecurity.ts';

describe('the studio server access rules', () => {
  it('launch tokens are 256 random bits, base64url, different every launch', () => {
    const tokens = new Set(Array.from({ length: 64 }, newLaunchToken));
    expect(tokens.size).toBe(64);
    for (const t of tokens) expect(Buffer.from(t, 'base64url').byteLength).toBe(32);
  });

  it('compares tokens exactly: not a prefix, not an extension, not empty, not another type', () => {
    const t = newLaunchToken();
    expect(tokenMatches(t, t)).toBe(true);
    expect(tokenMatches(t.slice(0, -1), t)).toBe(false);
    expect(tokenMatches(`${t}A`, t)).toBe(false);
    expect(tokenMatches('', t)).toBe(false);
    expect(tokenMatches(null, t)).toBe(false);
    expect(tokenMatches(t.toUpperCase() === t ? t.toLowerCase() : t.toUpperCase(), t)).toBe(false);
  });

  it('accepts only this server as Host and Origin (no DNS rebinding, no other page)', () => {
    expect(hostAllowed('127.0.0.1:5178', 5178)).toBe(true);
    expect(hostAllowed('localhost:5178', 5178)).toBe(true);
    expect(hostAllowed('127.0.0.1:5179', 5178)).toBe(false);
    expect(hostAllowed('evil.example:5178', 5178)).toBe(false);
    expect(hostAllowed(undefined, 5178)).toBe(false);
    expect(originAllowed(undefined, 5178)).toBe(true);
    expect(originAllowed('http://127.0.0.1:5178', 5178)).toBe(true);
    expect(originAllowed('null', 5178)).toBe(false);
    expect(originAllowed('http://127.0.0.1:5178.evil.example', 5178)).toBe(false);
  });

  it('decides a handshake: wrong path 404, foreign host/origin 403 before the token is looked at, no token 401', () => {
    const token = newLaunchToken();
    const good = { url: `/api?token=${token}`, host: '127.0.0.1:9000' };
    expect(checkHandshake(good, 9000, token)).toEqual({ ok: true });
    expect(checkHandshake({ ...good, url: `/other?token=${token}` }, 9000, token)).toMatchObject({ ok: false, status: 404 });
    expect(checkHandshake({ ...good, origin: 'http://evil.example' }, 9000, token)).toMatchObject({ ok: false, status: 403 });
    expect(checkHandshake({ url: '/api?token=wrong', host: 'evil.example:9000' }, 9000, token)).toMatchObject({ ok: false, status: 403 });
    expect(checkHandshake({ ...good, url: '/api' }, 9000, token)).toMatchObject({ ok: false, status: 401 });
    expect(checkHandshake({ ...good, url: '/api?token=x' }, 9000, token)).toMatchObject({ ok: false, status: 401 });
  });

  it('CSP: this origin and its WebSocket only, no framing, no plugins', () => {
    const csp = contentSecurityPolicy(9000);
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).toContain("object-src 'none'");
    expect(csp).toContain("connect-src 'self' ws://127.0.0.1:9000 ws://localhost:9000");
    expect(csp).not.toContain('unsafe-eval');
    expect(csp).not.toMatch(/script-src[^;]*unsafe-inline/);
  });
});
