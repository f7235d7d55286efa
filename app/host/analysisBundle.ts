/**
 * Everything the studio draws for one lens revision, computed in the engine host: the analysis
 * report (as `lens-studio analyze --json`), spot diagrams for every field × wavelength, tangential
 * and sagittal ray fans, the layout (ray paths in global coordinates and surface profiles) and, when
 * asked for, the field plots.
 *
 * Each part is computed independently: a part that fails (a chief ray that misses, say) is left
 * empty and its error is listed, so the rest still draws. Spot and fan data follow the engine's
 * conventions (hexapolar sampling, primary-wavelength chief-ray reference, mm).
 *
 * Time-sliced: the host's event loop gets a turn between parts (each spot diagram, each fan, the
 * layout), so other clients are answered while a large analysis runs; the options are bounded
 * (app/contract/apiLimits.ts), so each part is.
 */
import type { LensSystem } from '../../engine/optics/system.ts';
import { analyze } from '../../engine/analysis/report.ts';
import { fieldPlots as computeFieldPlots } from '../../engine/analysis/fieldPlots.ts';
import { spotDiagram, type SpotDiagram } from '../../engine/analysis/spot.ts';
import { rayFan } from '../../engine/analysis/rayFan.ts';
import { launchContext } from '../../engine/trace/rayAiming.ts';
import { automaticSemiDiameters, layoutRays, surfaceProfiles } from '../../engine/analysis/layout.ts';
import { airyDiskRadiusMm } from '../../engine/analysis/spotFocus.ts';
import {
  StudioError,
  type AnalysisBundle,
  type AnalysisReport,
  type AnalyzeOptions,
  type FanData,
  type FieldPlots,
  type LayoutData,
  type SpotData,
  type SurfaceProfile,
} from '../contract/studioApi.ts';
import { API_LIMITS, choiceOption, intOption } from '../contract/apiLimits.ts';

const now = () => performance.now();

function describe(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/** Analysis options with every default filled in, each checked against API_LIMITS. */
export type CheckedAnalyzeOptions = Required<Pick<AnalyzeOptions, 'spotRings' | 'fanPoints' | 'layoutRays' | 'layoutPlane' | 'spots' | 'fans' | 'layout' | 'fieldPlots' | 'report'>>;

/**
 * Checks a client's analysis options (undefined → default).
 * @throws StudioError BAD_REQUEST naming the option, its range and the value
 */
export function checkAnalyzeOptions(options: unknown): CheckedAnalyzeOptions {
  if (options !== undefined && (options === null || typeof options !== 'object' || Array.isArray(options))) {
    throw new StudioError('BAD_REQUEST', 'analyze: options must be an object');
  }
  const o = (options ?? {}) as AnalyzeOptions;
  const flag = (name: string, v: unknown) => {
    if (v !== undefined && typeof v !== 'boolean') throw new StudioError('BAD_REQUEST', `${name}: expected true or false`);
    return v !== false;
  };
  const L = API_LIMITS.analyze;
  return {
    spotRings: intOption('spotRings', o.spotRings, 6, L.spotRings),
    fanPoints: intOption('fanPoints', o.fanPoints, 257, L.fanPoints),
    layoutRays: intOption('layoutRays', o.layoutRays, 7, L.layoutRays),
    layoutPlane: choiceOption('layoutPlane', o.layoutPlane, 'yz', ['yz', '3d'] as const),
    spots: flag('spots', o.spots),
    fans: flag('fans', o.fans),
    layout: flag('layout', o.layout),
    // Off unless asked for (a few ms per revision, for the panel that shows them).
    fieldPlots: flag('fieldPlots', o.fieldPlots) && o.fieldPlots === true,
    report: flag('report', o.report),
  };
}

/** Hands the event loop a turn (other clients' requests, stop calls). */
const yieldTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * Computes the analysis bundle of `system` for lens `revision`, yielding between parts.
 * Never throws for an optical failure: those land in `errors`.
 * @throws StudioError BAD_REQUEST for options outside API_LIMITS (before any work)
 */
export async function computeAnalysis(system: LensSystem, revision: number, options: AnalyzeOptions = {}): Promise<AnalysisBundle> {
  const opts = checkAnalyzeOptions(options);
  const errors: string[] = [];
  const timingsMs: Record<string, number> = {};
  const nFields = system.fieldY.length;
  const nWaves = system.wavelengthsUm.length;
  let ctx: ReturnType<typeof launchContext> | undefined;
  try {
    ctx = launchContext(system);
  } catch (e) {
    errors.push(`entrance pupil: ${describe(e)}`);
  }

  let t = now();
  let report: AnalysisReport | null = null;
  if (opts.report) {
    try {
      // The OPD maps are not drawn in the studio; leaving them out keeps an edit's redraw short.
      report = analyze(system, { opd: false, fieldPlots: false });
    } catch (e) {
      errors.push(`report: ${describe(e)}`);
    }
    timingsMs.report = now() - t;
  }

  const spots: SpotData[] = [];
  if (opts.spots && ctx) {
    timingsMs.spots = 0;
    for (let f = 0; f < nFields; f++) {
      for (let w = 0; w < nWaves; w++) {
        await yieldTurn();
        t = now();
        try {
          const s = spotDiagram(system, f, w, { density: opts.spotRings, ctx });
          spots.push(toSpotData(system, f, w, s, report?.paraxial.working_fno ?? NaN));
        } catch (e) {
          errors.push(`spot field ${f + 1}, ${system.wavelengthsUm[w]} µm: ${describe(e)}`);
        }
        timingsMs.spots += now() - t;
      }
    }
  }

  const fans: FanData[] = [];
  if (opts.fans && ctx) {
    timingsMs.fans = 0;
    for (let f = 0; f < nFields; f++) {
      for (let w = 0; w < nWaves; w++) {
        await yieldTurn();
        t = now();
        try {
          const r = rayFan(system, f, w, { points: opts.fanPoints, ctx });
          fans.push({
            fieldIndex: f,
            wavelengthIndex: w,
            wavelengthUm: system.wavelengthsUm[w],
            pupil: r.pupil,
            tangentialY: r.tangentialY,
            sagittalX: r.sagittalX,
            validTangential: r.tangentialValid,
            validSagittal: r.sagittalValid,
          });
        } catch (e) {
          errors.push(`ray fan field ${f + 1}, ${system.wavelengthsUm[w]} µm: ${describe(e)}`);
        }
        timingsMs.fans += now() - t;
      }
    }
  }

  let layout: LayoutData | null = null;
  if (opts.layout && ctx) {
    await yieldTurn();
    t = now();
    try {
      layout = computeLayout(system, opts, ctx);
    } catch (e) {
      errors.push(`layout: ${describe(e)}`);
    }
    timingsMs.layout = now() - t;
  }

  let fieldPlots: FieldPlots | null = null;
  if (opts.fieldPlots && ctx) {
    await yieldTurn();
    t = now();
    try {
      fieldPlots = computeFieldPlots(system, { ctx });
    } catch (e) {
      errors.push(`field plots: ${describe(e)}`);
    }
    timingsMs.fieldPlots = now() - t;
  }

  return { revision, report, spots, fans, layout, fieldPlots, errors, timingsMs };
}

function computeLayout(system: LensSystem, options: CheckedAnalyzeOptions, ctx: ReturnType<typeof launchContext>): LayoutData {
  const nRays = options.layoutRays;
  const plane = options.layoutPlane;
  const rays: LayoutData['rays'] = [];
  for (let f = 0; f < system.fieldY.length; f++) {
    const r = layoutRays(system, { fieldIndex: f, wavelengthIndex: system.primaryIndex, nRays, plane, ctx });
    rays.push({ fieldIndex: f, wavelengthIndex: system.primaryIndex, nRays: r.nRays, pointsPerRay: r.pointsPerRay, points: r.points, valid: r.valid });
  }
  const semiDiameters = automaticSemiDiameters(system, ctx);
  const profiles: SurfaceProfile[] = surfaceProfiles(system, { ctx, samples: 33, semiDiameters }).map((p) => ({
    index: p.index,
    z0: p.z0,
    r: p.r,
    z: p.z,
    semiDiameter: p.semiDiameter,
    isStop: p.isStop,
    isMirror: p.isMirror,
    material: p.material,
  }));
  return { rays, profiles, semiDiameters: Array.from(semiDiameters) };
}

/**
 * The StudioApi's spot of field `f` and wavelength `w`: the engine's spot diagram with the centroid
 * made relative to the reference ray (as x and y are), NaN for missing radii, and the Airy-disk
 * radius 1.22 λ N_w (mm) for the working F-number `workingFno`.
 */
export function toSpotData(system: LensSystem, f: number, w: number, s: SpotDiagram, workingFno: number): SpotData {
  const [cx, cy] = s.centroid ?? [NaN, NaN];
  return {
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
  };
}
