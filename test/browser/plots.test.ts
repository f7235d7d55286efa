/**
 * The studio's plots in Chromium (issue 16 items 8–11): spot diagrams with the Airy disk, centroid,
 * polychromatic overlay, a scale bar per row, the large single spot and through-focus spots; ray
 * fans with their wavelength legend, maximum scale and tick labels at a small window size; the
 * layout's scale bar; the glass map substituting a glass (undoable). Expected numbers come from
 * the engine run in this process. Screenshots: test/artifacts/plots-*.png.
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { analyze } from '../../engine/analysis/report.ts';
import { firstOrder } from '../../engine/analysis/firstOrder.ts';
import { rayFan } from '../../engine/analysis/rayFan.ts';
import { spotDiagram } from '../../engine/analysis/spot.ts';
import { parsePrescriptionJson } from '../../engine/io/json.ts';
import type { Prescription } from '../../engine/io/prescription.ts';
import { GlassLibrary } from '../../engine/materials/glassLibrary.ts';
import { glassMapPoints } from '../../engine/materials/glassMap.ts';
import { buildSystem } from '../../engine/paraxial/buildSystem.ts';
import { CHROMIUM, openStudioDrawn, pageErrors, repoRoot, screenshot, type StudioBrowser } from './harness.ts';

const poll = <T,>(fn: () => T | Promise<T>) => expect.poll(fn, { timeout: 30_000, interval: 50 });
const build = (p: Prescription) => buildSystem(p, GlassLibrary.builtin());
const eflText = (p: Prescription) => analyze(build(p)).paraxial.efl.toFixed(4).replace('-', '−');

/** The smallest 1, 2, 5 × 10^k ≥ v (the plots' round scales). */
function roundUp(v: number): number {
  const e = Math.floor(Math.log10(v));
  for (const m of [1, 2, 5, 10]) if (m * 10 ** e >= v * (1 - 1e-12)) return m * 10 ** e;
  return 10 ** (e + 1);
}

const numbers = (s: string | null) => (s ?? '').split(',').filter(Boolean).map(Number);

describe.skipIf(!existsSync(CHROMIUM))('the studio plots in Chromium', () => {
  let sb: StudioBrowser;
  let page: Page;
  let cooke: Prescription;
  let nw: number;

  beforeAll(async () => {
    cooke = parsePrescriptionJson(await readFile(path.join(repoRoot, 'lens-library/cooke-triplet.json'), 'utf8'));
    nw = firstOrder(build(cooke)).workingFno;
    sb = await openStudioDrawn(path.join(repoRoot, 'lens-library/cooke-triplet.json'));
    page = sb.page;
  });
  afterAll(async () => {
    await sb?.close();
  });

  it('draws spots with the Airy disk (1.22 λ N_w) and one round scale, or a scale bar per field', async () => {
    const sys = build(cooke);
    const spots = [0, 1, 2].flatMap((f) => [0, 1, 2].map((w) => spotDiagram(sys, f, w)));
    const airy = (w: number) => 1.22 * sys.wavelengthsUm[w] * 1e-3 * nw;
    const el = page.getByTestId('spots');
    // Fields in rows, wavelengths in columns: the Airy radius of each column's wavelength.
    expect(numbers(await el.getAttribute('data-airy-mm'))).toEqual([0, 1, 2].flatMap(() => [0, 1, 2].map((w) => expect.closeTo(airy(w), 12))));
    const largest = Math.max(...spots.map((s) => Math.max(s.geoRadius!, airy(s.wavelengthIndex))));
    expect(Number(await el.getAttribute('data-common-scale-mm'))).toBeCloseTo(roundUp(largest * 1.02), 12);
    await page.getByTestId('spots-scale').click();
    await poll(() => el.getAttribute('data-scale')).toBe('row');
    const perRow = [0, 1, 2].map((f) => roundUp(Math.max(...spots.filter((s) => s.fieldIndex === f).map((s) => Math.max(s.geoRadius!, airy(s.wavelengthIndex)))) * 1.02));
    expect(numbers(await el.getAttribute('data-row-scales-mm'))).toEqual(perRow.map((v) => expect.closeTo(v, 12)));
    expect(new Set(perRow).size).toBeGreaterThan(1); // the on-axis spot is much smaller: its own scale
    expect(await el.getAttribute('data-common-scale-mm')).toBe('');
    await screenshot(page, 'plots-spots-scale-per-field');
    await page.getByTestId('spots-poly').click();
    await poll(() => el.getAttribute('data-poly')).toBe('true');
    expect(await page.getByTestId('spots-legend').textContent()).toBe('0.48 µm0.55 µm0.65 µm');
    // One polychromatic spot per field, its Airy disk at the primary wavelength (0.55 µm).
    expect(numbers(await el.getAttribute('data-airy-mm'))).toEqual([0, 1, 2].map(() => expect.closeTo(airy(1), 12)));
    await screenshot(page, 'plots-spots-polychromatic');
    await page.getByTestId('spots-poly').click();
    await page.getByTestId('spots-scale').click();
  });

  it('enlarges a spot on the Spot diagrams tab, with its numbers', async () => {
    await page.getByTestId('tab-spots').click();
    const el = page.getByTestId('spots');
    const canvas = el.locator('canvas');
    const box = (await canvas.boundingBox())!;
    // The middle cell of the 3 × 3 matrix: field 2 at 0.55 µm.
    await canvas.click({ position: { x: 54 + (box.width - 60) / 2, y: 20 + (box.height - 40) / 2 - 6 } });
    await poll(() => el.getAttribute('data-view')).toBe('single');
    const s = spotDiagram(build(cooke), 1, 1);
    expect(numbers(await el.getAttribute('data-airy-mm'))).toEqual([expect.closeTo(1.22 * 0.55e-3 * nw, 12)]);
    expect(Number(await el.getAttribute('data-common-scale-mm'))).toBeCloseTo(roundUp(s.geoRadius! * 1.02), 12);
    await screenshot(page, 'plots-spot-single');
    await page.getByTestId('spots-back').click();
    await poll(() => el.getAttribute('data-view')).toBe('grid');
  });

  it('shows through-focus spots on planes −2Δ … +2Δ, Δ = 2 λ N_w² unless given', async () => {
    const el = page.getByTestId('spots');
    await page.getByTestId('spots-view-focus').click();
    const step = 2 * 0.55e-3 * nw * nw;
    await poll(async () => numbers(await el.getAttribute('data-focus-mm')).length).toBe(5);
    expect(numbers(await el.getAttribute('data-focus-mm'))).toEqual([-2, -1, 0, 1, 2].map((k) => expect.closeTo(k * step, 12)));
    await screenshot(page, 'plots-through-focus');
    await page.getByTestId('focus-step').fill('50');
    await page.getByTestId('focus-step').press('Enter');
    await poll(() => el.getAttribute('data-focus-mm')).toBe('-0.1,-0.05,0,0.05,0.1');
    await page.getByTestId('spots-view-grid').click();
    await page.getByTestId('tab-both').click();
  });

  it('labels the ray fans: wavelength legend, maximum scale, ticks at a small window size', async () => {
    const sys = build(cooke);
    let largest = 0;
    for (let f = 0; f < 3; f++) {
      for (let w = 0; w < 3; w++) {
        const r = rayFan(sys, f, w, { points: 257 });
        r.tangentialY.forEach((v, i) => r.tangentialValid[i] && (largest = Math.max(largest, Math.abs(v))));
        r.sagittalX.forEach((v, i) => r.sagittalValid[i] && (largest = Math.max(largest, Math.abs(v))));
      }
    }
    const max = roundUp(largest * 1000);
    await page.getByTestId('tab-fans').click();
    await poll(async () => Number(await page.getByTestId('ray-fans').getAttribute('data-max-scale-um'))).toBe(max);
    expect(await page.getByTestId('fans-max-scale').textContent()).toBe(`Maximum scale ±${max} µm`);
    expect(await page.getByTestId('fans-legend').textContent()).toBe('0.48 µm0.55 µm0.65 µm');
    await page.setViewportSize({ width: 1000, height: 620 });
    const plots = page.getByTestId('ray-fans').locator('.uplot');
    await poll(() => plots.count()).toBe(6);
    await poll(async () => (await plots.nth(5).getAttribute('data-y-labels')) ?? '').toMatch(/^-\d/);
    for (let k = 0; k < 6; k++) {
      const y = ((await plots.nth(k).getAttribute('data-y-labels')) ?? '').split('|');
      const x = ((await plots.nth(k).getAttribute('data-x-labels')) ?? '').split('|');
      expect(y).toEqual(expect.arrayContaining([String(-max), '0', String(max)]));
      expect(x).toEqual(expect.arrayContaining(['-1', '0', '1']));
    }
    await screenshot(page, 'plots-fans-small-window');
    await page.setViewportSize({ width: 1600, height: 1000 });
    await page.getByTestId('tab-both').click();
  });

  it('puts a round-length scale bar on the layout that follows the zoom', async () => {
    const bar = page.getByTestId('layout-scale-bar');
    await bar.waitFor();
    const mm = Number(await bar.getAttribute('data-mm'));
    expect([1, 2, 5].some((m) => Math.abs(mm / 10 ** Math.floor(Math.log10(mm)) - m) < 1e-9)).toBe(true);
    expect(await bar.textContent()).toBe(`${mm} mm at axis`);
    await page.getByTestId('layout-section').click();
    await poll(() => bar.textContent()).toMatch(/^\d+ mm$/);
    const before = Number(await bar.getAttribute('data-mm'));
    const layout = (await page.getByTestId('layout').boundingBox())!;
    await page.mouse.move(layout.x + layout.width / 2, layout.y + layout.height / 2);
    for (let k = 0; k < 6; k++) await page.mouse.wheel(0, -400);
    await poll(async () => Number(await bar.getAttribute('data-mm'))).toBeLessThan(before);
    await screenshot(page, 'plots-layout-scale-bar');
    await page.getByTestId('layout-3d').click();
  });

  it('substitutes a glass from the glass map, as one undoable edit', async () => {
    await page.getByTestId('radius-0').click(); // surface 1 (SK16) is the target
    await page.getByTestId('tab-glassMap').click();
    const map = page.getByTestId('glass-map');
    await poll(async () => Number(await map.getAttribute('data-revision'))).toBeGreaterThan(0);
    const f = JSON.parse((await map.getAttribute('data-frame'))!) as { left: number; top: number; width: number; height: number; vdMin: number; vdMax: number; ndMin: number; ndMax: number };
    const canvas = (await map.locator('canvas').boundingBox())!;
    const at = (vd: number, nd: number) => ({
      x: canvas.x + f.left + ((f.vdMax - vd) / (f.vdMax - f.vdMin)) * f.width,
      y: canvas.y + f.top + ((f.ndMax - nd) / (f.ndMax - f.ndMin)) * f.height,
    });
    // A crown with no other glass within 10 px (catalogs list near-twins, e.g. N-BK7 and BSC7).
    const points = glassMapPoints(GlassLibrary.builtin().catalogs());
    const glass = points.find((g) => {
      const p = at(g.vd, g.nd);
      return g.vd > 55 && points.every((o) => o === g || Math.hypot(at(o.vd, o.nd).x - p.x, at(o.vd, o.nd).y - p.y) > 10);
    })!;
    const spot = at(glass.vd, glass.nd);
    await page.mouse.move(spot.x, spot.y);
    await poll(() => page.getByTestId('glass-hover').textContent()).toBe(`${glass.catalog} ${glass.name}  nd ${glass.nd.toFixed(5)}  Vd ${glass.vd.toFixed(2)}`);
    await screenshot(page, 'plots-glass-map');
    await page.mouse.click(spot.x, spot.y);
    await poll(() => page.getByTestId('material-0').inputValue()).toBe(`${glass.catalog}:${glass.name}`);
    const swapped = structuredClone(cooke);
    (swapped.surfaces[0] as { material: string }).material = `${glass.catalog}:${glass.name}`;
    await poll(() => page.getByTestId('efl').textContent()).toBe(eflText(swapped));
    expect(await page.getByTestId('undo').getAttribute('title')).toBe('Undo Surface 1 material (Ctrl+Z)');
    await screenshot(page, 'plots-glass-substituted');
    await page.getByTestId('undo').click();
    await poll(() => page.getByTestId('material-0').inputValue()).toBe('SK16');
    await poll(() => page.getByTestId('efl').textContent()).toBe(eflText(cooke));
    expect(pageErrors(page)).toEqual([]);
  });
});
