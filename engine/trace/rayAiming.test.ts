/** Ray aiming: paraxial by default (as OpticStudio), real aiming onto the stop as an option. */
import { describe, expect, it } from 'vitest';
import fs from 'node:fs';
import path from 'node:path';
import { parsePrescriptionJson } from '../io/json.ts';
import { GlassLibrary } from '../materials/glassLibrary.ts';
import type { LensSystem } from '../optics/system.ts';
import { buildSystem } from '../paraxial/buildSystem.ts';
import { entrancePupil, objectField } from '../paraxial/pupil.ts';
import { paraxialHeightAt } from '../paraxial/paraxial.ts';
import { RayBatch, RayStatus } from './rayBatch.ts';
import { traceBatch } from './realTrace.ts';
import { aimAtStop, launchContext, launchRays } from './rayAiming.ts';

const root = path.resolve(import.meta.dirname, '../..');
const load = (): LensSystem =>
  buildSystem(parsePrescriptionJson(fs.readFileSync(path.join(root, 'lens-library/double-gauss.json'), 'utf8')), GlassLibrary.builtin());

/** y at the stop of rays launched with pupil coordinates (px, py). */
function atStop(system: LensSystem, fy: number, px: number[], py: number[]): RayBatch {
  const ctx = launchContext(system);
  const b = launchRays(system, objectField(system, 0, fy, ctx.pupil), px, py, new RayBatch(px.length), ctx);
  return traceBatch(system, b, system.primaryIndex, { lastSurface: system.stopIndex });
}

describe('ray aiming', () => {
  it('paraxial aiming: the full-field chief ray misses the stop centre (pupil aberration)', () => {
    const system = load();
    const b = atStop(system, 14, [0], [0]);
    expect(b.status[0]).toBe(RayStatus.OK);
    expect(Math.abs(b.y[0])).toBeGreaterThan(1e-3);
  });

  it('real aiming puts the chief ray on the stop centre and the marginal ray on the paraxial stop radius', () => {
    const system = load();
    const ctx = launchContext(system);
    const field = objectField(system, 0, 14, ctx.pupil);
    const aimed = aimAtStop(system, field, system.primaryIndex, [0, 0, 0.5], [0, 1, -0.5], ctx);
    const b = atStop(system, 14, Array.from(aimed.px), Array.from(aimed.py));
    const { epd } = entrancePupil(system);
    const rStop = Math.abs(paraxialHeightAt(system, system.primaryIndex, epd / 2, 0, system.stopIndex));
    expect(Math.abs(b.y[0])).toBeLessThan(1e-9);
    expect(Math.abs(b.x[0])).toBeLessThan(1e-9);
    expect(Math.abs(b.y[1] - rStop)).toBeLessThan(1e-9);
    expect(Math.abs(b.x[2] - 0.5 * rStop)).toBeLessThan(1e-9);
    expect(Math.abs(b.y[2] + 0.5 * rStop)).toBeLessThan(1e-9);
  });
});
