/** The worker-pool gradient equals the single-thread one (same rays, same sums). */
import { describe, expect, it } from 'vitest';
import { dODoubleGauss, curvatureParams } from '../../test/bench/gradient.ts';
import { SpotGradientPool } from './gradientWorkers.ts';
import { gridOnPupil, spotGradient } from '../../engine/trace/spotGradient.ts';

describe('SpotGradientPool', () => {
  it('gives the single-thread value and gradient on 2 threads', async () => {
    const system = dODoubleGauss();
    const params = curvatureParams(system);
    const { px, py } = gridOnPupil(64);
    const one = spotGradient(system, 0, 0, px, py, params, true);
    const pool = await SpotGradientPool.create(system.prescription, 0, 0, 64, params, 2);
    try {
      const two = await pool.run();
      expect(two.validRays).toBe(one.validRays);
      expect(two.value).toBeCloseTo(one.value, 14);
      for (let j = 0; j < params.length; j++) expect(Math.abs(two.gradient[j] - one.gradient[j])).toBeLessThan(1e-12 * Math.max(1, Math.abs(one.gradient[j])));
    } finally {
      await pool.close();
    }
  });
});
