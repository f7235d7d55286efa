/**
 * Self-calibration of a deflectometry session: from decoded screen points (fringe.ts) to the
 * lens's curvatures, thickness, pose and the screen offset, fitted jointly by damped least squares
 * on the exact Jacobian (calibrationModel.ts, engine/optimize/dampedLeastSquares.ts), as in Wang,
 * Chen & Heidrich, Opt. Express 29(19) 30284 (2021).
 *
 * Pixels used. Lens rows: pixels whose lens-capture decode is valid and whose camera ray, at the
 * starting pose, crosses both of the lens's vertex planes within its clear semi-diameter less
 * `apertureMarginMm` (rays near the rim, which the mount may clip, are left out). Reference rows:
 * valid pixels of the reference capture (without the lens), evenly subsampled to at most
 * `maxReferenceRows` per camera; they fix the screen offset independently of the lens.
 *
 * Robustness: after the first fit, lens pixels whose residual exceeds `outlierSigma` robust
 * standard deviations (1.4826·MAD of the per-pixel residual length) are dropped and the fit is
 * resumed; this removes the rare wrong-but-consistent unwrapping (fringe.ts) and rim pixels.
 *
 * Units: mm and degrees in the variables, µm in the reported errors.
 */
import type { Prescription } from '../io/prescription.ts';
import type { ParamRef } from '../optics/params.ts';
import type { GlassResolver } from '../optics/system.ts';
import { dampedLeastSquares } from '../optimize/dampedLeastSquares.ts';
import type { StopReason } from '../optimize/problem.ts';
import type { PinholeCamera } from './camera.ts';
import { CalibrationModel, type CameraRows, type FitVariable } from './calibrationModel.ts';
import { buildFitSystem, FIT_LENS_OFFSET, fittedPrescription, type FitSystem } from './fitSystem.ts';
import type { ScreenMeasurement } from './fringe.ts';
import { type LensPose } from './pose.ts';
import { raysToLensFrame } from './scene.ts';

export type VaryKey = 'curvatures' | 'thickness' | 'pose' | 'screen-offset' | 'aspheres';
export const VARY_KEYS: readonly VaryKey[] = ['curvatures', 'thickness', 'pose', 'screen-offset', 'aspheres'];

/** A session that cannot be calibrated (no pixel sees through the lens, ...). */
export class CalibrationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CalibrationError';
  }
}

export interface CameraMeasurements {
  readonly camera: PinholeCamera;
  readonly lens: ScreenMeasurement;
  readonly reference: ScreenMeasurement;
}

export interface CalibrationInput {
  readonly measurements: readonly CameraMeasurements[];
  readonly nominal: Prescription;
  readonly glass: GlassResolver;
  readonly wavelengthUm: number;
  readonly initialPose: LensPose;
  readonly initialScreenOffsetMm?: readonly [number, number];
  readonly vary: readonly VaryKey[];
  /** 'flat': varied curvatures start at 0; 'nominal': at the nominal lens. */
  readonly start: 'flat' | 'nominal';
  /** Free even-asphere terms per surface when 'aspheres' is varied (A4, A6, ...; default 2). */
  readonly asphereTerms?: number;
  readonly apertureMarginMm?: number;
  readonly maxReferenceRows?: number;
}

export interface CalibrationProgress {
  /** 1 for the first fit, 2 after outlier rejection. */
  readonly round: number;
  readonly iteration: number;
  /** Σ r² in mm². */
  readonly merit: number;
  /** RMS of the residuals (both axes, all rows), µm. */
  readonly rmsUm: number;
  readonly lambda?: number;
  readonly values: readonly { label: string; value: number }[];
}

export interface CalibrationOptions {
  readonly maxIterations?: number;
  readonly relativeTolerance?: number;
  readonly outlierSigma?: number;
  readonly signal?: AbortSignal;
  readonly onProgress?: (p: CalibrationProgress) => void;
}

export interface CameraReport {
  readonly name: string;
  readonly width: number;
  readonly height: number;
  readonly lensPixels: number;
  readonly referencePixels: number;
  /** RMS of the lens rows' residual length |r| (µm). */
  readonly lensRmsUm: number;
  readonly referenceRmsUm: number;
  /** Residual length per camera pixel, µm (NaN where the pixel is not a lens row). */
  readonly errorMapUm: Float64Array;
}

export interface CalibrationResult {
  readonly prescription: Prescription;
  readonly pose: LensPose;
  readonly screenOffsetMm: [number, number];
  readonly variables: readonly { label: string; initial: number; value: number; unit: string }[];
  /** RMS residual length over the lens rows of all cameras, µm (the reprojection error). */
  readonly lensRmsUm: number;
  readonly cameras: readonly CameraReport[];
  /** Merit Σ r² (mm²) after each iteration, all rounds. */
  readonly lossHistory: number[];
  readonly iterations: number;
  readonly stopReason: StopReason;
  readonly outliersRejected: number;
  readonly lostRays: number;
}

/** Parses "curvatures,thickness,..." into vary keys. @throws RangeError naming an unknown key. */
export function parseVary(text: string): VaryKey[] {
  const keys = text.split(',').map((s) => s.trim()).filter(Boolean);
  for (const k of keys) {
    if (!VARY_KEYS.includes(k as VaryKey)) throw new RangeError(`unknown --vary item "${k}" (expected ${VARY_KEYS.join(', ')})`);
  }
  if (keys.length === 0) throw new RangeError('nothing to vary');
  return keys as VaryKey[];
}

function fitVariables(fit: FitSystem, vary: readonly VaryKey[], asphereTerms: number): FitVariable[] {
  const vars: FitVariable[] = [];
  const nl = fit.lensSurfaces;
  const lens = (label: string, param: ParamRef) => vars.push({ kind: 'lens', label, param });
  for (let i = 0; i < nl; i++) {
    const s = i + FIT_LENS_OFFSET;
    const kind = fit.system.surfaces[s].kind;
    if (vary.includes('curvatures') && (kind === 'standard' || kind === 'evenAsphere')) lens(`c${i + 1}`, { kind: 'curvature', surface: s });
  }
  if (vary.includes('thickness')) for (let i = 0; i < nl - 1; i++) lens(`t${i + 1}`, { kind: 'thickness', surface: i + FIT_LENS_OFFSET });
  if (vary.includes('aspheres')) {
    for (let i = 0; i < nl; i++) {
      if (fit.system.surfaces[i + FIT_LENS_OFFSET].kind !== 'evenAsphere') continue;
      for (let k = 1; k <= asphereTerms; k++) lens(`A${2 * (k + 1)}@${i + 1}`, { kind: 'asphere', surface: i + FIT_LENS_OFFSET, index: k });
    }
  }
  if (vary.includes('pose')) {
    vars.push({ kind: 'pose', label: 'x', key: 'xMm' }, { kind: 'pose', label: 'y', key: 'yMm' }, { kind: 'pose', label: 'z', key: 'zMm' });
    vars.push({ kind: 'pose', label: 'tiltX', key: 'tiltXDeg' }, { kind: 'pose', label: 'tiltY', key: 'tiltYDeg' });
  }
  if (vary.includes('screen-offset')) vars.push({ kind: 'screen', label: 'screenX', axis: 0 }, { kind: 'screen', label: 'screenY', axis: 1 });
  return vars;
}

function unitOf(v: FitVariable): string {
  if (v.kind === 'screen') return 'mm';
  if (v.kind === 'pose') return v.key.endsWith('Deg') ? 'deg' : 'mm';
  if (v.param.kind === 'curvature') return '1/mm';
  if (v.param.kind === 'thickness') return 'mm';
  return `mm^${1 - 2 * ((v.param.index ?? 0) + 1)}`;
}

/** Per camera: which pixels are lens rows and which are reference rows. */
interface Selection {
  readonly lensPixels: Int32Array;
  readonly referencePixels: Int32Array;
}

function selectPixels(
  m: CameraMeasurements,
  pose: LensPose,
  clearRadiusMm: number,
  zLast: number,
  maxReference: number,
): Selection {
  const cam = m.camera;
  const candidates: number[] = [];
  for (let p = 0; p < m.lens.valid.length; p++) if (m.lens.valid[p]) candidates.push(p);
  const rays = raysToLensFrame(cam.pixelRays(candidates), pose);
  const r2max = clearRadiusMm * clearRadiusMm;
  const lens: number[] = [];
  candidates.forEach((p, i) => {
    for (const zp of [0, zLast]) {
      const s = (zp - rays.z[i]) / rays.n[i];
      const x = rays.x[i] + s * rays.l[i];
      const y = rays.y[i] + s * rays.m[i];
      if (!(x * x + y * y <= r2max)) return;
    }
    lens.push(p);
  });
  const ref: number[] = [];
  for (let p = 0; p < m.reference.valid.length; p++) if (m.reference.valid[p]) ref.push(p);
  const stride = Math.max(1, Math.ceil(ref.length / maxReference));
  return { lensPixels: Int32Array.from(lens), referencePixels: Int32Array.from(ref.filter((_, i) => i % stride === 0)) };
}

function cameraRows(m: CameraMeasurements, sel: Selection): CameraRows {
  const lensRays = m.camera.pixelRays(sel.lensPixels);
  const lensMeasured = new Float64Array(2 * sel.lensPixels.length);
  sel.lensPixels.forEach((p, i) => {
    lensMeasured[2 * i] = m.lens.xMm[p];
    lensMeasured[2 * i + 1] = m.lens.yMm[p];
  });
  const refRays = m.camera.pixelRays(sel.referencePixels);
  const referenceDirect = new Float64Array(2 * sel.referencePixels.length);
  const referenceMeasured = new Float64Array(2 * sel.referencePixels.length);
  sel.referencePixels.forEach((p, i) => {
    const s = -refRays.oz[i] / refRays.dz[i];
    referenceDirect[2 * i] = refRays.ox[i] + s * refRays.dx[i];
    referenceDirect[2 * i + 1] = refRays.oy[i] + s * refRays.dy[i];
    referenceMeasured[2 * i] = m.reference.xMm[p];
    referenceMeasured[2 * i + 1] = m.reference.yMm[p];
  });
  return { lensRays, lensMeasured, referenceDirect, referenceMeasured };
}

function median(values: Float64Array): number {
  const s = Float64Array.from(values).sort();
  const n = s.length;
  return n === 0 ? NaN : n % 2 ? s[(n - 1) / 2] : 0.5 * (s[n / 2 - 1] + s[n / 2]);
}

/**
 * Runs the self-calibration.
 * @throws CalibrationError when no camera pixel sees the screen through the lens, or the nominal
 *   lens has no clear semi-diameter; SceneError / SystemError for an unusable nominal lens
 */
export async function calibrate(input: CalibrationInput, options: CalibrationOptions = {}): Promise<CalibrationResult> {
  const asphereTerms = input.vary.includes('aspheres') ? (input.asphereTerms ?? 2) : 0;
  const fit = buildFitSystem(input.nominal, input.glass, input.wavelengthUm, asphereTerms);
  const sds = input.nominal.surfaces.map((s) => s.semiDiameter).filter((v): v is number => v !== undefined);
  if (sds.length === 0) {
    throw new CalibrationError(`nominal lens "${input.nominal.name}": no semiDiameter on any surface, so the pixels that look through the lens are unknown`);
  }
  const clear = Math.min(...sds) - (input.apertureMarginMm ?? 0.5);
  let zLast = 0;
  for (let i = 0; i < fit.lensSurfaces - 1; i++) zLast += fit.system.surfaces[i + FIT_LENS_OFFSET].thickness;
  if (input.start === 'flat' && input.vary.includes('curvatures')) {
    for (let i = 0; i < fit.lensSurfaces; i++) fit.system.surfaces[i + FIT_LENS_OFFSET].c = 0;
  }
  const variables = fitVariables(fit, input.vary, asphereTerms);
  if (variables.length === 0) throw new CalibrationError(`nothing to fit: --vary ${input.vary.join(',')} selects no parameter of this lens`);
  const selections = input.measurements.map((m) => selectPixels(m, input.initialPose, clear, zLast, input.maxReferenceRows ?? 4000));
  const totalLens = selections.reduce((a, s) => a + s.lensPixels.length, 0);
  if (totalLens === 0) {
    const p = input.initialPose;
    throw new CalibrationError(
      `no camera pixel sees the screen through the lens at (${p.xMm.toFixed(2)}, ${p.yMm.toFixed(2)}, ${p.zMm.toFixed(2)}) mm: ` +
        `the lens misses the cameras' view (${input.measurements.map((m) => m.camera.name).join(', ')}) or the lens images carry no valid fringes`,
    );
  }
  const state = { fit, pose: { ...input.initialPose }, offset: [input.initialScreenOffsetMm?.[0] ?? 0, input.initialScreenOffsetMm?.[1] ?? 0] as [number, number] };
  const initial = new CalibrationModel(state, variables, []).read();
  const lossHistory: number[] = [];
  let iterations = 0;
  let stopReason: StopReason = 'converged';
  let x = initial;
  let model!: CalibrationModel;
  let outliers = 0;
  const sigma = options.outlierSigma ?? 5;
  let current = selections;
  for (let round = 1; round <= 2; round++) {
    model = new CalibrationModel(state, variables, input.measurements.map((m, i) => cameraRows(m, current[i])));
    const nRes = model.nResiduals;
    const result = await dampedLeastSquares(model, x, {
      maxIterations: options.maxIterations ?? 100,
      relativeTolerance: options.relativeTolerance ?? 1e-10,
      signal: options.signal,
      onProgress: (e) => {
        if (e.iteration === 0 && round > 1) return;
        lossHistory.push(e.merit);
        options.onProgress?.({
          round,
          iteration: e.iteration,
          merit: e.merit,
          rmsUm: Math.sqrt(e.merit / nRes) * 1000,
          lambda: e.lambda,
          values: variables.map((v, j) => ({ label: v.label, value: e.x[j] })),
        });
      },
    });
    x = result.x;
    iterations += result.iterations;
    stopReason = result.stopReason;
    if (stopReason === 'cancelled' || round === 2) break;
    // Outlier rejection on the lens rows.
    const { residuals } = model.evaluate(x, false);
    const len = new Float64Array(model.nLensRows);
    for (let i = 0; i < len.length; i++) len[i] = Math.hypot(residuals[2 * i], residuals[2 * i + 1]);
    const med = median(len);
    const mad = median(len.map((v) => Math.abs(v - med)));
    const limit = med + sigma * 1.4826 * mad;
    let offset = 0;
    let dropped = 0;
    const next = current.map((sel) => {
      const keep: number[] = [];
      sel.lensPixels.forEach((p, i) => {
        if (len[offset + i] <= limit) keep.push(p);
        else dropped++;
      });
      offset += sel.lensPixels.length;
      return { lensPixels: Int32Array.from(keep), referencePixels: sel.referencePixels };
    });
    if (dropped === 0) break;
    outliers = dropped;
    current = next;
  }
  const { residuals } = model.evaluate(x, false);
  model.write(x);
  // Reports per camera.
  let row = 0;
  let refRow = 2 * model.nLensRows;
  let sumAll = 0;
  let lost = 0;
  const cameras = input.measurements.map((m, ci): CameraReport => {
    const sel = current[ci];
    const map = new Float64Array(m.camera.pixelCount).fill(NaN);
    let s2 = 0;
    sel.lensPixels.forEach((p) => {
      if (!model.modelValid[row]) lost++;
      const e2 = residuals[2 * row] ** 2 + residuals[2 * row + 1] ** 2;
      map[p] = Math.sqrt(e2) * 1000;
      s2 += e2;
      row++;
    });
    sumAll += s2;
    let r2 = 0;
    for (let k = 0; k < sel.referencePixels.length; k++) {
      r2 += residuals[refRow] ** 2 + residuals[refRow + 1] ** 2;
      refRow += 2;
    }
    return {
      name: m.camera.name,
      width: m.camera.widthPx,
      height: m.camera.heightPx,
      lensPixels: sel.lensPixels.length,
      referencePixels: sel.referencePixels.length,
      lensRmsUm: sel.lensPixels.length ? Math.sqrt(s2 / sel.lensPixels.length) * 1000 : NaN,
      referenceRmsUm: sel.referencePixels.length ? Math.sqrt(r2 / sel.referencePixels.length) * 1000 : NaN,
      errorMapUm: map,
    };
  });
  return {
    prescription: fittedPrescription(input.nominal, fit),
    pose: { ...state.pose },
    screenOffsetMm: [state.offset[0], state.offset[1]],
    variables: variables.map((v, j) => ({ label: v.label, initial: initial[j], value: x[j], unit: unitOf(v) })),
    lensRmsUm: Math.sqrt(sumAll / Math.max(1, model.nLensRows)) * 1000,
    cameras,
    lossHistory,
    iterations,
    stopReason,
    outliersRejected: outliers,
    lostRays: lost,
  };
}
