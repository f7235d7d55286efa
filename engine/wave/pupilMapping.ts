/**
 * The linear map from normalised pupil coordinates to image-space direction cosines, which fixes
 * the image-plane scale of every diffraction analysis (PSF pixel size, MTF frequencies).
 *
 * a_S = (L(+1, 0) − L(−1, 0)) / 2 and a_T = (M(0, +1) − M(0, −1)) / 2, with L and M the real
 * image-space direction cosines (image surface frame) of the marginal rays at the wavelength.
 * Signed: a_T < 0 when the exit pupil is upright (the top of the pupil sends light downwards).
 * A pupil shift Δ (normalised units, pupil diameter 2) corresponds to the image-plane frequency
 * f = Δ·|a|/λ, so the cutoff is 2|a|/λ (../shared/oracles/wave/README.md, "direction-cosine
 * mapping"). When a marginal ray is lost, the difference is taken between the rays at ρ = 0.75,
 * 0.5, 0.25 (the first pair that reaches the image), scaled to the full pupil.
 */
import type { LensSystem } from '../optics/system.ts';
import { RayStatus } from '../trace/rayBatch.ts';
import { launchContext, traceField, type LaunchContext } from '../trace/rayAiming.ts';
import { firstOrder } from '../analysis/firstOrder.ts';

export interface DirectionCosineScale {
  /** Sagittal (x) and tangential (y) slopes of the direction cosines per unit pupil coordinate. */
  aS: number;
  aT: number;
}

/**
 * Direction-cosine scale of field f at wavelength index w. Falls back to the paraxial working
 * F-number (|a| = 1 / (2 F_w)) when no pair of rays on an axis reaches the image.
 */
export function directionCosineScale(system: LensSystem, f: number, w: number, ctx: LaunchContext = launchContext(system)): DirectionCosineScale {
  const rhos = [1, 0.75, 0.5, 0.25];
  const px: number[] = [], py: number[] = [];
  for (const r of rhos) px.push(r, -r, 0, 0), py.push(0, 0, r, -r);
  const b = traceField(system, system.fieldX[f], system.fieldY[f], w, px, py, ctx);
  const ok = (i: number) => b.status[i] === RayStatus.OK;
  let aS = NaN, aT = NaN;
  for (let k = 0; k < rhos.length; k++) {
    const i = 4 * k;
    if (Number.isNaN(aS) && ok(i) && ok(i + 1)) aS = (b.l[i] - b.l[i + 1]) / (2 * rhos[k]);
    if (Number.isNaN(aT) && ok(i + 2) && ok(i + 3)) aT = (b.m[i + 2] - b.m[i + 3]) / (2 * rhos[k]);
  }
  if (Number.isNaN(aS) || Number.isNaN(aT) || aS === 0 || aT === 0) {
    const a = 1 / (2 * firstOrder(system).workingFno);
    if (Number.isNaN(aS) || aS === 0) aS = a;
    if (Number.isNaN(aT) || aT === 0) aT = -a;
  }
  return { aS, aT };
}

/** Diffraction-limited MTF of a clear circular pupil at ν = f / cutoff: (2/π)(acos ν − ν√(1 − ν²)). */
export function diffractionLimitedMtf(nu: number): number {
  if (!(nu < 1)) return 0;
  const v = Math.max(0, nu);
  return (2 / Math.PI) * (Math.acos(v) - v * Math.sqrt(1 - v * v));
}
