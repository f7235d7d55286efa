/**
 * The merit editor's view of the current lens (StudioApi.evaluateMerit): the merit spec given, or
 * the lens's saved one, or the default merit, checked against the lens and evaluated at its current
 * parameters (engine/optimize/meritTable.ts). Targets are the spec's, as the user typed them: the
 * host never fills one in from the lens.
 */
import { formatPath } from '../../engine/io/jsonText.ts';
import { checkMeritIndices, MeritSpec } from '../../engine/io/meritSpecSchema.ts';
import type { Prescription } from '../../engine/io/prescription.ts';
import { meritTable, type MeritTable } from '../../engine/optimize/meritTable.ts';
import type { LensSystem } from '../../engine/optics/system.ts';
import { StudioError } from '../contract/studioApi.ts';

/**
 * Evaluates `merit` (a merit spec; undefined: the lens's saved merit, else the default merit).
 * @throws StudioError BAD_REQUEST naming the JSON path of an invalid spec or an index the lens lacks
 */
export function evaluateMeritTable(p: Prescription, system: LensSystem, merit: unknown): MeritTable {
  const parsed = MeritSpec.safeParse(merit ?? p.merit ?? { defaultMerit: {} });
  if (!parsed.success) {
    const i = parsed.error.issues[0];
    throw new StudioError('BAD_REQUEST', `merit function: ${formatPath(['merit', ...i.path])}: ${i.message}`);
  }
  const bad = checkMeritIndices(parsed.data, { surfaces: p.surfaces.length, fields: p.fields.points.length, wavelengths: p.wavelengths.valuesUm.length });
  if (bad.length) throw new StudioError('BAD_REQUEST', `merit function: ${bad.join('; ')}`);
  try {
    return meritTable(system, parsed.data);
  } catch (e) {
    throw new StudioError('BAD_REQUEST', `merit function: ${(e as Error).message}`);
  }
}
