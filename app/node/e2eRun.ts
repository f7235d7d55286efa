/**
 * The machinery of `lens-studio e2e` (Node side; app/cli/commands/e2e.ts only parses flags into an
 * {@link E2eRunConfig}): the lens or task preset, sensor, data and depths; the three arms of the
 * study — (a) nominal: the starting lens, reconstruction trained alone on its blur; (b) sequential:
 * the lens optimized by optics alone for the depth range (engine/e2e/sequential.ts), then the
 * reconstruction trained on it; (c) joint: lens and reconstruction trained together from the
 * starting lens — for each seed, with progress through {@link E2eRunHooks}, checkpoints and resume;
 * then the held-out evaluation and the outputs (lenses, network weights, report.json / report.md,
 * pictures; ./e2eReport.ts, ./e2ePictures.ts).
 *
 * The arms of one seed share everything but the lens: the same initial network, the same training
 * batches, depths and noise, the same number of updates, the same held-out patches. Aborting the
 * signal saves a checkpoint of the current run and returns 'cancelled'; `resume` continues.
 * Errors are plain Errors naming the file or option ({@link E2eConfigError} for bad settings).
 */
import fs from 'node:fs';
import path from 'node:path';
import { deadLeavesScenes, photoScenes, regionScenes, type PhotoSplit, type SceneSet } from '../../engine/e2e/dataset.ts';
import { NetworkTrainer, type LossConfig } from '../../engine/e2e/network.ts';
import { applySequential, sequentialDesign, type SequentialResult } from '../../engine/e2e/sequential.ts';
import { E2eRun, type E2eOptions, type E2eProgress, type E2eState, type EvalResult } from '../../engine/e2e/train.ts';
import { buildIdentity, buildUNet, unetConfig, unetSizeMultiple, type UNetConfig } from '../../engine/e2e/unet.ts';
import type { WienerPrior } from '../../engine/e2e/wiener.ts';
import { depthsInDiopters, formatDepth } from '../../engine/imaging/depthPsf.ts';
import { sensorForLens } from '../../engine/imaging/lensPsf.ts';
import { makeSensor, type Sensor } from '../../engine/imaging/sensor.ts';
import { taskDepths, type ReconKind } from '../../engine/io/e2eTask.ts';
import { stringifyPrescription } from '../../engine/io/json.ts';
import type { Prescription } from '../../engine/io/prescription.ts';
import type { GlassLibrary } from '../../engine/materials/glassLibrary.ts';
import { solvedThicknessSurface } from '../../engine/optics/solves.ts';
import { buildSystem, type LensSystem } from '../../engine/optics/system.ts';
import type { VariableSpec } from '../../engine/optimize/meritSpec.ts';
import { variablesFromGroups, variablesFromSpec, type Variable } from '../../engine/optimize/variables.ts';
import { loadCheckpoint, saveCheckpoint } from './checkpoint.ts';
import { buildReport, reportMarkdown, type ArmName, type PhaseOutcome } from './e2eReport.ts';
import { loadTask, type LoadedTask } from './e2eTask.ts';
import { writePictures } from './e2ePictures.ts';
import { loadImageFolder, writeFileAtomic } from './images.ts';
import { readLensFile } from './lensFile.ts';
import { describeBackend, initTfBackend, type BackendChoice } from './tfBackend.ts';

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
  loss?: 'l1' | 'mse';
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
}

/** What the runner tells its caller: log lines (stderr), and each training run's progress. */
export interface E2eRunHooks {
  log?: (line: string) => void;
  /** A training run starts (label, total steps, the step it resumes from). */
  runStart?: (label: string, total: number, step: number) => void;
  progress?: (p: E2eProgress) => void;
  runEnd?: () => void;
  /** The Markdown report's summary, when the run is done. */
  summary?: (text: string) => void;
}

interface Phase {
  arm: ArmName;
  seed: number;
  dir: string;
  run: E2eRun;
  trainer: NetworkTrainer;
  unet: UNetConfig;
  initialLens: ReturnType<E2eRun['lensSummary']>;
  timing: PhaseOutcome['timing'];
  done: boolean;
}

const ARM_LABEL: Record<ArmName, string> = { nominal: '(a) nominal lens', sequential: '(b) sequential lens', joint: '(c) joint lens + recon' };

/** Everything resolved before training: settings, lens, sensor, data, variables. */
interface Setup {
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

function positiveInt(name: string, v: number, min = 1): number {
  if (!Number.isInteger(v) || v < min) throw new E2eConfigError(`--${name}: expected a whole number ≥ ${min}, got ${v}`);
  return v;
}

async function resolveSetup(o: E2eRunConfig, log: (s: string) => void): Promise<Setup> {
  if (!o.task && !o.lens) throw new E2eConfigError('give --lens <file> or --task <name|file>');
  if (o.images && o.evalImages && path.resolve(o.images) === path.resolve(o.evalImages)) log('warning: --eval-images is the --images folder: the held-out photographs are also trained on');
  const task = o.task ? loadTask(o.task) : null;
  const td = task?.task.defaults ?? {};
  let prescription: Prescription;
  let library: GlassLibrary;
  let lensFile: string;
  if (task && !o.lens) {
    const { glassLibraryFor } = await import('./lensFile.ts');
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
  if (probe.rayAiming === 'real') throw new Error(`${base}: end-to-end design needs paraxial ray aiming (the lens asks for real aiming)`);

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
      noise: o.noise,
      psf,
      depthsMm: trainDepthsMm,
      evalDepthsMm,
      penalty: { eflWeight: 0.1, boundaryWeight: 1 },
      recon: { kind: recon, wienerPrior: o.wienerPrior ?? td.wienerPrior ?? 'gradient' },
    },
    recon,
    unet: { ...unetConfig({ channels, levels: unetLevels, baseFilters: o.unetFilters ?? td.unetFilters ?? 8, seed: 1 }) },
    loss: { kind: o.loss ?? td.loss ?? 'l1', ssimWeight: o.ssimWeight ?? td.ssimWeight ?? 0.1, margin },
    netLr: o.netLr ?? td.netLr ?? 1e-3,
    evalCount: o.evalCount ?? td.eval ?? 24,
    sequentialIterations: o.sequentialIterations ?? td.sequentialIterations ?? 40,
  };
}

/**
 * The whole run. Returns 'cancelled' when `signal` aborts (a checkpoint was saved).
 * @throws E2eConfigError for bad settings, Error for unusable inputs (lens, task, images)
 */
export async function runE2e(o: E2eRunConfig, hooks: E2eRunHooks = {}, signal?: AbortSignal): Promise<'done' | 'cancelled'> {
  const log = hooks.log ?? (() => {});
  positiveInt('seeds', o.seeds);
  const S = await resolveSetup(o, log);
  const backend = await initTfBackend(o.backend);
  const backendLine = describeBackend(backend);
  log(backendLine);
  fs.mkdirSync(o.out, { recursive: true });
  const t0 = Date.now();
  const fresh = () => buildSystem(S.prescription, S.library);
  const withDistance = (z: number) => buildSystem({ ...S.prescription, object: { ...S.prescription.object, distance: Number.isFinite(z) ? z : 'infinity' } }, S.library);

  // (b) the sequential lens: optics alone, RMS spot over the training depths
  let sequential: SequentialResult | null = null;
  if (o.sequential) {
    const probe = fresh();
    log(`(b) sequential design: RMS spot (centroid) over ${S.trainDepthsMm.length} object distances, ${S.trainDepthsMm.length > 1 ? `${formatDepth(S.trainDepthsMm[S.trainDepthsMm.length - 1])} to ${formatDepth(S.trainDepthsMm[0])}` : formatDepth(S.trainDepthsMm[0])}, damped least squares`);
    sequential = await sequentialDesign(withDistance, S.variableSpecs(probe), S.trainDepthsMm, { iterations: S.sequentialIterations, signal });
    log(`(b) sequential design: ${sequential.iterations} iterations (${sequential.stopReason}), mean RMS spot ${mean(sequential.rmsUm.initial).toFixed(2)} → ${mean(sequential.rmsUm.final).toFixed(2)} µm`);
  }
  const lensFor = (arm: ArmName): LensSystem => {
    const system = fresh();
    if (arm === 'sequential' && sequential) applySequential(system, sequential);
    return system;
  };

  const multi = o.seeds > 1;
  const seeds = Array.from({ length: o.seeds }, (_, k) => o.seed + k);
  const arms: ArmName[] = [...(o.nominal ? (['nominal'] as const) : []), ...(o.sequential ? (['sequential'] as const) : []), 'joint'];
  const ckptDir = (arm: ArmName, seed: number) => path.join(o.out, 'checkpoints', multi ? `${arm}-seed${seed}` : arm);

  const makePhase = async (arm: ArmName, seed: number): Promise<Phase> => {
    const system = lensFor(arm);
    const vars = S.variables(system);
    const unet = { ...S.unet, seed } as UNetConfig;
    const makeTrainer = (m: ReturnType<typeof buildUNet>) => new NetworkTrainer(m, S.loss, S.netLr);
    const dir = ckptDir(arm, seed);
    let trainer: NetworkTrainer;
    let state: (E2eState & { done?: boolean; timing?: Phase['timing'] }) | undefined;
    if (o.resume && fs.existsSync(path.join(dir, 'checkpoint.json'))) {
      const ck = await loadCheckpoint(dir, makeTrainer);
      trainer = ck.trainer!;
      state = ck.meta.state as unknown as typeof state;
    } else trainer = makeTrainer(S.recon === 'wiener' ? buildIdentity(unet.channels) : buildUNet(unet));
    let run: E2eRun;
    try {
      run = new E2eRun(system, vars, S.sensor, trainer, S.data, { ...S.options, seed, trainLens: arm === 'joint' });
    } catch (err) {
      throw new Error(`${path.basename(S.lensFile)}: ${(err as Error).message}`);
    }
    const initialLens = run.lensSummary();
    if (state) run.setState(state);
    return { arm, seed, dir, run, trainer, unet, initialLens, timing: state?.timing ?? { ms: 0, opticsMs: 0, steps: 0, losses: [] }, done: state?.done === true };
  };

  const save = (ph: Phase) =>
    saveCheckpoint(ph.dir, ph.unet, ph.trainer.model, ph.run.step, {
      trainer: ph.trainer,
      state: { ...ph.run.getState(), done: ph.done, timing: ph.timing },
    });

  const train = async (ph: Phase): Promise<'done' | 'cancelled'> => {
    const name = multi ? `${ph.arm} (seed ${ph.seed})` : ph.arm;
    if (ph.done) {
      log(`${name}: already trained (${ph.run.step} steps), resuming from the checkpoint`);
      return 'done';
    }
    hooks.runStart?.(multi ? `${ARM_LABEL[ph.arm]} s${ph.seed}` : ARM_LABEL[ph.arm], S.options.steps, ph.run.step);
    let result: 'done' | 'cancelled';
    try {
      result = await ph.run.run({
        signal,
        onProgress: async (p) => {
          ph.timing.ms += p.stepMs;
          ph.timing.opticsMs += p.opticsMs;
          ph.timing.steps++;
          ph.timing.losses.push(p.loss);
          hooks.progress?.(p);
          if (p.warning) log(`warning: ${name}: step ${p.step}: ${p.warning}`);
          if (o.checkpointEvery > 0 && p.step % o.checkpointEvery === 0 && p.step < S.options.steps) await save(ph);
        },
      });
    } finally {
      hooks.runEnd?.();
    }
    ph.done = result === 'done';
    await save(ph);
    return result;
  };

  const outcomes: PhaseOutcome[] = [];
  const kept: Phase[] = [];
  for (const seed of seeds) {
    for (const arm of arms) {
      const ph = await makePhase(arm, seed);
      if ((await train(ph)) === 'cancelled') {
        log(`interrupted: checkpoint saved in ${ph.dir}; run again with --resume to continue`);
        ph.trainer.dispose();
        for (const k of kept) k.trainer.dispose();
        return 'cancelled';
      }
      const held = ph.run.heldOut(S.evalCount);
      const ev: EvalResult = ph.run.evaluate(held, S.evalDepthsMm.length);
      outcomes.push({
        arm,
        seed,
        eval: ev,
        lens: ph.run.lensSummary(),
        initialLens: ph.initialLens,
        logK: ph.run.recon.usesWiener ? ph.run.recon.logK : null,
        timing: ph.timing,
        steps: ph.run.step,
        grids: ph.run.evalPsfGrids(),
        prescription: ph.run.prescription(),
      });
      if (seed === seeds[0]) kept.push(ph);
      else ph.trainer.dispose();
    }
  }

  // outputs
  const files: Record<string, string> = {};
  const joint = outcomes.find((x) => x.arm === 'joint' && x.seed === seeds[0])!;
  const jointEv = joint.eval;
  const lensOut: Prescription = {
    ...joint.prescription,
    meta: { ...(joint.prescription.meta ?? {}), e2e: { steps: joint.steps, data: S.data.description, heldOutPsnr: jointEv.psnr, heldOutSsim: jointEv.ssim, seed: seeds[0] } },
  };
  writeFileAtomic(path.join(o.out, 'lens-optimized.json'), stringifyPrescription(lensOut));
  files['joint lens (c)'] = 'lens-optimized.json';
  for (const x of outcomes.filter((x) => x.arm === 'joint' && x.seed !== seeds[0])) {
    const f = `lens-joint-seed${x.seed}.json`;
    writeFileAtomic(path.join(o.out, f), stringifyPrescription(x.prescription));
    files[`joint lens (c), seed ${x.seed}`] = f;
  }
  const seqOutcome = outcomes.find((x) => x.arm === 'sequential');
  if (seqOutcome) {
    writeFileAtomic(path.join(o.out, 'lens-sequential.json'), stringifyPrescription(seqOutcome.prescription));
    files['sequential lens (b)'] = 'lens-sequential.json';
  }
  for (const ph of kept) {
    const dir = ph.arm === 'joint' ? 'network' : `${ph.arm}-network`;
    await saveCheckpoint(path.join(o.out, dir), ph.unet, ph.trainer.model, ph.run.step);
    files[`network weights (${ph.arm})`] = `${dir}/`;
  }
  const pictures = writePictures(o.out, {
    outcomes,
    seed: seeds[0],
    evalDepthsMm: S.evalDepthsMm,
    systems: { nominal: lensFor('nominal'), sequential: sequential ? lensFor('sequential') : null, joint: buildSystem(joint.prescription, S.library) },
    xyPlate: S.task ? S.task.task.variables.find((v) => v.kind === 'xy')?.surface ?? null : null,
  });
  Object.assign(files, pictures);

  const report = buildReport({
    task: S.task ? { name: S.task.task.name, file: S.task.file } : null,
    lens: { file: S.lensFile, name: S.lensName },
    data: S.data.description,
    notes: S.notes,
    backend: backendLine.replace('TensorFlow.js backend: ', ''),
    config: {
      recon: S.recon,
      steps: S.options.steps,
      warmup: S.options.warmupSteps,
      batch: S.options.batch,
      patch: S.options.patch,
      evalPatch: S.options.evalPatch,
      margin: S.options.margin,
      lensEvery: S.options.lensEvery,
      psf: S.options.psf,
      pixelPitchUm: S.sensor.pixelPitchUm,
      sensorPx: [S.sensor.width, S.sensor.height],
      channels: S.sensor.channels.map((c) => `${c.name} ${c.wavelengthsUm.join('+')} µm`),
      noise: o.noise ? { fullWellElectrons: S.sensor.fullWellElectrons, readNoiseElectrons: S.sensor.readNoiseElectrons } : false,
      loss: S.loss,
      netLr: S.netLr,
      lensRates: S.lensRates ?? null,
      lensLr: S.lensRates ? null : o.lensLr,
      unet: S.recon === 'wiener' ? null : S.unet,
      wienerPrior: S.options.recon.wienerPrior,
      seeds,
      sequentialIterations: S.sequentialIterations,
    },
    trainDepthsMm: S.trainDepthsMm,
    evalDepthsMm: S.evalDepthsMm,
    evalCount: S.evalCount,
    outcomes,
    sequential,
    wallSeconds: (Date.now() - t0) / 1000,
    files,
  });
  writeFileAtomic(path.join(o.out, 'report.json'), `${JSON.stringify(report, null, 2)}\n`);
  const md = reportMarkdown(report);
  writeFileAtomic(path.join(o.out, 'report.md'), md);
  hooks.summary?.(`${md.split('\n### Per object distance')[0].trim()}\n\nwrote ${path.join(o.out, 'report.md')}`);
  for (const ph of kept) ph.trainer.dispose();
  return 'done';
}

function mean(v: readonly number[]): number {
  return v.reduce((s, x) => s + x, 0) / v.length;
}
