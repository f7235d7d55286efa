/**
 * Bounds of every numeric option of the StudioApi, in one table both sides read: the host refuses
 * a value outside them with a `BAD_REQUEST` that names the option, the range and the value; the
 * renderer may use them for its inputs. They keep one call's work bounded, so no client can stall
 * the engine host for the others (and the host answers other clients between the parts of a call).
 *
 * A new numeric option (a pupil grid, Monte Carlo trials, ...) gets its row here and is read with
 * `intOption` / `numberOption`.
 *
 * Browser-safe: no Node built-ins.
 */
import { StudioError } from './studioApi.ts';

/** [min, max], inclusive. */
export type Range = readonly [number, number];

export const API_LIMITS = {
  analyze: {
    /** Hexapolar rings of a spot diagram: 40 rings = 4,921 rays per field and wavelength. */
    spotRings: [1, 40],
    /** Points of a ray fan. */
    fanPoints: [3, 4097],
    /** Rays per field in the layout. */
    layoutRays: [1, 101],
  },
  /** throughFocusSpots: focus steps each side of nominal, hexapolar rings, the focus step (mm). */
  throughFocus: { steps: [1, 5], spotRings: [1, 20], stepMm: [1e-6, 100] },
  optimize: { maxIterations: [1, 10_000] },
  /**
   * analyzeWave (served beside the queue): how many frequencies of exact MTF, their range
   * (cycles/mm), the through-focus half range (mm), and passes running at once per host.
   */
  wave: { frequencies: [1, 16], frequency: [0, 10_000], halfRangeMm: [1e-6, 100], passes: [1, 8] },
  calibration: { maxIterations: [1, 1000] },
  simulate: { binning: [4, 256], seed: [0, 2 ** 31 - 1] },
  tolerance: { monteCarlo: [0, 1_000_000], seed: [0, 2 ** 31 - 1] },
  robust: { samples: [1, 1000], iterations: [1, 10_000], monteCarlo: [1, 1_000_000] },
  e2e: {
    steps: [1, 100_000],
    batch: [1, 32],
    patch: [16, 256],
    fieldGrid: [1, 9],
    /** PSF window px (the EDOF presets use 41). */
    psfSize: [3, 127],
    seed: [0, 2 ** 31 - 1],
    imagesEvery: [1, 100_000],
    /** How many lens variable groups `vary` lists (of curvatures, thicknesses, conics, aspheres, glass). */
    varyGroups: [1, 5],
  },
} as const satisfies Record<string, Record<string, Range>>;

/** Largest lens file `openFile` takes, bytes (the largest .zmx of the corpus is ~100 kB). */
export const MAX_LENS_FILE_BYTES = 16 * 1024 * 1024;
/** Longest `coalesceKey` of an edit, characters. */
export const MAX_COALESCE_KEY = 200;
/** Requests one client may have waiting in the host's queue; more are refused with BUSY. */
export const MAX_QUEUED_REQUESTS = 256;

/**
 * A whole-number option: `fallback` when undefined, else an integer within `range`.
 * @throws StudioError BAD_REQUEST "`name`: expected a whole number from MIN to MAX, got VALUE"
 */
export function intOption(name: string, value: unknown, fallback: number, range: Range): number {
  const v = value === undefined ? fallback : value;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < range[0] || v > range[1]) {
    throw new StudioError('BAD_REQUEST', `${name}: expected a whole number from ${range[0]} to ${range[1]}, got ${describe(v)}`);
  }
  return v;
}

/**
 * A real-number option: `fallback` when undefined, else a finite number within `range`.
 * @throws StudioError BAD_REQUEST naming the option, the range and the value
 */
export function numberOption(name: string, value: unknown, fallback: number, range: Range): number {
  const v = value === undefined ? fallback : value;
  if (typeof v !== 'number' || !Number.isFinite(v) || v < range[0] || v > range[1]) {
    throw new StudioError('BAD_REQUEST', `${name}: expected a number from ${range[0]} to ${range[1]}, got ${describe(v)}`);
  }
  return v;
}

/**
 * One of `allowed`, or `fallback` when undefined.
 * @throws StudioError BAD_REQUEST listing the allowed values
 */
export function choiceOption<T extends string>(name: string, value: unknown, fallback: T, allowed: readonly T[]): T {
  const v = value === undefined ? fallback : value;
  if (typeof v !== 'string' || !(allowed as readonly string[]).includes(v)) {
    throw new StudioError('BAD_REQUEST', `${name}: expected ${allowed.join(' or ')}, got ${describe(v)}`);
  }
  return v as T;
}

/** A short, safe rendering of a client's value for a message. */
function describe(v: unknown): string {
  if (typeof v === 'number') return String(v);
  if (typeof v === 'string') return JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}…` : v);
  if (v === null) return 'null';
  return Array.isArray(v) ? 'an array' : typeof v;
}
