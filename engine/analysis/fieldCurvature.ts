/**
 * Field curvature: the tangential and sagittal foci of a field.
 *
 * Field curvature, mm: the z distance from the image plane to where two parabasal rays around the
 * chief ray cross (Py = ±1e-5 tangential, Px = ±1e-5 sagittal), positive beyond the image plane:
 * the Coddington t and s foci. On axis both are the paraxial focus F2.
 */
import type { LensSystem } from '../optics/system.ts';
import { RayStatus } from '../trace/rayBatch.ts';
import { launchContext, traceField, type LaunchContext } from '../trace/rayAiming.ts';

const PARABASAL = 1e-5;

/** Tangential and sagittal focus positions (mm from the image plane) for field (0, fy) at wavelength w. */
export function fieldCurvature(system: LensSystem, fy: number, w: number, ctx: LaunchContext = launchContext(system)): { tangential: number | null; sagittal: number | null } {
  const b = traceField(system, 0, fy, w, [0, 0, -PARABASAL, PARABASAL], [-PARABASAL, PARABASAL, 0, 0], ctx);
  const cross = (i: number, j: number, axis: 'x' | 'y'): number | null => {
    if (b.status[i] !== RayStatus.OK || b.status[j] !== RayStatus.OK) return null;
    const p1 = axis === 'y' ? b.y[i] : b.x[i];
    const p2 = axis === 'y' ? b.y[j] : b.x[j];
    const t1 = (axis === 'y' ? b.m[i] : b.l[i]) / b.n[i];
    const t2 = (axis === 'y' ? b.m[j] : b.l[j]) / b.n[j];
    if (t1 === t2) return null;
    return (p1 - p2) / (t2 - t1);
  };
  return { tangential: cross(0, 1, 'y'), sagittal: cross(2, 3, 'x') };
}
