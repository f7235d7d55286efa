/**
 * The browser studio driven in Debian's Chromium (playwright-core): the whole loop an optical
 * engineer does — open, edit, see, optimize, export — on a library lens and on a real .zmx file,
 * plus a malformed file. Expected numbers come from the engine run directly in this process.
 * Screenshots of each step go to test/artifacts/ (git-ignored).
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { analyze } from '../../engine/analysis/report.ts';
import { parsePrescriptionJson } from '../../engine/io/json.ts';
import { loadLensBytes } from '../../engine/io/loaders.ts';
import type { Prescription } from '../../engine/io/prescription.ts';
import { GlassLibrary } from '../../engine/materials/glassLibrary.ts';
import { buildSystem } from '../../engine/paraxial/buildSystem.ts';
import { glassResolverFor } from '../../app/node/lensFile.ts';
import { CHROMIUM, artifactsDir, openStudioInBrowser, pageErrors, repoRoot, waitForDrawn, type StudioBrowser } from './harness.ts';

const ZMX = path.resolve(repoRoot, '../shared/data/zmx/dO__US02532751-1.zmx');

/** expect.poll with room for a loaded CI machine (the default is 1 s). */
const poll = <T,>(fn: () => T | Promise<T>) => expect.poll(fn, { timeout: 30_000, interval: 50 });

/** The EFL as the readout shows it (4 decimals, typographic minus). */
function eflText(p: Prescription): string {
  const efl = analyze(buildSystem(p, GlassLibrary.builtin())).paraxial.efl;
  return efl.toFixed(4).replace('-', '−');
}

async function shot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: path.join(artifactsDir, `${name}.png`) });
}

async function revision(page: Page): Promise<number> {
  return Number(await page.getByTestId('spots').getAttribute('data-revision'));
}

/** Types into a lens-data cell and commits with Enter; returns when the new revision is drawn. */
async function typeCell(page: Page, testId: string, text: string): Promise<void> {
  const before = await revision(page);
  const cell = page.getByTestId(testId);
  await cell.click();
  await cell.fill(text);
  await cell.press('Enter');
  await page.waitForFunction((r) => Number(document.querySelector('[data-testid=spots]')?.getAttribute('data-revision')) > r, before);
  await waitForDrawn(page, await revision(page));
}

async function runOptimization(page: Page, shotName: string): Promise<{ points: number; first: number; last: number }> {
  await page.getByTestId('tab-optimize').click();
  await page.getByTestId('vary-radii').click();
  await page.waitForFunction(() => Number(document.querySelector('[data-testid=variable-count]')?.textContent) > 0);
  await page.getByTestId('run-optimization').click();
  // Points arrive while it runs, then the run ends (the Optimize button comes back).
  await page.waitForFunction(() => Number(document.querySelector('[data-testid=loss-curve]')?.getAttribute('data-points')) >= 3, undefined, { timeout: 60_000 });
  await page.getByTestId('run-optimization').waitFor({ timeout: 60_000 });
  await waitForDrawn(page, await revision(page));
  await shot(page, shotName);
  const curve = page.getByTestId('loss-curve');
  return {
    points: Number(await curve.getAttribute('data-points')),
    first: Number(await curve.getAttribute('data-first-merit')),
    last: Number(await curve.getAttribute('data-last-merit')),
  };
}

/** The lens has unsaved changes (an optimization ran): the studio asks before opening; answer "Don't save". */
async function discardUnsaved(page: Page): Promise<void> {
  await page.getByTestId('unsaved-dialog').waitFor();
  await page.getByTestId('unsaved-discard').click();
}

/** Clicks an export button and returns the downloaded file's name and text. */
async function download(page: Page, testId: string): Promise<{ name: string; bytes: Buffer }> {
  const [dl] = await Promise.all([page.waitForEvent('download'), page.getByTestId(testId).click()]);
  const file = await dl.path();
  return { name: dl.suggestedFilename(), bytes: await readFile(file!) };
}

describe.skipIf(!existsSync(CHROMIUM))('the browser studio in Chromium', () => {
  let sb: StudioBrowser;
  let page: Page;
  let cooke: Prescription;

  beforeAll(async () => {
    cooke = parsePrescriptionJson(await readFile(path.join(repoRoot, 'lens-library/cooke-triplet.json'), 'utf8'));
    sb = await openStudioInBrowser();
    page = sb.page;
  });
  afterAll(async () => {
    await sb?.close();
  });

  it('opens the Cooke triplet from the library', async () => {
    await page.getByTestId('library-dialog').waitFor();
    await shot(page, '01-library');
    await page.getByTestId('library-cooke-triplet').click();
    await poll(() => page.getByTestId('efl').textContent()).toBe(eflText(cooke));
    await waitForDrawn(page, await revision(page));
    await poll(() => page.getByTestId('lens-title').textContent()).toContain('cooke-triplet.json');
    expect(await page.getByTestId('radius-0').inputValue()).toBe('22.01359');
    await shot(page, '02-cooke-open');
    // The other panels: system settings and the first-order data in full.
    await page.getByTestId('tab-system').click();
    await page.getByTestId('system-settings').waitFor();
    expect(await page.getByTestId('sys-aperture').inputValue()).toBe('10');
    await shot(page, '02b-system-settings');
    await page.getByTestId('tab-firstOrder').click();
    const efl = analyze(buildSystem(cooke, GlassLibrary.builtin())).paraxial.efl;
    await poll(() => page.getByTestId('first-order').textContent()).toContain(efl.toFixed(6));
    await shot(page, '02c-first-order');
    await page.getByTestId('layout-section').click();
    await shot(page, '02d-section-view');
    await page.getByTestId('layout-3d').click();
    await page.getByTestId('tab-optimize').click();
    expect(pageErrors(page)).toEqual([]);
  });

  it('changes a radius in the editor and the EFL readout changes with it', async () => {
    const before = await page.getByTestId('efl').textContent();
    await typeCell(page, 'radius-0', '24.5');
    const edited = structuredClone(cooke);
    (edited.surfaces[0] as { radius: number }).radius = 24.5;
    const expected = eflText(edited);
    expect(expected).not.toBe(before);
    await poll(() => page.getByTestId('efl').textContent()).toBe(expected);
    expect(await page.getByTestId('undo').isEnabled()).toBe(true);
    // The starting merit's EFL target stays the EFL of the lens as opened: it does not follow the edit.
    const opened = analyze(buildSystem(cooke, GlassLibrary.builtin())).paraxial.efl;
    await page.getByTestId('tab-merit').click();
    expect(Number(await page.getByTestId('mf-target-0').inputValue())).toBeCloseTo(opened, 4);
    await page.getByTestId('tab-optimize').click();
    // An invalid value is refused in place with a message; the lens keeps its last valid radius.
    const cell = page.getByTestId('radius-0');
    await cell.click();
    await cell.fill('0');
    await cell.press('Enter');
    await poll(() => page.getByTestId('cell-error').textContent()).toMatch(/Surface 1 radius: 0 is not a surface/);
    expect(await cell.inputValue()).toBe('24.5');
    await shot(page, '03-edit-radius');
    expect(await page.getByTestId('efl').textContent()).toBe(expected);
    // Escape drops an entry that was never committed: the lens never saw it.
    await cell.click();
    await cell.fill('30');
    await cell.press('Escape');
    expect(await page.getByTestId('radius-0').inputValue()).toBe('24.5');
    expect(await page.getByTestId('efl').textContent()).toBe(expected);
  });

  it('runs an optimization: the loss curve gets points and falls', async () => {
    // The EFL target typed in the merit editor (saved with the lens).
    await page.getByTestId('tab-merit').click();
    const target = page.getByTestId('mf-target-0');
    await target.click();
    await target.fill('50');
    await target.press('Enter');
    await poll(() => page.getByTestId('mf-saved').textContent()).toMatch(/saved with the lens/);
    const r = await runOptimization(page, '04-optimized');
    expect(r.points).toBeGreaterThanOrEqual(3);
    expect(r.last).toBeLessThan(r.first);
    await poll(async () => Math.abs(Number((await page.getByTestId('efl').textContent())!.replace('−', '-')) - 50)).toBeLessThan(0.01);
    expect(await page.getByTestId('operands').locator('tbody tr').count()).toBeGreaterThan(1);
  });

  it('exports JSON that loads back to the same numbers', async () => {
    const efl = await page.getByTestId('efl').textContent();
    const radii = await Promise.all(cooke.surfaces.map((_, i) => page.getByTestId(`radius-${i}`).inputValue()));
    const { name, bytes } = await download(page, 'export-json');
    expect(name).toBe('cooke-triplet.json');
    const exported = parsePrescriptionJson(bytes.toString('utf8'), name);
    // The file holds the optimized lens: the engine computes from it the EFL the studio shows.
    expect(eflText(exported)).toBe(efl);
    await page.getByTestId('file-input').setInputFiles({ name: 'cooke-optimized.json', mimeType: 'application/json', buffer: bytes });
    await discardUnsaved(page);
    await poll(() => page.getByTestId('lens-title').textContent()).toContain('cooke-optimized.json');
    await waitForDrawn(page, await revision(page));
    expect(await page.getByTestId('efl').textContent()).toBe(efl);
    expect(await Promise.all(cooke.surfaces.map((_, i) => page.getByTestId(`radius-${i}`).inputValue()))).toEqual(radii);
    await shot(page, '05-exported-reloaded');
  });

  it('shows a clear error for a malformed file, with the previous lens still loaded', async () => {
    const efl = await page.getByTestId('efl').textContent();
    const broken = Buffer.from('{\n  "format": "lens-studio/1",\n  "name": "broken",\n  "surfaces": [ { "type": "standard", "radius": 0, }\n}\n');
    await page.getByTestId('file-input').setInputFiles({ name: 'broken.json', mimeType: 'application/json', buffer: broken });
    const banner = page.getByTestId('error-banner');
    await banner.waitFor();
    expect(await banner.textContent()).toMatch(/broken\.json.*line 4/);
    expect(await page.getByTestId('lens-title').textContent()).toContain('cooke-optimized.json');
    expect(await page.getByTestId('efl').textContent()).toBe(efl);
    await shot(page, '06-malformed-file');
  });

  it('does the same loop on a real .zmx file: open, edit, optimize, export, reload', async () => {
    const bytes = await readFile(ZMX);
    const zmx = loadLensBytes(path.basename(ZMX), bytes, { resolveGlass: glassResolverFor(GlassLibrary.builtin()) }).prescription;
    await page.getByTestId('file-input').setInputFiles(ZMX);
    await poll(() => page.getByTestId('lens-title').textContent()).toContain('dO__US02532751-1.zmx');
    await poll(() => page.getByTestId('error-banner').count()).toBe(0); // a successful open clears the old error
    await poll(() => page.getByTestId('efl').textContent()).toBe(eflText(zmx));
    await waitForDrawn(page, await revision(page));
    await shot(page, '07-zmx-open');

    const i = zmx.surfaces.findIndex((s) => 'radius' in s && s.radius !== null);
    const r0 = (zmx.surfaces[i] as { radius: number }).radius;
    await typeCell(page, `radius-${i}`, String(r0 * 1.05));
    const edited = structuredClone(zmx);
    (edited.surfaces[i] as { radius: number }).radius = r0 * 1.05;
    await poll(() => page.getByTestId('efl').textContent()).toBe(eflText(edited));
    await shot(page, '08-zmx-edit');
    await page.getByTestId('layout-section').click();
    await page.waitForTimeout(200);
    await shot(page, '08b-zmx-section');
    await page.getByTestId('layout-3d').click();

    // A lens without a merit of its own: the starting merit targets its EFL as opened.
    await page.getByTestId('tab-merit').click();
    expect(Number(await page.getByTestId('mf-target-0').inputValue())).toBeCloseTo(Number(eflText(zmx).replace('−', '-')), 4);
    const r = await runOptimization(page, '09-zmx-optimized');
    expect(r.points).toBeGreaterThanOrEqual(3);
    expect(r.last).toBeLessThan(r.first);

    const efl = await page.getByTestId('efl').textContent();
    const out = await download(page, 'export-zmx');
    expect(out.name).toBe('dO__US02532751-1.zmx');
    const json = await download(page, 'export-json');
    expect(eflText(parsePrescriptionJson(json.bytes.toString('utf8')))).toBe(efl);
    await page.getByTestId('file-input').setInputFiles({ name: 'reloaded.zmx', mimeType: 'application/octet-stream', buffer: out.bytes });
    await discardUnsaved(page);
    await poll(() => page.getByTestId('lens-title').textContent()).toContain('reloaded.zmx');
    await waitForDrawn(page, await revision(page));
    expect(await page.getByTestId('efl').textContent()).toBe(efl);
    await shot(page, '10-zmx-reloaded');
    expect(pageErrors(page)).toEqual([]);
  });
});
