/**
 * The end-to-end workspace in Chromium: a few joint lens + network steps on the Cooke triplet, the
 * loss points arriving live, the PSF grid image and the held-out restorations; then the edof task
 * preset: the three arms in turn, PSNR against object distance per arm, the PSFs through depth, and
 * "Use trained lens" moving the joint lens into the editor.
 */
import { existsSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { CHROMIUM, pageErrors, screenshot, testIdAttr, useStudioOnCooke } from './harness.ts';

const poll = <T,>(fn: () => T | Promise<T>) => expect.poll(fn, { timeout: 60_000, interval: 50 });
const attr = testIdAttr;

describe.skipIf(!existsSync(CHROMIUM))('the end-to-end panel in Chromium', () => {
  const studio = useStudioOnCooke({ beforeAll, afterAll });
  let page: Page;
  beforeAll(() => {
    page = studio().page;
  });

  it('runs a few joint steps: loss points arrive, the PSF grid and restorations are drawn', async () => {
    await poll(() => page.getByTestId('radius-0').inputValue()).toBe('22.01359');
    await page.getByTestId('workspace-e2e').click();
    await page.getByTestId('e2e-steps').fill('8');
    await page.getByTestId('run-e2e').click();
    await poll(() => page.getByTestId('e2e-phase').textContent()).toBe('finished');
    expect(Number(await attr(page, 'e2e-loss', 'data-points'))).toBe(8);
    const first = Number(await attr(page, 'e2e-loss', 'data-first'));
    expect(first).toBeGreaterThan(0);
    // 3 × 3 PSFs of 15 px at zoom 4 with 2 px gaps.
    expect(await attr(page, 'psf-grid', 'data-width')).toBe(String(3 * 60 + 4 * 2));
    const lit = await page.getByTestId('psf-grid').evaluate((c: HTMLCanvasElement) => {
      const d = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
      let n = 0;
      for (let i = 0; i < d.length; i += 4) if (d[i] > 200) n++;
      return n;
    });
    expect(lit).toBeGreaterThan(9);
    expect(await attr(page, 'example-restored-0', 'data-width')).toBe('32');
    expect(await page.getByTestId('e2e-backend').textContent()).toMatch(/TensorFlow\.js backend/);
    await screenshot(page, 'e2e-01-run');
    expect(pageErrors(page)).toEqual([]);
  });

  it('smooths the loss and PSNR curves (EMA over the raw values); labels the PSF grid and gives it a µm scale bar', async () => {
    type Curve = { x: number[]; series: { label: string; raw: number[]; smoothed: (number | null)[] | null }[] };
    const curve = () => page.evaluate(() => window.__labCurves!['e2e-loss'] as Curve);
    /** TensorBoard's debiased EMA, written out here as the reference. */
    const ema = (v: number[], w: number) => {
      let acc = 0;
      return v.map((x, i) => (acc = w * acc + (1 - w) * x) / (1 - w ** (i + 1)));
    };
    const check = (c: Curve, w: number) => {
      expect(c.x).toHaveLength(8);
      for (const s of c.series) {
        expect(s.raw).toHaveLength(8);
        const want = ema(s.raw, w);
        s.smoothed!.forEach((v, i) => expect(v).toBeCloseTo(want[i], 10));
        // Smoothing changes the curve (the raw values vary from step to step).
        expect(s.smoothed).not.toEqual(s.raw);
      }
    };
    expect(await page.getByTestId('e2e-smoothing').inputValue()).toBe('0.6');
    let c = await curve();
    expect(c.series.map((s) => s.label)).toEqual(['loss (L1 + 0.1·(1−SSIM))', 'PSNR (dB)']);
    expect(c.series[0].raw[0]).toBe(Number(await attr(page, 'e2e-loss', 'data-first')));
    check(c, 0.6);
    await page.getByTestId('e2e-smoothing').selectOption('0.9');
    await poll(async () => (await curve()).series[0].smoothed?.[7] === ema((await curve()).series[0].raw, 0.9)[7]).toBe(true);
    check(await curve(), 0.9);
    await page.getByTestId('e2e-smoothing').selectOption('0');
    await poll(async () => (await curve()).series[0].smoothed).toBeNull();
    await page.getByTestId('e2e-smoothing').selectOption('0.6');

    // Field labels: three columns at sensor x −a, 0, +a and three rows at y −b, 0, +b, the top row the largest y.
    const mm = async (id: string) => Number(await attr(page, id, 'data-mm'));
    const [x0, x1, x2] = [await mm('psf-grid-col-0'), await mm('psf-grid-col-1'), await mm('psf-grid-col-2')];
    expect(x1).toBeCloseTo(0, 12);
    expect(x0).toBeLessThan(0);
    expect(x2).toBeCloseTo(-x0, 12);
    const box = async (id: string) => (await page.getByTestId(id).boundingBox())!;
    expect((await box('psf-grid-row-2')).y).toBeLessThan((await box('psf-grid-row-0')).y);
    expect(await page.getByTestId('psf-grid-row-2').textContent()).toBe(`y +${(await mm('psf-grid-row-2')).toFixed(2)} mm`);
    // The middle column's label and the middle row's label are centred on the image.
    const img = await box('psf-grid');
    const mid = await box('psf-grid-col-1');
    expect(Math.abs(mid.x + mid.width / 2 - (img.x + img.width / 2))).toBeLessThan(1);
    const midRow = await box('psf-grid-row-1');
    expect(Math.abs(midRow.y + midRow.height / 2 - (img.y + img.height / 2))).toBeLessThan(1);
    // The scale bar: its drawn length is its µm over the PSF pixel pitch, times the zoom and the on-screen scale.
    const barUm = Number(await attr(page, 'psf-grid-scale', 'data-um'));
    const pitchUm = Number(await attr(page, 'psf-grid-figure', 'data-pitch-um'));
    const zoom = Number(await attr(page, 'psf-grid-figure', 'data-zoom'));
    expect(zoom).toBe(4);
    expect(pitchUm).toBeGreaterThan(0);
    const tileUm = 15 * pitchUm;
    expect(barUm).toBeLessThanOrEqual(0.6 * tileUm);
    expect(barUm).toBeGreaterThan(0.12 * tileUm);
    const onScreen = img.width / Number(await attr(page, 'psf-grid', 'data-width'));
    expect(Math.abs((await box('psf-grid-scale')).width - (barUm / pitchUm) * zoom * onScreen)).toBeLessThan(1);
    await screenshot(page, 'e2e-01b-smoothing-psf-grid');
    expect(pageErrors(page)).toEqual([]);
  });

  it('runs the edof task preset: three arms, PSNR per object distance, PSFs through depth, Use trained lens', async () => {
    await page.getByTestId('e2e-task').selectOption('edof');
    await page.getByTestId('e2e-recon').selectOption('wiener');
    await page.getByTestId('e2e-steps').fill('1');
    await page.getByTestId('run-e2e').click();
    await poll(() => page.getByTestId('e2e-phase').textContent()).toBe('finished');
    expect(await page.getByTestId('e2e-arm').textContent()).toBe('joint');
    expect(await attr(page, 'e2e-depth-psnr', 'data-points')).toBe('5');
    for (const arm of ['nominal', 'sequential', 'joint']) expect(await attr(page, `psf-depth-${arm}`, 'data-width')).toBe(String(5 * 82 + 6 * 2));
    // each finished arm's Wiener bounds: a row per arm, a "distance known" curve per arm
    const rows = await page.getByTestId('e2e-wiener-bounds').locator('tbody tr').allTextContents();
    expect(rows).toHaveLength(3);
    ['nominal', 'sequential', 'joint'].forEach((arm, i) => expect(rows[i]).toMatch(new RegExp(`^${arm}(\\d+\\.\\d\\d){3}$`)));
    const labels = await page.evaluate(() => (window.__labCurves!['e2e-depth-psnr'] as { series: { label: string }[] }).series.map((s) => s.label));
    expect(labels).toEqual(['nominal', 'sequential', 'joint', 'nominal (Wiener, z known)', 'sequential (Wiener, z known)', 'joint (Wiener, z known)']);
    await page.getByTestId('use-trained-lens').click();
    await poll(() => page.getByTestId('radius-0').inputValue()).toBe('62.8'); // the EDOF doublet's first radius
    await screenshot(page, 'e2e-02-task');
    expect(pageErrors(page)).toEqual([]);
  });
});
