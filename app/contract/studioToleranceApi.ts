/**
 * The Tolerancing workspace's part of the StudioApi (app/contract/studioApi.ts re-exports every
 * type here): tolerance specs, sensitivity and Monte Carlo runs streamed as `tolerance` events, the
 * worst trial, and robust design streamed as `robust` events (engine/tolerance/).
 *
 * Units: criterion values (RMS spot radius) in mm, as the engine; the UI shows µm.
 * Browser-safe: type imports only, no Node built-ins.
 */
import type { ToleranceSpec } from '../../engine/io/toleranceSpec.ts';
import type { MonteCarloStatistics } from '../../engine/tolerance/monteCarlo.ts';

export type { ToleranceSpec };

export interface ToleranceRunOptions {
  spec: ToleranceSpec;
  /** Monte Carlo trials (default 200; 0: sensitivity only). */
  monteCarlo?: number;
  seed?: number;
  /** Yield threshold, mm (default 1.25 × the compensated nominal). */
  threshold?: number;
}

/** One row of the sensitivity table (criterion in mm). */
export interface ToleranceSensitivityRow {
  label: string;
  operand: string;
  surface: number;
  limitMinus: number;
  limitPlus: number;
  criterionMinus: number;
  criterionPlus: number;
  linearMinus: number;
  linearPlus: number;
}

/** Monte Carlo statistics of the criterion (the engine's, engine/tolerance/monteCarlo.ts). */
export type ToleranceStatistics = MonteCarloStatistics;

/**
 * A tolerancing run of the current lens: 'sensitivity' carries the table, each 'progress' the new
 * Monte Carlo criterion values (in trial order, appended to the earlier ones), 'finished' /
 * 'stopped' the statistics.
 */
export interface ToleranceEvent {
  type: 'tolerance';
  runId: string;
  phase: 'started' | 'sensitivity' | 'progress' | 'finished' | 'stopped' | 'failed';
  /** The compensated nominal criterion and the lens as designed, mm. */
  nominal?: number;
  nominalAsDesigned?: number;
  criterion?: string;
  compensators?: string[];
  sensitivity?: { rows: ToleranceSensitivityRow[]; worstFirst: number[]; rssChange: number; estimatedCriterion: number; exactMs: number; linearMs: number };
  /** New Monte Carlo values (mm) since the previous event, and the trials done so far / asked for. */
  values?: number[];
  done?: number;
  total?: number;
  statistics?: ToleranceStatistics;
  message?: string;
}

export interface RobustRunOptions {
  spec: ToleranceSpec;
  /** Tolerance samples K (default 8), optimizer iterations (default 10), quantile (default: the mean). */
  samples?: number;
  iterations?: number;
  quantile?: number;
  /** Monte Carlo trials comparing the nominal and robust designs (default 100, seed 1). */
  monteCarlo?: number;
}

/** Nominal criterion and Monte Carlo statistics of one design (mm). */
export interface DesignComparison {
  nominal: number;
  mean: number;
  p50: number;
  p90: number;
  p98: number;
}

/** A robust-design run of the current lens (varying its curvatures), streamed per iteration. */
export interface RobustEvent {
  type: 'robust';
  runId: string;
  phase: 'started' | 'progress' | 'comparing' | 'finished' | 'stopped' | 'failed';
  iteration: number;
  /** The robust objective: the mean (or upper-tail mean) of the criterion over the samples, mm. */
  objective: number;
  /** On 'finished' / 'stopped': the input (nominal) and the robust design, same Monte Carlo trials. */
  comparison?: { nominal: DesignComparison; robust: DesignComparison; trials: number };
  message?: string;
}
