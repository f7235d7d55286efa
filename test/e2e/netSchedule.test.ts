/** The network's learning-rate schedule of an end-to-end run (engine/e2e/train.ts). */
import { describe, expect, it } from 'vitest';
import { scheduledLearningRate } from '../../engine/e2e/train.ts';

describe('scheduledLearningRate', () => {
  it('is the peak throughout when constant', () => {
    for (const s of [0, 10, 399]) expect(scheduledLearningRate(2e-3, 'constant', s, 0, 400)).toBe(2e-3);
  });

  it('warms up linearly, peaks, then decays by a cosine to 5 % of the peak', () => {
    const lr = (s: number) => scheduledLearningRate(1, 'cosine', s, 100, 400);
    // 300 network steps: 20 warm-up steps
    expect(lr(100)).toBeCloseTo(1 / 20, 12);
    expect(lr(109)).toBeCloseTo(10 / 20, 12);
    expect(lr(120)).toBeCloseTo(1, 12);
    expect(lr(399)).toBeCloseTo(0.05, 12);
    // halfway through the decay: 0.05 + 0.95 / 2
    expect(lr(120 + (399 - 120) / 2)).toBeCloseTo(0.525, 12);
    for (let s = 121; s < 400; s++) expect(lr(s)).toBeLessThanOrEqual(lr(s - 1));
    // short runs warm up over 10 % of their network steps
    expect(scheduledLearningRate(1, 'cosine', 0, 0, 50)).toBeCloseTo(1 / 5, 12);
  });
});
