/**
 * Resolving a `lens-studio e2e` configuration (./e2eRun.ts) before training: the task preset or
 * lens file, settings (command line, then the task's defaults, then the built-in ones), sensor,
 * object distances, data (training photographs or dead leaves; held-out photographs or a stated
 * split) and lens variables with their Adam steps.
 */
import path from 'node:path';
import { deadLeavesScenes, photoScenes, regionScenes, withDeadLeaves, type PhotoSplit, type SceneSet } from '../../engine/e2e/dataset.ts';
import type { LossConfig } from '../../engine/e2e/network.ts';
import type { E2eOptions } from '../../engine/e2e/train.ts';
import { unetConfig, unetSizeMultiple, type UNetConfig } from '../../engine/e2e/unet.ts';
import { depthsInDiopters } from '../../engine/imaging/depthPsf.ts';
import { sensorForLens } from '../../engine/imaging/lensPsf.ts';
import { makeSensor, type Sensor } from '../../engine/imaging/sensor.ts';
import { taskDepths, type ReconKind } from '../../engine/io/e2eTask.ts';
import type { Prescription } from '../../engine/io/prescription.ts';
import type { GlassLibrary } from '../../engine/materials/glassLibrary.ts';
import { glassRangeWarnings } from '../../engine/optics/glassRange.ts';
import type { LensSystem } from '../../engine/optics/system.ts';
import type { VariableSpec } from '../../engine/io/meritSpecSchema.ts';
import { buildSystem } from '../../engine/paraxial/buildSystem.ts';
import { solvedThicknessSurface } from '../../engine/paraxial/solves.ts';
import { variablesFromGroups, variablesFromSpec, type Variable } from '../../engine/optimize/variables.ts';
import { loadTask, type LoadedTask } from './e2eTask.ts';
import { loadImageFolder } from './images.ts';
import { glassLibraryFor, readLensFile } from './lensFile.ts';
import type { WienerPrior } from '../../engine/e2e/wiener.ts';
import type { BackendChoice } from './tfBackend.ts';

/** A bad setting (the command line reports it with exit code 2). */
export class E2eConfigError extends Error {}

/**
 * A parsed `lens-studio e2e` configuration. Optional numbers left undefined take the task's
 * default, else the built-in one.
 */
export interface E2eRunConfig {
  /** A built-in task name or a task file; or else `lens`. */
  task?: string;
  lens?: string;
  glassDirs: string[];
  /** Training photographs (else dead leaves), and held-out photographs (else a split of `images`). */
  images?: string;
  evalImages?: string;
  /** Without eval images: hold out a band of every photograph ('regions', default) or every fifth photograph. */
  holdout?: PhotoSplit;
  /** Object distance range, mm (far may be Infinity), and how many depths train / evaluate. */
  depths?: { nearMm: number; farMm: number };
  trainDepths?: number;
  evalDepths?: number;
  recon?: ReconKind;
  wienerPrior?: WienerPrior;
  /** 'wiener+unet': the U-Net also sees the sensor image (2C input planes). */
  unetSensorInput?: boolean;
  /** The network's learning-rate schedule. */
  netSchedule?: 'constant' | 'cosine';
  /** With --images: the fraction of training crops from dead-leaves images (0 ≤ f < 1). */
  mixDeadLeaves?: number;
  steps?: number;
  warmup?: number;
  patch?: number;
  batch?: number;
  evalPatch?: number;
  margin?: number;
  lensEvery?: number;
  /** Step at which the U-Net starts (before: the Wiener stage alone). */
  networkStart?: number;
  out: string;
  /** Without a task: `--vary` groups, image distance free, sensor and PSF sampling. */
  vary: string[];
  focus: boolean;
  pixelPitchUm: number;
  mono: boolean;
  psfSize: number;
  fieldGrid: number;
  rings: number;
  netLr?: number;
  lensLr: number;
  loss?: 'l1' | 'mse' | 'psnr';
  ssimWeight?: number;
  unetLevels?: number;
  unetFilters?: number;
  seed: number;
  seeds: number;
  noise: boolean;
  evalCount?: number;
  backend: BackendChoice;
  resume: boolean;
  checkpointEvery: number;
  /** Arms (a) and (b); (c) always runs. */
  nominal: boolean;
  sequential: boolean;
  sequentialIterations?: number;
  /** Linear-reconstruction bounds of every arm's lens in the report (first seed; default true). */
  wienerBounds?: boolean;
}

/** Everything resolved before training: settings, lens, sensor, data, variables. */
export interface Setup {
  task: LoadedTask | null;
  prescription: Prescription;
  library: GlassLibrary;
  lensName: string;
  lensFile: string;
  sensor: Sensor;
  data: SceneSet;
  notes: string[];
  trainDepthsMm: number[];
  evalDepthsMm: number[];
  variables: (system: LensSystem) => Variable[];
  variableSpecs: (system: LensSystem) => VariableSpec[];
  lensRates: number[] | undefined;
  options: Omit<E2eOptions, 'seed' | 'trainLens'>;
  recon: ReconKind;
  unet: Omit<UNetConfig, 'seed'>;
  loss: LossConfig;
  netLr: number;
  evalCount: number;
  sequentialIterations: number;
}

export function positiveInt(name: string, v: number, min = 1): number {
  if (!Number.isInteger(v) || v < min) throw new E2eConfigError(`--${name}: expected a whole number ≥ ${min}, got ${v}`);
  return v;
}

export async function resolveSetup(o: E2eRunConfig, log: (s: string) => void): Promise<Setup> {
  if (!o.task && !o.lens) throw new E2eConfigError('give --lens <file> or --task <name|file>');
  if (o.images && o.evalImages && path.resolve(o.images) === path.resolve(o.evalImages)) log('warning: --eval-images is the --images folder: the held-out photographs are also trained on');
  const task = o.task ? loadTask(o.task) : null;
  for (const w of task?.warnings ?? []) log(`warning: ${w}`);
  const td = task?.task.defaults ?? {};
  let prescription: Prescription;
  let library: GlassLibrary;
  let lensFile: string;
  if (task && !o.lens) {
    library = await glassLibraryFor({ glassDirs: o.glassDirs });
    prescription = task.lens;
    lensFile = task.lensSource;
  } else {
    const loaded = await readLensFile(o.lens!, { glassDirs: o.glassDirs });
    for (const w of loaded.warnings) log(`warning: ${path.basename(o.lens!)}: ${w}`);
    prescription = loaded.prescription;
    library = loaded.library;
    lensFile = o.lens!;
  }
  const base = path.basename(lensFile);
  const build = (p: Prescription) => {
    try {
      return buildSystem(p, library);
    } catch (err) {
      throw new Error(`${base}: ${(err as Error).message}`);
    }
  };
  const probe = build(prescription);
  for (const w of glassRangeWarnings(probe)) log(`warning: ${base}: ${w}`);

  const steps = o.steps ?? td.steps ?? 300;
  const patch = o.patch ?? td.patch ?? 64;
  const unetLevels = o.unetLevels ?? td.unetLevels ?? 3;
  if (patch % unetSizeMultiple(unetLevels) !== 0) throw new E2eConfigError(`--patch: ${patch} is not a multiple of ${unetSizeMultiple(unetLevels)}, which a ${unetLevels}-level U-Net needs`);
  const evalPatch = o.evalPatch ?? td.evalPatch ?? patch;
  if (evalPatch % unetSizeMultiple(unetLevels) !== 0) throw new E2eConfigError(`--eval-patch: ${evalPatch} is not a multiple of ${unetSizeMultiple(unetLevels)}`);
  const margin = o.margin ?? td.margin ?? 0;
  if (2 * margin + 11 > Math.min(patch, evalPatch)) throw new E2eConfigError(`--margin: ${margin} px leaves less than the 11-px SSIM window of a ${Math.min(patch, evalPatch)}-px patch`);

  let sensor: Sensor;
  const notes: string[] = [];
  let psf: E2eOptions['psf'];
  if (task) {
    const s = task.task.sensor;
    const wl = Array.from(probe.wavelengthsUm);
    const mono = s.mono === true || o.mono || wl.length < 3;
    sensor = makeSensor({
      pixelPitchUm: s.pixelPitchUm,
      width: s.widthPx,
      height: s.heightPx,
      mode: mono ? 'mono' : 'rgb',
      wavelengthsUm: wl,
      wavelengthWeights: Array.from(probe.wavelengthWeights),
      primaryIndex: probe.primaryIndex,
      fullWellElectrons: s.fullWellElectrons,
      readNoiseElectrons: s.readNoiseElectrons,
    });
    const g = task.task.psf.fieldGrid ?? 1;
    psf = { nx: g, ny: g, psfSize: task.task.psf.sizePx, pupil: { type: 'grid', n: task.task.psf.pupilGrid ?? 48 } };
  } else {
    const s = sensorForLens(probe, o.pixelPitchUm, o.mono);
    sensor = s.sensor;
    if (s.note) notes.push(s.note);
    psf = { nx: o.fieldGrid, ny: o.fieldGrid, psfSize: o.psfSize, pupil: { type: 'hexapolar', rings: o.rings } };
  }
  const channels = sensor.channels.length as 1 | 3;
  const K = psf.psfSize!;

  // depths: --depths, else the task's, else the lens's own object distance
  const range = o.depths ?? (task ? taskDepths(task.task) : null);
  const nTrain = o.trainDepths ?? (task ? taskDepths(task.task).train : 9);
  const nEval = o.evalDepths ?? (task ? taskDepths(task.task).eval : 5);
  let trainDepthsMm: number[];
  let evalDepthsMm: number[];
  if (range) {
    if (nEval < 2) throw new E2eConfigError('--eval-depths: at least 2 (both ends of the range)');
    trainDepthsMm = depthsInDiopters(range.nearMm, range.farMm, positiveInt('train-depths', nTrain));
    evalDepthsMm = depthsInDiopters(range.nearMm, range.farMm, positiveInt('eval-depths', nEval));
  } else {
    trainDepthsMm = [probe.objectDistance];
    evalDepthsMm = [probe.objectDistance];
  }

  // data
  const mix = o.mixDeadLeaves ?? td.mixDeadLeaves ?? 0;
  if (mix > 0 && !o.images) throw new E2eConfigError('--mix-dead-leaves: needs --images (without photographs the training is dead leaves already)');
  if (!(mix >= 0 && mix < 1)) throw new E2eConfigError(`--mix-dead-leaves: expected a fraction in [0, 1), got ${mix}`);
  const minTrain = patch + K - 1;
  const minEval = evalPatch + K - 1;
  let data: SceneSet;
  if (o.images) {
    const folder = loadImageFolder(o.images, { channels, minSize: minTrain, maxSize: 1024 });
    for (const w of folder.warnings) log(`warning: ${w}`);
    if (o.evalImages) {
      data = { description: `${o.images} (${folder.images.length} training images)`, train: folder.images, heldOut: [], notes: [] };
    } else {
      const split = o.holdout ?? td.holdout ?? 'regions';
      data = split === 'photos' ? photoScenes(folder.images, folder.names, channels, o.images) : regionScenes(folder.images, folder.names, channels, o.images, 0.3, minEval, minTrain);
      const small = data.heldOut.filter((im) => im.width < minEval || im.height < minEval);
      if (small.length) throw new E2eConfigError(`${o.images}: a held-out photograph is smaller than the ${minEval} px a ${evalPatch}-px held-out patch needs`);
    }
  } else {
    data = deadLeavesScenes({ channels, size: Math.max(256, 2 * (Math.max(patch, evalPatch) + K)), trainCount: 48, heldOutCount: 12 });
  }
  if (mix > 0) {
    data = withDeadLeaves(data, mix, channels, Math.max(256, 2 * (Math.max(patch, evalPatch) + K)));
  }
  if (o.evalImages) {
    const ev = loadImageFolder(o.evalImages, { channels, minSize: minEval, maxSize: 1024 });
    for (const w of ev.warnings) log(`warning: ${w}`);
    data = { ...data, description: `${data.description}; held out: ${o.evalImages} (${ev.names.join(', ')})`, heldOut: ev.images };
  }
  notes.push(...data.notes);

  // variables
  let variables: (system: LensSystem) => Variable[];
  let lensRates: number[] | undefined;
  if (task) {
    const specs: VariableSpec[] = task.task.variables.map(({ step: _step, ...v }) => v);
    const steps_ = task.task.variables.map((v) => v.step);
    const focus = task.task.focus;
    variables = (system) => {
      const vars = variablesFromSpec(system, specs);
      const last = system.surfaces.length - 2;
      if (focus && solvedThicknessSurface(system) !== last) vars.push({ kind: 'thickness', surface: last, lower: focus.lower ?? 0.5, upper: focus.upper ?? Infinity, scale: 1 });
      return vars;
    };
    lensRates = [...steps_, ...(focus && solvedThicknessSurface(probe) !== probe.surfaces.length - 2 ? [focus.step] : [])];
  } else {
    variables = (system) => {
      const vars = variablesFromGroups(system, o.vary);
      const last = system.surfaces.length - 2;
      if (o.focus && solvedThicknessSurface(system) !== last && !vars.some((v) => v.kind === 'thickness' && v.surface === last)) {
        vars.push({ kind: 'thickness', surface: last, lower: 0.5, upper: Infinity, scale: 1 });
      }
      return vars;
    };
  }
  const variableSpecs = (system: LensSystem): VariableSpec[] =>
    variables(system).map((v) => ({ kind: v.kind, surface: v.surface, index: v.index, lower: Number.isFinite(v.lower) ? v.lower : undefined, upper: Number.isFinite(v.upper) ? v.upper : undefined }));
  if (variables(probe).length === 0) throw new Error(`${base}: nothing to vary (--vary ${o.vary.join(',')})`);

  const recon = o.recon ?? td.recon ?? 'unet';
  const sensorInput = o.unetSensorInput ?? td.unetSensorInput ?? false;
  const warmup = Math.min(o.warmup ?? td.warmup ?? Math.round(steps / 10), steps);
  return {
    task,
    prescription,
    library,
    lensName: prescription.name ?? base,
    lensFile,
    sensor,
    data,
    notes,
    trainDepthsMm,
    evalDepthsMm,
    variables,
    variableSpecs,
    lensRates,
    options: {
      steps,
      warmupSteps: warmup,
      batch: o.batch ?? td.batch ?? 4,
      patch,
      evalPatch,
      margin,
      lensLearningRate: o.lensLr,
      lensRates,
      lensEvery: o.lensEvery ?? td.lensEvery ?? 1,
      networkStart: Math.min(o.networkStart ?? td.networkStart ?? 0, steps),
      netSchedule: o.netSchedule ?? td.netSchedule ?? 'constant',
      noise: o.noise,
      psf,
      depthsMm: trainDepthsMm,
      evalDepthsMm,
      penalty: { eflWeight: 0.1, boundaryWeight: 1 },
      recon: { kind: recon, wienerPrior: o.wienerPrior ?? td.wienerPrior ?? 'gradient', sensorInput },
    },
    recon,
    unet: { ...unetConfig({ channels, inputChannels: sensorInput && recon === 'wiener+unet' ? 2 * channels : channels, levels: unetLevels, baseFilters: o.unetFilters ?? td.unetFilters ?? 8, seed: 1 }) },
    loss: { kind: o.loss ?? td.loss ?? 'l1', ssimWeight: o.ssimWeight ?? td.ssimWeight ?? 0.1, margin },
    netLr: o.netLr ?? td.netLr ?? 1e-3,
    evalCount: o.evalCount ?? td.eval ?? 24,
    sequentialIterations: o.sequentialIterations ?? td.sequentialIterations ?? 40,
  };
}
