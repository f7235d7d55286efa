/**
 * What a linear reconstruction can reach through a given lens: the held-out PSNR of the Wiener
 * filter of ./wiener.ts (the run's prior) with its weight κ chosen, on the held-out set itself, to
 * maximise the mean PSNR, for two choices of PSF:
 *
 * - 'depth-averaged': the PSF averaged over the training object distances (the filter a depth-blind
 *   reconstruction uses; ./reconstruction.ts before its blend and network);
 * - 'true-depth': the PSF of each patch's own object distance, as if the reconstruction knew it (the
 *   PSF the patch was rendered with; a depth oracle).
 *
 * Both are bounds in the sense of an oracle κ; the second also of an oracle depth. The gap between
 * them is what a depth-aware reconstruction could gain with one linear filter per patch; a
 * reconstruction that beats the true-depth figure brings in knowledge of images beyond the filter's
 * 1/f² (or flat) spectrum, i.e. a trained network. Reading them per arm of an end-to-end study says
 * how much of a co-design gap is the lens and how much is the reconstruction.
 *
 * κ search: log κ on the grid −9, −8, …, 2 (continued outwards in unit steps, to ±16, while the PSNR
 * rises when the best is at an end), then refined by halving steps (0.5, 0.25) around the best.
 * Cost: about 15 Wiener passes of the held-out set per PSF choice (each pass one forward transform and
 * one inverse per channel and pair of patches).
 */
import type { SensorImager } from '../imaging/sensorImager.ts';
import type { PlacedScene } from './dataset.ts';
import { cropPatch } from './evaluate.ts';
import { psnr } from './metrics.ts';
import { WienerDeconvolver, type WienerPrior } from './wiener.ts';

export type WienerBoundPsf = 'depth-averaged' | 'true-depth';

export interface WienerBound {
  psf: WienerBoundPsf;
  /** The best log κ (natural log) found. */
  logK: number;
  /** Mean PSNR over the examples at that κ, dB (restored values clipped to [0, 1], margin left out). */
  psnr: number;
  /** Mean PSNR per object distance (in the order the distances first occur among the examples). */
  perDepth: { depthMm: number; psnr: number }[];
}

export interface WienerBoundOptions {
  patch: number;
  margin: number;
  prior: WienerPrior;
  /** Examples captured per batch (memory only; default 8). */
  batch?: number;
}

/**
 * The work of wienerBounds as a generator that yields after each Wiener pass over the examples (so
 * an async caller can let other work run between passes) and returns the bounds.
 */
function* boundSteps(imager: SensorImager, examples: readonly PlacedScene[], o: WienerBoundOptions): Generator<void, WienerBound[]> {
  if (examples.length === 0) throw new Error('wienerBounds: no examples');
  const P = o.patch;
  const C = imager.sensor.channels.length;
  const n = P * P * C;
  const sensor: Float64Array[] = [];
  const truth: ReturnType<typeof cropPatch>[] = [];
  const psfs: Record<WienerBoundPsf, Float64Array[]> = { 'depth-averaged': [], 'true-depth': [] };
  const batch = o.batch ?? 8;
  for (let s = 0; s < examples.length; s += batch) {
    const shot = imager.capture(examples.slice(s, s + batch), P, true);
    shot.images.forEach((y, b) => {
      sensor.push(y);
      truth.push(cropPatch(shot.targets.subarray(b * n, (b + 1) * n), P, C, o.margin, false));
      psfs['depth-averaged'].push(shot.meanPsfs![b]);
      psfs['true-depth'].push(shot.jobs[b].psf);
    });
  }
  yield;
  const depthOf = (ex: PlacedScene) => ex.depthMm ?? imager.stack.depthsMm[0];
  const depths = [...new Set(examples.map(depthOf))];
  const wiener = new WienerDeconvolver(P, imager.stack.lensPsf.size, C, o.prior);
  const meanOf = (v: readonly number[]) => v.reduce((a, b) => a + b, 0) / v.length;
  const out: WienerBound[] = [];
  for (const kind of ['depth-averaged', 'true-depth'] as const) {
    // per-example PSNR at each log κ tried; at() runs one Wiener pass (then yields) per new value
    const scored = new Map<number, number[]>();
    function* at(logK: number): Generator<void, number> {
      let r = scored.get(logK);
      if (!r) {
        r = [];
        for (let s = 0; s < sensor.length; s += batch) {
          const { outputs } = wiener.forward(sensor.slice(s, s + batch), psfs[kind].slice(s, s + batch), logK);
          outputs.forEach((x, b) => r!.push(psnr(cropPatch(x, P, C, o.margin, true), truth[s + b])));
        }
        scored.set(logK, r);
        yield;
      }
      return meanOf(r);
    }
    let best = -9;
    let bestV = yield* at(best);
    for (let l = -8; l <= 2; l++) {
      const v = yield* at(l);
      if (v > bestV) [best, bestV] = [l, v];
    }
    // a best at an end of the grid: go on outwards while the PSNR still rises (to ±16)
    for (const dir of [1, -1]) {
      if (best !== (dir > 0 ? 2 : -9)) continue;
      for (let l = best + dir; Math.abs(l) <= 16; l += dir) {
        const v = yield* at(l);
        if (!(v > bestV)) break;
        [best, bestV] = [l, v];
      }
    }
    for (const h of [0.5, 0.25]) {
      let next = best;
      let nextV = bestV;
      for (const l of [best - h, best + h]) {
        const v = yield* at(l);
        if (v > nextV) [next, nextV] = [l, v];
      }
      [best, bestV] = [next, nextV];
    }
    const perExample = scored.get(best)!;
    out.push({
      psf: kind,
      logK: best,
      psnr: bestV,
      perDepth: depths.map((z) => ({ depthMm: z, psnr: meanOf(perExample.filter((_, i) => depthOf(examples[i]) === z)) })),
    });
  }
  return out;
}

/**
 * Captures `examples` once through the imager's current lens (same noise seeds as the held-out
 * evaluation) and finds, for each PSF choice, the κ of best mean PSNR.
 * @param examples held-out examples, each with its object distance (one of the imager's depths)
 * @returns the 'depth-averaged' bound, then the 'true-depth' one
 * @throws Error when `examples` is empty
 */
export function wienerBounds(imager: SensorImager, examples: readonly PlacedScene[], o: WienerBoundOptions): WienerBound[] {
  const it = boundSteps(imager, examples, o);
  for (;;) {
    const r = it.next();
    if (r.done) return r.value;
  }
}

/**
 * wienerBounds, letting the event loop run between Wiener passes (a host serving other requests).
 * @returns null when `signal` aborts first
 */
export async function wienerBoundsAsync(imager: SensorImager, examples: readonly PlacedScene[], o: WienerBoundOptions, signal?: AbortSignal): Promise<WienerBound[] | null> {
  const it = boundSteps(imager, examples, o);
  for (;;) {
    if (signal?.aborted) return null;
    const r = it.next();
    if (r.done) return r.value;
    await new Promise<void>((res) => setImmediate(res));
  }
}
