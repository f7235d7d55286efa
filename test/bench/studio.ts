/**
 * studio_edit_to_frame_ms: in the browser studio (Chromium, headless, software WebGL), the time
 * from a radius edit committed in the lens data editor (typed, then Enter) to the first animation
 * frame that shows the new rays and spots (the renderer's own instrumentation,
 * renderer/src/perf.ts), median over 20 edits of the Cooke triplet's first radius, after 3
 * warm-up edits.
 *
 * studio_edit_to_frame_mtf_ms: the same with the Wave optics panel open on the MTF view, which
 * asks the host for a live MTF pass after every ray analysis (renderer/src/wave/waveStore.ts).
 * The two are measured in the same run in alternating blocks of 10 edits, so a loaded machine
 * weighs on both alike.
 *
 * studio_edit_to_frame_field_plots_ms: the same with the Field plots panel open, which asks for
 * the field plots once the lens has stayed the same for 80 ms (renderer/src/fieldPlots/
 * fieldPlotsStore.ts); measured in its own blocks of 10 edits, interleaved with the other two.
 *
 * studio_edit_to_mtf_frame_ms: with the MTF view open and the studio idle (the refined pass of the
 * previous lens shown), the time from a radius edit to the frame in which the MTF view has drawn
 * the live pass of that lens; median over 8 edits.
 */
import path from 'node:path';
import type { Page } from 'playwright-core';
import { openStudioInBrowser, repoRoot, waitForDrawn } from '../browser/harness.ts';

const BLOCK = 10;
const WARMUP = 3;
const WAVE_EDITS = 8;

const median = (t: number[]) => {
  const s = [...t].sort((a, b) => a - b);
  return (s[(s.length - 1) >> 1] + s[s.length >> 1]) / 2;
};
const p90 = (t: number[]) => {
  const s = [...t].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil(0.9 * s.length) - 1)];
};
const round = (v: number) => Number(v.toFixed(2));

/** Alternates the radius around the design value so the lens stays sensible. */
const radiusOf = (k: number) => 22.01359 * (1 + (k % 2 ? 0.004 : -0.004) * (1 + (k % 5) / 5));

/** One edit; returns the edit-to-frame time of the rays and spots, ms. */
async function editOnce(page: Page, k: number): Promise<number> {
  const cell = page.getByTestId('radius-0');
  await page.evaluate(() => window.__studioPerf!.reset());
  await cell.fill(radiusOf(k).toFixed(6));
  await cell.press('Enter');
  await page.waitForFunction(() => (window.__studioPerf?.frames.length ?? 0) > 0, undefined, { timeout: 30_000 });
  const f = await page.evaluate(() => window.__studioPerf!.frames[0]);
  if (process.env.LENS_STUDIO_BENCH_DEBUG) {
    const rel = (t?: number) => (t === undefined ? '-' : (t - f.editAt).toFixed(1));
    console.error(`edit→reply ${rel(f.editReplyAt)} analysis ${rel(f.analysisAt)} layout ${rel(f.layoutAt)} spots ${rel(f.spotsAt)} frame ${rel(f.shownAt)}`);
  }
  return f.shownAt - f.editAt;
}

type Panel = 'none' | 'mtf' | 'fieldPlots';

async function showPanel(page: Page, panel: Panel): Promise<void> {
  await page.getByTestId(panel === 'mtf' ? 'tab-wave' : panel === 'fieldPlots' ? 'tab-fieldPlots' : 'tab-optimize').click();
  if (panel === 'mtf') {
    await page.getByTestId('wave-view-mtf').click();
    await page.getByTestId('wave-body-mtf').waitFor();
  }
  if (panel === 'fieldPlots') await page.getByTestId('field-plot-curvature').waitFor({ timeout: 60_000 });
}

export async function benchStudioEditToFrame(): Promise<Record<string, number>> {
  const sb = await openStudioInBrowser({ lens: path.join(repoRoot, 'lens-library/cooke-triplet.json'), process: true });
  try {
    const { page } = sb;
    await page.getByTestId('radius-0').waitFor();
    await page.waitForFunction(() => Number(document.querySelector('[data-testid=spots]')?.getAttribute('data-revision')) > 0);
    await waitForDrawn(page, Number(await page.getByTestId('spots').getAttribute('data-revision')));
    await page.getByTestId('radius-0').click();

    const times: Record<Panel, number[]> = { none: [], mtf: [], fieldPlots: [] };
    const order: Panel[] = ['none', 'mtf', 'fieldPlots'];
    let k = 0;
    for (let block = 0; block < 2 * order.length; block++) {
      const panel = order[block % order.length];
      const warmup = block < order.length ? WARMUP : 0;
      await showPanel(page, panel);
      await page.getByTestId('radius-0').click();
      for (let i = 0; i < BLOCK + warmup; i++, k++) {
        const t = await editOnce(page, k);
        if (i >= warmup) times[panel].push(t);
      }
    }
    const base = times.none, mtf = times.mtf;

    // Edit → MTF view drawn (live pass), from an idle studio.
    await showPanel(page, 'mtf');
    const waveTimes: number[] = [];
    for (let i = 0; i < WAVE_EDITS; i++, k++) {
      await page.waitForFunction(() => document.querySelector('[data-testid=wave-body-mtf]')?.getAttribute('data-quality') === 'refined', undefined, { timeout: 120_000 });
      await page.evaluate(() => window.__wavePerf!.reset());
      await page.getByTestId('radius-0').click();
      await editOnce(page, k);
      const f = await page.evaluate(() => window.__studioPerf!.frames[0]);
      await page.waitForFunction((rev) => window.__wavePerf!.log.some((d) => d.view === 'mtf' && d.revision >= rev), f.revision, { timeout: 60_000 });
      const drawn = await page.evaluate((rev) => window.__wavePerf!.log.find((d) => d.view === 'mtf' && d.revision >= rev)!, f.revision);
      waveTimes.push(drawn.at - f.editAt);
    }
    return {
      studio_edit_to_frame_ms: round(median(base)),
      studio_edit_to_frame_p90_ms: round(p90(base)),
      studio_edit_to_frame_mtf_ms: round(median(mtf)),
      studio_edit_to_frame_mtf_p90_ms: round(p90(mtf)),
      studio_edit_to_frame_field_plots_ms: round(median(times.fieldPlots)),
      studio_edit_to_frame_field_plots_p90_ms: round(p90(times.fieldPlots)),
      studio_edit_to_mtf_frame_ms: round(median(waveTimes)),
    };
  } finally {
    await sb.close();
  }
}

// Run directly: node bin/run-ts.js test/bench/studio.ts
if (import.meta.url === `file://${process.argv[1]}` || process.argv[1]?.endsWith('test/bench/studio.ts')) {
  console.log(JSON.stringify(await benchStudioEditToFrame()));
}
