/**
 * The StudioApi: the ONE contract between the studio's renderer (React, in Electron or a browser)
 * and the engine host (a worker thread or Electron utility process). Both sides import these types;
 * the transports (`studioRpc.ts` over `studioWire.ts` frames, beside this file) carry them
 * unchanged, typed arrays as binary attachments and NaN / ±Infinity intact. The lab panels' types
 * (deflectometry, end-to-end training) are in `studioLabApi.ts`, the per-edit analyses' answers in
 * `studioAnalysisApi.ts`, the wave-optics analyses' types in
 * `studioWaveApi.ts`, the tolerancing types in `studioToleranceApi.ts`; all are re-exported here.
 *
 * Units follow the engine: lengths in mm, wavelengths in µm, field angles in degrees. Spot and fan
 * coordinates are image-plane mm relative to the primary-wavelength real chief ray.
 *
 * Browser-safe: type imports only, no Node built-ins.
 */
import type { MaterialRef, Prescription, SurfaceSpec } from '../../engine/io/prescription.ts';
import type { AnalysisReport, FieldPlots } from '../../engine/analysis/report.ts';
import type { CellMarker } from '../../engine/io/cellMarkers.ts';
import type { SurfaceSolves } from '../../engine/io/solves.ts';
import type { MeritRow, MeritTable } from '../../engine/optimize/meritTable.ts';
import type { DefaultMerit, MeritSpec, Operand, OperandType } from '../../engine/io/meritSpecSchema.ts';
import type { CalibrationEvent, CalibrationOptionsApi, DeflectometrySessionInfo, E2eEvent, E2eStudioOptions, E2eTaskInfo, PreviewImage, SimulateSessionOptions } from './studioLabApi.ts';
import type { AnalysisBundle, AnalyzeOptions, GlassMapData, ThroughFocusData, ThroughFocusOptions } from './studioAnalysisApi.ts';
import type { WaveAnalysisOptions, WaveBundle } from './studioWaveApi.ts';
import type { RobustEvent, RobustRunOptions, ToleranceEvent, ToleranceRunOptions, ToleranceSpec } from './studioToleranceApi.ts';

/**
 * The engine types the renderer sees, re-exported so that it imports nothing but this contract:
 * the prescription (engine/io/prescription.ts: a surface, a surface's material) and the report
 * `lens-studio analyze --json` prints (lengths mm, wavelengths µm; null where not computable).
 */
export type { AnalysisReport, CellMarker, DefaultMerit, FieldPlots, MaterialRef, MeritRow, MeritSpec, MeritTable, Operand, OperandType, Prescription, SurfaceSolves, SurfaceSpec };
export type * from './studioAnalysisApi.ts';
export type * from './studioLabApi.ts';
export type * from './studioWaveApi.ts';
export type * from './studioToleranceApi.ts';

/** A lens of the bundled library (`lens-library/*.json`). */
export interface LibraryEntry {
  /** File stem, e.g. "cooke-triplet"; pass it to `openLibraryLens`. */
  id: string;
  name: string;
  fileName: string;
  /** Stated values from the entry's `meta` (EFL mm, F-number, half field deg, source), when given. */
  efl?: number;
  fno?: number;
  halfFieldDeg?: number;
  source?: string;
}

/** Where the current lens came from. */
export type LensSource =
  | { kind: 'library'; id: string }
  | { kind: 'path'; path: string }
  | { kind: 'upload' }
  | { kind: 'new' };

/** The current lens as the host holds it. `revision` increases with every change. */
export interface LensSnapshot {
  revision: number;
  prescription: Prescription;
  /** File name shown in the title bar, e.g. "cooke-triplet.json". */
  fileName: string;
  source: LensSource;
  /** True when the lens differs from what was opened or last saved. */
  dirty: boolean;
  canUndo: boolean;
  canRedo: boolean;
  undoLabel?: string;
  redoLabel?: string;
  /** Non-fatal notes from loading (e.g. a .zmx glass replaced by its model nd/Vd). */
  warnings: string[];
  /**
   * Per surface, the marker of each marked cell (engine/io/cellMarkers.ts): "V" variable; solved
   * cells "P" pickup, "M" marginal ray, "C" chief ray, "F" F-number, "E" edge thickness. Solved
   * cells hold their current solved values in `prescription`.
   */
  cells: Record<string, CellMarker>[];
}

/** Surface parameters the editor can set with `{ op: 'setSurface' }`. */
export type SurfaceField =
  | 'type'
  | 'radius'
  | 'thickness'
  | 'material'
  | 'semiDiameter'
  | 'conic'
  | 'asphere'
  | 'stop'
  | 'comment'
  | 'decenterX'
  | 'decenterY'
  | 'tiltX'
  | 'tiltY'
  | 'tiltZ'
  | 'order'
  | 'focalLength'
  | 'b'
  | 'xy';

/** System-level settings the editor can set with `{ op: 'setSystem' }`. */
export type SystemField =
  | 'name'
  | 'aperture'
  | 'fields'
  | 'wavelengths'
  | 'glassCatalogs'
  | 'object'
  | 'rayAiming'
  | 'imageSolve'
  | 'image'
  | 'merit';

/**
 * One undoable change of the prescription. Values are validated by the host (the prescription
 * schema, then building the lens system); an invalid edit is rejected with a `StudioError` of code
 * `BAD_EDIT` naming the surface and field, and the lens is left unchanged.
 * - setSurface: `value` is the new parameter (radius: number or null = plane; material: null = air,
 *   a glass name, "MIRROR", or a glass object; asphere: number[]; type: a surface type name).
 * - setVariable: marks a parameter ("radius", "thickness", "conic", "asphere", ...) as an
 *   optimization variable, with optional bounds in the parameter's unit (the radius varies as the
 *   curvature, 1/mm; thickness mm; tilts degrees); setVariables changes several flags as one undo
 *   step. A parameter set by a solve cannot be a variable (BAD_EDIT).
 * - varyAll: sets the variable flag of every radius (of a curved surface), every thickness or every
 *   conic that no solve sets, as one undo step.
 * - setSolve: sets (or, with null, removes) the solve or pickup of a surface's radius, thickness,
 *   conic or material (engine/io/solves.ts); it replaces that parameter's variable flag.
 */
export type LensEdit =
  | { op: 'setSurface'; index: number; field: SurfaceField; value: unknown }
  | { op: 'setVariable'; index: number; param: string; on: boolean; lower?: number; upper?: number }
  | { op: 'setVariables'; changes: { index: number; param: string; on: boolean; lower?: number; upper?: number }[] }
  | { op: 'varyAll'; param: 'radius' | 'thickness' | 'conic'; on: boolean }
  | { op: 'setSolve'; index: number; param: keyof SurfaceSolves; solve: SurfaceSolves[keyof SurfaceSolves] | null }
  | { op: 'insertSurface'; index: number; surface?: SurfaceSpec }
  | { op: 'deleteSurface'; index: number }
  | { op: 'setSystem'; field: SystemField; value: unknown }
  | { op: 'replace'; prescription: Prescription; label?: string };

export interface EditOptions {
  /**
   * Consecutive edits with the same key merge into one undo step (the editor passes one key per
   * cell per focus, so typing "-21.3" is undone at once).
   */
  coalesceKey?: string;
}

export interface OptimizeOptions {
  method?: 'dls' | 'adam';
  maxIterations?: number;
  /**
   * The merit function: a merit spec (engine/optimize), or omitted for the prescription's saved
   * merit, else the default merit function.
   */
  merit?: unknown;
  /** Which parameters vary: the lens's variable flags (default) or whole kinds. */
  vary?: 'flags' | ('curvatures' | 'thicknesses' | 'conics' | 'aspheres')[];
}

export interface OperandValue {
  name: string;
  target: number;
  value: number;
  weight: number;
  /** This operand's share of the merit. */
  contribution: number;
}

export interface VariableValue {
  name: string;
  value: number;
}

/** A bound ('lower' / 'upper' operand, e.g. a thickness boundary) the lens does not meet: shown in red. */
export interface BoundViolationValue {
  /** The operand's label, e.g. "ET s3". */
  name: string;
  value: number;
  bound: number;
  kind: 'lower' | 'upper';
}

/** Optimization progress, streamed as events while a run goes on. */
export interface OptimizationEvent {
  type: 'optimization';
  runId: string;
  phase: 'started' | 'progress' | 'finished' | 'stopped' | 'failed';
  iteration: number;
  merit: number;
  initialMerit: number;
  operands: OperandValue[];
  variables: VariableValue[];
  /**
   * finished / stopped: how the run went in words, "merit 1.23e-3 → 4.56e-4 in 37 iterations,
   * stopped: no further improvement"; failed: the error.
   */
  message?: string;
  /** finished / stopped: why the run ended (engine/optimize/problem.ts StopReason). */
  stopReason?: 'converged' | 'maxIterations' | 'cancelled' | 'stalled' | 'noImprovement';
  /** finished / stopped: the bounds the final lens violates (empty when all hold). */
  violations?: BoundViolationValue[];
}

/** Pushed from the host: the lens changed (other client, optimizer step), or the progress of a run. */
export type StudioEvent = { type: 'lens'; snapshot: LensSnapshot } | OptimizationEvent | CalibrationEvent | E2eEvent | ToleranceEvent | RobustEvent;

export interface RecentFile {
  id: string;
  label: string;
  kind: 'library' | 'path' | 'upload';
  /** ISO 8601 time it was last opened. */
  openedAt: string;
  path?: string;
}

export interface ExportedLens {
  fileName: string;
  mimeType: string;
  bytes: Uint8Array;
  warnings: string[];
}

export interface HostInfo {
  mode: 'electron' | 'web' | 'in-process';
  version: string;
  /** Process id and thread of the engine host, to show it is not the UI thread. */
  pid: number;
  engineThread: 'worker' | 'utility-process' | 'main';
}

/**
 * The studio's whole API. Every method is async (it crosses a process or thread boundary) and
 * rejects with a `StudioError`.
 */
export interface StudioApi {
  hostInfo(): Promise<HostInfo>;
  listLibrary(): Promise<LibraryEntry[]>;
  openLibraryLens(id: string): Promise<LensSnapshot>;
  /**
   * Opens .json, .zmx or dO .txt bytes (a file chosen in the browser's file chooser, or a lens
   * moved in from another panel); on failure the previous lens stays loaded. The lens has no host
   * path: Save exports it (a download).
   */
  openFile(fileName: string, bytes: Uint8Array): Promise<LensSnapshot>;
  /**
   * Opens a file from the host's disk. In web and Electron mode only a path the user already chose
   * is allowed (the start-up lens, a recent file, a path saved to); any other path is refused
   * (BAD_REQUEST) before the disk is touched, with the same message whether it exists or not.
   */
  openPath(path: string): Promise<LensSnapshot>;
  openRecent(id: string): Promise<LensSnapshot>;
  recentFiles(): Promise<RecentFile[]>;
  getLens(): Promise<LensSnapshot>;
  edit(edit: LensEdit, options?: EditOptions): Promise<LensSnapshot>;
  undo(): Promise<LensSnapshot>;
  redo(): Promise<LensSnapshot>;
  analyze(options?: AnalyzeOptions): Promise<AnalysisBundle>;
  /** Through-focus spot diagrams of the current lens (engine/analysis/spotFocus.ts). */
  throughFocusSpots(options?: ThroughFocusOptions): Promise<ThroughFocusData>;
  /** The glass map of the loaded catalogs with the current lens's glasses. */
  glassMap(): Promise<GlassMapData>;
  /**
   * Wave-optics analyses of the current lens (MTF, wavefront, PSF, Zernike, through-focus MTF;
   * studioWaveApi.ts). Served outside the request queue and computed in slices, so edits and
   * `analyze` go on meanwhile; it sees the lens as it is when it starts, and its answer names that
   * revision. Rejects with BAD_REQUEST for options out of range (naming the option).
   */
  analyzeWave(options: WaveAnalysisOptions): Promise<WaveBundle>;
  startOptimization(options?: OptimizeOptions): Promise<{ runId: string }>;
  /**
   * The merit function as its editor shows it, on the current lens: a merit spec (default: the lens's
   * saved merit, else the default merit), its operands with their targets as given, then the default
   * merit's generated rows (regenerated from its settings), each with value and share of the merit.
   * Rejects BAD_REQUEST naming the JSON path of an invalid spec.
   */
  evaluateMerit(merit?: unknown): Promise<MeritTable>;
  /** Stops a run; the best lens so far stays loaded (one undo step). Resolves when it has stopped. */
  stopOptimization(runId: string): Promise<void>;
  exportLens(format: 'json' | 'zmx'): Promise<ExportedLens>;
  /**
   * Writes the lens to the host's disk (temp file then rename); default: where it was opened. In
   * web and Electron mode `path` must be one the user chose (as `openPath`); elsewhere export.
   */
  saveLens(path?: string): Promise<{ path: string }>;
  /**
   * Opens a deflectometry session folder on the host's disk and decodes its fringe images. In web
   * and Electron mode only a recent, simulated or uploaded session folder (as `openPath`).
   */
  openDeflectometrySession(dir: string): Promise<DeflectometrySessionInfo>;
  /**
   * Sends one file of a session folder chosen in the browser: its path inside the folder
   * ("session.json", "camera1/lens/x-p70-s0.png"; plain names, .json or .png). The first call
   * (no `uploadId`) starts a new upload; pass the returned id with the others. At most 4,096 files,
   * 64 MiB each, 2 GiB in all.
   */
  uploadDeflectometryFile(relativePath: string, bytes: Uint8Array, uploadId?: string): Promise<{ uploadId: string }>;
  /** Opens an uploaded session folder (once every file is sent), as `openDeflectometrySession`. */
  openDeflectometryUpload(uploadId: string): Promise<DeflectometrySessionInfo>;
  /** Simulates a session of the bundled rig and lens (LE1234-A) into a temp folder, then opens it. */
  simulateDeflectometrySession(options?: SimulateSessionOptions): Promise<DeflectometrySessionInfo>;
  /** Recently opened session folders, newest first. */
  recentDeflectometrySessions(): Promise<string[]>;
  /** One fringe image of the open session as an 8-bit preview (min–max stretched, ≤ 256 px a side). */
  deflectometryImage(camera: number, capture: 'lens' | 'reference', frame: number): Promise<PreviewImage & { min: number; max: number }>;
  /** Starts the self-calibration of the open session; progress arrives as `calibration` events. */
  startCalibration(options?: CalibrationOptionsApi): Promise<{ runId: string }>;
  /** Stops a calibration; the best fit so far is kept as its result. Resolves when it has stopped. */
  stopCalibration(runId: string): Promise<void>;
  /**
   * Loads the fitted lens of the last calibration into the editor as one undo step. The lens gets
   * a new untitled name ("untitled-N.json", nowhere on disk), so Save cannot overwrite the file of
   * the lens it replaced; undo brings back that lens with its name.
   */
  useFittedLens(): Promise<LensSnapshot>;
  /** The built-in end-to-end task presets. */
  listE2eTasks(): Promise<E2eTaskInfo[]>;
  /** Starts end-to-end training (the current lens, or a task preset); progress as `e2e` events. */
  startE2e(options?: E2eStudioOptions): Promise<{ runId: string }>;
  stopE2e(runId: string): Promise<void>;
  /**
   * Loads the lens of the last end-to-end run (with a task, its joint arm) into the editor, as
   * `useFittedLens` (untitled, one undo step).
   */
  useTrainedLens(): Promise<LensSnapshot>;
  /** The current lens's own tolerances, else the default tolerances (engine/tolerance/defaults.ts). */
  toleranceSpec(which?: 'lens' | 'defaults'): Promise<ToleranceSpec>;
  /** Sensitivity then Monte Carlo of the current lens; progress as `tolerance` events. */
  startTolerance(options: ToleranceRunOptions): Promise<{ runId: string }>;
  stopTolerance(runId: string): Promise<void>;
  /** Loads the worst Monte Carlo trial of the last run into the editor (one undo step). */
  openWorstTrial(): Promise<LensSnapshot>;
  /** Robust design of the current lens (its curvatures); progress as `robust` events. */
  startRobust(options: RobustRunOptions): Promise<{ runId: string }>;
  stopRobust(runId: string): Promise<void>;
  /** Loads the last robust design into the editor (one undo step). */
  useRobustDesign(): Promise<LensSnapshot>;
  /** Subscribes to host events; returns the unsubscribe function. */
  onEvent(listener: (event: StudioEvent) => void): () => void;
}

/**
 * Methods served at once, outside the request queue: the stop methods (they must overtake a queue
 * that may be busy) and `analyzeWave` (long, computed on the host's wave-analysis thread).
 */
export const OVERTAKING_METHODS: readonly StudioMethod[] = ['stopOptimization', 'stopCalibration', 'stopE2e', 'stopTolerance', 'stopRobust', 'analyzeWave'];

/** Names of the request/response methods (everything but `onEvent`). */
export type StudioMethod = Exclude<keyof StudioApi, 'onEvent'>;

export const STUDIO_METHODS = [
  'hostInfo',
  'listLibrary',
  'openLibraryLens',
  'openFile',
  'openPath',
  'openRecent',
  'recentFiles',
  'getLens',
  'edit',
  'undo',
  'redo',
  'analyze',
  'throughFocusSpots',
  'glassMap',
  'analyzeWave',
  'startOptimization',
  'stopOptimization',
  'evaluateMerit',
  'exportLens',
  'saveLens',
  'openDeflectometrySession',
  'uploadDeflectometryFile',
  'openDeflectometryUpload',
  'simulateDeflectometrySession',
  'recentDeflectometrySessions',
  'deflectometryImage',
  'startCalibration',
  'stopCalibration',
  'useFittedLens',
  'listE2eTasks',
  'startE2e',
  'stopE2e',
  'useTrainedLens',
  'toleranceSpec',
  'startTolerance',
  'stopTolerance',
  'openWorstTrial',
  'startRobust',
  'stopRobust',
  'useRobustDesign',
] as const satisfies readonly StudioMethod[];

/**
 * The methods the studio UI calls: all the Electron preload exposes to the page (the page has no
 * use for the rest, e.g. `openPath` or `hostInfo`). test/architecture/electronPackage.test.ts checks
 * this list against the renderer's sources, so it stays the minimum.
 */
export const RENDERER_METHODS = STUDIO_METHODS.filter(
  (m) => m !== 'openPath' && m !== 'hostInfo',
);

/** The host-side implementation: the API without the client-side subscription helper. */
export type StudioService = Pick<StudioApi, StudioMethod> & {
  /** Host events, fanned out to every connected client. */
  subscribe(listener: (event: StudioEvent) => void): () => void;
};

export type StudioErrorCode =
  | 'BAD_FILE'
  | 'BAD_EDIT'
  | 'BAD_REQUEST'
  | 'NOT_FOUND'
  | 'NOTHING_TO_UNDO'
  | 'BUSY'
  | 'DISCONNECTED'
  | 'INTERNAL';

/** The error every StudioApi method rejects with; `message` is meant for the user. */
export class StudioError extends Error {
  override name = 'StudioError';
  constructor(
    readonly code: StudioErrorCode,
    message: string,
  ) {
    super(message);
  }
}
