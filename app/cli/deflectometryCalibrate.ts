/**
 * `lens-studio deflectometry calibrate <session> --out <dir>`: decode a session's fringe images and
 * self-calibrate the lens under test (engine/deflectometry/calibrate.ts), with progress bars.
 *
 * The result folder receives (each file written atomically, result.json last):
 *   fitted-lens.json         the fitted prescription (lens-studio/1)
 *   result.json              pose, screen offset, every fitted variable (initial → final),
 *                            reprojection RMS per camera, loss history, stop reason
 *   error-map-<camera>.png   per-pixel reprojection error, 16-bit: DN = round(100 · error in µm)
 *                            (0.01 µm per DN, clipped at 655.34 µm); 65535 = pixel not used
 *   loss-history.csv         iteration, merit (mm²), RMS (µm)
 * Ctrl-C stops the fit at the next iteration and still writes the best result so far.
 */
import { terminalJson, writeErr, writeOut } from './terminal.ts';
import path from 'node:path';
import cliProgress from 'cli-progress';
import { stringifyPrescription } from '../../engine/io/json.ts';
import type { Prescription } from '../../engine/io/prescription.ts';
import { calibrate, parseVary, type CameraMeasurements, type CalibrationResult } from '../../engine/deflectometry/calibrate.ts';
import { decodeScreenPoints } from '../../engine/deflectometry/fringe.ts';
import { mountPose } from '../../engine/deflectometry/rigScene.ts';
import { GlassLibrary } from '../../engine/materials/glassLibrary.ts';
import type { GlassResolver } from '../../engine/optics/system.ts';
import { readCaptureImages, readSession } from '../node/deflectometrySession.ts';
import { encodeGray16 } from '../node/png16.ts';
import { writeFileAtomic } from '../node/atomicWrite.ts';
import { CliError } from './errors.ts';
import { loadSystemFile, printWarnings, strictInputs } from './loadLens.ts';
import { glassRangeWarnings } from '../../engine/optics/glassRange.ts';
import { buildSystem } from '../../engine/paraxial/buildSystem.ts';

/** A progress bar on stderr (drawn only on a terminal). */
export function progressBar(label: string): cliProgress.SingleBar {
  return new cliProgress.SingleBar(
    { format: `${label} [{bar}] {percentage}% | {value}/{total} {detail}`, stream: process.stderr, hideCursor: true, clearOnComplete: false },
    cliProgress.Presets.shades_classic,
  );
}

export interface CalibrateCliOptions {
  nominal?: string;
  vary: string;
  start: string;
  iterations: string;
  json?: boolean;
  out: string;
}

/** Error map in µm → 16-bit PNG values (module doc). */
export function errorMapToGray16(mapUm: Float64Array): Uint16Array {
  return Uint16Array.from(mapUm, (v) => (Number.isFinite(v) ? Math.min(65534, Math.round(v * 100)) : 65535));
}

/** The JSON document written as result.json. */
export function resultDocument(r: CalibrationResult, session: string, nominalName: string, vary: string[], start: string) {
  return {
    format: 'lens-studio/deflectometry-result/1',
    session,
    nominalLens: nominalName,
    vary,
    start,
    fittedLens: 'fitted-lens.json',
    pose: r.pose,
    screenOffsetMm: r.screenOffsetMm,
    surfaces: r.prescription.surfaces.map((s, i) => ({
      surface: i + 1,
      radiusMm: 'radius' in s ? s.radius : null,
      thicknessMm: s.thickness,
      ...(s.type === 'evenAsphere' ? { asphere: s.asphere } : {}),
    })),
    variables: r.variables,
    reprojection: {
      rmsUm: r.lensRmsUm,
      cameras: r.cameras.map((c) => ({
        camera: c.name,
        lensPixels: c.lensPixels,
        lensRmsUm: c.lensRmsUm,
        referencePixels: c.referencePixels,
        referenceRmsUm: c.referenceRmsUm,
        errorMap: `error-map-${c.name}.png`,
      })),
      errorMapEncoding: { umPerDn: 0.01, unusedPixel: 65535 },
    },
    iterations: r.iterations,
    stopReason: r.stopReason,
    outliersRejected: r.outliersRejected,
    lostRays: r.lostRays,
    lossHistory: r.lossHistory,
  };
}

export async function runCalibrateCommand(sessionDir: string, opts: CalibrateCliOptions): Promise<void> {
  let vary;
  try {
    vary = parseVary(opts.vary);
  } catch (err) {
    throw new CliError(`--vary: ${(err as Error).message}`, 2);
  }
  if (opts.start !== 'flat' && opts.start !== 'nominal') throw new CliError(`--start: expected flat or nominal, got "${opts.start}"`, 2);
  const maxIterations = Number(opts.iterations);
  if (!Number.isInteger(maxIterations) || maxIterations < 1) throw new CliError(`--iterations: expected a positive integer, got "${opts.iterations}"`, 2);
  const session = await readSession(sessionDir, { strict: strictInputs() });
  for (const w of session.warnings) writeErr(`warning: ${w}\n`);
  let nominal: Prescription;
  let glass: GlassResolver;
  let nominalName: string;
  if (opts.nominal) {
    const loaded = await loadSystemFile(opts.nominal);
    printWarnings(opts.nominal, loaded.warnings);
    nominal = loaded.prescription;
    glass = loaded.library;
    nominalName = opts.nominal;
  } else if (session.nominalLens) {
    nominal = session.nominalLens;
    glass = GlassLibrary.builtin();
    nominalName = path.join(sessionDir, session.manifest.nominalLens ?? '');
  } else {
    throw new CliError(`${sessionDir}: the session carries no nominal lens; give --nominal lens.json`);
  }
  // The rig's wavelength against the catalogued range of the lens's glasses.
  try {
    printWarnings(nominalName, glassRangeWarnings(buildSystem(nominal, glass), [session.manifest.wavelengthUm]));
  } catch {
    // A lens that does not build is reported by the calibration itself.
  }
  let initialPose = session.manifest.initialPose;
  if (!initialPose) {
    try {
      initialPose = mountPose(session.rig);
    } catch (err) {
      throw new CliError(`${sessionDir}: no initialPose in session.json and ${(err as Error).message}`);
    }
  }
  // Decode.
  const decodeBar = progressBar('decode   ');
  decodeBar.start(session.cameras.length * 2, 0, { detail: '' });
  const measurements: CameraMeasurements[] = [];
  for (const camera of session.cameras) {
    const decode = async (capture: 'lens' | 'reference') => {
      const images = await readCaptureImages(session, camera, capture);
      const m = decodeScreenPoints(images, camera.widthPx, camera.heightPx, session.set, session.rig.screen);
      decodeBar.increment(1, { detail: `${camera.name} ${capture}` });
      return m;
    };
    const lens = await decode('lens');
    const reference = await decode('reference');
    measurements.push({ camera, lens, reference });
  }
  decodeBar.stop();
  // Fit.
  const controller = new AbortController();
  const onSigint = () => controller.abort();
  process.once('SIGINT', onSigint);
  const fitBar = progressBar('calibrate');
  fitBar.start(maxIterations, 0, { detail: '' });
  let result: CalibrationResult;
  try {
    result = await calibrate(
      {
        measurements,
        nominal,
        glass,
        wavelengthUm: session.manifest.wavelengthUm,
        initialPose,
        vary,
        start: opts.start,
      },
      {
        maxIterations,
        signal: controller.signal,
        onProgress: (p) => fitBar.update(Math.min(maxIterations, p.iteration), { detail: `round ${p.round}  RMS ${p.rmsUm.toFixed(3)} µm  merit ${p.merit.toExponential(4)} mm²` }),
      },
    );
  } catch (err) {
    fitBar.stop();
    throw new CliError(`${sessionDir}: ${(err as Error).message}`);
  } finally {
    process.removeListener('SIGINT', onSigint);
  }
  fitBar.stop();
  // Write.
  const out = opts.out;
  await writeFileAtomic(path.join(out, 'fitted-lens.json'), stringifyPrescription(result.prescription));
  for (const c of result.cameras) {
    await writeFileAtomic(path.join(out, `error-map-${c.name}.png`), encodeGray16({ width: c.width, height: c.height, data: errorMapToGray16(c.errorMapUm) }));
  }
  const nRes = 2 * (result.cameras.reduce((a, c) => a + c.lensPixels + c.referencePixels, 0));
  const csv = ['iteration,merit_mm2,rms_um', ...result.lossHistory.map((m, i) => `${i},${m},${Math.sqrt(m / nRes) * 1000}`)].join('\n');
  await writeFileAtomic(path.join(out, 'loss-history.csv'), `${csv}\n`);
  const doc = resultDocument(result, path.resolve(sessionDir), nominalName, vary, opts.start);
  await writeFileAtomic(path.join(out, 'result.json'), `${JSON.stringify(doc, null, 2)}\n`);
  if (opts.json) {
    process.stdout.write(`${terminalJson(doc)}\n`);
    return;
  }
  const lines = [
    `${nominal.name}: ${result.stopReason} after ${result.iterations} iterations${result.stopReason === 'cancelled' ? ' (interrupted; best so far)' : ''}`,
    ...result.prescription.surfaces.map((s, i) => `  surface ${i + 1}: R = ${'radius' in s && s.radius !== null ? `${s.radius.toFixed(4)} mm` : 'plane'}, thickness ${s.thickness.toFixed(4)} mm`),
    `  pose: x ${result.pose.xMm.toFixed(4)}, y ${result.pose.yMm.toFixed(4)}, z ${result.pose.zMm.toFixed(4)} mm; tilt x ${result.pose.tiltXDeg.toFixed(4)}°, y ${result.pose.tiltYDeg.toFixed(4)}°`,
    `  screen offset: ${result.screenOffsetMm.map((v) => v.toFixed(4)).join(', ')} mm`,
    `  reprojection RMS ${result.lensRmsUm.toFixed(3)} µm (${result.cameras.map((c) => `${c.name}: ${c.lensPixels} px, ${c.lensRmsUm.toFixed(3)} µm`).join('; ')})`,
    `  wrote ${path.resolve(out)}`,
  ];
  writeOut(`${lines.join('\n')}\n`);
}
