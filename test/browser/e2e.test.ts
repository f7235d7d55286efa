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

  it('runs the edof task preset: three arms, PSNR per object distance, PSFs through depth, Use trained lens', async () => {
    await page.getByTestId('e2e-task').selectOption('edof');
    await page.getByTestId('e2e-recon').selectOption('wiener');
    await page.getByTestId('e2e-steps').fill('1');
    await page.getByTestId('run-e2e').click();
    await poll(() => page.getByTestId('e2e-phase').textContent()).toBe('finished');
    expect(await page.getByTestId('e2e-arm').textContent()).toBe('joint');
    expect(await attr(page, 'e2e-depth-psnr', 'data-points')).toBe('5');
    for (const arm of ['nominal', 'sequential', 'joint']) expect(await attr(page, `psf-depth-${arm}`, 'data-width')).toBe(String(5 * 82 + 6 * 2));
    await page.getByTestId('use-trained-lens').click();
    await poll(() => page.getByTestId('radius-0').inputValue()).toBe('62.8'); // the EDOF doublet's first radius
    await screenshot(page, 'e2e-02-task');
    expect(pageErrors(page)).toEqual([]);
  });
});
