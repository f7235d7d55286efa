/**
 * The Tolerancing workspace in Chromium on the Cooke triplet: the default tolerances, the
 * sensitivity table sorted by impact, the Monte Carlo histogram filling in while the run goes on,
 * the worst trial opened in the editor, and a small robust-design run with its comparison.
 */
import { existsSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { CHROMIUM, pageErrors, screenshot, testIdAttr, useStudioOnCooke } from './harness.ts';

const poll = <T,>(fn: () => T | Promise<T>) => expect.poll(fn, { timeout: 90_000, interval: 25 });

describe.skipIf(!existsSync(CHROMIUM))('the Tolerancing workspace in Chromium', () => {
  const studio = useStudioOnCooke({ beforeAll, afterAll });
  let page: Page;
  beforeAll(() => {
    page = studio().page;
  });

  it('analyses the defaults: sensitivity sorted by impact, histogram filling live, worst trial opened', async () => {
    await poll(() => page.getByTestId('radius-0').inputValue()).toBe('22.01359');
    await page.getByTestId('workspace-tolerance').click();
    await page.getByTestId('tolerance-defaults').click();
    await poll(() => page.getByTestId('tolerance-table').locator('tbody tr').count()).toBeGreaterThan(40);
    await page.getByTestId('tolerance-trials').fill('200');
    await page.getByTestId('run-tolerance').click();
    // The histogram fills in: seen with some but not all trials, then with all of them.
    const seen = new Set<number>();
    await poll(async () => {
      const n = Number(await testIdAttr(page, 'tolerance-histogram', 'data-count'));
      seen.add(n);
      return n;
    }).toBe(200);
    expect([...seen].some((n) => n > 0 && n < 200)).toBe(true);
    await poll(() => page.getByTestId('tolerance-phase').textContent()).toMatch(/^finished 200\/200/);
    const rows = page.getByTestId('sensitivity-row');
    expect(await rows.count()).toBeGreaterThan(40);
    const widths = await page.locator('[data-testid=sensitivity-row] .tol-bar').evaluateAll((els) => els.map((e) => parseFloat((e as HTMLElement).style.width)));
    expect(widths[0]).toBeCloseTo(100, 6);
    for (let i = 1; i < widths.length; i++) expect(widths[i]).toBeLessThanOrEqual(widths[i - 1] + 1e-9);
    const p90 = Number(await testIdAttr(page, 'tolerance-p90', 'data-p90'));
    expect(p90).toBeGreaterThan(0.005);
    await screenshot(page, 'tolerance-01-monte-carlo');
    await page.getByTestId('open-worst').click();
    await page.getByTestId('workspace-design').click();
    await poll(() => page.getByText('Coord Brk').count()).toBeGreaterThan(3);
    await page.keyboard.press('Control+z');
    await poll(() => page.getByTestId('radius-0').inputValue()).toBe('22.01359');
    expect(pageErrors(page)).toEqual([]);
  });

  it('runs a small robust design and shows the nominal-vs-robust comparison', async () => {
    await page.getByTestId('workspace-tolerance').click();
    await page.getByTestId('robust-samples').fill('3');
    await page.getByTestId('robust-iterations').fill('2');
    await page.getByTestId('robust-trials').fill('20');
    await page.getByTestId('run-robust').click();
    await poll(() => page.getByTestId('robust-phase').textContent()).toMatch(/^finished/);
    const p90 = Number(await page.getByTestId('robust-p90').textContent());
    expect(p90).toBeGreaterThan(5);
    await screenshot(page, 'tolerance-02-robust');
    expect(pageErrors(page)).toEqual([]);
  });
});
