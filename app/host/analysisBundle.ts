/**
 * Everything the studio draws for one lens revision, computed in the engine host: the analysis
 * report (as `lens-studio analyze --json`), spot diagrams for every field × wavelength, tangential
 * and sagittal ray fans, the layout (ray paths in global coordinates and surface profiles) and, when
 * asked for, the field plots.
 *
 * Each part is computed independently: a part that fails (a chief ray that misses, say) is left
 * empty and its error is listed, so the rest still draws. Spot and fan data follow the engine's
 * conventions (hexapolar sampling, primary-wavelength chief-ray reference, mm).
 */
import type { LensSystem } from '../../engine/optics/system.ts';
import { analyze } from '../../engine/analysis/report.ts';
import { fieldPlots as computeFieldPlots } from '../../engine/analysis/fieldPlots.ts';
import { spotDiagram } from '../../engine/analysis/spot.ts';
import { rayFan } from '../../engine/analysis/rayFan.ts';
import { launchContext } from '../../engine/trace/rayAiming.ts';
import { layoutRays, surfaceProfiles } from '../../engine/analysis/layout.ts';
import type {
  AnalysisBundle,
  AnalysisReport,
  AnalyzeOptions,
  FanData,
  FieldPlots,
  LayoutData,
  SpotData,
  SurfaceProfile,
} from '../contract/studioApi.ts';

const now = () => performance.now();

function describe(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/**
 * Computes the analysis bundle of `system` for lens `revision`.
 * Never throws for an optical failure: those land in `errors`.
 */
export function computeAnalysis(system: LensSystem, revision: number, options: AnalyzeOptions = {}): AnalysisBundle {
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
  try {
    // The OPD maps are not drawn in the studio; leaving them out keeps an edit's redraw short.
    report = analyze(system, { opd: false, fieldPlots: false });
  } catch (e) {
    errors.push(`report: ${describe(e)}`);
  }
  timingsMs.report = now() - t;

  const spots: SpotData[] = [];
  if (options.spots !== false && ctx) {
    t = now();
    for (let f = 0; f < nFields; f++) {
      for (let w = 0; w < nWaves; w++) {
        try {
          const s = spotDiagram(system, f, w, { density: options.spotRings ?? 6, ctx });
          const [cx, cy] = s.centroid ?? [NaN, NaN];
          spots.push({
            fieldIndex: f,
            wavelengthIndex: w,
            wavelengthUm: system.wavelengthsUm[w],
            x: s.x,
            y: s.y,
            valid: s.valid,
            rmsRadius: s.rmsRadius ?? NaN,
            geoRadius: s.geoRadius ?? NaN,
            // Centroid relative to the reference, like x and y.
            centroid: [cx - s.reference[0], cy - s.reference[1]],
          });
        } catch (e) {
          errors.push(`spot field ${f + 1}, ${system.wavelengthsUm[w]} µm: ${describe(e)}`);
        }
      }
    }
    timingsMs.spots = now() - t;
  }

  const fans: FanData[] = [];
  if (options.fans !== false && ctx) {
    t = now();
    for (let f = 0; f < nFields; f++) {
      for (let w = 0; w < nWaves; w++) {
        try {
          const r = rayFan(system, f, w, { points: options.fanPoints ?? 257, ctx });
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
      }
    }
    timingsMs.fans = now() - t;
  }

  let layout: LayoutData | null = null;
  if (options.layout !== false && ctx) {
    t = now();
    try {
      layout = computeLayout(system, options, ctx);
    } catch (e) {
      errors.push(`layout: ${describe(e)}`);
    }
    timingsMs.layout = now() - t;
  }

  let fieldPlots: FieldPlots | null = null;
  if (options.fieldPlots === true && ctx) {
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

function computeLayout(system: LensSystem, options: AnalyzeOptions, ctx: ReturnType<typeof launchContext>): LayoutData {
  const nRays = options.layoutRays ?? 7;
  const plane = options.layoutPlane ?? 'yz';
  const rays: LayoutData['rays'] = [];
  for (let f = 0; f < system.fieldY.length; f++) {
    const r = layoutRays(system, { fieldIndex: f, wavelengthIndex: system.primaryIndex, nRays, plane, ctx });
    rays.push({ fieldIndex: f, wavelengthIndex: system.primaryIndex, nRays: r.nRays, pointsPerRay: r.pointsPerRay, points: r.points, valid: r.valid });
  }
  const profiles: SurfaceProfile[] = surfaceProfiles(system, { ctx, samples: 33 }).map((p) => ({
    index: p.index,
    z0: p.z0,
    r: p.r,
    z: p.z,
    semiDiameter: p.semiDiameter,
    isStop: p.isStop,
    isMirror: p.isMirror,
    material: p.material,
  }));
  return { rays, profiles };
}
