/**
 * The phase-shifted sinusoidal fringe patterns shown on the deflectometry screen.
 *
 * For direction x (fringes varying along screen columns) with period P screen pixels and step k of
 * N, the displayed (linear, gamma-corrected) intensity at continuous screen pixel coordinate s is
 *   I_k(s) = bias + amplitude · cos(φ(s) + δ_k),   φ(s) = 2π s / P,   δ_k = 2π k / N,
 * and likewise along t for direction y. The phase origin is the centre of screen pixel 0 (see
 * screen.ts). The sinusoid is evaluated continuously: a sampled sinusoid of period ≥ 2 px is
 * reproduced exactly by band-limited reconstruction, which the slightly defocused camera of a
 * deflectometry rig approximates (it does not resolve the display's pixel grid).
 */

export type FringeDirection = 'x' | 'y';

/** The set of patterns of a session (one image per direction × period × step). */
export interface PatternSet {
  /** Directions, x first then y (as the rig's "x then y"). */
  readonly directions: readonly FringeDirection[];
  /** Fringe periods in screen pixels, e.g. [70, 100, 110]. */
  readonly periodsPx: readonly number[];
  /** Number of phase steps N (≥ 3; 4 by default). */
  readonly steps: number;
  /** Mean displayed intensity (0..1). */
  readonly bias: number;
  /** Sinusoid amplitude (0..1, bias ± amplitude within [0, 1]). */
  readonly amplitude: number;
}

/** One pattern of a set. */
export interface PatternFrame {
  readonly direction: FringeDirection;
  readonly periodPx: number;
  readonly step: number;
}

/**
 * The default pattern set of the rig: x and y, the given periods, 4 steps, full-range sinusoids.
 * @throws RangeError for fewer than 3 steps, a period ≤ 2 px, or a sinusoid outside [0, 1]
 */
export function makePatternSet(periodsPx: readonly number[], steps = 4, bias = 0.5, amplitude = 0.5): PatternSet {
  if (!Number.isInteger(steps) || steps < 3) throw new RangeError(`phase shifting needs at least 3 steps (got ${steps})`);
  if (periodsPx.length === 0) throw new RangeError('at least one fringe period is needed');
  for (const p of periodsPx) if (!(p > 2)) throw new RangeError(`fringe period must exceed 2 screen pixels (got ${p})`);
  if (!(amplitude > 0 && bias - amplitude >= 0 && bias + amplitude <= 1)) {
    throw new RangeError(`fringe sinusoid bias ${bias} ± amplitude ${amplitude} must stay within [0, 1]`);
  }
  return { directions: ['x', 'y'], periodsPx: [...periodsPx], steps, bias, amplitude };
}

/** Every frame of a set in display order: direction, then period, then step. */
export function patternFrames(set: PatternSet): PatternFrame[] {
  const frames: PatternFrame[] = [];
  for (const direction of set.directions) {
    for (const periodPx of set.periodsPx) {
      for (let step = 0; step < set.steps; step++) frames.push({ direction, periodPx, step });
    }
  }
  return frames;
}

/** Phase shift δ_k = 2π k / N of step k, radians. */
export function phaseShift(step: number, steps: number): number {
  return (2 * Math.PI * step) / steps;
}

/**
 * Displayed intensity (0..1) of a frame at continuous screen pixel coordinates (s, t).
 * Points off the screen are not handled here (the caller knows the extent; see Screen.containsMm).
 */
export function patternIntensity(set: PatternSet, frame: PatternFrame, sPx: number, tPx: number): number {
  const coord = frame.direction === 'x' ? sPx : tPx;
  return set.bias + set.amplitude * Math.cos((2 * Math.PI * coord) / frame.periodPx + phaseShift(frame.step, set.steps));
}
