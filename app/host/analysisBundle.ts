/**
 * Everything the studio draws for one lens revision, computed in the engine host: the analysis
 * report (as `lens-studio analyze --json`), spot diagrams for every field × wavelength, tangential
 * and sagittal ray fans, and the layout (ray paths in global coordinates and surface profiles).
 *
 * Each part is computed independently: a part that fails (a chief ray that misses, say) is left
 * empty and its error is listed, so the rest still draws. Spot and fan data follow the engine's
 * conventions (hexapolar sampling, primary-wavelength chief-ray reference, mm).
 */
import type { LensSystem } from '../../engine/optics/system.ts';
import { analyze } from '../../engine/analysis/report.ts';
import { spotDiagram } from '../../engine/analysis/spot.ts';
import { rayFan } from '../../engine/analysis/rayFan.ts';
import { launchContext } from '../../engine/trace/rayGen.ts';
import type {
  AnalysisBundle,
  AnalysisReport,
  AnalyzeOptions,
  FanData,
  LayoutData,
  SpotData,
  SurfaceProfile,
} from '../studioApi.ts';

const now = () => performance.now();

/**
 * The engine's layout module (engine/analysis/layout.ts, API as agreed with the engine's author):
 * ray paths in global coordinates and surface profiles for drawing.
 * MARK(layout): loaded by a computed specifier until that module exists in the tree; then this
 * block can become a plain static import.
 */
interface LayoutModule {
  layoutRays(
    system: LensSystem,
    opts: { fieldIndex: number; wavelengthIndex: number; nRays: number; plane: 'yz' | '3d' },
  ): { points: Float64Array; valid: Uint8Array; nRays?: number; pointsPerRay?: number };
  surfaceProfiles(system: LensSystem): {
    index?: number;
    z0: number;
    r: ArrayLike<number>;
    z: ArrayLike<number>;
    semiDiameter: number;
    isStop: boolean;
    isMirror: boolean;
    material?: string | null;
  }[];
}
const LAYOUT_MODULE = '../../engine/analysis/layout.ts';
let layoutModule: LayoutModule | null = null;
let layoutLoadError = 'engine/analysis/layout.ts is not available yet';
try {
  layoutModule = (await import(/* @vite-ignore */ LAYOUT_MODULE)) as LayoutModule;
} catch (e) {
  layoutLoadError = `engine/analysis/layout.ts cannot be loaded (${(e as Error).message.split('\n')[0]})`;
}

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
    report = analyze(system);
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
  if (options.layout !== false) {
    t = now();
    try {
      layout = computeLayout(system, options);
    } catch (e) {
      errors.push(`layout: ${describe(e)}`);
    }
    timingsMs.layout = now() - t;
  }

  return { revision, report, spots, fans, layout, errors, timingsMs };
}

function computeLayout(system: LensSystem, options: AnalyzeOptions): LayoutData {
  if (!layoutModule) throw new Error(layoutLoadError);
  const { layoutRays, surfaceProfiles } = layoutModule;
  const nRays = options.layoutRays ?? 7;
  const plane = options.layoutPlane ?? 'yz';
  const rays: LayoutData['rays'] = [];
  for (let f = 0; f < system.fieldY.length; f++) {
    const r = layoutRays(system, { fieldIndex: f, wavelengthIndex: system.primaryIndex, nRays, plane });
    const count = r.valid.length / (r.points.length / 3 / (r.valid.length || 1) || 1);
    rays.push({
      fieldIndex: f,
      wavelengthIndex: system.primaryIndex,
      nRays: r.nRays ?? count,
      pointsPerRay: r.pointsPerRay ?? r.points.length / 3 / Math.max(1, r.nRays ?? count),
      points: r.points,
      valid: r.valid,
    });
  }
  const profiles: SurfaceProfile[] = surfaceProfiles(system).map((p, i) => ({
    index: p.index ?? i,
    z0: p.z0,
    r: Float64Array.from(p.r),
    z: Float64Array.from(p.z),
    semiDiameter: p.semiDiameter,
    isStop: p.isStop,
    isMirror: p.isMirror,
    material: p.material ?? null,
  }));
  return { rays, profiles };
}
