/**
 * Monte Carlo tolerancing: trials of the seeded sequence (engine/tolerance/sampling.ts), every
 * operand drawn from its distribution, compensators re-optimized, the criterion recorded.
 *
 * Trials are independent, so a run is any set of index ranges: `runTrials` computes trials A..B−1
 * and the result of a single run is `mergeShards` of its shards (the statistics are computed from
 * the per-trial values in trial order, so merged shards equal a single run exactly).
 *
 * Statistics: mean; standard deviation with the N − 1 denominator; percentiles as OpticStudio
 * reports them ("90 % of the trials are at or below p90"), by nearest rank: p_q = the ⌈qN⌉-th
 * smallest value; yield = the fraction of trials at or below the threshold.
 */
import type { ToleranceEvaluator } from './evaluator.ts';
import { sampleTrial, type SampledOperand } from './sampling.ts';

/** The trials A..B−1 of a seeded run. */
export interface Shard {
  seed: number;
  /** Trials of the whole run (N), and this shard's range [start, end). */
  trials: number;
  start: number;
  end: number;
  /** Criterion of trial start + i. */
  values: number[];
  /** Compensators of trial start + i (spec units). */
  compensators: number[][];
  /** The worst (largest criterion) trial of the shard, with its perturbation; the first on ties. */
  worst: { trial: number; value: number; delta: number[]; comp: number[] } | null;
}

export interface MonteCarloStatistics {
  trials: number;
  seed: number;
  mean: number;
  std: number;
  min: number;
  max: number;
  p10: number;
  p50: number;
  p90: number;
  p98: number;
  /** Fraction of trials with criterion ≤ threshold (null without a threshold). */
  yield: number | null;
  threshold: number | null;
}

export interface RunTrialsOptions {
  /** Called every `progressEvery` trials (default 25) with the trials done in this call. */
  onProgress?: (done: number, total: number) => void;
  progressEvery?: number;
  /** Checked between trials; stops the run early (the shard then ends where it stopped). */
  shouldStop?: () => boolean;
}

/**
 * Runs trials [start, end) of the seeded sequence.
 * @throws RangeError for a range outside [0, trials]
 */
export function runTrials(ev: ToleranceEvaluator, operands: readonly SampledOperand[], seed: number, trials: number, start: number, end: number, options: RunTrialsOptions = {}): Shard {
  if (!(Number.isInteger(start) && Number.isInteger(end) && 0 <= start && start <= end && end <= trials)) {
    throw new RangeError(`trial range ${start}:${end} is not inside 0:${trials}`);
  }
  const comp0 = ev.nominalCompensators();
  const delta = new Float64Array(operands.length);
  const shard: Shard = { seed, trials, start, end, values: [], compensators: [], worst: null };
  const every = options.progressEvery ?? 25;
  for (let t = start; t < end; t++) {
    if (options.shouldStop?.()) {
      shard.end = t;
      break;
    }
    sampleTrial(operands, seed, t, delta);
    const res = ev.evaluate(delta, comp0);
    shard.values.push(res.value);
    shard.compensators.push(Array.from(res.comp));
    if (!shard.worst || res.value > shard.worst.value) shard.worst = { trial: t, value: res.value, delta: Array.from(delta), comp: Array.from(res.comp) };
    const done = t - start + 1;
    if (options.onProgress && (done % every === 0 || t === end - 1)) options.onProgress(done, end - start);
  }
  return shard;
}

/**
 * Joins shards of one run into one shard covering [0, N) (or the union of their ranges).
 * @throws RangeError when seeds or totals differ, or ranges overlap or leave gaps
 */
export function mergeShards(shards: readonly Shard[]): Shard {
  if (shards.length === 0) throw new RangeError('no shards to merge');
  const sorted = [...shards].sort((a, b) => a.start - b.start);
  const { seed, trials } = sorted[0];
  const out: Shard = { seed, trials, start: sorted[0].start, end: sorted[0].start, values: [], compensators: [], worst: null };
  for (const s of sorted) {
    if (s.seed !== seed) throw new RangeError(`shards have different seeds (${seed} and ${s.seed})`);
    if (s.trials !== trials) throw new RangeError(`shards come from runs of different sizes (${trials} and ${s.trials} trials)`);
    if (s.start !== out.end) throw new RangeError(s.start < out.end ? `shards overlap at trial ${s.start}` : `trials ${out.end}:${s.start} are missing`);
    if (s.values.length !== s.end - s.start) throw new RangeError(`shard ${s.start}:${s.end} holds ${s.values.length} values`);
    out.values.push(...s.values);
    out.compensators.push(...s.compensators);
    out.end = s.end;
    if (s.worst && (!out.worst || s.worst.value > out.worst.value)) out.worst = s.worst;
  }
  return out;
}

/** The ⌈qN⌉-th smallest of sorted values (nearest rank). */
function percentile(sorted: Float64Array, q: number): number {
  const k = Math.min(sorted.length, Math.max(1, Math.ceil(q * sorted.length - 1e-9)));
  return sorted[k - 1];
}

/**
 * Statistics of a run's criterion values (in trial order).
 * @param threshold the yield threshold (criterion units), or null
 * @throws RangeError for an empty run
 */
export function statistics(shard: Shard, threshold: number | null): MonteCarloStatistics {
  const v = shard.values;
  const n = v.length;
  if (n === 0) throw new RangeError('no Monte Carlo trials');
  let sum = 0;
  for (const x of v) sum += x;
  const mean = sum / n;
  let ss = 0;
  for (const x of v) ss += (x - mean) * (x - mean);
  const sorted = Float64Array.from(v).sort();
  let within = 0;
  if (threshold !== null) for (const x of v) if (x <= threshold) within++;
  return {
    trials: n,
    seed: shard.seed,
    mean,
    std: n > 1 ? Math.sqrt(ss / (n - 1)) : 0,
    min: sorted[0],
    max: sorted[n - 1],
    p10: percentile(sorted, 0.1),
    p50: percentile(sorted, 0.5),
    p90: percentile(sorted, 0.9),
    p98: percentile(sorted, 0.98),
    yield: threshold === null ? null : within / n,
    threshold,
  };
}
