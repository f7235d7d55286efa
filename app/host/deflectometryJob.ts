/**
 * The deflectometry side of the studio host: open a session folder (read, decode every camera's
 * fringe images into measured screen points), simulate a session of the bundled rig into a temp
 * folder, 8-bit previews of the 16-bit fringe images, and the self-calibration as a cancellable
 * run streaming `calibration` events (engine/deflectometry/calibrate.ts).
 *
 * The modelled screen points of the result are traced independently of the fit: every lens-row
 * pixel through the fitted prescription at the fitted pose onto the screen at the fitted offset
 * (engine/deflectometry/scene.ts), so |measured − modelled| reproduces the fit's error map.
 *
 * Runs in the engine host (worker thread / utility process). Lengths mm, errors µm.
 */
import { mkdtemp, readFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { calibrate, type CameraMeasurements, type CalibrationResult, type VaryKey, VARY_KEYS } from '../../engine/deflectometry/calibrate.ts';
import { decodeScreenPoints } from '../../engine/deflectometry/fringe.ts';
import { makePatternSet, patternFrames } from '../../engine/deflectometry/patterns.ts';
import { parseRig } from '../../engine/deflectometry/rig.ts';
import { buildRigScene, captureHits, DEFAULT_MOUNT_OUTER_RADIUS_MM, mountPose, RIG_WAVELENGTH_UM, sceneLens } from '../../engine/deflectometry/rigScene.ts';
import { traceCamera, type ScreenHits } from '../../engine/deflectometry/scene.ts';
import { Screen } from '../../engine/deflectometry/screen.ts';
import { DEFAULT_SENSOR, frameSeed, renderFrame } from '../../engine/deflectometry/simulate.ts';
import { parsePrescriptionJson } from '../../engine/io/json.ts';
import type { Prescription } from '../../engine/io/prescription.ts';
import { GlassLibrary } from '../../engine/materials/glassLibrary.ts';
import { writeFileAtomic } from '../node/atomicWrite.ts';
import { insideSession, readCaptureImages, readSession, writeSession, type LoadedSession } from '../node/deflectometrySession.ts';
import { redactFileText, type FileAccess } from './fileAccess.ts';
import { API_LIMITS, intOption } from '../contract/apiLimits.ts';
import { glassRangeWarnings } from '../../engine/optics/glassRange.ts';
import { buildLensSystem } from './engineIo.ts';
import { SessionUploads } from './sessionUpload.ts';
import {
  StudioError,
  type CalibrationEvent,
  type CalibrationOptionsApi,
  type CalibrationSummary,
  type DeflectometrySessionInfo,
  type PreviewImage,
  type SimulateSessionOptions,
  type StudioEvent,
} from '../contract/studioApi.ts';

export interface DeflectometryPaths {
  /** The bundled rig file and lens under test for "simulate". */
  rigFile: string;
  lensFile: string;
  stateDir: string | null;
  /** Which session folders a client may name (fileAccess.ts). */
  files: FileAccess;
}

interface Open {
  session: LoadedSession;
  measurements: CameraMeasurements[];
  info: DeflectometrySessionInfo;
}

const MAX_RECENT = 8;
const PREVIEW_MAX_SIDE = 256;

/** Strips a decoded ScreenMeasurement down to its valid pixels. */
function validPoints(m: CameraMeasurements['lens']): { pixels: Int32Array; xMm: Float64Array; yMm: Float64Array } {
  const idx: number[] = [];
  for (let p = 0; p < m.valid.length; p++) if (m.valid[p]) idx.push(p);
  const pixels = Int32Array.from(idx);
  return { pixels, xMm: Float64Array.from(idx, (p) => m.xMm[p]), yMm: Float64Array.from(idx, (p) => m.yMm[p]) };
}

/**
 * 16-bit image → 8-bit preview: min–max stretch over the image, box-downsampled so the longer side
 * is at most 256 px.
 */
export function preview16(data: Uint16Array, width: number, height: number): PreviewImage & { min: number; max: number } {
  let min = 65535;
  let max = 0;
  for (const v of data) {
    if (v < min) min = v;
    if (v > max) max = v;
  }
  const f = Math.max(1, Math.ceil(Math.max(width, height) / PREVIEW_MAX_SIDE));
  const w = Math.floor(width / f);
  const h = Math.floor(height / f);
  const out = new Uint8Array(w * h);
  const span = Math.max(1, max - min);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      let s = 0;
      for (let dy = 0; dy < f; dy++) for (let dx = 0; dx < f; dx++) s += data[(y * f + dy) * width + x * f + dx];
      out[y * w + x] = Math.round((255 * (s / (f * f) - min)) / span);
    }
  }
  return { width: w, height: h, channels: 1, pixels: out, min, max };
}

export class DeflectometryHost {
  private open: Open | null = null;
  private recent: string[] = [];
  private recentLoaded = false;
  private run: { id: string; abort: AbortController; done: Promise<void> } | null = null;
  private counter = 0;
  private lastResult: CalibrationSummary | null = null;
  private readonly uploads = new SessionUploads();

  constructor(
    private readonly paths: DeflectometryPaths,
    private readonly emit: (e: StudioEvent) => void,
  ) {}

  private get recentFile(): string | null {
    return this.paths.stateDir ? path.join(this.paths.stateDir, 'deflectometry-recent.json') : null;
  }

  async recentSessions(): Promise<string[]> {
    if (!this.recentLoaded && this.recentFile) {
      try {
        const list = JSON.parse(await readFile(this.recentFile, 'utf8'));
        if (Array.isArray(list)) this.recent = list.filter((s): s is string => typeof s === 'string').slice(0, MAX_RECENT);
        // The host wrote these when the user opened them: they are the user's choice.
        for (const d of this.recent) this.paths.files.grant(d);
      } catch {
        // no list yet
      }
    }
    this.recentLoaded = true;
    return [...this.recent];
  }

  private async remember(dir: string): Promise<void> {
    await this.recentSessions();
    this.recent = [dir, ...this.recent.filter((d) => d !== dir)].slice(0, MAX_RECENT);
    if (this.recentFile) {
      await writeFileAtomic(this.recentFile, JSON.stringify(this.recent)).catch(() => {});
    }
  }

  private assertIdle(): void {
    if (this.run) throw new StudioError('BUSY', 'a calibration is running: stop it first');
  }

  /**
   * Reads and decodes a session folder a client names: only one the file-access policy allows (a
   * recent session, a simulated or uploaded one; any folder in the in-process studio).
   * @throws StudioError BAD_REQUEST (a path the policy refuses, before touching the disk), BAD_FILE
   *   naming the file and what is wrong
   */
  async openSession(dir: string): Promise<DeflectometrySessionInfo> {
    if (typeof dir !== 'string' || !dir.trim()) throw new StudioError('BAD_REQUEST', 'give the path of a session folder');
    await this.recentSessions();
    return this.openFolder(this.paths.files.check(dir.trim(), 'openDeflectometrySession'));
  }

  /** Stores one file of a session folder sent from the browser (sessionUpload.ts). */
  async uploadFile(relativePath: string, bytes: Uint8Array, uploadId?: string): Promise<{ uploadId: string }> {
    return this.uploads.addFile(relativePath, bytes, uploadId);
  }

  /** Opens the folder of a finished upload. */
  async openUpload(uploadId: string): Promise<DeflectometrySessionInfo> {
    this.assertIdle();
    return this.openFolder(this.paths.files.grant(this.uploads.finish(uploadId)));
  }

  private async openFolder(abs: string): Promise<DeflectometrySessionInfo> {
    this.assertIdle();
    const t0 = performance.now();
    let session: LoadedSession;
    const measurements: CameraMeasurements[] = [];
    try {
      session = await readSession(abs);
      for (const camera of session.cameras) {
        const decode = async (capture: 'lens' | 'reference') =>
          decodeScreenPoints(await readCaptureImages(session, camera, capture), camera.widthPx, camera.heightPx, session.set, session.rig.screen);
        measurements.push({ camera, lens: await decode('lens'), reference: await decode('reference') });
      }
    } catch (e) {
      throw new StudioError('BAD_FILE', redactFileText((e as Error).message));
    }
    const frames = patternFrames(session.set).map((f) => `${f.direction} p${f.periodPx} s${f.step}`);
    const info: DeflectometrySessionInfo = {
      dir: abs,
      binning: session.manifest.binning,
      wavelengthUm: session.manifest.wavelengthUm,
      periodsPx: [...session.set.periodsPx],
      steps: session.set.steps,
      frames,
      nominalLensName: session.nominalLens?.name ?? null,
      simulated: session.manifest.simulation !== undefined,
      screenMm: [session.rig.screen.widthPx * session.rig.screen.pitchMm, session.rig.screen.heightPx * session.rig.screen.pitchMm],
      cameras: measurements.map((m) => {
        let refValid = 0;
        for (const v of m.reference.valid) refValid += v;
        return {
          name: m.camera.name,
          width: m.camera.widthPx,
          height: m.camera.heightPx,
          ...validPoints(m.lens),
          referenceValid: refValid,
          maskedLowModulation: m.lens.maskedLowModulation,
          maskedInconsistent: m.lens.maskedInconsistent,
        };
      }),
      decodeMs: performance.now() - t0,
      warnings: [...session.warnings, ...this.nominalRangeWarnings(session)],
    };
    this.open = { session, measurements, info };
    this.lastResult = null;
    await this.remember(abs);
    return info;
  }

  /** The rig's wavelength against the catalogued range of the nominal lens's glasses. */
  private nominalRangeWarnings(session: LoadedSession): string[] {
    if (!session.nominalLens) return [];
    try {
      return glassRangeWarnings(buildLensSystem(session.nominalLens), [session.manifest.wavelengthUm]).map((w) => `nominal lens: ${w}`);
    } catch {
      return []; // a lens that does not build is reported when the calibration starts
    }
  }

  /** Simulates the bundled rig + lens into a fresh temp folder and opens it. */
  async simulate(options: SimulateSessionOptions = {}): Promise<DeflectometrySessionInfo> {
    this.assertIdle();
    const binning = intOption('binning', options.binning, 16, API_LIMITS.simulate.binning);
    const noise = options.noise ?? DEFAULT_SENSOR.readNoise;
    if (!(typeof noise === 'number' && noise >= 0 && noise < 0.1)) throw new StudioError('BAD_REQUEST', `noise: expected a fraction of full scale in [0, 0.1), got ${String(noise)}`);
    const seed = intOption('seed', options.seed, 1, API_LIMITS.simulate.seed);
    const rigText = await readFile(this.paths.rigFile, 'utf8');
    const rig = parseRig(rigText, this.paths.rigFile);
    const truth = parsePrescriptionJson(await readFile(this.paths.lensFile, 'utf8'), this.paths.lensFile);
    const glass = GlassLibrary.builtin();
    const wavelengthUm = (rig.lensUnderTest?.wavelength_nm ?? RIG_WAVELENGTH_UM * 1000) / 1000;
    const pose = mountPose(rig);
    const scene = buildRigScene(rig, binning, sceneLens(truth, glass, wavelengthUm, DEFAULT_MOUNT_OUTER_RADIUS_MM), pose);
    const set = makePatternSet(rig.periodsPx, rig.steps);
    const sensor = { ...DEFAULT_SENSOR, readNoise: noise };
    const frames = patternFrames(set);
    const out = await mkdtemp(path.join(os.tmpdir(), 'lens-studio-deflectometry-'));
    let cache: { key: string; hits: ScreenHits } | null = null;
    const hits = (ci: number, capture: 'lens' | 'reference') => {
      const key = `${ci}/${capture}`;
      if (cache?.key !== key) cache = { key, hits: captureHits(scene, ci, capture) };
      return cache.hits;
    };
    await writeSession(
      out,
      {
        rigText,
        rig,
        set,
        binning,
        wavelengthUm,
        mountOuterRadiusMm: DEFAULT_MOUNT_OUTER_RADIUS_MM,
        initialPose: pose,
        nominalLens: truth,
        simulation: { lens: truth, pose, screenOffsetMm: [0, 0], sensor, seed },
      },
      scene.cameras,
      (ci, capture, k) => renderFrame(hits(ci, capture), set, frames[k], scene.screen, sensor, frameSeed(seed, ci, capture === 'lens' ? 0 : 1, k), binning),
    );
    return this.openFolder(this.paths.files.grant(out));
  }

  async image(camera: number, capture: 'lens' | 'reference', frame: number): Promise<PreviewImage & { min: number; max: number }> {
    const o = this.requireOpen();
    if (!Number.isInteger(camera) || camera < 0 || camera >= o.session.cameras.length) {
      throw new StudioError('BAD_REQUEST', `camera: expected a whole number from 0 to ${o.session.cameras.length - 1}, got ${String(camera)}`);
    }
    const cam = o.session.cameras[camera];
    if (capture !== 'lens' && capture !== 'reference') throw new StudioError('BAD_REQUEST', `capture: lens or reference, got ${String(capture)}`);
    if (!Number.isInteger(frame) || frame < 0 || frame >= o.info.frames.length) throw new StudioError('BAD_REQUEST', `frame ${frame} out of range 0–${o.info.frames.length - 1}`);
    let images: Uint16Array[];
    try {
      images = await readCaptureImages(o.session, cam, capture);
    } catch (e) {
      throw new StudioError('BAD_FILE', redactFileText((e as Error).message));
    }
    return preview16(images[frame], cam.widthPx, cam.heightPx);
  }

  private requireOpen(): Open {
    if (!this.open) throw new StudioError('NOT_FOUND', 'no deflectometry session is open');
    return this.open;
  }

  /**
   * Starts a calibration of the open session; returns its id at once.
   * @throws StudioError NOT_FOUND (no session), BUSY, BAD_REQUEST (options), BAD_FILE (no nominal lens)
   */
  startCalibration(options: CalibrationOptionsApi = {}): { runId: string } {
    const o = this.requireOpen();
    this.assertIdle();
    const vary = (options.vary ?? ['curvatures', 'thickness', 'pose', 'screen-offset']) as VaryKey[];
    if (!Array.isArray(vary) || vary.length === 0 || vary.some((k) => !VARY_KEYS.includes(k))) {
      throw new StudioError('BAD_REQUEST', `vary: expected some of ${VARY_KEYS.join(', ')}`);
    }
    const start = options.start ?? 'flat';
    if (start !== 'flat' && start !== 'nominal') throw new StudioError('BAD_REQUEST', `start: flat or nominal, got ${String(start)}`);
    const maxIterations = intOption('maxIterations', options.maxIterations, 100, API_LIMITS.calibration.maxIterations);
    const nominal = o.session.nominalLens;
    if (!nominal) throw new StudioError('BAD_FILE', `${o.info.dir}: the session carries no nominal lens`);
    let initialPose = o.session.manifest.initialPose;
    if (!initialPose) {
      try {
        initialPose = mountPose(o.session.rig);
      } catch (e) {
        throw new StudioError('BAD_FILE', `${o.info.dir}: no initialPose in session.json and ${(e as Error).message}`);
      }
    }
    const id = `cal-${++this.counter}`;
    const abort = new AbortController();
    const run = { id, abort, done: Promise.resolve() };
    this.run = run;
    const pose = initialPose;
    run.done = this.execute(id, o, nominal, pose, vary, start, maxIterations, abort.signal).finally(() => {
      if (this.run === run) this.run = null;
    });
    return { runId: id };
  }

  private async execute(
    runId: string,
    o: Open,
    nominal: Prescription,
    initialPose: NonNullable<LoadedSession['manifest']['initialPose']>,
    vary: VaryKey[],
    start: 'flat' | 'nominal',
    maxIterations: number,
    signal: AbortSignal,
  ): Promise<void> {
    const base = { type: 'calibration' as const, runId, round: 1, iteration: 0, merit: NaN, rmsUm: NaN, values: [] as { label: string; value: number }[] };
    let last: CalibrationEvent = { ...base, phase: 'started' };
    try {
      const glass = GlassLibrary.builtin();
      const result = await calibrate(
        { measurements: o.measurements, nominal, glass, wavelengthUm: o.session.manifest.wavelengthUm, initialPose, vary, start },
        {
          maxIterations,
          signal,
          onProgress: (p) => {
            last = { ...base, phase: last.phase === 'started' && p.iteration === 0 && p.round === 1 ? 'started' : 'progress', round: p.round, iteration: p.iteration, merit: p.merit, rmsUm: p.rmsUm, values: [...p.values] };
            this.emit(last);
          },
        },
      );
      const summary = await this.summarize(o, result, glass);
      this.lastResult = summary;
      this.emit({ ...last, phase: result.stopReason === 'cancelled' ? 'stopped' : 'finished', result: summary, message: `${result.stopReason} after ${result.iterations} iterations` });
    } catch (e) {
      this.emit({ ...last, phase: 'failed', message: (e as Error).message });
    }
  }

  private async summarize(o: Open, r: CalibrationResult, glass: GlassLibrary): Promise<CalibrationSummary> {
    const lens = sceneLens(r.prescription, glass, o.session.manifest.wavelengthUm, o.session.manifest.mountOuterRadiusMm ?? DEFAULT_MOUNT_OUTER_RADIUS_MM);
    const screen = Screen.fromRig(o.session.rig.screen, r.screenOffsetMm[0], r.screenOffsetMm[1]);
    const cameras = r.cameras.map((c, ci) => {
      const m = o.measurements[ci];
      const idx: number[] = [];
      c.errorMapUm.forEach((v, p) => {
        if (Number.isFinite(v)) idx.push(p);
      });
      const pixels = Int32Array.from(idx);
      const hits = traceCamera(m.camera, screen, lens, r.pose, pixels);
      return {
        name: c.name,
        width: c.width,
        height: c.height,
        pixels,
        measuredXMm: Float64Array.from(idx, (p) => m.lens.xMm[p]),
        measuredYMm: Float64Array.from(idx, (p) => m.lens.yMm[p]),
        modelledXMm: hits.xMm,
        modelledYMm: hits.yMm,
        errorMapUm: c.errorMapUm,
        lensRmsUm: c.lensRmsUm,
        referenceRmsUm: c.referenceRmsUm,
      };
    });
    const sim = o.session.manifest.simulation;
    let truth: CalibrationSummary['truth'];
    if (sim) {
      const file = path.join(o.session.dir, sim.lens);
      try {
        const t = parsePrescriptionJson(await readFile(await insideSession(o.session.dir, file), 'utf8'), file);
        truth = { radiiMm: t.surfaces.map((s) => ('radius' in s ? (s.radius ?? null) : null)), thicknessMm: t.surfaces[0].thickness };
      } catch {
        // A simulated session without its truth lens: nothing to compare with.
      }
    }
    return {
      prescription: r.prescription,
      pose: { ...r.pose },
      screenOffsetMm: [r.screenOffsetMm[0], r.screenOffsetMm[1]],
      variables: r.variables.map((v) => ({ ...v })),
      lensRmsUm: r.lensRmsUm,
      iterations: r.iterations,
      stopReason: r.stopReason,
      outliersRejected: r.outliersRejected,
      cameras,
      ...(truth && { truth }),
    };
  }

  async stopCalibration(runId: string): Promise<void> {
    const run = this.run;
    if (!run || run.id !== runId) return;
    run.abort.abort();
    await run.done;
  }

  /** The fitted prescription of the last calibration. @throws StudioError NOT_FOUND when none */
  fittedLens(): Prescription {
    if (!this.lastResult) throw new StudioError('NOT_FOUND', 'no calibration result yet: run the calibration first');
    return this.lastResult.prescription;
  }
}
