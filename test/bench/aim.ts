/**
 * real_aim_rays_per_s: real ray aiming throughput (engine/trace/realAim.ts aimRays through
 * rayAiming.ts aimAtStop), rays aimed per second for the 64×64 square pupil grid (the points inside
 * the unit circle, 3 096 rays) of one field: the 170° fisheye of the lens library stopped down to
 * F/5.6 (real aiming) at 60°, primary wavelength. Best of `runs` after a warm-up.
 */
import fs from 'node:fs';
import path from 'node:path';
import { parsePrescriptionJson } from '../../engine/io/json.ts';
import { GlassLibrary } from '../../engine/materials/glassLibrary.ts';
import { buildSystem } from '../../engine/paraxial/buildSystem.ts';
import { objectField } from '../../engine/paraxial/pupil.ts';
import { gridPupil } from '../../engine/trace/pupilSampling.ts';
import { aimAtStop, launchContext } from '../../engine/trace/rayAiming.ts';

const root = path.resolve(import.meta.dirname, '../..');

export function benchRealAim(runs = 3): Record<string, number> {
  const p = parsePrescriptionJson(fs.readFileSync(path.join(root, 'lens-library/fisheye-nikkor-10.5mm.json'), 'utf8'));
  const system = buildSystem({ ...p, aperture: { type: 'imageFNumber', value: 5.6 } }, GlassLibrary.builtin());
  const ctx = launchContext(system);
  const field = objectField(system, 0, 60, ctx.pupil);
  const { px, py } = gridPupil(64);
  let best = Infinity;
  let failed = 0;
  for (let r = 0; r <= runs; r++) {
    const t0 = performance.now();
    const aim = aimAtStop(system, field, system.primaryIndex, px, py, ctx);
    const dt = performance.now() - t0;
    if (r > 0) best = Math.min(best, dt);
    failed = aim.ok.length - aim.ok.reduce((s, v) => s + v, 0);
  }
  if (failed > 0) throw new Error(`benchRealAim: ${failed} of ${px.length} rays not aimed`);
  return { real_aim_rays_per_s: Math.round(px.length / (best / 1000)) };
}
