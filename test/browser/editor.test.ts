/**
 * The lens data editor as a spreadsheet, in Chromium (issue 12 items 14 and 16, issue 16 items 10
 * and 12): an entry reaches the lens only when committed with a valid value, a rejected one leaves
 * the lens and marks the cell, Escape restores the value from before the edit; arrows, Enter and
 * Tab move, typing starts an edit, Insert / Delete insert and remove surfaces; messages name rows
 * as the editor numbers them and highlight the cell; automatic semi-diameters show in grey.
 * Expected numbers come from the engine run in this process. Screenshots: test/artifacts/editor-*.png.
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { analyze } from '../../engine/analysis/report.ts';
import { automaticSemiDiameters } from '../../engine/analysis/layout.ts';
import { parsePrescriptionJson } from '../../engine/io/json.ts';
import type { Prescription } from '../../engine/io/prescription.ts';
import { GlassLibrary } from '../../engine/materials/glassLibrary.ts';
import { buildSystem } from '../../engine/paraxial/buildSystem.ts';
import { CHROMIUM, openStudioDrawn, pageErrors, repoRoot, screenshot, spotsRevision, waitForDrawn, type StudioBrowser } from './harness.ts';

const poll = <T,>(fn: () => T | Promise<T>) => expect.poll(fn, { timeout: 30_000, interval: 50 });
const build = (p: Prescription) => buildSystem(p, GlassLibrary.builtin());
const eflText = (p: Prescription) => analyze(build(p)).paraxial.efl.toFixed(4).replace('-', '−');

/** The test id of the focused element. */
function focused(page: Page): Promise<string | null> {
  return page.evaluate(() => document.activeElement?.getAttribute('data-testid') ?? null);
}

describe.skipIf(!existsSync(CHROMIUM))('the lens data editor in Chromium', () => {
  let sb: StudioBrowser;
  let page: Page;
  let cooke: Prescription;

  beforeAll(async () => {
    cooke = parsePrescriptionJson(await readFile(path.join(repoRoot, 'lens-library/cooke-triplet.json'), 'utf8'));
    sb = await openStudioDrawn(path.join(repoRoot, 'lens-library/cooke-triplet.json'));
    page = sb.page;
  });
  afterAll(async () => {
    await sb?.close();
  });

  it('sends nothing while typing; Enter commits a valid value as one edit', async () => {
    const efl0 = await page.getByTestId('efl').textContent();
    expect(efl0).toBe(eflText(cooke));
    const rev0 = await spotsRevision(page);
    const cell = page.getByTestId('thickness-1');
    await cell.click();
    await page.keyboard.type('6.5');
    // Typing is the cell's own business: the lens and its analysis have not moved.
    await page.waitForTimeout(300);
    expect(await spotsRevision(page)).toBe(rev0);
    expect(await page.getByTestId('efl').textContent()).toBe(efl0);
    await page.keyboard.press('Enter');
    const edited = structuredClone(cooke);
    edited.surfaces[1].thickness = 6.5;
    await poll(() => page.getByTestId('efl').textContent()).toBe(eflText(edited));
    expect(await page.getByTestId('thickness-1').inputValue()).toBe('6.5');
    // Enter moved down a row, same column.
    expect(await focused(page)).toBe('thickness-2');
    expect(await page.getByTestId('undo').getAttribute('title')).toBe('Undo Surface 2 thickness (Ctrl+Z)');
    await page.keyboard.press('Control+z');
    await poll(() => page.getByTestId('efl').textContent()).toBe(efl0);
  });

  it('refuses "12,5" and keeps the previous value, marking the cell with the error', async () => {
    const efl0 = await page.getByTestId('efl').textContent();
    const cell = page.getByTestId('thickness-3');
    await cell.click();
    await page.keyboard.type('12,5');
    await page.keyboard.press('Enter');
    await poll(() => page.getByTestId('cell-error').textContent()).toMatch(/Surface 4 thickness: "12,5" is not a number/);
    expect(await cell.inputValue()).toBe(String(cooke.surfaces[3].thickness));
    expect(await cell.getAttribute('class')).toContain('invalid');
    expect(await cell.getAttribute('title')).toMatch(/Surface 4 thickness/);
    // A rejected Enter keeps the cursor on the cell, and the lens as it was.
    expect(await focused(page)).toBe('thickness-3');
    expect(await page.getByTestId('efl').textContent()).toBe(efl0);
    await screenshot(page, 'editor-rejected-12,5');
  });

  it('refuses an unknown glass "N-SK166" as a whole, never a prefix of it', async () => {
    const efl0 = await page.getByTestId('efl').textContent();
    const rev0 = await spotsRevision(page);
    const cell = page.getByTestId('material-0');
    await cell.click();
    await page.keyboard.type('N-SK166');
    await page.waitForTimeout(200);
    expect(await spotsRevision(page)).toBe(rev0); // "N-SK16" on the way was never sent
    await page.keyboard.press('Tab');
    await poll(() => cell.getAttribute('class')).toContain('invalid');
    expect(await cell.inputValue()).toBe('SK16');
    expect(await page.getByTestId('cell-error').textContent()).toMatch(/surface 1 glass: .*N-SK166/i);
    expect(await page.getByTestId('efl').textContent()).toBe(efl0);
    expect(await spotsRevision(page)).toBe(rev0);
    // Tab moved right (the glass was sent; the host said no).
    expect(await focused(page)).toBe('semidiameter-0');
    await screenshot(page, 'editor-rejected-glass');
  });

  it('Escape restores the value from before the edit, at once and for good', async () => {
    const cell = page.getByTestId('radius-0');
    const efl0 = await page.getByTestId('efl').textContent();
    const rev0 = await spotsRevision(page);
    await cell.click();
    await page.keyboard.type('30');
    await page.keyboard.press('Escape');
    expect(await cell.inputValue()).toBe('22.01359');
    await page.waitForTimeout(300);
    expect(await cell.inputValue()).toBe('22.01359');
    expect(await spotsRevision(page)).toBe(rev0);
    expect(await page.getByTestId('efl').textContent()).toBe(efl0);
    // Escape also clears a cell's error mark.
    const bad = page.getByTestId('thickness-3');
    await bad.click();
    await page.keyboard.press('Escape');
    await poll(() => bad.getAttribute('class')).not.toContain('invalid');
  });

  it('moves like a spreadsheet: arrows, Tab, Shift+Tab, Enter, typing starts an edit, F2 edits in place', async () => {
    await page.getByTestId('radius-2').click();
    await page.keyboard.press('ArrowDown');
    expect(await focused(page)).toBe('radius-3');
    await page.keyboard.press('ArrowRight');
    expect(await focused(page)).toBe('thickness-3');
    await page.keyboard.press('Tab');
    expect(await focused(page)).toBe('material-3');
    await page.keyboard.press('Shift+Tab');
    await page.keyboard.press('ArrowLeft');
    expect(await focused(page)).toBe('radius-3');
    await page.keyboard.press('ArrowUp');
    await page.keyboard.press('ArrowUp');
    expect(await focused(page)).toBe('radius-1');
    await page.keyboard.press('Enter');
    expect(await focused(page)).toBe('radius-2');
    // Typing replaces the value; F2 appends to it.
    await page.keyboard.type('-2');
    expect(await page.getByTestId('radius-2').inputValue()).toBe('-2');
    await page.keyboard.press('Escape');
    await page.keyboard.press('F2');
    await page.keyboard.type('5');
    expect(await page.getByTestId('radius-2').inputValue()).toBe('-22.213285');
    await page.keyboard.press('Escape');
    expect(await page.getByTestId('radius-2').inputValue()).toBe('-22.21328');
  });

  it('Insert and Delete insert and remove surfaces at the current row (undoable)', async () => {
    const efl0 = await page.getByTestId('efl').textContent();
    await page.getByTestId('thickness-2').click();
    await page.keyboard.press('Insert');
    await poll(() => page.getByTestId('lde').locator('tbody tr').count()).toBe(cooke.surfaces.length + 3);
    // A plane air surface of zero thickness before row 3: the optics do not change.
    expect(await page.getByTestId('radius-2').inputValue()).toBe('Infinity');
    expect(await page.getByTestId('thickness-2').inputValue()).toBe('0');
    expect(await page.getByTestId('radius-3').inputValue()).toBe('-22.21328');
    await poll(() => focused(page)).toBe('thickness-2');
    await poll(() => page.getByTestId('efl').textContent()).toBe(efl0);
    await screenshot(page, 'editor-inserted');
    await page.keyboard.press('Delete');
    await poll(() => page.getByTestId('lde').locator('tbody tr').count()).toBe(cooke.surfaces.length + 2);
    expect(await page.getByTestId('radius-2').inputValue()).toBe('-22.21328');
    // Delete while editing deletes text, not surfaces.
    await page.getByTestId('comment-0').click();
    await page.keyboard.type('front');
    await page.keyboard.press('Home');
    await page.keyboard.press('Delete');
    expect(await page.getByTestId('comment-0').inputValue()).toBe('ront');
    await page.keyboard.press('Escape');
    expect(await page.getByTestId('lde').locator('tbody tr').count()).toBe(cooke.surfaces.length + 2);
  });

  it('names rows as the editor numbers them and highlights the cell a message is about', async () => {
    // Surfaces 2 and 3 crossing: the engine's warning is about surfaces[1].thickness.
    await page.getByTestId('thickness-1').click();
    await page.keyboard.type('-1');
    await page.keyboard.press('Enter');
    const link = page.getByTestId('message-link-1');
    await poll(() => link.textContent()).toMatch(/^Surface 2 thickness: surfaces 2 and 3 cross/);
    expect(await page.getByTestId('messages').textContent()).not.toMatch(/surfaces\[/);
    const cell = page.getByTestId('thickness-1');
    expect(await cell.getAttribute('class')).toContain('flagged');
    expect(await cell.getAttribute('title')).toMatch(/^Surface 2 thickness/);
    await page.getByTestId('radius-4').click();
    await link.click();
    expect(await focused(page)).toBe('thickness-1');
    await screenshot(page, 'editor-message-row');
    await page.keyboard.press('Control+z');
    await poll(() => page.getByTestId('messages').textContent()).toMatch(/none/);
    expect(await cell.getAttribute('class')).not.toContain('flagged');
  });

  it('shows automatic semi-diameters in grey and a typed one as the user\'s', async () => {
    await waitForDrawn(page, await spotsRevision(page));
    const sd = automaticSemiDiameters(build(cooke));
    for (let i = 0; i < cooke.surfaces.length; i++) {
      const cell = page.getByTestId(`semidiameter-${i}`);
      expect(await cell.inputValue()).toBe('');
      expect(Number(await cell.getAttribute('placeholder'))).toBeCloseTo(sd[i], 4);
    }
    expect(Number(await page.getByTestId('semidiameter-image').textContent())).toBeCloseTo(sd[cooke.surfaces.length], 3);
    const cell = page.getByTestId('semidiameter-0');
    await cell.click();
    await page.keyboard.type('7.5');
    await page.keyboard.press('Enter');
    await poll(() => cell.inputValue()).toBe('7.5');
    const clipped = structuredClone(cooke);
    clipped.surfaces[0].semiDiameter = 7.5;
    // The clear aperture now clips the beam: the next surfaces' automatic values shrink with it.
    const sd2 = automaticSemiDiameters(build(clipped));
    await poll(async () => Number(await page.getByTestId('semidiameter-1').getAttribute('placeholder'))).toBeCloseTo(sd2[1], 4);
    expect(sd2[1]).toBeLessThan(sd[1]);
    await screenshot(page, 'editor-semi-diameters');
    await page.keyboard.press('Control+z');
    await poll(() => cell.inputValue()).toBe('');
    expect(pageErrors(page)).toEqual([]);
  });
});
