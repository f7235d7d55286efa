/**
 * Writes a system's current numbers back into a prescription (after optimization or fitting):
 * radius = 1/c (null for a plane), thicknesses (including solved ones), conics, aspheric and XY
 * coefficients, coordinate-break decenters and tilts (degrees), model glasses (nd, Vd), glass
 * offsets, paraxial focal lengths and the object distance. Everything else is copied unchanged,
 * solves and pickups included (their parameters get their current, solved values; a glass pickup
 * gets its source's material as written back). {@link writeSolvedValues} writes the solved
 * parameters only.
 */
import type { LensSystem } from './system.ts';
import type { Prescription, SurfaceSpec } from '../io/prescription.ts';
import { ModelGlass } from '../materials/modelGlass.ts';
import { OffsetGlass } from '../materials/offsetGlass.ts';
import { materialOrigin } from './systemSolves.ts';

/** The material a glass pickup resolves to: its origin surface's own material in `surfaces` (null = air). */
function pickedMaterial(base: Prescription, surfaces: readonly SurfaceSpec[], i: number): unknown {
  const from = surfaces[materialOrigin(base, i, (m) => { throw new Error(m); })];
  return structuredClone('material' in from ? from.material : undefined) ?? null;
}

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
  // A glass pickup takes its source's material as just written back (nd / Vd that varied included).
  p.surfaces.forEach((spec, i) => {
    if (spec.solves?.material && spec.type !== 'coordinateBreak') (spec as { material?: unknown }).material = pickedMaterial(base, p.surfaces, i);
  });
  if (p.object.distance !== 'infinity') p.object.distance = system.objectDistance;
  return p;
}

/**
 * Returns a copy of `base` with only the solved and picked-up parameters of `system` written in
 * (radius, thickness, conic; a glass pickup's material): what a lens data editor shows in solved
 * cells. Other numbers keep their exact written form.
 */
export function writeSolvedValues(system: LensSystem, base: Prescription = system.prescription): Prescription {
  if (system.solves.length === 0 && !base.surfaces.some((s) => s.solves?.material)) return base;
  const p: Prescription = structuredClone(base);
  for (const sol of system.solves) {
    const i = sol.target.surface;
    const out = p.surfaces[i] as Record<string, unknown>;
    const s = system.surfaces[i];
    if (sol.target.kind === 'thickness') out.thickness = s.thickness;
    else if (sol.target.kind === 'curvature') out.radius = s.c === 0 ? null : 1 / s.c;
    else if (s.k !== 0 || out.conic !== undefined) out.conic = s.k;
  }
  p.surfaces.forEach((spec, i) => {
    if (spec.solves?.material && spec.type !== 'coordinateBreak') (spec as { material?: unknown }).material = pickedMaterial(base, base.surfaces, i);
  });
  return p;
}
