/**
 * The studio's on-demand analyses beside the per-edit bundle (analysisBundle.ts): through-focus
 * spot diagrams and the glass map. Both are engine calls; this file checks the client's options
 * and shapes the answers for the StudioApi.
 */
import { firstOrder } from '../../engine/analysis/firstOrder.ts';
import { airyDiskRadiusMm, rayleighFocusStepMm, throughFocusSpots } from '../../engine/analysis/spotFocus.ts';
import { glassMapPoints, glassPointOf } from '../../engine/materials/glassMap.ts';
import type { GlassLibrary } from '../../engine/materials/glassLibrary.ts';
import type { LensSystem } from '../../engine/optics/system.ts';
import { launchContext } from '../../engine/trace/rayAiming.ts';
import { StudioError, type GlassMapData, type ThroughFocusData, type ThroughFocusOptions } from '../contract/studioApi.ts';

/** Bounds of the through-focus options (a client cannot ask for unbounded work). */
export const THROUGH_FOCUS_LIMITS = { steps: [1, 5], spotRings: [1, 20], stepMm: [1e-6, 100] } as const;

function bounded(name: string, v: unknown, fallback: number, [lo, hi]: readonly [number, number], integer: boolean): number {
  if (v === undefined) return fallback;
  if (typeof v !== 'number' || !Number.isFinite(v) || (integer && !Number.isInteger(v)) || v < lo || v > hi) {
    throw new StudioError('BAD_REQUEST', `throughFocusSpots: ${name} must be ${integer ? 'an integer' : 'a number'} from ${lo} to ${hi}, got ${String(v)}`);
  }
  return v;
}

/**
 * Through-focus spots of every field and wavelength of `system` (revision `revision`).
 * @throws StudioError BAD_REQUEST for options out of THROUGH_FOCUS_LIMITS
 */
export function computeThroughFocus(system: LensSystem, revision: number, options: ThroughFocusOptions = {}): ThroughFocusData {
  if (options === null || typeof options !== 'object') throw new StudioError('BAD_REQUEST', 'throughFocusSpots: options must be an object');
  const steps = bounded('steps', options.steps, 2, THROUGH_FOCUS_LIMITS.steps, true);
  const rings = bounded('spotRings', options.spotRings, 6, THROUGH_FOCUS_LIMITS.spotRings, true);
  const errors: string[] = [];
  let workingFno = NaN;
  try {
    workingFno = firstOrder(system).workingFno;
  } catch (e) {
    errors.push(`first-order data: ${(e as Error).message}`);
  }
  const rayleigh = rayleighFocusStepMm(system.wavelengthsUm[system.primaryIndex], workingFno);
  const stepMm = bounded('stepMm', options.stepMm, Number.isFinite(rayleigh) ? rayleigh : 0.01, THROUGH_FOCUS_LIMITS.stepMm, false);
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
            const [cx, cy] = s.centroid ?? [NaN, NaN];
            spots.push({
              focusIndex: k,
              fieldIndex: f,
              wavelengthIndex: w,
              wavelengthUm: system.wavelengthsUm[w],
              x: s.x,
              y: s.y,
              valid: s.valid,
              rmsRadius: s.rmsRadius ?? NaN,
              geoRadius: s.geoRadius ?? NaN,
              centroid: [cx - s.reference[0], cy - s.reference[1]],
              airyRadius: airyDiskRadiusMm(system.wavelengthsUm[w], workingFno),
            });
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
