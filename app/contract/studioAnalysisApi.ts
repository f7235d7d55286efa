/**
 * The StudioApi's analysis answers (studioApi.ts `analyze`, `throughFocusSpots`, `glassMap`): the
 * options of a per-edit analysis and the spot diagrams, ray fans, layout rays and report it returns,
 * through-focus spots and the glass map. Re-exported by studioApi.ts.
 *
 * Units follow the engine: lengths in mm, wavelengths in µm. Spot and fan coordinates are
 * image-plane mm relative to the primary-wavelength real chief ray.
 *
 * Browser-safe: type imports only, no Node built-ins.
 */
import type { AnalysisReport, FieldPlots } from '../../engine/analysis/report.ts';
import type { LayoutRays as EngineLayoutRays, SurfaceProfile as EngineSurfaceProfile } from '../../engine/analysis/layout.ts';

/** What `analyze` computes. Defaults follow the oracle conventions (hexapolar 6 rings, 257-point fans). */
export interface AnalyzeOptions {
  spotRings?: number;
  fanPoints?: number;
  /** Rays per field in the layout (a meridional fan), default 7. */
  layoutRays?: number;
  layoutPlane?: 'yz' | '3d';
  spots?: boolean;
  fans?: boolean;
  layout?: boolean;
  /**
   * Compute the field plots (field curvature, distortion, lateral colour, longitudinal aberration,
   * chromatic focal shift; engine/analysis/fieldPlots.ts, as `analyze --json`'s `field_plots`).
   * Default false: a few ms per lens revision, asked for by the panel that shows them.
   */
  fieldPlots?: boolean;
  /** Compute the analysis report (`analyze --json`'s first-order data, Seidel, …); default true. */
  report?: boolean;
}

/** One spot diagram: image-plane intercepts (mm) relative to the primary-wavelength chief ray. */
export interface SpotData {
  fieldIndex: number;
  wavelengthIndex: number;
  wavelengthUm: number;
  x: Float64Array;
  y: Float64Array;
  /** 1 where the ray reached the image, 0 where it was lost (miss, TIR, clipped). */
  valid: Uint8Array;
  rmsRadius: number;
  geoRadius: number;
  centroid: [number, number];
  /**
   * Airy-disk radius at this wavelength, mm: 1.22 λ N_w with N_w the paraxial working F-number
   * (engine/analysis/spotFocus.ts); NaN when N_w is not finite (afocal).
   */
  airyRadius: number;
}

/** Tangential (y vs Py) and sagittal (x vs Px) ray fans, mm, relative to the primary chief ray. */
export interface FanData {
  fieldIndex: number;
  wavelengthIndex: number;
  wavelengthUm: number;
  pupil: Float64Array;
  tangentialY: Float64Array;
  sagittalX: Float64Array;
  validTangential: Uint8Array;
  validSagittal: Uint8Array;
}

/** Rays of one field for the layout: the engine's layout rays with the field and wavelength drawn. */
export interface LayoutRays extends EngineLayoutRays {
  fieldIndex: number;
  wavelengthIndex: number;
}

/** A surface's meridional profile in global coordinates for drawing elements (mm). */
export type SurfaceProfile = Omit<EngineSurfaceProfile, 'isImage'>;

export interface LayoutData {
  rays: LayoutRays[];
  profiles: SurfaceProfile[];
  /**
   * Semi-diameter of every prescription surface, then the image (length surfaces + 1), mm: the
   * user's clear semi-aperture where set, else the automatic one (largest height of the chief and
   * pupil-edge rays of every field and wavelength, as OpticStudio's automatic semi-diameters).
   */
  semiDiameters: number[];
}

/** Everything the studio draws for one lens revision. A failing analysis leaves its part empty and says why in `errors`. */
export interface AnalysisBundle {
  revision: number;
  report: AnalysisReport | null;
  spots: SpotData[];
  fans: FanData[];
  layout: LayoutData | null;
  /** The field plots when asked for (AnalyzeOptions.fieldPlots), else null. */
  fieldPlots: FieldPlots | null;
  errors: string[];
  /** Host-side compute time of each part, ms. */
  timingsMs: Record<string, number>;
}

/** Through-focus spot diagrams: every field and wavelength on planes −steps·Δ … +steps·Δ around the image. */
export interface ThroughFocusOptions {
  /** Distance Δ between planes, mm (> 0, ≤ 100); default the Rayleigh half depth of focus 2 λ N_w² at the primary wavelength. */
  stepMm?: number;
  /** Planes on each side of the image (1–5, default 2: −2Δ, −Δ, 0, +Δ, +2Δ). */
  steps?: number;
  /** Hexapolar rings (1–20, default 6). */
  spotRings?: number;
}

export interface ThroughFocusData {
  revision: number;
  stepMm: number;
  /** Plane positions along the image surface's normal, mm (+ away from the lens). */
  defocusMm: number[];
  /** One spot per plane × field × wavelength, relative to the primary chief ray on that plane. */
  spots: (SpotData & { focusIndex: number })[];
  errors: string[];
}

/** The nd–Vd glass map of the loaded catalogs and where the current lens's glasses sit on it. */
export interface GlassMapData {
  revision: number;
  /** Every catalog glass (catalog order): nd at 587.56 nm and the Abbe number Vd. */
  glasses: { name: string; catalog: string; nd: number; vd: number }[];
  /** Each surface followed by a glass (air and mirrors left out), with the medium's nd and Vd. */
  lens: { surfaceIndex: number; glass: string; catalog?: string; nd: number; vd: number }[];
}
