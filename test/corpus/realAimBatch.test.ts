/**
 * Batched real ray aiming on a real .zmx with RAIM (test/helpers/compareAims.ts): the same aims as
 * the sequential per-ray method, to 1e-9, at fields where part of the stop cannot be reached.
 */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadSystemFile } from '../../app/cli/loadLens.ts';
import { gridPupil } from '../../engine/trace/pupilSampling.ts';
import { compareAims } from '../helpers/compareAims.ts';
import { dataDir } from './corpus.ts';

describe('batched real ray aiming on a .zmx with ray aiming (RAIM)', () => {
  it('rayoptics US00583336-2: the same rays aimed at the same launch points as one by one, on and off axis', async () => {
    const { system } = await loadSystemFile(path.join(dataDir, 'zmx', 'rayoptics__US00583336-2-scaled.zmx'));
    expect(system.rayAiming).toBe('real');
    const pupil = gridPupil(32);
    expect(compareAims(system, 0, 0, pupil).failed).toBe(0);
    // Unvignetted outer fields: the lower rim of the stop is out of reach.
    for (const fy of system.fieldY.slice(1)) expect(compareAims(system, 0, fy, pupil).failed, `${fy}`).toBeGreaterThan(0);
  });
});
