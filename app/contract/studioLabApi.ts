/**
 * The lab panels' part of the StudioApi (app/contract/studioApi.ts re-exports every type here):
 * deflectometry sessions and their self-calibration, and end-to-end (lens + network) training.
 *
 * Units: screen and lens lengths in mm, reprojection errors in µm, images 8-bit for display.
 * Browser-safe: type imports only, no Node built-ins.
 */
import type { Prescription } from '../../engine/io/prescription.ts';

/** An 8-bit grey (channels 1) or RGBA (channels 4) image, row-major, for display. */
export interface PreviewImage {
  width: number;
  height: number;
  channels: 1 | 4;
  pixels: Uint8Array;
}

/** The layout of an E2eEvent's PSF grid image (see E2eEvent.psfGridLayout). */
export interface PsfGridLayout {
  nx: number;
  ny: number;
  psfPx: number;
  pitchUm: number;
  zoom: number;
  gap: number;
  xMm: number[];
  yMm: number[];
}

/** One camera of an open deflectometry session, with its decoded (measured) screen points. */
export interface DeflectometryCamera {
  name: string;
  /** Image size after the session's binning, px. */
  width: number;
  height: number;
  /** Valid pixels of the lens capture (flat row-major indices) and their measured screen points, screen mm. */
  pixels: Int32Array;
  xMm: Float64Array;
  yMm: Float64Array;
  /** Valid pixels of the reference capture (no lens). */
  referenceValid: number;
  /** Pixels masked for low modulation / inconsistent periods in the lens capture. */
  maskedLowModulation: number;
  maskedInconsistent: number;
}

/** An open deflectometry session folder (see engine/deflectometry/session.ts). */
export interface DeflectometrySessionInfo {
  /** Absolute folder path on the host. */
  dir: string;
  binning: number;
  wavelengthUm: number;
  /** Fringe periods (screen px) and phase steps. */
  periodsPx: number[];
  steps: number;
  /** Frames per capture, in the order `deflectometryImage` indexes them ("x p70 s0", ...). */
  frames: string[];
  nominalLensName: string | null;
  /** True when the folder was simulated (its truth lens is stored). */
  simulated: boolean;
  cameras: DeflectometryCamera[];
  /** Screen size, mm. */
  screenMm: [number, number];
  decodeMs: number;
  /** Unknown keys in the session's JSON files, each naming the file and the key's path. */
  warnings: string[];
}

export interface SimulateSessionOptions {
  /** Sensor binning n×n of the rig's 2048² cameras (default 16: 128² px, a run in seconds). */
  binning?: number;
  /** Gaussian read noise, fraction of full scale (default 0.001). */
  noise?: number;
  seed?: number;
}

export interface CalibrationOptionsApi {
  /** Default curvatures, thickness, pose, screen-offset. */
  vary?: ('curvatures' | 'thickness' | 'pose' | 'screen-offset' | 'aspheres')[];
  /** Start from flat surfaces (default) or the nominal lens. */
  start?: 'flat' | 'nominal';
  maxIterations?: number;
}

/** Per camera of a finished calibration: residuals of the lens rows and the per-pixel error map. */
export interface CalibrationCameraResult {
  name: string;
  width: number;
  height: number;
  /** Lens-row pixels (flat indices), measured and modelled screen points (screen mm). */
  pixels: Int32Array;
  measuredXMm: Float64Array;
  measuredYMm: Float64Array;
  /** Traced through the fitted lens at the fitted pose and screen offset (NaN where lost). */
  modelledXMm: Float64Array;
  modelledYMm: Float64Array;
  /** |measured − modelled| per camera pixel, µm; NaN where the pixel is not a lens row. */
  errorMapUm: Float64Array;
  lensRmsUm: number;
  referenceRmsUm: number;
}

export interface CalibrationSummary {
  prescription: Prescription;
  pose: { xMm: number; yMm: number; zMm: number; tiltXDeg: number; tiltYDeg: number };
  screenOffsetMm: [number, number];
  variables: { label: string; initial: number; value: number; unit: string }[];
  lensRmsUm: number;
  iterations: number;
  stopReason: string;
  outliersRejected: number;
  cameras: CalibrationCameraResult[];
  /** The simulated truth, when the session carries it (radii mm, centre thickness mm). */
  truth?: { radiiMm: (number | null)[]; thicknessMm: number };
}

/** Self-calibration progress, streamed while a run goes on; `result` on finished / stopped. */
export interface CalibrationEvent {
  type: 'calibration';
  runId: string;
  phase: 'started' | 'progress' | 'finished' | 'stopped' | 'failed';
  round: number;
  iteration: number;
  /** Σ r², mm². */
  merit: number;
  rmsUm: number;
  values: { label: string; value: number }[];
  result?: CalibrationSummary;
  message?: string;
}

export interface E2eStudioOptions {
  /**
   * A built-in task preset (listE2eTasks: "edof", "edof-wide"): its lens, object distances,
   * variables and sensor, and the three arms (nominal, sequential, joint) one after the other.
   * Without it, the current lens at its own object distance, joint arm only.
   */
  task?: string;
  /** Reconstruction (default: the task's, else 'unet'). */
  recon?: 'wiener' | 'unet' | 'wiener+unet';
  /** Default 40 steps of 2 patches of 32 px (small, so a run shows in seconds on a CPU), per arm. */
  steps?: number;
  batch?: number;
  patch?: number;
  /** Network-only steps first (default 10 % of the steps). */
  warmup?: number;
  /** Lens variable groups (default curvatures). */
  vary?: ('curvatures' | 'thicknesses' | 'conics' | 'aspheres')[];
  /** PSF grid nodes per axis (default 3) and PSF window px (default 15). */
  fieldGrid?: number;
  psfSize?: number;
  seed?: number;
  /** Send a PSF grid and example restorations every this many steps (default 5). */
  imagesEvery?: number;
}

/** End-to-end (lens + network) training progress of the current lens, streamed per step. */
export interface E2eEvent {
  type: 'e2e';
  runId: string;
  /** 'bounds': an arm has finished training and `wienerBounds` holds its lens's Wiener bounds (no new step). */
  phase: 'started' | 'progress' | 'bounds' | 'finished' | 'stopped' | 'failed';
  step: number;
  totalSteps: number;
  /** The arm being trained (task runs): (a) nominal, (b) sequential, (c) joint. */
  arm?: 'nominal' | 'sequential' | 'joint';
  trainingPhase?: 'warmup' | 'joint' | 'network';
  loss: number;
  psnr: number;
  efl: number;
  lens: { label: string; value: number }[];
  /** TensorFlow.js backend line, on 'started'. */
  backend?: string;
  /** PSF grid of the current lens (RGBA, normalised per PSF), every `imagesEvery` steps. */
  psfGrid?: PreviewImage;
  /**
   * How `psfGrid` is laid out (engine/imaging/psfImage.ts psfGridImage): nx × ny tiles, one per
   * field node, each a PSF of psfPx × psfPx pixels of pitchUm (µm on the sensor) drawn `zoom`
   * image pixels per PSF pixel, `gap` image pixels between tiles; the nodes' sensor positions xMm
   * and yMm (mm, ascending; the row of the largest y is drawn at the top). Sent with `psfGrid`.
   */
  psfGridLayout?: PsfGridLayout;
  /** Held-out examples: blurred, restored, ground truth (RGBA), with PSNR dB. */
  examples?: { blurred: PreviewImage; restored: PreviewImage; truth: PreviewImage; psnr: number; blurredPsnr: number }[];
  /** Held-out object distances (mm; null = infinity), with the images. */
  depthsMm?: (number | null)[];
  /** Held-out restored and sensor PSNR (dB) of this arm per object distance, with the images. */
  perDepth?: { psnr: number; sensorPsnr: number }[];
  /** The current lens's PSF (central field) at each held-out distance, far to near, with the images. */
  psfDepth?: PreviewImage;
  /**
   * When an arm has finished training: what the Wiener filter alone reaches through its lens on the
   * shown held-out patches, per held-out distance (dB, in `depthsMm` order), κ chosen on those
   * patches — with the depth-averaged PSF (a depth-blind reconstruction) and with each patch's own
   * PSF (the object distance known). engine/e2e/wienerBounds.ts.
   */
  wienerBounds?: { depthAveraged: number[]; trueDepth: number[] };
  message?: string;
}

/** A built-in end-to-end task preset. */
export interface E2eTaskInfo {
  name: string;
  description: string;
}
