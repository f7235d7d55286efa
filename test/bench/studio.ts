/**
 * studio_edit_to_frame_ms: in the browser studio (Chromium, headless, software WebGL), the time
 * from a radius edit committed in the lens data editor (typed, then Enter) to the first animation
 * frame that shows the new rays and spots (the renderer's own instrumentation,
 * renderer/src/perf.ts), median over 20 edits of the Cooke triplet's first radius, after 3
 * warm-up edits.
 */
import path from 'node:path';
import { openStudioInBrowser, repoRoot, waitForDrawn } from '../browser/harness.ts';

const EDITS = 20;
const WARMUP = 3;

export async function benchStudioEditToFrame(): Promise<{ studio_edit_to_frame_ms: number; studio_edit_to_frame_p90_ms: number }> {
  const sb = await openStudioInBrowser({ lens: path.join(repoRoot, 'lens-library/cooke-triplet.json'), process: true });
  try {
    const { page } = sb;
    await page.getByTestId('radius-0').waitFor();
    await page.waitForFunction(() => Number(document.querySelector('[data-testid=spots]')?.getAttribute('data-revision')) > 0);
    await waitForDrawn(page, Number(await page.getByTestId('spots').getAttribute('data-revision')));
    const cell = page.getByTestId('radius-0');
    await cell.click();

    const times: number[] = [];
    for (let k = 0; k < EDITS + WARMUP; k++) {
      await page.evaluate(() => window.__studioPerf!.reset());
      // Alternate around the design value so the lens stays sensible.
      const radius = 22.01359 * (1 + (k % 2 ? 0.004 : -0.004) * (1 + (k % 5) / 5));
      await cell.fill(radius.toFixed(6));
      await cell.press('Enter');
      await page.waitForFunction(() => (window.__studioPerf?.frames.length ?? 0) > 0, undefined, { timeout: 10_000 });
      const f = await page.evaluate(() => window.__studioPerf!.frames[0]);
      if (process.env.LENS_STUDIO_BENCH_DEBUG) {
        const rel = (t?: number) => (t === undefined ? '-' : (t - f.editAt).toFixed(1));
        console.error(`edit→reply ${rel(f.editReplyAt)} analysis ${rel(f.analysisAt)} layout ${rel(f.layoutAt)} spots ${rel(f.spotsAt)} frame ${rel(f.shownAt)}`);
      }
      if (k >= WARMUP) times.push(f.shownAt - f.editAt);
    }
    times.sort((a, b) => a - b);
    const median = (times[(times.length - 1) >> 1] + times[times.length >> 1]) / 2;
    const p90 = times[Math.min(times.length - 1, Math.ceil(0.9 * times.length) - 1)];
    return { studio_edit_to_frame_ms: Number(median.toFixed(2)), studio_edit_to_frame_p90_ms: Number(p90.toFixed(2)) };
  } finally {
    await sb.close();
  }
}

// Run directly: node bin/run-ts.js test/bench/studio.ts
if (import.meta.url === `file://${process.argv[1]}` || process.argv[1]?.endsWith('test/bench/studio.ts')) {
  console.log(JSON.stringify(await benchStudioEditToFrame()));
}
