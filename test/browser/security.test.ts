/**
 * The browser studio's access rules in Chromium, run as `lens-studio studio --web` runs it:
 * - the printed URL carries the launch token; the studio works through it and takes the token out
 *   of the address bar; the same page without the token cannot reach the engine; a page of another
 *   origin that knows the token is refused too; the CSP raises no violation in the working studio;
 * - files go in through the file chooser and out as downloads: Save on the start-up lens writes it
 *   in place, Save on an opened (uploaded) lens downloads, and a deflectometry session folder is
 *   chosen with the folder chooser and sent to the host as files.
 */
import { existsSync } from 'node:fs';
import { copyFile, mkdtemp, readFile } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { parsePrescriptionJson } from '../../engine/io/json.ts';
import { StudioSession } from '../../app/host/studioSession.ts';
import { CHROMIUM, openStudioInBrowser, pageErrors, repoRoot, type StudioBrowser } from './harness.ts';

const poll = <T,>(fn: () => T | Promise<T>) => expect.poll(fn, { timeout: 60_000, interval: 50 });

describe.skipIf(!existsSync(CHROMIUM))('the browser studio is locked to its launch token (Chromium)', () => {
  let sb: StudioBrowser;
  let page: Page;
  let lensFile: string;

  beforeAll(async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'lens-studio-sec-'));
    lensFile = path.join(dir, 'my-triplet.json');
    await copyFile(path.join(repoRoot, 'lens-library/cooke-triplet.json'), lensFile);
    sb = await openStudioInBrowser({ lens: lensFile, process: true });
    page = sb.page;
  });
  afterAll(async () => {
    await sb?.close();
  });

  it('works through the printed URL, which carries the token, and drops it from the address bar', async () => {
    expect(sb.studio.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/\?token=[A-Za-z0-9_-]{43}$/);
    await poll(() => page.getByTestId('lens-title').textContent()).toContain('my-triplet.json');
    expect(page.url()).not.toContain('token');
    // A reload of the tab keeps working (the token is kept for this tab only).
    await page.reload();
    await poll(() => page.getByTestId('lens-title').textContent()).toContain('my-triplet.json');
    expect(pageErrors(page)).toEqual([]);
  });

  it('the same page without the token cannot reach the engine', async () => {
    const origin = new URL(sb.studio.url).origin;
    const other = await sb.browser.newPage();
    await other.goto(`${origin}/`);
    await poll(() => other.getByTestId('error-banner').textContent()).toMatch(/token/);
    expect(await other.getByTestId('lens-title').textContent()).toBe('No lens open');
    // A hand-made socket without the token is refused at the handshake.
    const opened = await other.evaluate(
      (url) => new Promise<boolean>((resolve) => {
        const ws = new WebSocket(url);
        ws.onopen = () => resolve(true);
        ws.onerror = () => resolve(false);
      }),
      `${origin.replace('http', 'ws')}/api`,
    );
    expect(opened).toBe(false);
    await other.close();
  });

  it('a page of another origin is refused even with the token', async () => {
    const evil = http.createServer((_req, res) => res.writeHead(200, { 'content-type': 'text/html' }).end('<!doctype html><title>evil</title>'));
    await new Promise<void>((resolve) => evil.listen(0, '127.0.0.1', resolve));
    const evilPort = (evil.address() as AddressInfo).port;
    const other = await sb.browser.newPage();
    try {
      await other.goto(`http://127.0.0.1:${evilPort}/`);
      const u = new URL(sb.studio.url);
      const opened = await other.evaluate(
        (url) => new Promise<boolean>((resolve) => {
          const ws = new WebSocket(url);
          ws.onopen = () => resolve(true);
          ws.onerror = () => resolve(false);
        }),
        `ws://${u.host}/api?token=${u.searchParams.get('token')}`,
      );
      expect(opened).toBe(false);
    } finally {
      await other.close();
      await new Promise<void>((resolve) => evil.close(() => resolve()));
    }
  });

  it('saves the start-up lens in place, and an uploaded lens as a download', async () => {
    await page.getByTestId('workspace-design').click();
    const cell = page.getByTestId('radius-0');
    await cell.click();
    await cell.fill('23.5');
    await cell.press('Enter');
    await poll(() => page.getByTestId('lens-title').textContent()).toContain(' •');
    await page.getByTestId('save').click();
    await poll(async () => (parsePrescriptionJson(await readFile(lensFile, 'utf8')).surfaces[0] as { radius: number }).radius).toBe(23.5);
    // A lens from the file chooser has no host path: Save downloads it.
    const bytes = await readFile(lensFile);
    await page.getByTestId('file-input').setInputFiles({ name: 'uploaded.json', mimeType: 'application/json', buffer: bytes });
    await poll(() => page.getByTestId('lens-title').textContent()).toContain('uploaded.json');
    const [dl] = await Promise.all([page.waitForEvent('download'), page.getByTestId('save').click()]);
    expect(dl.suggestedFilename()).toBe('uploaded.json');
    expect(existsSync(path.join(path.dirname(lensFile), 'uploaded.json'))).toBe(false);
    expect(pageErrors(page)).toEqual([]);
  });

  it('opens a deflectometry session folder chosen with the folder chooser', async () => {
    const host = new StudioSession({ libraryDir: path.join(repoRoot, 'lens-library'), stateDir: null, mode: 'in-process', engineThread: 'main' });
    const simulated = await host.simulateDeflectometrySession({ binning: 32 });
    await page.getByTestId('workspace-deflectometry').click();
    await page.getByTestId('session-folder-input').setInputFiles(simulated.dir);
    await poll(() => page.getByTestId('session-facts').textContent()).toContain('camera1 64×64');
    const shownDir = await page.getByTestId('session-path').inputValue();
    expect(shownDir).not.toBe(simulated.dir); // a copy the host made from the uploaded files
    await poll(() => page.getByTestId('fringe-image').getAttribute('data-width')).toBe('64');
    expect(pageErrors(page)).toEqual([]);
  });
});
