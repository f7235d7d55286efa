/**
 * Wavelengths outside the range over which a glass's dispersion formula was fitted (the AGF LD
 * record): the formula still gives an index there, but nothing vouches for it. One warning per
 * glass, naming the glass, its catalog, where it is used (0-based JSON paths, as the prescription
 * format counts) and the wavelengths outside its range:
 * `N-BK7 (SCHOTT) at surfaces[0], surfaces[2]: 2.8 µm is outside its catalogued range 0.3–2.5 µm`.
 */
import type { Material } from '../materials/material.ts';
import type { LensSystem } from './system.ts';

/**
 * Range warnings for the glasses of `system` at the given wavelengths (default: the system's).
 * Glasses without a catalogued range (model glasses, air) are not checked.
 */
export function glassRangeWarnings(system: LensSystem, wavelengthsUm: ArrayLike<number> = system.wavelengthsUm): string[] {
  const uses = new Map<Material, string[]>();
  const note = (m: Material, where: string) => {
    const list = uses.get(m);
    if (list) list.push(where);
    else uses.set(m, [where]);
  };
  if (system.prescription.object.material !== undefined) note(system.objectMaterial, 'object.material');
  system.surfaces.forEach((s, i) => {
    if (i === system.surfaces.length - 1 || s.mirror) return; // the image, and mirrors (no new medium)
    const spec = system.prescription.surfaces[i];
    if (spec && 'material' in spec && spec.material !== undefined) note(s.material, `surfaces[${i}]`);
  });
  const out: string[] = [];
  for (const [m, where] of uses) {
    const range = (m as Material & { rangeUm?: readonly [number, number] }).rangeUm;
    if (!range) continue;
    const outside = Array.from(wavelengthsUm).filter((w) => w < range[0] || w > range[1]);
    if (outside.length === 0) continue;
    const label = m.catalog ? `${m.name} (${m.catalog})` : m.name;
    out.push(
      `${label} at ${where.join(', ')}: ${outside.join(', ')} µm ${outside.length > 1 ? 'are' : 'is'} outside its catalogued range ${range[0]}–${range[1]} µm`,
    );
  }
  return out;
}
