/**
 * Distortion (distortion.ts) and field curvature (fieldCurvature.ts) sampled from the axis to the
 * largest field, at one wavelength (fieldPlots.ts gathers every wavelength and more).
 */
import type { LensSystem } from '../optics/system.ts';
import { entrancePupil } from '../paraxial/pupil.ts';
import { launchContext, type LaunchContext } from '../trace/rayAiming.ts';
import { distortionPercent } from './distortion.ts';
import { fieldCurvature } from './fieldCurvature.ts';

/** Samples distortion and field curvature from 0 to the largest field (count points) at wavelength w. */
export function fieldSweep(system: LensSystem, w: number, count = 21, ctx: LaunchContext = launchContext(system)) {
  let fmax = 0;
  for (let i = 0; i < system.fieldY.length; i++) fmax = Math.max(fmax, Math.hypot(system.fieldX[i], system.fieldY[i]));
  const field: number[] = [];
  const distortion: (number | null)[] = [];
  const tangential: (number | null)[] = [];
  const sagittal: (number | null)[] = [];
  for (let k = 0; k < count; k++) {
    const f = count === 1 ? fmax : (fmax * k) / (count - 1);
    field.push(f);
    distortion.push(distortionPercent(system, f, w, ctx));
    const fc = fieldCurvature(system, f, w, ctx);
    tangential.push(fc.tangential);
    sagittal.push(fc.sagittal);
  }
  return { field, distortion, tangential, sagittal, pupil: entrancePupil(system) };
}
