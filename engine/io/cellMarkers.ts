/**
 * The marker a lens data editor shows in each cell, as OpticStudio's: "V" a variable, and for a
 * solved cell "P" pickup, "M" marginal ray (angle or height, the paraxial-focus image solve
 * included), "C" chief ray, "F" F-number, "E" edge thickness (engine/io/solves.ts solveMarker).
 * Keys are the editor's field names: radius, thickness, conic, material, and any other variable
 * flag (asphere, tiltX, ...); the "curvature" flag marks the radius cell.
 */
import type { Prescription } from './prescription.ts';
import { solveMarker } from './solves.ts';

export type CellMarker = 'V' | 'P' | 'M' | 'C' | 'F' | 'E';

/** One marker per marked cell of each surface (a solve wins over a stale variable flag). */
export function cellMarkers(p: Prescription): Record<string, CellMarker>[] {
  const last = p.surfaces.length - 1;
  return p.surfaces.map((s, i) => {
    const out: Record<string, CellMarker> = {};
    for (const [key, flag] of Object.entries(s.variables ?? {})) if (flag) out[key === 'curvature' ? 'radius' : key] = 'V';
    for (const [key, solve] of Object.entries(s.solves ?? {})) if (solve) out[key] = solveMarker(solve);
    if (i === last && p.imageSolve === 'paraxialFocus' && !s.solves?.thickness) out.thickness = 'M';
    return out;
  });
}
