/**
 * Building a lens system from a prescription: the lens model as written (engine/optics/system.ts),
 * then its solves (solves.ts), so that a built system is always consistent. Call `applySolves`
 * again after changing parameters.
 */
import type { Prescription } from '../io/prescription.ts';
import { assembleSystem, type GlassResolver, type LensSystem } from '../optics/system.ts';
import { applySolves } from './solves.ts';

/**
 * Builds a LensSystem from a validated prescription and applies its solves.
 * @param glass resolves material references (the glass library, with the user's catalogs)
 * @throws SystemError naming the surface for an unknown glass, a missing stop setting, etc.
 */
export function buildSystem(p: Prescription, glass: GlassResolver): LensSystem {
  const system = assembleSystem(p, glass);
  applySolves(system);
  return system;
}
