/**
 * The studio's on-demand analyses beside the per-edit bundle (analysisBundle.ts): through-focus
 * spot diagrams and the glass map. Both are engine calls; this file checks the client's options
 * and shapes the answers for the StudioApi.
 */
import { firstOrder } from '../../engine/analysis/firstOrder.ts';
import { rayleighFocusStepMm, throughFocusSpots } from '../../engine/analysis/spotFocus.ts';
import { glassMapPoints, glassPointOf } from '../../engine/materials/glassMap.ts';
import type { GlassLibrary } from '../../engine/materials/glassLibrary.ts';
import type { LensSystem } from '../../engine/optics/system.ts';
import { launchContext } from '../../engine/trace/rayAiming.ts';
import { toSpotData } from './analysisBundle.ts';
import { API_LIMITS, intOption, numberOption } from '../contract/apiLimits.ts';
import { StudioError, type GlassMapData, type ThroughFocusData, type ThroughFocusOptions } from '../contract/studioApi.ts';

/**
 * Through-focus spots of every field and wavelength of `system` (revision `revision`).
 * @throws StudioError BAD_REQUEST for options out of API_LIMITS.throughFocus
 */
export function computeThroughFocus(system: LensSystem, revision: number, options: ThroughFocusOptions = {}): ThroughFocusData {
  if (options === null || typeof options !== 'object') throw new StudioError('BAD_REQUEST', 'throughFocusSpots: options must be an object');
  const steps = intOption('throughFocusSpots.steps', options.steps, 2, API_LIMITS.throughFocus.steps);
  const rings = intOption('throughFocusSpots.spotRings', options.spotRings, 6, API_LIMITS.throughFocus.spotRings);
  const errors: string[] = [];
  let workingFno = NaN;
  try {
    workingFno = firstOrder(system).workingFno;
  } catch (e) {
    errors.push(`first-order data: ${(e as Error).message}`);
  }
  const rayleigh = rayleighFocusStepMm(system.wavelengthsUm[system.primaryIndex], workingFno);
  const stepMm = numberOption('throughFocusSpots.stepMm', options.stepMm, Number.isFinite(rayleigh) ? rayleigh : 0.01, API_LIMITS.throughFocus.stepMm);
  const defocusMm = Array.from({ length: 2 * steps + 1 }, (_, k) => (k - steps) * stepMm);
  const spots: ThroughFocusData['spots'] = [];
  let ctx: ReturnType<typeof launchContext> | undefined;
  try {
    ctx = launchContext(system);
  } catch (e) {
    errors.push(`entrance pupil: ${(e as Error).message}`);
  }
  if (ctx) {
    for (let f = 0; f < system.fieldY.length; f++) {
      for (let w = 0; w < system.wavelengthsUm.length; w++) {
        try {
          throughFocusSpots(system, f, w, defocusMm, { density: rings, ctx }).forEach((s, k) => {
            spots.push({ ...toSpotData(system, f, w, s, workingFno), focusIndex: k });
          });
        } catch (e) {
          errors.push(`through-focus field ${f + 1}, ${system.wavelengthsUm[w]} µm: ${(e as Error).message}`);
        }
      }
    }
  }
  return { revision, stepMm, defocusMm, spots, errors };
}

/** The glass map of `library`'s catalogs and the glasses of `system` (revision `revision`). */
export function computeGlassMap(system: LensSystem, library: GlassLibrary, revision: number): GlassMapData {
  const lens: GlassMapData['lens'] = [];
  system.surfaces.forEach((s, i) => {
    if (i >= system.surfaces.length - 1 || s.mirror || s.kind === 'coordinateBreak') return;
    const m = s.material;
    if (!m.name || /^(AIR|VACUUM)$/i.test(m.name)) return;
    const { nd, vd } = glassPointOf(m);
    if (Number.isFinite(nd) && Number.isFinite(vd)) lens.push({ surfaceIndex: s.specIndex, glass: m.name, ...(m.catalog && { catalog: m.catalog }), nd, vd });
  });
  return { revision, glasses: glassMapPoints(library.catalogs()), lens };
}
