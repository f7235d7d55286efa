/**
 * Exponential moving average of a training curve, as TensorBoard's scalar smoothing: with weight
 * w in [0, 1), s_i = w·s_{i−1} + (1 − w)·v_i from s_{−1} = 0, divided by the bias correction
 * 1 − w^(n) (n = finite values so far), so the first point is not pulled towards 0. Non-finite
 * values are skipped (their smoothed value is null) and do not enter the average. w = 0 gives the
 * raw values.
 *
 * @param values the raw values, in step order
 * @param weight w, 0 ≤ w < 1
 * @returns the smoothed values, one per raw value (null where the raw value is not finite)
 * @throws RangeError when the weight is outside [0, 1)
 */
export function emaSmooth(values: readonly number[], weight: number): (number | null)[] {
  if (!(weight >= 0 && weight < 1)) throw new RangeError(`smoothing weight must be in [0, 1), got ${weight}`);
  let acc = 0;
  let n = 0;
  return values.map((v) => {
    if (!Number.isFinite(v)) return null;
    n++;
    acc = weight * acc + (1 - weight) * v;
    return acc / (1 - weight ** n);
  });
}
