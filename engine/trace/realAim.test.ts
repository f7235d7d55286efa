/**
 * Robust real ray aiming (realAim.ts) on a 170° fisheye (lens-library/fisheye-nikkor-10.5mm.json):
 * where the paraxial aim loses rays from 45°, the real aim puts every ray of the 127-ray
 * hexapolar pupil on its stop target at every field; where a target cannot be reached by any real
 * ray, a brute-force search over launch points (independent of the aimer) confirms it.
 */
import { describe, expect, it } from 'vitest';
import fs from 'node:fs';
import path from 'node:path';
import { parsePrescriptionJson } from '../io/json.ts';
import type { Prescription } from '../io/prescription.ts';
import { GlassLibrary } from '../materials/glassLibrary.ts';
import type { LensSystem } from '../optics/system.ts';
import { buildSystem } from '../paraxial/buildSystem.ts';
import { objectField } from '../paraxial/pupil.ts';
import { hexapolar } from './pupilSampling.ts';
import { RayBatch, RayStatus } from './rayBatch.ts';
import { aimAtStop, launchContext, launchRays, traceField } from './rayAiming.ts';
import { paraxialStopRadius } from './realAim.ts';
import { traceBatch } from './realTrace.ts';

const root = path.resolve(import.meta.dirname, '../..');
const fisheye = (): Prescription => parsePrescriptionJson(fs.readFileSync(path.join(root, 'lens-library/fisheye-nikkor-10.5mm.json'), 'utf8'));
const { px, py } = hexapolar(6);
const FIELDS = [0, 30, 45, 60, 75, 85];

/** Where rays launched through (ux, uy) cross the stop (apertures ignored, as the aimer does). */
function atStop(system: LensSystem, fy: number, w: number, ux: ArrayLike<number>, uy: ArrayLike<number>): RayBatch {
  const ctx = launchContext(system);
  const b = launchRays(system, objectField(system, 0, fy, ctx.pupil), ux, uy, new RayBatch(ux.length), ctx);
  return traceBatch(system, b, w, { lastSurface: system.stopIndex, ignoreApertures: true });
}

describe('robust real ray aiming on a 170° fisheye', () => {
  it('stopped down to F/5.6: every one of the 127 rays is aimed and reaches the image at every field and wavelength', () => {
    const system = buildSystem({ ...fisheye(), aperture: { type: 'imageFNumber', value: 5.6 } }, GlassLibrary.builtin());
    expect(system.rayAiming).toBe('real');
    expect(Math.max(...system.fieldY)).toBe(85);
    const rStop = paraxialStopRadius(system, launchContext(system).pupil);
    for (let w = 0; w < system.wavelengthsUm.length; w++) {
      for (const fy of FIELDS) {
        const ctx = launchContext(system);
        const aim = aimAtStop(system, objectField(system, 0, fy, ctx.pupil), w, px, py, ctx);
        expect(aim.ok.every((v) => v === 1), `${fy}° at ${system.wavelengthsUm[w]} µm`).toBe(true);
        // Independently: the launched rays cross the stop at their targets.
        const b = atStop(system, fy, w, aim.px, aim.py);
        for (let i = 0; i < px.length; i++) {
          expect(b.status[i]).toBe(RayStatus.OK);
          expect(Math.hypot(b.x[i] - px[i] * rStop, b.y[i] - py[i] * rStop)).toBeLessThan(1e-9);
        }
        const traced = traceField(system, 0, fy, w, px, py, ctx);
        expect(traced.countValid(), `${fy}°: rays reaching the image`).toBe(px.length);
      }
    }
  });

  it('paraxial aiming at the same aperture loses rays from 45° and every ray from 60°', () => {
    const system = buildSystem({ ...fisheye(), aperture: { type: 'imageFNumber', value: 5.6 }, rayAiming: 'paraxial' }, GlassLibrary.builtin());
    const valid = FIELDS.map((fy) => traceField(system, 0, fy, system.primaryIndex, px, py).countValid());
    expect(valid.slice(0, 2)).toEqual([127, 127]);
    expect(valid[2]).toBeLessThan(127);
    expect(valid.slice(3)).toEqual([0, 0, 0]);
  });

  it('at full aperture (F/2.88), 85°: the rays not aimed are those no real ray can reach', () => {
    const system = buildSystem(fisheye(), GlassLibrary.builtin());
    const w = system.primaryIndex;
    const fy = 85;
    const ctx = launchContext(system);
    const aim = aimAtStop(system, objectField(system, 0, fy, ctx.pupil), w, px, py, ctx);
    const rStop = paraxialStopRadius(system, ctx.pupil);
    const failed = [...aim.ok.keys()].filter((i) => !aim.ok[i]);
    expect(failed.length).toBeGreaterThan(0);
    expect(failed.length).toBeLessThan(px.length / 4);
    // Every failed target lies in the lower part of the stop, which the front group cuts off.
    for (const i of failed) expect(py[i]).toBeLessThan(-0.6);
    // Brute force: a dense grid of launch points around the aimed ones (0.1 pupil units apart).
    const okY = [...aim.ok.keys()].filter((i) => aim.ok[i]).map((i) => aim.py[i]);
    const y0 = Math.min(...okY) - 20, y1 = Math.max(...okY) + 20;
    const gx: number[] = [], gy: number[] = [];
    for (let a = -40; a <= 40; a++) for (let uy = y0; uy <= y1; uy += 0.1) {
      gx.push(a * 0.1);
      gy.push(uy);
    }
    const b = atStop(system, fy, w, gx, gy);
    for (const i of failed) {
      const tx = px[i] * rStop, ty = py[i] * rStop;
      let best = Infinity;
      for (let k = 0; k < b.size; k++) if (b.status[k] === RayStatus.OK) best = Math.min(best, Math.hypot(b.x[k] - tx, b.y[k] - ty));
      expect(best, `target (${tx.toFixed(2)}, ${ty.toFixed(2)})`).toBeGreaterThan(0.2);
    }
    // And every aimed ray is on its target.
    const hit = atStop(system, fy, w, aim.px, aim.py);
    for (let i = 0; i < px.length; i++) {
      if (!aim.ok[i]) continue;
      expect(Math.hypot(hit.x[i] - px[i] * rStop, hit.y[i] - py[i] * rStop)).toBeLessThan(1e-9);
    }
    // The launch flags them instead of tracing them with a wrong aim.
    const traced = traceField(system, 0, fy, w, px, py, ctx);
    for (const i of failed) expect(traced.status[i]).toBe(RayStatus.AIM_FAILED);
  });
});
