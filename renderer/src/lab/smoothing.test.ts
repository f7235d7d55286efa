import { describe, expect, it } from 'vitest';
import { emaSmooth } from './smoothing.ts';

describe('emaSmooth (TensorBoard-style debiased EMA)', () => {
  it('weight 0 gives the raw values; a constant stays constant (bias corrected)', () => {
    expect(emaSmooth([3, 1, 4], 0)).toEqual([3, 1, 4]);
    for (const v of emaSmooth([2, 2, 2, 2, 2], 0.9)) expect(v).toBeCloseTo(2, 14);
  });

  it('follows the recurrence by hand: w = 0.5 on 4, 0, 8', () => {
    // acc: 2, 1, 4.5; corrections 0.5, 0.75, 0.875
    const s = emaSmooth([4, 0, 8], 0.5);
    expect(s[0]).toBeCloseTo(4, 14);
    expect(s[1]).toBeCloseTo(1 / 0.75, 14);
    expect(s[2]).toBeCloseTo(4.5 / 0.875, 14);
  });

  it('skips non-finite values and rejects weights outside [0, 1)', () => {
    const s = emaSmooth([4, NaN, 0], 0.5);
    expect(s[1]).toBeNull();
    expect(s[2]).toBeCloseTo(1 / 0.75, 14);
    expect(() => emaSmooth([1], 1)).toThrow(RangeError);
    expect(() => emaSmooth([1], -0.1)).toThrow(RangeError);
  });
});
