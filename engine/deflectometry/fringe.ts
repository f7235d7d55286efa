/**
 * Fringe analysis: from phase-shifted camera images to the screen point each camera pixel sees.
 *
 * 1. N-step phase shifting (N ≥ 3, 4 by default). With I_k = A + B cos(φ + δ_k), δ_k = 2πk/N:
 *      S = Σ I_k sin δ_k = −(N/2) B sin φ,   C = Σ I_k cos δ_k = (N/2) B cos φ,
 *      φ = atan2(−S, C) (wrapped),  B = (2/N)√(S² + C²) (modulation),  A = Σ I_k / N (mean).
 *    (Malacara, "Optical Shop Testing", 3rd ed., ch. 14, N-step algorithms.)
 * 2. Modulation mask: a pixel is kept only if B ≥ minModulation (fraction of full scale) and
 *    B / A ≥ minContrast for every period and direction; the screen edge, the lens mount and
 *    anything dark or saturated fail it.
 * 3. Multi-period temporal unwrapping by a search consistent with all periods (the exact form
 *    of the excess-fractions method): every candidate position x = f₀ + n·P₀ on the screen's
 *    extent (f_i = φ_i P_i / 2π the fractional position within period i) is scored by the
 *    wrapped misfit of the other periods; the best is refined to the weighted mean of the
 *    per-period positions (weights B_i² / P_i², inverse position variances). A pixel is masked
 *    when the per-period positions disagree by more than `maxMisfitPx` (a wrong period, a
 *    corrupted frame, mixed pixels at an edge) or when a second candidate fits nearly as well.
 *    With the rig's periods 70, 100, 110 px the nearest false coincidence over a 2560 px screen
 *    misfits by 10 px in one period, so a 3 px threshold separates it with margin.
 * 4. Screen millimetres: x_s = s · pitch (screen.ts), giving the measured screen intersection of
 *    every valid pixel, with the lens in place or without it (the reference).
 */
import { patternFrames, phaseShift, type FringeDirection, type PatternSet } from './patterns.ts';

/** Wrapped phase (radians, (−π, π]), modulation B and mean A of one N-step sequence. */
export interface PhaseMap {
  readonly phase: Float64Array;
  readonly modulation: Float64Array;
  readonly mean: Float64Array;
}

/** Pixel data of one image: any numeric array of width × height values, row-major. */
export type ImageData = ArrayLike<number>;

/**
 * N-step phase-shifting decode of one direction and period.
 * @param frames N images (same length), step k shifted by 2πk/N
 * @param fullScale the value of a saturated pixel (65535 for 16-bit), to normalise B and A to 0..1
 * @throws RangeError for fewer than 3 frames or frames of different sizes
 */
export function decodePhaseShift(frames: readonly ImageData[], fullScale = 1): PhaseMap {
  const n = frames.length;
  if (n < 3) throw new RangeError(`phase shifting needs at least 3 frames (got ${n})`);
  const len = frames[0].length;
  for (const f of frames) if (f.length !== len) throw new RangeError(`phase-shifted frames differ in size (${f.length} vs ${len})`);
  const sin = new Float64Array(n);
  const cos = new Float64Array(n);
  for (let k = 0; k < n; k++) {
    sin[k] = Math.sin(phaseShift(k, n));
    cos[k] = Math.cos(phaseShift(k, n));
  }
  const phase = new Float64Array(len);
  const modulation = new Float64Array(len);
  const mean = new Float64Array(len);
  const scale = 1 / fullScale;
  for (let p = 0; p < len; p++) {
    let s = 0;
    let c = 0;
    let a = 0;
    for (let k = 0; k < n; k++) {
      const v = frames[k][p] * scale;
      s += v * sin[k];
      c += v * cos[k];
      a += v;
    }
    phase[p] = Math.atan2(-s, c);
    modulation[p] = (2 / n) * Math.sqrt(s * s + c * c);
    mean[p] = a / n;
  }
  return { phase, modulation, mean };
}

export interface UnwrapOptions {
  /** Allowed range of the unwrapped coordinate, screen px [min, max] (the screen's extent). */
  readonly rangePx: readonly [number, number];
  /** Largest disagreement between per-period positions, screen px (default 3). */
  readonly maxMisfitPx?: number;
}

/** Unwrapped coordinate (screen px; NaN where invalid) and each pixel's misfit (px). */
export interface UnwrapResult {
  readonly coordPx: Float64Array;
  readonly misfitPx: Float64Array;
  readonly valid: Uint8Array;
}

const TWO_PI = 2 * Math.PI;

/** x wrapped into [−P/2, P/2). */
function wrapCentered(x: number, p: number): number {
  return x - p * Math.floor(x / p + 0.5);
}

/**
 * Multi-period temporal phase unwrapping by an exhaustive search consistent with all periods
 * (module doc, step 3).
 * @param phases wrapped phase per period (radians), each of the same length
 * @param modulations modulation per period (weights of the refined mean)
 * @param periodsPx the periods, screen px
 * @param mask pixels to unwrap (1) or skip (0); skipped pixels come out invalid
 * @throws RangeError when the arrays do not match
 */
export function unwrapMultiPeriod(
  phases: readonly Float64Array[],
  modulations: readonly Float64Array[],
  periodsPx: readonly number[],
  mask: Uint8Array,
  options: UnwrapOptions,
): UnwrapResult {
  const m = periodsPx.length;
  if (phases.length !== m || modulations.length !== m) throw new RangeError('one phase map and one modulation map per period are needed');
  const len = mask.length;
  for (const a of [...phases, ...modulations]) if (a.length !== len) throw new RangeError('phase maps and mask differ in size');
  const tol = options.maxMisfitPx ?? 3;
  const [lo, hi] = options.rangePx;
  // Anchor on the period with the fewest candidates over the range (the longest).
  let anchor = 0;
  for (let i = 1; i < m; i++) if (periodsPx[i] > periodsPx[anchor]) anchor = i;
  const pa = periodsPx[anchor];
  const coordPx = new Float64Array(len).fill(NaN);
  const misfitPx = new Float64Array(len).fill(NaN);
  const valid = new Uint8Array(len);
  const frac = new Float64Array(m);
  for (let p = 0; p < len; p++) {
    if (!mask[p]) continue;
    for (let i = 0; i < m; i++) {
      const f = (phases[i][p] / TWO_PI) * periodsPx[i];
      frac[i] = f - periodsPx[i] * Math.floor(f / periodsPx[i]);
    }
    const fa = frac[anchor];
    const nLo = Math.ceil((lo - tol - fa) / pa);
    const nHi = Math.floor((hi + tol - fa) / pa);
    let best = Infinity;
    let second = Infinity;
    let bestX = NaN;
    for (let n = nLo; n <= nHi; n++) {
      const x = fa + n * pa;
      let cost = 0;
      for (let i = 0; i < m; i++) {
        if (i === anchor) continue;
        const r = wrapCentered(x - frac[i], periodsPx[i]);
        cost += r * r;
      }
      if (cost < best) {
        second = best;
        best = cost;
        bestX = x;
      } else if (cost < second) second = cost;
    }
    if (!Number.isFinite(bestX)) continue;
    // Refine: weighted mean of each period's position nearest to the chosen candidate.
    let sw = 0;
    let sx = 0;
    for (let i = 0; i < m; i++) {
      const xi = bestX - wrapCentered(bestX - frac[i], periodsPx[i]);
      const w = (modulations[i][p] * modulations[i][p]) / (periodsPx[i] * periodsPx[i]);
      sw += w;
      sx += w * xi;
    }
    const x = sw > 0 ? sx / sw : bestX;
    let misfit = 0;
    for (let i = 0; i < m; i++) misfit = Math.max(misfit, Math.abs(wrapCentered(x - frac[i], periodsPx[i])));
    misfitPx[p] = misfit;
    // A rival candidate must misfit by at least 2·tol (in the root-sum-square sense) to trust the choice.
    const ambiguous = second < 4 * tol * tol;
    if (misfit <= tol && !ambiguous && x >= lo && x <= hi) {
      coordPx[p] = x;
      valid[p] = 1;
    }
  }
  return { coordPx, misfitPx, valid };
}

export interface DecodeOptions {
  /** Minimum modulation B as a fraction of full scale (default 0.02). */
  readonly minModulation?: number;
  /** Minimum fringe contrast B / A (default 0.1). */
  readonly minContrast?: number;
  /** Largest disagreement between periods, screen px (default 3). */
  readonly maxMisfitPx?: number;
  /** Full-scale pixel value (default 65535, 16-bit). */
  readonly fullScale?: number;
}

/** The measured screen intersection of every camera pixel of one capture set. */
export interface ScreenMeasurement {
  readonly width: number;
  readonly height: number;
  /** Screen mm of the point each pixel sees (NaN where invalid), row-major width × height. */
  readonly xMm: Float64Array;
  readonly yMm: Float64Array;
  /** 1 where both coordinates were decoded and unwrapped consistently. */
  readonly valid: Uint8Array;
  /** Smallest modulation over all periods and directions (fraction of full scale). */
  readonly modulation: Float64Array;
  /** Largest per-period misfit of the two directions, screen px (NaN where not unwrapped). */
  readonly misfitPx: Float64Array;
  /** Pixels masked for low modulation / inconsistent periods. */
  readonly maskedLowModulation: number;
  readonly maskedInconsistent: number;
}

/**
 * Decodes a full capture set (every frame of `set`, in patternFrames order) into screen points.
 * @param images one image per frame of `patternFrames(set)`, each width × height values
 * @param screenSize screen resolution [W, H] (px) and pixel pitch (mm), giving the unwrapping range
 * @throws RangeError when the number or size of images does not match
 */
export function decodeScreenPoints(
  images: readonly ImageData[],
  width: number,
  height: number,
  set: PatternSet,
  screen: { readonly widthPx: number; readonly heightPx: number; readonly pitchMm: number },
  options: DecodeOptions = {},
): ScreenMeasurement {
  const frames = patternFrames(set);
  if (images.length !== frames.length) {
    throw new RangeError(`expected ${frames.length} fringe images (${set.directions.length} directions × ${set.periodsPx.length} periods × ${set.steps} steps), got ${images.length}`);
  }
  const len = width * height;
  images.forEach((im, i) => {
    if (im.length !== len) throw new RangeError(`fringe image ${i} has ${im.length} pixels, expected ${width}×${height}`);
  });
  const fullScale = options.fullScale ?? 65535;
  const minMod = options.minModulation ?? 0.02;
  const minContrast = options.minContrast ?? 0.1;
  const modulation = new Float64Array(len).fill(Infinity);
  const mask = new Uint8Array(len).fill(1);
  const maps = new Map<FringeDirection, PhaseMap[]>();
  for (const dir of set.directions) {
    const list: PhaseMap[] = [];
    for (const period of set.periodsPx) {
      const idx = frames.findIndex((f) => f.direction === dir && f.periodPx === period && f.step === 0);
      const pm = decodePhaseShift(images.slice(idx, idx + set.steps), fullScale);
      for (let p = 0; p < len; p++) {
        const b = pm.modulation[p];
        if (b < modulation[p]) modulation[p] = b;
        if (!(b >= minMod && b >= minContrast * pm.mean[p])) mask[p] = 0;
      }
      list.push(pm);
    }
    maps.set(dir, list);
  }
  let lowMod = 0;
  for (let p = 0; p < len; p++) if (!mask[p]) lowMod++;
  const coord = (dir: FringeDirection, extentPx: number): UnwrapResult => {
    const list = maps.get(dir);
    if (!list) throw new RangeError(`pattern set has no ${dir} fringes`);
    return unwrapMultiPeriod(
      list.map((m) => m.phase),
      list.map((m) => m.modulation),
      set.periodsPx,
      mask,
      { rangePx: [-0.5, extentPx - 0.5], maxMisfitPx: options.maxMisfitPx },
    );
  };
  const ux = coord('x', screen.widthPx);
  const uy = coord('y', screen.heightPx);
  const xMm = new Float64Array(len).fill(NaN);
  const yMm = new Float64Array(len).fill(NaN);
  const valid = new Uint8Array(len);
  const misfitPx = new Float64Array(len).fill(NaN);
  let inconsistent = 0;
  for (let p = 0; p < len; p++) {
    if (!mask[p]) continue;
    misfitPx[p] = Math.max(ux.misfitPx[p], uy.misfitPx[p]);
    if (ux.valid[p] && uy.valid[p]) {
      valid[p] = 1;
      xMm[p] = ux.coordPx[p] * screen.pitchMm;
      yMm[p] = uy.coordPx[p] * screen.pitchMm;
    } else inconsistent++;
  }
  return { width, height, xMm, yMm, valid, modulation, misfitPx, maskedLowModulation: lowMod, maskedInconsistent: inconsistent };
}
