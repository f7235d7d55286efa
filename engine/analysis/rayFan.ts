/**
 * Ray fans (transverse ray aberration plots).
 *
 * Tangential fan: Px = 0, Py = P, recording the image-plane y; sagittal fan: Py = 0, Px = P,
 * recording x; P = linspace(−1, 1, points) (257 by default, P = 0 at the middle). The image
 * intercept of the primary-wavelength chief ray is subtracted from every wavelength's fan.
 * Lost rays are flagged in `valid` (their values are 0). Lengths in mm.
 */
import type { LensSystem } from '../optics/system.ts';
import { RayStatus } from '../trace/rayBatch.ts';
import { linePupil } from '../trace/pupilSampling.ts';
import { launchContext, traceFieldPoint, type LaunchContext } from '../trace/rayAiming.ts';
import { chiefRayIntercept } from './spot.ts';

export interface RayFan {
  fieldIndex: number;
  wavelengthIndex: number;
  pupil: Float64Array;
  tangentialY: Float64Array;
  sagittalX: Float64Array;
  tangentialValid: Uint8Array;
  sagittalValid: Uint8Array;
}

export function rayFan(system: LensSystem, fieldIndex: number, w: number, opts: { points?: number; ctx?: LaunchContext } = {}): RayFan {
  const points = opts.points ?? 257;
  const ctx = opts.ctx ?? launchContext(system);
  const ref = chiefRayIntercept(system, fieldIndex, system.primaryIndex, ctx) ?? [0, 0];
  const tan = linePupil(points, 'y');
  const sag = linePupil(points, 'x');
  const bt = traceFieldPoint(system, fieldIndex, w, tan.px, tan.py, ctx);
  const bs = traceFieldPoint(system, fieldIndex, w, sag.px, sag.py, ctx);
  const tangentialY = new Float64Array(points);
  const sagittalX = new Float64Array(points);
  const tv = new Uint8Array(points);
  const sv = new Uint8Array(points);
  for (let i = 0; i < points; i++) {
    if (bt.status[i] === RayStatus.OK) {
      tv[i] = 1;
      tangentialY[i] = bt.y[i] - ref[1];
    }
    if (bs.status[i] === RayStatus.OK) {
      sv[i] = 1;
      sagittalX[i] = bs.x[i] - ref[0];
    }
  }
  return { fieldIndex, wavelengthIndex: w, pupil: tan.py, tangentialY, sagittalX, tangentialValid: tv, sagittalValid: sv };
}
