/**
 * What happens to rays on arriving at a surface other than a sphere or conic (realTrace.ts fuses
 * the same steps into its conic loop): the backward-propagation check, and clipping by the clear
 * semi-diameter and the aperture / obscuration shapes (engine/optics/aperture.ts).
 */
import { clipVerdict } from '../optics/aperture.ts';
import type { Surface } from '../optics/system.ts';
import { RayStatus, type RayBatch } from './rayBatch.ts';

/** A ray may arrive this far behind its last refracting surface (mm) before it counts as backward. */
export const BACKWARD_TOL = 1e-9;

/**
 * After the intersection with surface s: flags rays that got there backwards (when `check`), then
 * restarts the free path at a refracting or reflecting surface (`interacts`).
 */
export function arrive(b: RayBatch, s: number, check: boolean, interacts: boolean): void {
  for (let i = 0; i < b.size; i++) {
    if (b.status[i] !== RayStatus.OK) continue;
    if (check && b.freePath[i] < -BACKWARD_TOL) b.lose(i, s, RayStatus.BACKWARD);
    else if (interacts) b.freePath[i] = 0;
  }
}

/** Clear semi-diameter, then aperture and obscuration shapes (engine/optics/aperture.ts). */
export function clip(b: RayBatch, s: number, surf: Surface): void {
  const sd2 = surf.semiDiameter * surf.semiDiameter;
  const shapes = surf.clips;
  if (sd2 === Infinity && shapes.length === 0) return;
  for (let i = 0; i < b.size; i++) {
    if (b.status[i] !== RayStatus.OK) continue;
    const x = b.x[i], y = b.y[i];
    if (x * x + y * y > sd2) {
      b.lose(i, s, RayStatus.VIGNETTED);
      continue;
    }
    const verdict = shapes.length ? clipVerdict(shapes, x, y) : 0;
    if (verdict !== 0) b.lose(i, s, verdict === 1 ? RayStatus.VIGNETTED : RayStatus.OBSCURED);
  }
}
