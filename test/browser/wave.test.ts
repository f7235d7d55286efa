/**
 * The wave-optics panel of the browser studio in Chromium: every view opens and draws, the
 * numbers it shows are those of `lens-studio analyze --wave --json` run on the same lens (the
 * command line, not the host, is the reference), the panel redraws — live, then refined — after a
 * radius edit, and an undersampled lens shows warnings instead of aliased values. Screenshots of
 * each view go to test/artifacts/wave-*.png.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import type { WaveReportJson } from '../../engine/wave/waveReport.ts';
import { CHROMIUM, openStudioDrawn, pageErrors, repoRoot, screenshot, spotsRevision, type StudioBrowser } from './harness.ts';

const poll = <T,>(fn: () => T | Promise<T>, timeout = 60_000) => expect.poll(fn, { timeout, interval: 100 });

/**
 * `lens-studio analyze <file> --wave --json`, the reference numbers (a child process, run without
 * blocking this process, which also serves the studio).
 */
async function cliWave(file: string, frequencies?: number[]): Promise<WaveReportJson> {
  const args = [path.join(repoRoot, 'bin/lens-studio.js'), 'analyze', file, '--wave', '--json'];
  if (frequencies) args.push('--frequencies', frequencies.join(','));
  const { stdout } = await promisify(execFile)(process.execPath, args, { cwd: repoRoot, encoding: 'utf8', timeout: 300_000, maxBuffer: 1 << 26 });
  return JSON.parse(stdout).wave;
}

/** Waits until the view shows the refined answer of at least `revision`; returns that revision. */
async function refined(page: Page, view: string, revision: number): Promise<number> {
  const body = page.getByTestId(`wave-body-${view}`);
  await poll(async () => (await body.getAttribute('data-quality')) === 'refined' && Number(await body.getAttribute('data-revision')) >= revision).toBe(true);
  await poll(() => page.getByTestId('wave-status').textContent()).toBe('refined');
  return Number(await body.getAttribute('data-revision'));
}

/** The full-precision value a cell shows (data-value), null for "—". */
async function cellValue(page: Page, testId: string): Promise<number | null> {
  const v = await page.getByTestId(testId).getAttribute('data-value');
  return v === 'null' ? null : Number(v);
}

async function mtfTable(page: Page, fields: number, freqs: number): Promise<{ t: (number | null)[]; s: (number | null)[] }[]> {
  const out: { t: (number | null)[]; s: (number | null)[] }[] = [];
  for (let f = 0; f < fields; f++) {
    const t: (number | null)[] = [], s: (number | null)[] = [];
    for (let k = 0; k < freqs; k++) {
      t.push(await cellValue(page, `mtf-${f}-t-${k}`));
      s.push(await cellValue(page, `mtf-${f}-s-${k}`));
    }
    out.push({ t, s });
  }
  return out;
}

/** The text a number is shown with at 3 decimals (typographic minus). */
const shown3 = (v: number | null) => (v === null ? '—' : v.toFixed(3).replace('-', '−'));

describe.skipIf(!existsSync(CHROMIUM))('the wave-optics panel in Chromium', () => {
  let sb: StudioBrowser;
  let page: Page;
  let cli: WaveReportJson;
  const cookeFile = path.join(repoRoot, 'lens-library/cooke-triplet.json');

  beforeAll(async () => {
    cli = await cliWave(cookeFile);
    sb = await openStudioDrawn(cookeFile);
    page = sb.page;
  });
  afterAll(async () => {
    await sb?.close();
  });

  it('MTF: the exact values shown are the CLI\'s `wave.mtf`, monochromatic and polychromatic', async () => {
    await page.getByTestId('tab-wave').click();
    await page.getByTestId('wave-panel').waitFor();
    await refined(page, 'mtf', await spotsRevision(page));
    const table = await mtfTable(page, 3, 5);
    table.forEach((row, f) => {
      expect(row.t).toEqual(cli.mtf[f].tangential);
      expect(row.s).toEqual(cli.mtf[f].sagittal);
    });
    // What the table shows is the CLI's number at 3 decimals.
    expect(await page.getByTestId('mtf-1-t-3').textContent()).toBe(shown3(cli.mtf[1].tangential[3]));
    expect(await page.getByTestId('wave-warnings').count()).toBe(0);
    await screenshot(page, 'wave-01-mtf');
    await page.getByTestId('mtf-chromatic-poly').click();
    await refined(page, 'mtf', await spotsRevision(page));
    const poly = await mtfTable(page, 3, 5);
    poly.forEach((row, f) => {
      expect(row.t).toEqual(cli.mtf_polychromatic[f].tangential);
      expect(row.s).toEqual(cli.mtf_polychromatic[f].sagittal);
    });
    await screenshot(page, 'wave-02-mtf-polychromatic');
    await page.getByTestId('mtf-chromatic-mono').click();
  });

  it('wavefront map: P-V and RMS of field 2 as the CLI prints them', async () => {
    await page.getByTestId('wave-view-wavefront').click();
    await page.getByTestId('wave-field').selectOption('1');
    await refined(page, 'wavefront', await spotsRevision(page));
    expect(await cellValue(page, 'wavefront-pv')).toBe(cli.fields[1].pv_waves);
    expect(await cellValue(page, 'wavefront-rms')).toBe(cli.fields[1].rms_waves);
    expect(await page.getByTestId('wavefront-rms').textContent()).toBe(cli.fields[1].rms_waves!.toFixed(4));
    await screenshot(page, 'wave-03-wavefront');
  });

  it('diffraction PSF: the Strehl ratio of the CLI; the log scale draws', async () => {
    await page.getByTestId('wave-view-psf').click();
    await refined(page, 'psf', await spotsRevision(page));
    expect(await cellValue(page, 'psf-strehl')).toBe(cli.fields[1].strehl);
    await screenshot(page, 'wave-04-psf');
    const before = await page.evaluate(() => window.__wavePerf!.log.length);
    await page.getByTestId('psf-scale-log').click();
    await poll(() => page.evaluate(() => window.__wavePerf!.log.length)).toBeGreaterThan(before);
    await screenshot(page, 'wave-05-psf-log');
    await page.getByTestId('psf-scale-linear').click();
  });

  it('Zernike bar chart: Fringe and Standard coefficients of the CLI', async () => {
    await page.getByTestId('wave-view-zernike').click();
    await refined(page, 'zernike', await spotsRevision(page));
    const check = async (ref: number[]) => {
      const rows = page.getByTestId('zernike-largest').locator('td[data-value]');
      const n = await rows.count();
      expect(n).toBeGreaterThanOrEqual(5);
      for (let i = 0; i < n; i++) {
        const id = (await rows.nth(i).getAttribute('data-testid'))!;
        const j = Number(id.replace('zernike-', ''));
        expect(Number(await rows.nth(i).getAttribute('data-value'))).toBe(ref[j - 1]);
      }
    };
    await check(cli.fields[1].zernike_fringe);
    await screenshot(page, 'wave-06-zernike-fringe');
    await page.getByTestId('zernike-basis-standard').click();
    await refined(page, 'zernike', await spotsRevision(page));
    await check(cli.fields[1].zernike_standard);
    await screenshot(page, 'wave-07-zernike-standard');
  });

  it('through-focus MTF draws every field; the plots follow the light theme', async () => {
    await page.getByTestId('wave-view-focus').click();
    await refined(page, 'focus', await spotsRevision(page));
    await screenshot(page, 'wave-08-through-focus');
    const before = await page.evaluate(() => window.__wavePerf!.log.length);
    await page.getByTestId('theme-toggle').click();
    await poll(() => page.evaluate(() => document.documentElement.dataset.theme)).toBe('light');
    await page.getByTestId('wave-view-mtf').click();
    await poll(() => page.evaluate(() => window.__wavePerf!.log.length)).toBeGreaterThan(before);
    await screenshot(page, 'wave-08b-mtf-light-theme');
    await page.getByTestId('wave-view-wavefront').click();
    await refined(page, 'wavefront', await spotsRevision(page));
    await screenshot(page, 'wave-08c-wavefront-light-theme');
    await page.getByTestId('theme-toggle').click();
    await poll(() => page.evaluate(() => document.documentElement.dataset.theme)).toBe('dark');
  });

  it('redraws after a radius edit: live, then refined with the CLI\'s numbers for the edited lens', { timeout: 300_000 }, async () => {
    await page.getByTestId('wave-view-mtf').click();
    const r0 = await refined(page, 'mtf', await spotsRevision(page));
    const cell = page.getByTestId('radius-0');
    await page.evaluate(() => window.__wavePerf!.reset());
    await cell.click();
    await cell.fill('22.1');
    await cell.press('Enter');
    await poll(() => spotsRevision(page)).toBeGreaterThan(r0);
    const r1 = await spotsRevision(page);
    const r2 = await refined(page, 'mtf', r1);
    // The MTF view drew the edited lens: a live pass first, then the refined one.
    const log = await page.evaluate(() => window.__wavePerf!.log.filter((d) => d.view === 'mtf'));
    expect(log.some((d) => d.revision >= r1 && d.quality === 'live')).toBe(true);
    expect(log.some((d) => d.revision >= r1 && d.quality === 'refined')).toBe(true);
    const dir = await mkdtemp(path.join(os.tmpdir(), 'lens-studio-wave-'));
    const edited = JSON.parse(await readFile(cookeFile, 'utf8'));
    edited.surfaces[0].radius = 22.1;
    const file = path.join(dir, 'edited.json');
    await writeFile(file, JSON.stringify(edited));
    const ref = await cliWave(file);
    expect(r2).toBeGreaterThanOrEqual(r1);
    const table = await mtfTable(page, 3, 5);
    table.forEach((row, f) => {
      expect(row.t).toEqual(ref.mtf[f].tangential);
      expect(row.s).toEqual(ref.mtf[f].sagittal);
    });
    expect(table[0].t).not.toEqual(cli.mtf[0].tangential);
    await screenshot(page, 'wave-09-mtf-after-edit');
  });

  it('an F/1 singlet: undersampled curves and PSF are not drawn, the warnings say why', { timeout: 300_000 }, async () => {
    const file = path.join(repoRoot, 'lens-library/edmund-49-847.json');
    const ref = await cliWave(file, [5, 10, 20, 40, 80]);
    await page.getByTestId('file-input').setInputFiles(file);
    // The edited Cooke triplet has unsaved changes: the studio asks first.
    await page.getByTestId('unsaved-discard').click();
    await poll(() => page.getByTestId('lens-title').textContent()).toContain('edmund-49-847');
    const rev = await spotsRevision(page);
    await refined(page, 'mtf', rev);
    const table = await mtfTable(page, ref.mtf.length, 5);
    table.forEach((row, f) => {
      expect(row.t).toEqual(ref.mtf[f].tangential);
      expect(row.s).toEqual(ref.mtf[f].sagittal);
    });
    expect(await page.getByTestId('mtf-0-t-2').textContent()).toBe('—');
    await expect.poll(() => page.getByTestId('wave-warnings').textContent()).toMatch(/field 1: the MTF curve \(FFT PSF\) is undersampled/);
    await screenshot(page, 'wave-10-undersampled-mtf');
    await page.getByTestId('wave-view-psf').click();
    await refined(page, 'psf', rev);
    expect(await page.getByTestId('psf-canvas').count()).toBe(0);
    expect(await page.getByTestId('wave-warnings').textContent()).toMatch(/the diffraction PSF is undersampled/);
    await screenshot(page, 'wave-11-undersampled-psf');
    expect(pageErrors(page)).toEqual([]);
  });
});
