/**
 * Designing in the browser studio (issue 16 items 3–6), in Chromium: the merit function editor
 * (operands as a spreadsheet, targets as typed, the default merit as a generated block, saved with
 * the lens; its figures equal those `lens-studio optimize` prints for the same lens), thickness
 * bounds the optimizer cannot meet shown in red, the variables window (bounds, vary all), solves
 * and pickups as cell markers with their editor, and the run's status in words. Expected numbers
 * come from the engine run in this process and from the CLI. Screenshots: test/artifacts/design-*.png.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { parsePrescriptionJson } from '../../engine/io/json.ts';
import type { Prescription } from '../../engine/io/prescription.ts';
import { GlassLibrary } from '../../engine/materials/glassLibrary.ts';
import { buildSystem } from '../../engine/paraxial/buildSystem.ts';
import { efl } from '../../engine/analysis/firstOrder.ts';
import { meritTable } from '../../engine/optimize/meritTable.ts';
import { num } from '../../app/cli/format.ts';
import { CHROMIUM, openStudioDrawn, pageErrors, repoRoot, screenshot, type StudioBrowser } from './harness.ts';

const poll = <T,>(fn: () => T | Promise<T>) => expect.poll(fn, { timeout: 60_000, interval: 50 });
const build = (p: Prescription) => buildSystem(p, GlassLibrary.builtin());
const run = promisify(execFile);

/** The studio's lens as its JSON export gives it. */
async function exportedLens(page: Page): Promise<{ text: string; p: Prescription }> {
  const [dl] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-json').click()]);
  const text = await readFile((await dl.path())!, 'utf8');
  return { text, p: parsePrescriptionJson(text) };
}

/** Types into a spreadsheet cell and commits with Enter. */
async function typeCell(page: Page, testId: string, text: string): Promise<void> {
  const cell = page.getByTestId(testId);
  await cell.click();
  await page.keyboard.type(text);
  await page.keyboard.press('Enter');
}

/** The merit editor's rows as shown: label and full-precision value (data-value). */
async function shownRows(page: Page): Promise<{ label: string; value: number; share: number }[]> {
  return page.evaluate(() =>
    Array.from(document.querySelectorAll('[data-testid=merit-table] tbody tr[data-label]')).map((tr) => ({
      label: tr.getAttribute('data-label') ?? '',
      value: Number(tr.querySelector('[data-testid^=mf-value-]')?.getAttribute('data-value')),
      share: Number(tr.querySelector('[data-testid^=mf-share-]')?.getAttribute('data-value')),
    })),
  );
}

/** Waits for a run to end; returns the status words. */
async function runToEnd(page: Page): Promise<string> {
  await page.getByTestId('tab-optimize').click();
  await page.getByTestId('run-optimization').click();
  await page.getByTestId('opt-words').waitFor({ timeout: 120_000 });
  await page.getByTestId('run-optimization').waitFor({ timeout: 120_000 });
  return (await page.getByTestId('opt-words').textContent()) ?? '';
}

describe.skipIf(!existsSync(CHROMIUM))('designing in the browser studio', () => {
  let sb: StudioBrowser;
  let page: Page;
  let cooke: Prescription;
  let openedEfl: number;

  beforeAll(async () => {
    cooke = parsePrescriptionJson(await readFile(path.join(repoRoot, 'lens-library/cooke-triplet.json'), 'utf8'));
    openedEfl = efl(build(cooke));
    sb = await openStudioDrawn(path.join(repoRoot, 'lens-library/cooke-triplet.json'));
    page = sb.page;
  });
  afterAll(async () => {
    await sb?.close();
  });

  it('merit editor: the starting merit, targets as typed, operands edited as a spreadsheet, the default merit as a generated block', async () => {
    await page.getByTestId('tab-merit').click();
    await page.getByTestId('merit-editor').waitFor();
    expect(await page.getByTestId('mf-saved').textContent()).toMatch(/starting merit/);
    // The starting merit's EFL target is the EFL of the lens as opened …
    await poll(() => page.getByTestId('mf-target-0').inputValue()).toBe(String(Number(openedEfl.toPrecision(6))));
    // … and an edit of the lens does not move it (the value does move).
    await typeCell(page, 'radius-0', '23');
    const edited = structuredClone(cooke);
    (edited.surfaces[0] as { radius: number }).radius = 23;
    await poll(() => page.getByTestId('mf-value-0').getAttribute('data-value')).toBe(String(efl(build(edited))));
    expect(await page.getByTestId('mf-target-0').inputValue()).toBe(String(Number(openedEfl.toPrecision(6))));

    // Type a target: the merit is saved with the lens.
    await typeCell(page, 'mf-target-0', '50');
    await poll(() => page.getByTestId('mf-saved').textContent()).toMatch(/saved with the lens/);
    // Enter moved down a row (there is none below the one operand: the focus stays).
    // Insert (key) adds an operand before the current row; its type, field and wavelength are cells.
    await page.getByTestId('mf-type-0').focus();
    await page.keyboard.press('Control+Insert');
    await page.getByTestId('mf-type-1').waitFor();
    await page.getByTestId('mf-type-1').selectOption('RMS_SPOT');
    await poll(() => page.getByTestId('mf-field-1').inputValue()).toBe('1');
    await typeCell(page, 'mf-field-1', '2');
    await poll(() => page.getByTestId('mf-field-1').inputValue()).toBe('2');
    await typeCell(page, 'mf-wave-1', 'all');
    await typeCell(page, 'mf-weight-1', '1');
    // The type's further settings as key=value; a key the type lacks is refused by name.
    await typeCell(page, 'mf-options-1', 'basis=fringe');
    await poll(() => page.getByTestId('mf-error').textContent()).toMatch(/Operand 2 options: RMS_SPOT has no "basis"/);
    await typeCell(page, 'mf-options-1', 'reference=chief rings=4');
    await poll(() => page.getByTestId('mf-options-1').inputValue()).toBe('reference=chief rings=4');
    await poll(() => page.getByTestId('mf-error').count()).toBe(0);
    // Tab moves right, arrows move, typing starts an edit: weight of row 1 → ↑ → weight of row 0.
    await page.getByTestId('mf-weight-1').focus();
    await page.keyboard.press('ArrowUp');
    expect(await page.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe('mf-weight-0');
    await page.keyboard.press('Shift+Tab');
    expect(await page.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe('mf-target-0');
    await page.keyboard.press('Enter');
    expect(await page.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe('mf-target-1');
    // Typing starts an edit; Escape drops it.
    await page.keyboard.type('7');
    expect(await page.getByTestId('mf-target-1').getAttribute('data-editing')).toBe('true');
    await page.keyboard.press('Escape');
    expect(await page.getByTestId('mf-target-1').inputValue()).toBe('0');
    // A third operand, deleted with the Delete key.
    await page.getByTestId('mf-type-1').focus();
    await page.keyboard.press('Control+Insert');
    await page.getByTestId('mf-type-2').waitFor();
    await page.getByTestId('mf-type-2').focus();
    await page.keyboard.press('Delete');
    await poll(() => page.getByTestId('mf-type-2').count()).toBe(0);
    // Reorder: RMS spot up, then back down.
    await page.getByTestId('mf-type-1').focus();
    await page.getByTestId('mf-up').click();
    await poll(() => page.getByTestId('mf-type-0').inputValue()).toBe('RMS_SPOT');
    await page.getByTestId('mf-down').click();
    await poll(() => page.getByTestId('mf-type-0').inputValue()).toBe('EFL');

    // The default merit's settings regenerate its block: 2 rings × 4 arms, thickness bounds.
    await typeCell(page, 'dm-rings', '2');
    await typeCell(page, 'dm-arms', '4');
    await poll(() => page.getByTestId('mf-dmfs').textContent()).toMatch(/centroid reference, 2 rings × 4 arms, thickness boundaries/);

    const { p } = await exportedLens(page);
    const expectedSpec = {
      operands: [
        { type: 'EFL', target: 50 },
        { type: 'RMS_SPOT', field: 1, wavelength: 'all', weight: 1, reference: 'chief', rings: 4 },
      ],
      defaultMerit: { glassMin: 0.5, glassEdgeMin: 0.5, airMin: 0, airEdgeMin: 0.1, rings: 2, arms: 4 },
    };
    expect(p.merit).toEqual(expectedSpec);
    // Every figure shown is the engine's, on the lens as it is.
    const table = meritTable(build(p), p.merit!);
    await poll(async () => (await shownRows(page)).map((r) => r.value)).toEqual(table.rows.map((r) => r.value));
    const rows = await shownRows(page);
    expect(rows.map((r) => r.label)).toEqual(table.rows.map((r) => r.label));
    expect(rows.map((r) => r.share)).toEqual(table.rows.map((r) => r.contribution));
    expect(Number(await page.getByTestId('mf-total').getAttribute('data-value'))).toBe(table.merit);
    await screenshot(page, 'design-merit-editor');
    // The light theme recolours the editor (its colours are the theme's variables).
    await page.getByTestId('theme-toggle').click();
    await poll(() => page.evaluate(() => document.documentElement.dataset.theme)).toBe('light');
    await screenshot(page, 'design-merit-editor-light');
    await page.getByTestId('theme-toggle').click();
    await poll(() => page.evaluate(() => document.documentElement.dataset.theme)).not.toBe('light');
    // Undo takes the last merit edit back, as any lens edit.
    expect(await page.getByTestId('undo').getAttribute('title')).toBe('Undo System merit (Ctrl+Z)');
    expect(pageErrors(page)).toEqual([]);
  });

  it("the merit editor's figures are the ones `lens-studio optimize` prints for the same lens", async () => {
    await page.getByTestId('tab-variables').click();
    await page.getByTestId('vary-all-radius').click();
    await poll(() => page.getByTestId('vars-count').textContent()).toBe('6');
    const { text, p } = await exportedLens(page);
    const dir = await mkdtemp(path.join(os.tmpdir(), 'lens-studio-design-'));
    await writeFile(path.join(dir, 'lens.json'), text);
    const { stdout } = await run(process.execPath, [path.join(repoRoot, 'bin/lens-studio.js'), 'optimize', path.join(dir, 'lens.json'), '--iterations', '1', '--out', path.join(dir, 'out.json')], { cwd: repoRoot });
    // "label  target  before  after  share": the before column is the lens the studio shows.
    const lines = stdout.split('\n');
    const start = lines.findIndex((l) => l.startsWith('operand')) + 2;
    const cli = lines.slice(start, lines.indexOf('', start)).map((l) => {
      const t = l.trim().split(/\s+/);
      return { label: t.slice(0, -4).join(' '), before: t[t.length - 3] };
    });
    await page.getByTestId('tab-merit').click();
    await poll(async () => (await shownRows(page)).length).toBe(meritTable(build(p), p.merit!).rows.length);
    const shown = await shownRows(page);
    expect(shown.map((r) => ({ label: r.label, before: num(r.value, 7) }))).toEqual(cli);
    const meritLine = lines.find((l) => l.startsWith('merit Σ r²'))!.trim().split(/\s+/);
    expect(num(Number(await page.getByTestId('mf-total').getAttribute('data-value')), 6)).toBe(meritLine[3]);
  });

  it('variables window: vary all, bounds per variable in its unit, fix all', async () => {
    await page.getByTestId('tab-variables').click();
    await page.getByTestId('vary-all-thickness').click();
    await poll(() => page.getByTestId('vars-count').textContent()).toBe('12');
    await typeCell(page, 'var-lower-1-thickness', '2');
    await poll(() => page.getByTestId('var-lower-1-thickness').inputValue()).toBe('2');
    await typeCell(page, 'var-upper-1-thickness', '8');
    await poll(() => page.getByTestId('var-upper-1-thickness').inputValue()).toBe('8');
    // A bound that is not a number is refused in place; the lens keeps its bounds.
    await typeCell(page, 'var-lower-2-thickness', 'abc');
    await poll(() => page.getByTestId('var-lower-2-thickness').getAttribute('class')).toContain('invalid');
    // … and said under the variables window, not under the lens data.
    expect(await page.getByTestId('vars-error').textContent()).toMatch(/Surface 3 thickness lower bound: "abc" is not a number/);
    expect(await page.getByTestId('cell-error').count()).toBe(0);
    const { p } = await exportedLens(page);
    expect(p.surfaces[1].variables).toEqual({ radius: true, thickness: { lower: 2, upper: 8 } });
    expect(p.surfaces[2].variables).toEqual({ radius: true, thickness: true });
    // The value column is the variable's own unit: a radius as its curvature 1/R.
    expect(await page.getByTestId('var-value-0-radius').textContent()).toBe(String(Number((1 / 23).toPrecision(7))));
    await screenshot(page, 'design-variables');
    // Escape on the marked cell takes the mark away.
    await page.getByTestId('var-lower-2-thickness').focus();
    await page.keyboard.press('Escape');
    await poll(() => page.getByTestId('vars-error').count()).toBe(0);
    await page.getByTestId('fix-all-thickness').click();
    await poll(() => page.getByTestId('vars-count').textContent()).toBe('6');
    expect(await page.getByTestId('var-1-thickness').getAttribute('data-marker')).toBe('');
  });

  it('solves and pickups: markers in the lens data, the solve editor, solved values that follow edits', async () => {
    // A pickup on surface 3's radius (−1 × surface 4's: a symmetric middle element): right click its marker box.
    await page.getByTestId('var-2-radius').click({ button: 'right' });
    await page.getByTestId('solve-pop').waitFor();
    expect(await page.getByTestId('solve-type').inputValue()).toBe('variable');
    await page.getByTestId('solve-type').selectOption('pickup');
    await page.getByTestId('solve-surface').fill('4');
    await page.getByTestId('solve-scale').fill('-1');
    await screenshot(page, 'design-solve-editor');
    await page.getByTestId('solve-apply').click();
    await poll(() => page.getByTestId('var-2-radius').getAttribute('data-marker')).toBe('P');
    await poll(() => page.getByTestId('radius-2').inputValue()).toBe(String(-(cooke.surfaces[3] as { radius: number }).radius));
    await typeCell(page, 'radius-3', '20.5');
    await poll(() => page.getByTestId('radius-2').inputValue()).toBe('-20.5');
    // A click on a solve opens its editor with its parameters.
    await page.getByTestId('var-2-radius').click();
    await page.getByTestId('solve-pop').waitFor();
    expect(await page.getByTestId('solve-type').inputValue()).toBe('pickup');
    expect(await page.getByTestId('solve-surface').inputValue()).toBe('4');
    await page.keyboard.press('Escape');
    await poll(() => page.getByTestId('solve-pop').count()).toBe(0);
    // The image distance as a marginal ray height solve: the paraxial focus.
    await page.getByTestId('var-5-thickness').click({ button: 'right' });
    await page.getByTestId('solve-type').selectOption('marginalRayHeight');
    await page.getByTestId('solve-apply').click();
    await poll(() => page.getByTestId('var-5-thickness').getAttribute('data-marker')).toBe('M');
    // A bad input names itself and sends nothing.
    await page.getByTestId('var-1-thickness').click({ button: 'right' });
    await page.getByTestId('solve-type').selectOption('pickup');
    await page.getByTestId('solve-surface').fill('x');
    await page.getByTestId('solve-apply').click();
    expect(await page.getByTestId('solve-error').textContent()).toMatch(/source surface is a number from 1/);
    await page.keyboard.press('Escape');
    const { p } = await exportedLens(page);
    expect(p.surfaces[2].solves).toEqual({ radius: { type: 'pickup', surface: 3, scale: -1 } });
    expect((p.surfaces[2] as { radius: number }).radius).toBe(-20.5);
    expect(p.surfaces[5].solves).toEqual({ thickness: { type: 'marginalRayHeight' } });
    // The solved image distance is the engine's paraxial focus of this lens.
    const focused = structuredClone(p);
    delete focused.surfaces[5].solves;
    focused.imageSolve = 'paraxialFocus';
    expect(p.surfaces[5].thickness).toBe(build(focused).surfaces[5].thickness);
    await page.getByTestId('tab-variables').click();
    expect(await page.getByTestId('solve-row-2-radius').textContent()).toMatch(/P\s*pickup of surface 4 × -1/);
    expect(await page.getByTestId('solve-row-5-thickness').textContent()).toMatch(/M\s*marginal ray height 0 mm/);
    await page.getByTestId('lens-editor-panel').screenshot({ path: path.join(repoRoot, 'test/artifacts/design-solve-markers.png') });
  });

  it('a run says how it went in words; bounds it could not meet are shown in red', async () => {
    // Glass centres of 10 mm cannot be met by bending the radii.
    await page.getByTestId('tab-merit').click();
    await typeCell(page, 'dm-glassMin', '10');
    await poll(() => page.getByTestId('dm-glassMin').inputValue()).toBe('10');
    await page.getByTestId('tab-optimize').click();
    await page.getByTestId('opt-iterations').fill('3');
    const words = await runToEnd(page);
    expect(words).toMatch(/^merit \d\.\d\de-?\d+ → \d\.\d\de-?\d+ in \d+ iterations?, (converged|stopped: .+)$/);
    const violations = page.getByTestId('opt-violations');
    await violations.waitFor();
    // The glass centres are the lens file's (not variables here), to 5 significant digits.
    const ct = (i: number) => `CT s${i + 1} = ${Number(cooke.surfaces[i].thickness.toPrecision(5))} < 10`;
    expect(await violations.textContent()).toBe(`Bounds not met: ${[0, 2, 4].map(ct).join(' · ')}`);
    const red = await page.evaluate(() => getComputedStyle(document.documentElement).getPropertyValue('--bad').trim());
    expect(await violations.evaluate((el) => getComputedStyle(el).color)).toBe(`rgb(${[1, 3, 5].map((k) => parseInt(red.slice(k, k + 2), 16)).join(', ')})`);
    expect(await page.locator('[data-testid=operands] tr.violated td:first-child').allTextContents()).toEqual(['CT s1', 'CT s3', 'CT s5']);
    // Every figure fits its column: at most 11 characters.
    for (const t of await page.locator('[data-testid=operands] tbody tr td:not(:first-child)').allTextContents()) if (!t.includes('=')) expect(t.length).toBeLessThanOrEqual(11);
    await screenshot(page, 'design-bounds-violated');
    // The merit editor marks the same bound operands in red.
    await page.getByTestId('tab-merit').click();
    await poll(() => page.locator('[data-testid=merit-table] tr.violated').evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-label')))).toEqual(['CT s1', 'CT s3', 'CT s5']);
    await screenshot(page, 'design-merit-violated');
  });

  it("Adam's words are the CLI's for the same lens: converged only when it did", async () => {
    await page.getByTestId('tab-merit').click();
    await typeCell(page, 'dm-glassMin', '0.5');
    await poll(() => page.getByTestId('dm-glassMin').inputValue()).toBe('0.5');
    const { text } = await exportedLens(page);
    await page.getByTestId('tab-optimize').click();
    await page.getByTestId('opt-method').selectOption('adam');
    await page.getByTestId('opt-iterations').fill('5');
    const words = await runToEnd(page);
    const dir = await mkdtemp(path.join(os.tmpdir(), 'lens-studio-design-'));
    await writeFile(path.join(dir, 'lens.json'), text);
    const { stdout } = await run(
      process.execPath,
      [path.join(repoRoot, 'bin/lens-studio.js'), 'optimize', path.join(dir, 'lens.json'), '--algorithm', 'adam', '--iterations', '5', '--out', path.join(dir, 'out.json')],
      { cwd: repoRoot },
    );
    expect(stdout.split('\n')).toContain(words);
    const reason = await page.getByTestId('opt-words').getAttribute('data-stop-reason');
    expect(words.endsWith('converged')).toBe(reason === 'converged');
    // The final operands are listed (Adam's progress carries none; the finished run does).
    expect(await page.getByTestId('operands').locator('tbody tr').count()).toBeGreaterThan(20);
    await screenshot(page, 'design-run-words');
    expect(pageErrors(page)).toEqual([]);
  });
});
