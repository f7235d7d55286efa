/**
 * The studio never loses or silently overwrites a user's work, and remembers how it was arranged,
 * in Chromium (issue 12 items 13 and 15, issue 16 items 13 and 14). The studio starts on a lens
 * file of the user's (a copy of the Cooke triplet in a temp folder):
 * - opening another lens with unsaved changes asks Save / Don't save / Cancel; the undo history
 *   survives opening (Ctrl+Z brings the old lens back, name and all);
 * - a lens moved in from Deflectometry or End-to-end is untitled: Ctrl+S downloads it and leaves
 *   the user's file as it was; the deflectometry RMS figures say what they are;
 * - splitter positions and the theme survive a reload; the light theme recolours the 3D view;
 *   menus close on Escape and outside clicks; notes go by themselves.
 * Screenshots: test/artifacts/workflow-*.png.
 */
import { existsSync } from 'node:fs';
import { copyFile, mkdtemp, readFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { PNG } from 'pngjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { parsePrescriptionJson } from '../../engine/io/json.ts';
import { CHROMIUM, openStudioInBrowser, pageErrors, repoRoot, screenshot, type StudioBrowser } from './harness.ts';

const poll = <T,>(fn: () => T | Promise<T>, timeout = 30_000) => expect.poll(fn, { timeout, interval: 50 });

async function typeInto(page: Page, testId: string, text: string): Promise<void> {
  await page.getByTestId(testId).click();
  await page.keyboard.type(text);
  await page.keyboard.press('Enter');
}

async function radiusOnDisk(file: string): Promise<number | null> {
  const p = parsePrescriptionJson(await readFile(file, 'utf8'));
  return (p.surfaces[0] as { radius: number | null }).radius;
}

/** Mean brightness (0–255) of a page region, from a screenshot. */
async function brightness(page: Page, clip: { x: number; y: number; width: number; height: number }): Promise<number> {
  const png = PNG.sync.read(await page.screenshot({ clip }));
  let sum = 0;
  for (let i = 0; i < png.data.length; i += 4) sum += (png.data[i] + png.data[i + 1] + png.data[i + 2]) / 3;
  return sum / (png.data.length / 4);
}

describe.skipIf(!existsSync(CHROMIUM))('the studio keeps the user\'s work and arrangement, in Chromium', () => {
  let sb: StudioBrowser;
  let page: Page;
  let lensFile: string;

  beforeAll(async () => {
    lensFile = path.join(await mkdtemp(path.join(os.tmpdir(), 'lens-studio-user-')), 'my-lens.json');
    await copyFile(path.join(repoRoot, 'lens-library/cooke-triplet.json'), lensFile);
    sb = await openStudioInBrowser({ lens: lensFile });
    page = sb.page;
    await page.getByTestId('lens-title').getByText('my-lens.json').waitFor({ timeout: 60_000 });
  });
  afterAll(async () => {
    await sb?.close();
  });

  it('asks before another lens replaces unsaved changes: Cancel keeps them, Save writes them first', async () => {
    await typeInto(page, 'radius-0', '23');
    await poll(() => page.getByTestId('lens-title').textContent()).toMatch(/my-lens\.json •$/);
    await page.getByTestId('open-library').click();
    await page.getByTestId('library-double-gauss').click();
    const dialog = page.getByTestId('unsaved-dialog');
    await dialog.waitFor();
    expect(await dialog.textContent()).toMatch(/my-lens\.json has changes that are not saved\. Save them before opening double-gauss\.json\?/);
    await screenshot(page, 'workflow-unsaved-dialog');
    await page.getByTestId('unsaved-cancel').click();
    await poll(() => dialog.count()).toBe(0);
    // The library stays open behind the question; Escape closes it.
    await page.keyboard.press('Escape');
    await poll(() => page.getByTestId('library-dialog').count()).toBe(0);
    expect(await page.getByTestId('radius-0').inputValue()).toBe('23');
    expect(await radiusOnDisk(lensFile)).toBe(22.01359);

    await page.getByTestId('open-library').click();
    await page.getByTestId('library-double-gauss').click();
    await page.getByTestId('unsaved-save').click();
    await poll(() => page.getByTestId('lens-title').textContent()).toContain('double-gauss.json');
    expect(await radiusOnDisk(lensFile)).toBe(23);
  });

  it('keeps the undo history across opening: Don\'t save, then Ctrl+Z brings the edited lens back', async () => {
    const r0 = await page.getByTestId('radius-0').inputValue();
    await typeInto(page, 'radius-0', String(Number(r0) * 1.01));
    const edited = await page.getByTestId('radius-0').inputValue();
    await page.getByTestId('file-input').setInputFiles({ name: 'other.json', mimeType: 'application/json', buffer: await readFile(path.join(repoRoot, 'lens-library/tessar.json')) });
    await page.getByTestId('unsaved-discard').click();
    await poll(() => page.getByTestId('lens-title').textContent()).toContain('other.json');
    expect(await page.getByTestId('undo').getAttribute('title')).toBe('Undo Open other.json (Ctrl+Z)');
    await page.getByTestId('undo').click();
    await poll(() => page.getByTestId('lens-title').textContent()).toMatch(/double-gauss\.json •$/);
    expect(await page.getByTestId('radius-0').inputValue()).toBe(edited);
    await page.getByTestId('undo').click();
    await page.getByTestId('undo').click();
    await poll(() => page.getByTestId('lens-title').textContent()).toMatch(/my-lens\.json$/);
    expect(await page.getByTestId('radius-0').inputValue()).toBe('23');
  });

  it('gives a lens from Deflectometry an untitled name: Ctrl+S downloads it and leaves the user\'s file alone', async () => {
    await page.getByTestId('workspace-deflectometry').click();
    await page.getByTestId('sim-binning').selectOption('32');
    await page.getByTestId('simulate-session').click();
    await poll(() => page.getByTestId('session-facts').textContent(), 60_000).toContain('camera1');
    await page.getByTestId('run-calibration').click();
    await page.getByTestId('use-fitted-lens').and(page.locator(':enabled')).waitFor({ timeout: 60_000 });
    // The RMS figures say what they are and in what unit.
    await poll(() => page.getByTestId('fit-rms').textContent()).toMatch(/^fit residual RMS \d+\.\d{3} µm \(per axis, on the screen\)$/);
    expect(await page.getByTestId('reprojection-rms').textContent()).toMatch(/^reprojection RMS, lens pixels of all cameras: \d+\.\d{3} µm$/);
    await screenshot(page, 'workflow-deflectometry-rms-labels');
    await page.getByTestId('use-fitted-lens').click();
    await page.getByTestId('workspace-design').click();
    await poll(() => page.getByTestId('lens-title').textContent()).toMatch(/untitled-1\.json •$/);
    const before = await readFile(lensFile, 'utf8');
    const [download] = await Promise.all([page.waitForEvent('download'), page.keyboard.press('Control+s')]);
    expect(download.suggestedFilename()).toBe('untitled-1.json');
    const saved = parsePrescriptionJson(await readFile((await download.path())!, 'utf8'));
    expect(saved.name).toMatch(/LE1234/);
    expect(await readFile(lensFile, 'utf8')).toBe(before);
    await screenshot(page, 'workflow-fitted-untitled');
  });

  it('gives a lens from End-to-end an untitled name too', async () => {
    await page.getByTestId('undo').click();
    await poll(() => page.getByTestId('lens-title').textContent()).toMatch(/my-lens\.json$/);
    await page.getByTestId('workspace-e2e').click();
    await page.getByTestId('e2e-steps').fill('3');
    await page.getByTestId('run-e2e').click();
    await poll(() => page.getByTestId('e2e-phase').textContent(), 90_000).toBe('finished');
    await page.getByTestId('use-trained-lens').click();
    await page.getByTestId('workspace-design').click();
    await poll(() => page.getByTestId('lens-title').textContent()).toMatch(/untitled-2\.json •$/);
    const before = await readFile(lensFile, 'utf8');
    const [download] = await Promise.all([page.waitForEvent('download'), page.keyboard.press('Control+s')]);
    expect(download.suggestedFilename()).toBe('untitled-2.json');
    expect(await readFile(lensFile, 'utf8')).toBe(before);
    await page.getByTestId('undo').click();
    await poll(() => page.getByTestId('lens-title').textContent()).toMatch(/my-lens\.json$/);
  });

  it('closes menus on Escape and on a click outside; notes go by themselves', async () => {
    await page.getByTestId('recent-files').click();
    await page.getByTestId('recent-menu').waitFor();
    await page.keyboard.press('Escape');
    await poll(() => page.getByTestId('recent-menu').count()).toBe(0);
    await page.getByTestId('recent-files').click();
    await page.getByTestId('recent-menu').waitFor();
    await screenshot(page, 'workflow-recent-menu');
    await page.getByTestId('layout').click({ position: { x: 30, y: 30 } });
    await poll(() => page.getByTestId('recent-menu').count()).toBe(0);
    // "Nothing to redo" (an edit has just emptied the redo list) is a passing note.
    await typeInto(page, 'comment-0', 'front');
    await poll(() => page.getByTestId('undo').getAttribute('title')).toBe('Undo Surface 1 comment (Ctrl+Z)');
    await page.getByTestId('comment-0').click();
    await page.keyboard.press('Control+y');
    await poll(() => page.getByTestId('info-banner').textContent()).toMatch(/Nothing to redo/);
    await screenshot(page, 'workflow-transient-note');
    await poll(() => page.getByTestId('info-banner').count(), 15_000).toBe(0);
    await page.keyboard.press('Control+z');
    await poll(() => page.getByTestId('comment-0').inputValue()).toBe('');
  });

  it('remembers splitter positions and the theme across a reload; the light theme recolours the 3D view', async () => {
    const editor = page.getByTestId('lens-editor-panel');
    const w0 = (await editor.boundingBox())!.width;
    const sep = (await page.getByTestId('splitter-columns').boundingBox())!;
    await page.mouse.move(sep.x + sep.width / 2, sep.y + sep.height / 2);
    await page.mouse.down();
    await page.mouse.move(sep.x - 180, sep.y + sep.height / 2, { steps: 8 });
    await page.mouse.up();
    await poll(async () => (await editor.boundingBox())!.width).toBeLessThan(w0 - 150);
    const w1 = (await editor.boundingBox())!.width;
    const layout = page.getByTestId('layout');
    const box = (await layout.boundingBox())!;
    const clip = { x: box.x + box.width - 60, y: box.y + box.height - 40, width: 40, height: 20 };
    expect(await brightness(page, clip)).toBeLessThan(80); // the dark theme's 3D background
    await page.getByTestId('theme-toggle').click();
    await poll(() => page.evaluate(() => document.documentElement.dataset.theme)).toBe('light');
    await poll(() => brightness(page, clip)).toBeGreaterThan(200);
    await page.reload();
    await page.getByTestId('radius-0').waitFor();
    expect(await page.evaluate(() => document.documentElement.dataset.theme)).toBe('light');
    await poll(async () => Math.abs((await editor.boundingBox())!.width - w1)).toBeLessThan(3);
    const box2 = (await page.getByTestId('layout').boundingBox())!;
    await poll(() => brightness(page, { x: box2.x + box2.width - 60, y: box2.y + box2.height - 40, width: 40, height: 20 })).toBeGreaterThan(200);
    await screenshot(page, 'workflow-light-theme-after-reload');
    await page.getByTestId('theme-toggle').click();
    expect(pageErrors(page)).toEqual([]);
  });
});
