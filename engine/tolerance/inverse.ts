/**
 * Inverse sensitivity: for each operand, the symmetric limit ±L at which the compensated
 * criterion has degraded by a given amount Δ (the worse of −L and +L), by bisection on the exact
 * evaluation. The bracket starts at the spec's limit and doubles (at most 40 times) until the
 * degradation reaches Δ; bisection then narrows it to `relativeTolerance` (default 1e-4) of L and
 * returns its lower end — the largest limit tried whose degradation stays within Δ. An operand that
 * never reaches Δ (no effect, e.g. a decenter of a plane in collimated light) gets L = Infinity.
 */
import type { ToleranceEvaluator } from './evaluator.ts';

export interface InverseRow {
  operand: string;
  surface: number;
  lastSurface?: number;
  label: string;
  /** The limit ±L (spec units); Infinity when Δ is never reached. */
  limit: number;
  /** Degradation at ±limit (≤ Δ). */
  change: number;
}

export interface InverseOptions {
  relativeTolerance?: number;
  onProgress?: (done: number, total: number) => void;
}

/**
 * @param limits [min, max] per operand from the spec (the bracket's starting scale)
 * @param degradation Δ, in criterion units (> 0)
 * @throws RangeError for Δ ≤ 0
 */
export function inverseSensitivity(ev: ToleranceEvaluator, limits: readonly [number, number][], degradation: number, options: InverseOptions = {}): InverseRow[] {
  if (!(degradation > 0)) throw new RangeError(`the criterion degradation must be positive (got ${degradation})`);
  const rtol = options.relativeTolerance ?? 1e-4;
  const D = ev.nOperands;
  const comp0 = ev.nominalCompensators();
  const nominal = ev.evaluate(new Float64Array(D), comp0).value;
  const delta = new Float64Array(D);
  return ev.model.operands.map((d, j) => {
    const change = (L: number): number => {
      let worst = -Infinity;
      for (const v of [-L, L]) {
        delta.fill(0);
        delta[j] = v;
        worst = Math.max(worst, ev.evaluate(delta, comp0).value - nominal);
      }
      return worst;
    };
    let hi = Math.max(Math.abs(limits[j][0]), Math.abs(limits[j][1])) || 1;
    let lo = 0, loChange = 0;
    let hiChange = change(hi);
    for (let k = 0; k < 40 && !(hiChange >= degradation); k++) {
      lo = hi;
      loChange = hiChange;
      hi *= 2;
      hiChange = change(hi);
    }
    let limit = Infinity;
    if (hiChange >= degradation) {
      while (hi - lo > rtol * hi) {
        const mid = (lo + hi) / 2;
        const c = change(mid);
        if (c >= degradation) hi = mid;
        else {
          lo = mid;
          loChange = c;
        }
      }
      limit = lo;
    }
    options.onProgress?.(j + 1, D);
    return { operand: d.type, surface: d.surface, ...(d.lastSurface !== undefined ? { lastSurface: d.lastSurface } : {}), label: d.label, limit, change: Number.isFinite(limit) ? Math.max(0, loChange) : loChange };
  });
}
