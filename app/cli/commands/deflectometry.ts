/**
 * `lens-studio deflectometry simulate|calibrate`: simulated refractive-deflectometry sessions of a
 * rig and self-calibration of the lens under test (see engine/deflectometry/).
 */
import { writeOut } from '../terminal.ts';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Command } from 'commander';
import { parsePose, type LensPose } from '../../../engine/deflectometry/pose.ts';
import { makePatternSet, patternFrames } from '../../../engine/deflectometry/patterns.ts';
import { parseRig } from '../../../engine/deflectometry/rig.ts';
import {
  buildRigScene,
  captureHits,
  DEFAULT_MOUNT_OUTER_RADIUS_MM,
  mountPose,
  RIG_WAVELENGTH_UM,
  sceneLens,
} from '../../../engine/deflectometry/rigScene.ts';
import type { ScreenHits } from '../../../engine/deflectometry/scene.ts';
import { DEFAULT_SENSOR, frameSeed, renderFrame, type SensorModel } from '../../../engine/deflectometry/simulate.ts';
import { writeSession } from '../../node/deflectometrySession.ts';
import { CliError } from '../errors.ts';
import { loadSystemFile, printWarnings, strictInputs } from '../loadLens.ts';
import { glassRangeWarnings } from '../../../engine/optics/glassRange.ts';
import { progressBar, runCalibrateCommand, type CalibrateCliOptions } from '../deflectometryCalibrate.ts';

interface SimulateOptions {
  rig: string;
  lens: string;
  nominal?: string;
  pose?: string;
  poseOffset?: string;
  screenOffset?: string;
  noise: string;
  fullWell: string;
  gain: string;
  bin: string;
  seed: string;
  wavelength?: string;
  mountRadius: string;
  cameras?: string;
  out: string;
}

/** Parses a finite number option. @throws CliError naming the option */
export function numberOption(value: string, name: string, check: (v: number) => boolean = () => true, what = 'a number'): number {
  const v = Number(value);
  if (value.trim() === '' || !Number.isFinite(v) || !check(v)) throw new CliError(`--${name}: expected ${what}, got "${value}"`, 2);
  return v;
}

function parsePair(value: string, name: string): [number, number] {
  const parts = value.split(',');
  if (parts.length !== 2) throw new CliError(`--${name}: expected X,Y in mm, got "${value}"`, 2);
  return [numberOption(parts[0], name), numberOption(parts[1], name)];
}

function poseOption(value: string, name: string): LensPose {
  try {
    return parsePose(value);
  } catch (err) {
    throw new CliError(`--${name}: ${(err as Error).message}`, 2);
  }
}

async function simulate(opts: SimulateOptions): Promise<void> {
  let rigText: string;
  try {
    rigText = await readFile(opts.rig, 'utf8');
  } catch (err) {
    throw new CliError(`${opts.rig}: cannot read the rig file (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
  }
  const rigWarnings: string[] = [];
  const rig = parseRig(rigText, opts.rig, { strict: strictInputs(), warnings: rigWarnings });
  printWarnings(opts.rig, rigWarnings);
  const binning = numberOption(opts.bin, 'bin', (v) => Number.isInteger(v) && v >= 1, 'a positive integer');
  const readNoise = numberOption(opts.noise, 'noise', (v) => v >= 0, 'a non-negative fraction of full scale');
  const fullWell = numberOption(opts.fullWell, 'full-well', (v) => v >= 0, 'a non-negative number of electrons');
  const gain = numberOption(opts.gain, 'gain', (v) => v > 0 && v <= 1, 'a fraction of full scale in (0, 1]');
  const seed = numberOption(opts.seed, 'seed', Number.isInteger, 'an integer');
  const mountRadius = numberOption(opts.mountRadius, 'mount-radius', (v) => v > 0, 'a positive radius in mm');
  const wavelengthUm = opts.wavelength
    ? numberOption(opts.wavelength, 'wavelength', (v) => v > 0, 'a wavelength in µm')
    : (rig.lensUnderTest?.wavelength_nm ?? RIG_WAVELENGTH_UM * 1000) / 1000;
  const truth = await loadSystemFile(opts.lens);
  printWarnings(opts.lens, truth.warnings);
  const nominal = opts.nominal ? await loadSystemFile(opts.nominal) : truth;
  if (opts.nominal) printWarnings(opts.nominal, nominal.warnings);
  // The rig's wavelength against the catalogued range of the lens's glasses.
  printWarnings(opts.lens, glassRangeWarnings(truth.system, [wavelengthUm]));
  let mount: LensPose | undefined;
  try {
    mount = mountPose(rig);
  } catch {
    mount = undefined;
  }
  let pose: LensPose;
  if (opts.pose) pose = poseOption(opts.pose, 'pose');
  else if (mount) pose = mount;
  else throw new CliError(`${opts.rig}: no rotation_axis_click_px to place the lens; give --pose x,y,z,tiltX,tiltY`);
  if (opts.poseOffset) {
    const d = poseOption(opts.poseOffset, 'pose-offset');
    pose = { xMm: pose.xMm + d.xMm, yMm: pose.yMm + d.yMm, zMm: pose.zMm + d.zMm, tiltXDeg: pose.tiltXDeg + d.tiltXDeg, tiltYDeg: pose.tiltYDeg + d.tiltYDeg };
  }
  const screenOffset = opts.screenOffset ? parsePair(opts.screenOffset, 'screen-offset') : ([0, 0] as [number, number]);
  const cameraNames = opts.cameras?.split(',').map((s) => s.trim());
  for (const name of cameraNames ?? []) {
    if (!rig.cameras.some((c) => c.name === name)) throw new CliError(`--cameras: ${name} is not a camera of ${opts.rig}`, 2);
  }
  let lens;
  try {
    lens = sceneLens(truth.prescription, truth.library, wavelengthUm, mountRadius);
  } catch (err) {
    throw new CliError(`${opts.lens}: ${(err as Error).message}`);
  }
  let scene;
  try {
    scene = buildRigScene(rig, binning, lens, pose, screenOffset, cameraNames);
  } catch (err) {
    throw new CliError(`--bin: ${(err as Error).message}`, 2);
  }
  const set = makePatternSet(rig.periodsPx, rig.steps);
  const sensor: SensorModel = { ...DEFAULT_SENSOR, gain, readNoise, fullWellElectrons: fullWell };
  const cache = new Map<string, ScreenHits>();
  const hits = (ci: number, capture: 'lens' | 'reference'): ScreenHits => {
    const key = `${ci}/${capture}`;
    let h = cache.get(key);
    if (!h) {
      cache.clear();
      h = captureHits(scene, ci, capture);
      cache.set(key, h);
    }
    return h;
  };
  // A lens the cameras cannot see is a setup error, not an empty session.
  scene.cameras.forEach((cam, ci) => {
    let through = 0;
    for (const s of hits(ci, 'lens').status) if (s === 1) through++;
    if (through === 0) {
      throw new CliError(`${opts.lens}: the lens at (${pose.xMm.toFixed(2)}, ${pose.yMm.toFixed(2)}, ${pose.zMm.toFixed(2)}) mm is outside the view of ${cam.name}: no pixel sees the screen through it`);
    }
  });
  const frames = patternFrames(set);
  const bar = progressBar('simulate');
  bar.start(scene.cameras.length * 2 * frames.length, 0, { detail: '' });
  const manifest = await writeSession(
    opts.out,
    {
      rigText,
      rig,
      set,
      binning,
      wavelengthUm,
      mountOuterRadiusMm: mountRadius,
      initialPose: mount,
      nominalLens: nominal.prescription,
      simulation: { lens: truth.prescription, pose, screenOffsetMm: screenOffset, sensor, seed },
    },
    scene.cameras,
    (ci, capture, k) => renderFrame(hits(ci, capture), set, frames[k], scene.screen, sensor, frameSeed(seed, ci, capture === 'lens' ? 0 : 1, k), binning),
    (done) => bar.update(done, { detail: '' }),
  );
  bar.stop();
  writeOut(
    `wrote ${manifest.images.length} images (${scene.cameras.map((c) => `${c.name} ${c.widthPx}×${c.heightPx}`).join(', ')}) to ${path.resolve(opts.out)}\n`,
  );
}

export function register(program: Command): void {
  const cmd = program.command('deflectometry').description('refractive deflectometry: simulate sessions of a rig and self-calibrate the lens under test');
  cmd
    .command('simulate')
    .description('render the 16-bit fringe images each camera of the rig captures, with and without the lens, into a session folder')
    .requiredOption('--rig <file>', 'rig file (cameras, screen, patterns), e.g. rig-2021-04-03.json')
    .requiredOption('--lens <file>', 'the lens under test (true prescription)')
    .option('--nominal <file>', 'nominal lens stored in the session (default: the --lens file)')
    .option('--pose <x,y,z,tiltX,tiltY>', 'lens pose: surface-1 vertex in world mm, tilts in degrees (default: the rig mount position)')
    .option('--pose-offset <dx,dy,dz,dtiltX,dtiltY>', 'added to the pose (mm, degrees)')
    .option('--screen-offset <x,y>', 'screen pattern offset in mm', undefined)
    .option('--noise <sigma>', 'Gaussian read noise, fraction of full scale', '0.001')
    .option('--full-well <electrons>', 'electrons at full scale for shot noise (0: none)', '20000')
    .option('--gain <fraction>', 'signal of a white screen, fraction of full scale', '0.8')
    .option('--bin <n>', 'sensor binning n×n', '1')
    .option('--seed <n>', 'noise seed', '1')
    .option('--wavelength <um>', 'wavelength in µm (default: the rig file, 0.562)')
    .option('--mount-radius <mm>', 'outer radius of the opaque lens mount ring', String(DEFAULT_MOUNT_OUTER_RADIUS_MM))
    .option('--cameras <names>', 'comma-separated subset of the rig cameras')
    .requiredOption('--out <dir>', 'session folder to write')
    .action(simulate);
  cmd
    .command('calibrate')
    .description('decode a session and jointly fit the lens curvatures, thickness, pose and screen offset by damped least squares')
    .argument('<session>', 'session folder (session.json + images)')
    .option('--nominal <file>', 'nominal lens (default: the one stored in the session)')
    .option('--vary <list>', 'curvatures,thickness,pose,screen-offset,aspheres', 'curvatures,thickness,pose,screen-offset')
    .option('--start <flat|nominal>', 'start from flat surfaces (curvature 0) or the nominal lens', 'flat')
    .option('--iterations <n>', 'damped-least-squares iteration cap', '100')
    .option('--json', 'print the result as JSON')
    .requiredOption('--out <dir>', 'result folder to write')
    .action((session: string, opts: CalibrateCliOptions) => runCalibrateCommand(session, opts));
}
