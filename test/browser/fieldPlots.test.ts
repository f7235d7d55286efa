/**
 * The Field plots panel of the browser studio in Chromium: every plot draws the numbers of
 * `lens-studio analyze --json`'s `field_plots` run on the same library lens (the command line is
 * the reference; mm → µm for lateral colour and chromatic focal shift), the plots follow a radius
 * edit (again equal to the command line on the edited lens), they are asked for only while the
 * panel is open, and they stay legible on the light theme. Screenshots: test/artifacts/field-plots-*.png.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import type { FieldPlots } from '../../engine/analysis/fieldPlots.ts';
import { CHROMIUM, openStudioDrawn, pageErrors, repoRoot, screenshot, spotsRevision, type StudioBrowser } from './harness.ts';

const poll = <T,>(fn: () => T | Promise<T>, timeout = 60_000) => expect.poll(fn, { timeout, interval: 100 });

/** `lens-studio analyze <file> --json`'s field_plots (a child process: this one serves the studio). */
async function cliFieldPlots(file: string): Promise<FieldPlots & { workingFno: number }> {
  const args = [path.join(repoRoot, 'bin/lens-studio.js'), 'analyze', file, '--json'];
  const { stdout } = await promisify(execFile)(process.execPath, args, { cwd: repoRoot, encoding: 'utf8', timeout: 300_000, maxBuffer: 1 << 26 });
  const json = JSON.parse(stdout);
  return { ...json.field_plots, workingFno: json.paraxial.working_fno };
}

const um = (v: (number | null)[]) => v.map((x) => (x === null ? null : x * 1000));

/** What each plot must draw, from the CLI's JSON: the vertical axis and the curves, in drawing order. */
function expected(fp: FieldPlots): Record<string, { y: number[]; series: (number | null)[][] }> {
  return {
    curvature: { y: fp.field.values, series: fp.field_curvature.flatMap((c) => [c.tangential_mm, c.sagittal_mm]) },
    distortion: { y: fp.field.values, series: fp.distortion_percent.map((c) => c.values) },
    lateral: { y: fp.field.values, series: fp.lateral_color_mm.map((c) => um(c.values)) },
    longitudinal: { y: fp.longitudinal_aberration.pupil, series: fp.longitudinal_aberration.curves.map((c) => c.focus_mm) },
    chromatic: { y: fp.chromatic_focal_shift.wavelength_um, series: [um(fp.chromatic_focal_shift.focal_shift_mm)] },
  };
}

/** Waits until every plot in `ids` has drawn field plots of at least `revision`. */
async function drawn(page: Page, ids: string[], revision: number): Promise<void> {
  await poll(() => page.evaluate(([ids, rev]) => (ids as string[]).every((id) => (window.__fieldPlots?.[id]?.revision ?? -1) >= (rev as number)), [ids, revision] as const)).toBe(true);
}

async function plotted(page: Page, id: string): Promise<{ revision: number; y: number[]; series: (number | null)[][] }> {
  return page.evaluate((id) => {
    const d = window.__fieldPlots![id];
    return { revision: d.revision, y: Array.from(d.y), series: d.series.map((s) => Array.from(s)) };
  }, id);
}

const ALL = ['curvature', 'distortion', 'lateral', 'longitudinal', 'chromatic'];

describe.skipIf(!existsSync(CHROMIUM))('the Field plots panel in Chromium', () => {
  let sb: StudioBrowser;
  let page: Page;
  let cli: FieldPlots & { workingFno: number };
  const lensFile = path.join(repoRoot, 'lens-library/cooke-triplet.json');

  beforeAll(async () => {
    cli = await cliFieldPlots(lensFile);
    sb = await openStudioDrawn(lensFile);
    page = sb.page;
  });
  afterAll(async () => {
    await sb?.close();
  });

  it('is not computed while the panel is closed', async () => {
    expect(await page.evaluate(() => window.__fieldPlotsRequests ?? 0)).toBe(0);
  });

  it("draws the CLI's field_plots: field curvature T and S, distortion, lateral colour, longitudinal aberration, chromatic focal shift", async () => {
    await page.getByTestId('tab-fieldPlots').click();
    await page.getByTestId('field-plots-panel').waitFor();
    const rev = await spotsRevision(page);
    await drawn(page, ALL, rev);
    await poll(() => page.getByTestId('field-plots-status').textContent()).toBe('current');
    const want = expected(cli);
    for (const id of ALL) {
      const got = await plotted(page, id);
      expect(got.y, id).toEqual(want[id].y);
      expect(got.series, id).toEqual(want[id].series);
    }
    // Three wavelengths: six curves on the field curvature plot (T and S each), three elsewhere.
    expect((await plotted(page, 'curvature')).series).toHaveLength(6);
    expect(await page.getByTestId('field-plots-legend').textContent()).toContain('0.55 µm (primary)');
    // The summary's largest distortion is the CLI's.
    const maxDist = Math.max(...cli.distortion_percent.flatMap((c) => c.values.filter((v): v is number => v !== null).map(Math.abs)));
    expect(Number(await page.getByTestId('fp-max-distortion').getAttribute('data-value'))).toBe(maxDist);
    // The lateral colour plot's Airy radius (dashed): 1.22 λ N_w at the primary wavelength, µm.
    expect(Number(await page.getByTestId('field-plots-airy').getAttribute('data-um'))).toBeCloseTo(1.22 * 0.55 * cli.workingFno, 9);
    await screenshot(page, 'field-plots-01-all');
    expect(pageErrors(page)).toEqual([]);
  });

  it('each view draws its plots', async () => {
    const views: [string, string[]][] = [
      ['curvature', ['curvature', 'distortion']],
      ['lateral', ['lateral']],
      ['longitudinal', ['longitudinal']],
      ['chromatic', ['chromatic']],
    ];
    for (const [view, ids] of views) {
      const before = await page.evaluate(() => performance.now());
      await page.getByTestId(`field-plots-view-${view}`).click();
      await page.getByTestId(`field-plots-${view}`).waitFor();
      for (const id of ids) await poll(() => page.evaluate(([id, t]) => (window.__fieldPlots?.[id as string]?.at ?? 0) > (t as number), [id, before] as const)).toBe(true);
      await screenshot(page, `field-plots-0${views.findIndex((v) => v[0] === view) + 2}-${view}`);
    }
    await page.getByTestId('field-plots-view-all').click();
  });

  it('follows a radius edit with the numbers of the edited lens', { timeout: 300_000 }, async () => {
    const r0 = await spotsRevision(page);
    const cell = page.getByTestId('radius-0');
    await cell.click();
    await cell.fill('22.1');
    await cell.press('Enter');
    await poll(() => spotsRevision(page)).toBeGreaterThan(r0);
    const r1 = await spotsRevision(page);
    await drawn(page, ALL, r1);
    const dir = await mkdtemp(path.join(os.tmpdir(), 'lens-studio-fp-'));
    const edited = JSON.parse(await readFile(lensFile, 'utf8'));
    edited.surfaces[0].radius = 22.1;
    const file = path.join(dir, 'edited.json');
    await writeFile(file, JSON.stringify(edited));
    const want = expected(await cliFieldPlots(file));
    for (const id of ALL) expect((await plotted(page, id)).series, id).toEqual(want[id].series);
    expect((await plotted(page, 'curvature')).series).not.toEqual(expected(cli).curvature.series);
  });

  it('stops asking when the panel closes; reads on the light theme', async () => {
    await page.getByTestId('tab-optimize').click();
    const sent = await page.evaluate(() => window.__fieldPlotsRequests ?? 0);
    const r0 = await spotsRevision(page);
    const cell = page.getByTestId('radius-0');
    await cell.click();
    await cell.fill('22.01359');
    await cell.press('Enter');
    await poll(() => spotsRevision(page)).toBeGreaterThan(r0);
    await page.waitForTimeout(500);
    expect(await page.evaluate(() => window.__fieldPlotsRequests ?? 0)).toBe(sent);

    await page.getByTestId('theme-toggle').click();
    await poll(() => page.evaluate(() => document.documentElement.dataset.theme)).toBe('light');
    const before = await page.evaluate(() => performance.now());
    await page.getByTestId('tab-fieldPlots').click();
    await drawn(page, ALL, await spotsRevision(page));
    await poll(() => page.evaluate((t) => (window.__fieldPlots?.curvature?.at ?? 0) > t, before)).toBe(true);
    await screenshot(page, 'field-plots-06-all-light-theme');
    await page.getByTestId('theme-toggle').click();
    await poll(() => page.evaluate(() => document.documentElement.dataset.theme)).toBe('dark');
    expect(pageErrors(page)).toEqual([]);
  });
});
