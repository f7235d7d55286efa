/**
 * Writes a system's current numbers back into a prescription (after optimization or fitting):
 * radius = 1/c (null for a plane), thicknesses (including solved ones), conics, aspheric and XY
 * coefficients, coordinate-break decenters and tilts (degrees), model glasses (nd, Vd), glass offsets, paraxial
 * focal lengths and the object distance. Everything else is copied unchanged.
 */
import type { LensSystem } from './system.ts';
import type { Prescription, SurfaceSpec } from '../io/prescription.ts';
import { ModelGlass } from '../materials/modelGlass.ts';
import { OffsetGlass } from '../materials/offsetGlass.ts';

const RAD = 180 / Math.PI;

/** Returns a new prescription carrying the system's current parameter values. */
export function writeBack(system: LensSystem, base: Prescription = system.prescription): Prescription {
  const p: Prescription = structuredClone(base);
  p.surfaces = base.surfaces.map((spec, i): SurfaceSpec => {
    const s = system.surfaces[i];
    const out = structuredClone(spec) as SurfaceSpec;
    out.thickness = s.thickness;
    switch (out.type) {
      case 'standard':
        out.radius = s.c === 0 ? null : 1 / s.c;
        if (s.k !== 0 || out.conic !== undefined) out.conic = s.k;
        break;
      case 'evenAsphere':
        out.radius = s.c === 0 ? null : 1 / s.c;
        if (s.k !== 0 || out.conic !== undefined) out.conic = s.k;
        out.asphere = Array.from(s.asphere);
        break;
      case 'xyPolynomial':
        out.b = s.xyB;
        out.xy = Array.from(s.xy);
        break;
      case 'coordinateBreak':
        out.decenterX = s.decenterX;
        out.decenterY = s.decenterY;
        out.tiltX = s.tiltX * RAD;
        out.tiltY = s.tiltY * RAD;
        out.tiltZ = s.tiltZ * RAD;
        break;
      case 'paraxial':
        out.focalLength = s.focalLength;
        break;
    }
    if (s.material instanceof OffsetGlass && out.type !== 'coordinateBreak' && !s.mirror) {
      const prev = (spec as { material?: unknown }).material;
      if (prev && typeof prev === 'object' && 'offset' in prev) {
        (out as { material?: unknown }).material = { glass: (prev as unknown as { glass: unknown }).glass, offset: { nd: s.material.dnd, vd: s.material.dvd } };
      }
    } else if (s.material instanceof ModelGlass && out.type !== 'coordinateBreak' && !s.mirror) {
      const prev = (spec as { material?: unknown }).material;
      const name = prev && typeof prev === 'object' && 'model' in prev ? (prev as { name?: string }).name : undefined;
      (out as { material?: unknown }).material = { model: { nd: s.material.nd, vd: s.material.vd }, ...(name ? { name } : {}) };
    }
    return out;
  });
  if (p.object.distance !== 'infinity') p.object.distance = system.objectDistance;
  return p;
}
