/**
 * Reproducible random perturbations for Monte Carlo tolerancing.
 *
 * Every random number is a pure function of (seed, trial, operand): a counter-based generator (two
 * 32-bit murmur3-finalizer hashes of the three integers, joined into a 53-bit uniform in [0, 1)).
 * So trial t of a run is the same whichever machine, worker or shard computes it, and trials
 * A..B−1 of a sharded run are bit-identical to those of a single run. Robust design uses the same
 * property for common random numbers: sample k is the same perturbation at every iteration.
 *
 * Distributions over [min, max] (centre m = (min + max)/2, half-width h = (max − min)/2):
 * - normal: m + h·z/2 with z standard normal truncated to |z| ≤ 2 (σ = h/2, so ±limit = ±2σ), by
 *   inverting the truncated CDF (Acklam's Φ⁻¹, relative error < 1.2e-9);
 * - uniform: m + h·(2u − 1);
 * - parabolic: density ∝ x² on [−1, 1] (the limits more likely than the centre): m + h·∛(2u − 1);
 * - end-points: min or max with probability ½ each.
 */
import type { Distribution } from '../io/toleranceSpec.ts';

function mix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

function hash4(a: number, b: number, c: number, d: number): number {
  let h = mix32((a ^ 0x9e3779b9) >>> 0);
  h = mix32((h ^ Math.imul(b + 0x7f4a7c15, 0x27d4eb2f)) >>> 0);
  h = mix32((h ^ Math.imul(c + 0x165667b1, 0x9e3779b1)) >>> 0);
  h = mix32((h ^ Math.imul(d + 0x3c6ef372, 0x85ebca77)) >>> 0);
  return h;
}

/**
 * A uniform number in [0, 1) determined by (seed, trial, stream).
 * @param seed any integer (taken modulo 2³²)
 */
export function uniform01(seed: number, trial: number, stream: number): number {
  const s = seed >>> 0;
  const hi = hash4(s, trial >>> 0, stream >>> 0, Math.floor(trial / 4294967296) >>> 0) >>> 5; // 27 bits
  const lo = hash4(s ^ 0x5bd1e995, trial >>> 0, stream >>> 0, 0xa5a5a5a5) >>> 6; // 26 bits
  return (hi * 67108864 + lo) / 9007199254740992;
}

/** Φ⁻¹(p), the standard normal quantile (P. J. Acklam's rational approximation), 0 < p < 1. */
export function normalQuantile(p: number): number {
  const a = [-3.969683028665376e1, 2.209460984245205e2, -2.759285104469687e2, 1.38357751867269e2, -3.066479806614716e1, 2.506628277459239];
  const b = [-5.447609879822406e1, 1.615858368580409e2, -1.556989798598866e2, 6.680131188771972e1, -1.328068155288572e1];
  const c = [-7.784894002430293e-3, -3.223964580411365e-1, -2.400758277161838, -2.549732539343734, 4.374664141464968, 2.938163982698783];
  const d = [7.784695709041462e-3, 3.224671290700398e-1, 2.445134137142996, 3.754408661907416];
  const pl = 0.02425;
  if (p < pl) {
    const q = Math.sqrt(-2 * Math.log(p));
    return (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) / ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
  }
  if (p > 1 - pl) {
    const q = Math.sqrt(-2 * Math.log(1 - p));
    return -(((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) / ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
  }
  const q = p - 0.5;
  const r = q * q;
  return ((((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q) / (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1);
}

/** Φ(−2) and Φ(2). */
const PHI_M2 = 0.022750131948179195;
const PHI_P2 = 0.9772498680518208;

/**
 * A value of `distribution` over [min, max] from a uniform u in [0, 1) (module docs).
 * The result always lies in [min, max].
 */
export function sampleDistribution(distribution: Distribution, min: number, max: number, u: number): number {
  const m = (min + max) / 2, h = (max - min) / 2;
  let x: number;
  switch (distribution) {
    case 'normal':
      x = normalQuantile(PHI_M2 + u * (PHI_P2 - PHI_M2)) / 2;
      break;
    case 'uniform':
      x = 2 * u - 1;
      break;
    case 'parabolic':
      x = Math.cbrt(2 * u - 1);
      break;
    case 'end-points':
      return u < 0.5 ? min : max;
  }
  return Math.min(max, Math.max(min, m + h * x));
}

/** What a Monte Carlo sampler needs of each operand. */
export interface SampledOperand {
  min: number;
  max: number;
  distribution?: Distribution;
}

/**
 * The perturbation of trial `trial` (one value per operand, spec units), into `out`.
 * @param seed the run's seed
 */
export function sampleTrial(operands: readonly SampledOperand[], seed: number, trial: number, out = new Float64Array(operands.length)): Float64Array {
  for (let j = 0; j < operands.length; j++) {
    const o = operands[j];
    out[j] = sampleDistribution(o.distribution ?? 'normal', o.min, o.max, uniform01(seed, trial, j));
  }
  return out;
}
