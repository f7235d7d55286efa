/**
 * The deflectometry workspace in Chromium: simulate a small session of the bundled rig, see its
 * fringe images, calibrate with a live loss curve that falls, see the error map and the measured /
 * modelled overlay, and load the fitted lens into the editor (undoable). The expected radii come
 * from the simulation's truth lens on disk, not from the studio.
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { parsePrescriptionJson } from '../../engine/io/json.ts';
import { CHROMIUM, pageErrors, screenshot, testIdAttr, useStudioOnCooke } from './harness.ts';

const poll = <T,>(fn: () => T | Promise<T>) => expect.poll(fn, { timeout: 60_000, interval: 50 });
const shot = screenshot;
const attr = testIdAttr;

describe.skipIf(!existsSync(CHROMIUM))('the deflectometry panel in Chromium', () => {
  const studio = useStudioOnCooke({ beforeAll, afterAll });
  let page: Page;
  beforeAll(() => {
    page = studio().page;
  });

  it('simulates a session, calibrates with a falling loss, shows the error map, and uses the fitted lens', async () => {
    await poll(() => page.getByTestId('radius-0').inputValue()).toBe('22.01359');
    await page.getByTestId('workspace-deflectometry').click();
    await page.getByTestId('sim-binning').selectOption('32');
    await page.getByTestId('simulate-session').click();
    await poll(() => page.getByTestId('session-facts').textContent()).toContain('camera1 64×64');
    await poll(() => attr(page, 'fringe-image', 'data-width')).toBe('64');
    expect(Number(await attr(page, 'screen-overlay', 'data-measured'))).toBeGreaterThan(1000);
    const dir = await page.getByTestId('session-path').inputValue();
    await shot(page, 'deflectometry-01-session');

    await page.getByTestId('run-calibration').click();
    await page.getByTestId('use-fitted-lens').and(page.locator(':enabled')).waitFor({ timeout: 60_000 });
    await poll(() => page.getByTestId('calibration-status').textContent()).toMatch(/finished/);
    const points = Number(await attr(page, 'calibration-loss', 'data-points'));
    const first = Number(await attr(page, 'calibration-loss', 'data-first'));
    const last = Number(await attr(page, 'calibration-loss', 'data-last'));
    expect(points).toBeGreaterThan(3);
    expect(last).toBeLessThan(1e-3 * first);
    expect(Number(await attr(page, 'error-map-camera1', 'data-rms'))).toBeLessThan(2);
    expect(Number(await attr(page, 'screen-overlay', 'data-modelled'))).toBeGreaterThan(50);
    await shot(page, 'deflectometry-02-calibrated');

    // Use the fitted lens: the editor now holds the meniscus, within 0.1 % of the simulated truth.
    const truth = parsePrescriptionJson(await readFile(path.join(dir, 'truth-lens.json'), 'utf8'));
    await page.getByTestId('use-fitted-lens').click();
    await page.getByTestId('workspace-design').click();
    const r1 = (truth.surfaces[0] as { radius: number }).radius;
    await poll(async () => Math.abs(Number(await page.getByTestId('radius-0').inputValue()) / r1 - 1) < 1e-3).toBe(true);
    await shot(page, 'deflectometry-03-fitted-lens-in-editor');
    await page.getByTestId('undo').click();
    await poll(() => page.getByTestId('radius-0').inputValue()).toBe('22.01359');
    expect(pageErrors(page)).toEqual([]);
  });
});
