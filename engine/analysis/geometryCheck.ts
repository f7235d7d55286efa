/**
 * Mechanical sanity checks of a prescription: surfaces that cross each other.
 *
 * For consecutive optical surfaces s and s+1 (no coordinate break between them), the axial gap at
 * radial height h is t_s + sag_{s+1}(h) − sag_s(h) (sign by the propagation direction). A gap that
 * is negative at the axis (h = 0) or at the rim (for glass the larger clear semi-aperture, for air
 * the smaller one; without clear apertures the paraxial marginal-ray height) means the surfaces cross. Each problem is one readable
 * line naming the prescription field (stop and dummy planes, which are not material boundaries,
 * are not checked), e.g. `surfaces[2].thickness: surfaces 3 and 4 cross at
 * h = 5.2 mm (gap −0.31 mm)`.
 */
import type { LensSystem } from '../optics/system.ts';
import { directionBefore } from '../optics/system.ts';
import { entrancePupil } from '../paraxial/pupil.ts';
import { traceParaxial } from '../paraxial/paraxial.ts';
import { marginalRayStart } from '../paraxial/rays.ts';
import { sagAt } from '../trace/sag.ts';

/** Returns one line per crossing; empty when the lens is mechanically consistent. */
export function checkGeometry(system: LensSystem): string[] {
  const out: string[] = [];
  const ns = system.surfaces.length;
  let heights: Float64Array | null = null;
  try {
    const w = system.primaryIndex;
    const { epd, epl } = entrancePupil(system);
    // Without clear apertures only the axial beam is certain to be there: its paraxial height.
    const m = traceParaxial(system, w, ...marginalRayStart(system, epd, epl, w));
    heights = Float64Array.from(m.y, (y) => Math.abs(y));
  } catch {
    heights = null;
  }
  // A flat surface with the same medium on both sides (a stop or dummy plane) is no material
  // boundary: other surfaces may pass through it (a stop inside a phone lens's first element).
  const isDummy = (s: number): boolean => {
    const surf = system.surfaces[s];
    const before = s === 0 ? system.objectMaterial : system.surfaces[s - 1].material;
    return surf.kind === 'standard' && surf.c === 0 && !surf.mirror && surf.material === before;
  };
  for (let s = 0; s < ns - 2; s++) {
    const a = system.surfaces[s], b = system.surfaces[s + 1];
    if (a.kind === 'coordinateBreak' || b.kind === 'coordinateBreak') continue;
    if (isDummy(s) || isDummy(s + 1)) continue;
    const dir = directionBefore(system, s + 1);
    const gap0 = a.thickness * dir;
    if (gap0 < 0) {
      out.push(`surfaces[${s}].thickness: surfaces ${s + 1} and ${s + 2} cross on the axis (gap ${gap0.toFixed(4)} mm)`);
      continue;
    }
    const sdA = Number.isFinite(a.semiDiameter) ? a.semiDiameter : 0;
    const sdB = Number.isFinite(b.semiDiameter) ? b.semiDiameter : 0;
    // A glass element is as wide as its wider face; an air gap only matters where both faces exist.
    const glass = a.material.name !== 'AIR' && !a.mirror;
    let h = glass ? Math.max(sdA, sdB) : sdA > 0 && sdB > 0 ? Math.min(sdA, sdB) : Math.max(sdA, sdB);
    if (h === 0 && heights) h = Math.max(heights[s], heights[s + 1]);
    if (!(h > 0)) continue;
    const gap = (a.thickness + sagAt(b, h) - sagAt(a, h)) * dir;
    if (Number.isFinite(gap) && gap < 0) {
      out.push(`surfaces[${s}].thickness: surfaces ${s + 1} and ${s + 2} cross at h = ${h.toFixed(3)} mm (edge gap ${gap.toFixed(4)} mm)`);
    }
  }
  return out;
}
