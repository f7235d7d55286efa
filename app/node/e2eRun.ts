/**
 * The machinery of `lens-studio e2e` (Node side; the command line in app/cli/commands/e2e.ts only
 * parses arguments into an {@link E2eRunConfig}): data, the two training runs — (a) the
 * initial lens with a network trained alone on its blur, (b) the lens and network trained jointly
 * (engine/e2e/train.ts) — with progress reported through {@link E2eRunHooks}, checkpoints and resume, then the held-out evaluation
 * and the outputs (optimized lens JSON, network weights, report.json / report.md, example and PSF
 * grid PNGs; engine ↔ disk helpers in app/node/).
 *
 * Both runs use the same seed: the same initial network, the same training batches (and noise) and
 * the same number of network updates; they differ only in whether the lens learns. Aborting the
 * signal saves a checkpoint of the current run and returns 'cancelled'; `resume` continues from it.
 * Errors are thrown as plain Errors with a readable message (naming the file or option).
 */
import fs from 'node:fs';
import path from 'node:path';
import { deadLeavesScenes, photoScenes, type SceneSet } from '../../engine/e2e/dataset.ts';
import { NetworkTrainer, type LossConfig } from '../../engine/e2e/network.ts';
import { hstack, psfGridImage, upscale } from '../../engine/imaging/psfImage.ts';
import type { Sensor } from '../../engine/imaging/sensor.ts';
import { E2eRun, type E2eOptions, type E2eProgress, type E2eState, type EvalResult } from '../../engine/e2e/train.ts';
import { buildUNet, unetConfig, unetSizeMultiple, type UNetConfig } from '../../engine/e2e/unet.ts';
import { stringifyPrescription } from '../../engine/io/json.ts';
import type { Prescription } from '../../engine/io/prescription.ts';
import { buildSystem, type LensSystem } from '../../engine/optics/system.ts';
import { solvedThicknessSurface } from '../../engine/optics/solves.ts';
import { variablesFromGroups, type Variable } from '../../engine/optimize/variables.ts';
import { sensorForLens } from '../../engine/imaging/lensPsf.ts';
import { loadCheckpoint, saveCheckpoint } from './checkpoint.ts';
import { compareRuns, lensChange, reportMarkdown, type E2eReport, type RunSummary } from './e2eReport.ts';
import { loadImageFolder, savePng, writeFileAtomic } from './images.ts';
import { readLensFile } from './lensFile.ts';
import { describeBackend, initTfBackend, type BackendChoice } from './tfBackend.ts';

/** A fully parsed `lens-studio e2e` configuration (app/cli/commands/e2e.ts builds it from the flags). */
export interface E2eRunConfig {
  lens: string;
  glassDirs: string[];
  /** A folder of photographs, or undefined for the built-in dead leaves. */
  images?: string;
  steps: number;
  warmup: number;
  patch: number;
  batch: number;
  out: string;
  vary: string[];
  focus: boolean;
  netLr: number;
  lensLr: number;
  loss: LossConfig;
  pixelPitchUm: number;
  mono: boolean;
  psfSize: number;
  fieldGrid: number;
  rings: number;
  unetLevels: number;
  unetFilters: number;
  seed: number;
  noise: boolean;
  evalCount: number;
  backend: BackendChoice;
  resume: boolean;
  checkpointEvery: number;
  baseline: boolean;
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
  name: 'baseline' | 'joint';
  run: E2eRun;
  trainer: NetworkTrainer;
  unet: UNetConfig;
  system: LensSystem;
  initialLens: ReturnType<E2eRun['lensSummary']>;
  initialGrid: ReturnType<E2eRun['psfGrid']>;
  timing: { ms: number; opticsMs: number; steps: number; losses: number[] };
  done: boolean;
}

/**
 * The whole run. Returns 'cancelled' when `signal` aborts (a checkpoint was saved).
 * @throws Error for unusable inputs (lens, images), naming the file
 */
export async function runE2e(o: E2eRunConfig, hooks: E2eRunHooks = {}, signal?: AbortSignal): Promise<'done' | 'cancelled'> {
  const log = hooks.log ?? (() => {});
  const { steps, patch, batch, psfSize, seed, evalCount, checkpointEvery, loss, vary } = o;
  const warmup = o.warmup;
  const levels = o.unetLevels;
  const backendChoice = o.backend;

  const backend = await initTfBackend(backendChoice);
  const backendLine = describeBackend(backend);
  log(backendLine);

  const loaded = await readLensFile(o.lens, { glassDirs: o.glassDirs });
  for (const w of loaded.warnings) log(`warning: ${path.basename(o.lens)}: ${w}`);
  const prescription: Prescription = loaded.prescription;
  const fresh = () => {
    try {
      return buildSystem(prescription, loaded.library);
    } catch (err) {
      throw new Error(`${path.basename(o.lens)}: ${(err as Error).message}`);
    }
  };
  const probe = fresh();
  if (probe.rayAiming === 'real') throw new Error(`${path.basename(o.lens)}: end-to-end design needs paraxial ray aiming (the lens asks for real aiming)`);
  const { sensor, note } = sensorForLens(probe, o.pixelPitchUm, o.mono);
  const channels = sensor.channels.length as 1 | 3;
  const notes: string[] = note ? [note] : [];

  let data: SceneSet;
  if (o.images) {
    const folder = loadImageFolder(o.images, { channels, minSize: patch + psfSize - 1, maxSize: 1024 });
    for (const w of folder.warnings) log(`warning: ${w}`);
    data = photoScenes(folder.images, folder.names, channels, o.images);
  } else {
    data = deadLeavesScenes({ channels, size: Math.max(256, 2 * (patch + psfSize)), trainCount: 48, heldOutCount: 12 });
  }
  notes.push(...data.notes);

  const variables = (system: LensSystem): Variable[] => {
    const vars = variablesFromGroups(system, vary);
    const last = system.surfaces.length - 2;
    if (o.focus && solvedThicknessSurface(system) !== last && !vars.some((v) => v.kind === 'thickness' && v.surface === last)) {
      vars.push({ kind: 'thickness', surface: last, lower: 0.5, upper: Infinity, scale: 1 });
    }
    return vars;
  };
  const unet = unetConfig({ channels, levels, baseFilters: o.unetFilters, seed });
  const runOptions: Partial<E2eOptions> & { steps: number } = {
    steps,
    warmupSteps: Math.min(warmup, steps),
    batch,
    patch,
    lensLearningRate: o.lensLr,
    noise: o.noise,
    seed,
    psf: { nx: o.fieldGrid, ny: o.fieldGrid, psfSize, pupil: { type: 'hexapolar', rings: o.rings } },
  };
  const netLr = o.netLr;
  fs.mkdirSync(o.out, { recursive: true });
  const ckptDir = (name: string) => path.join(o.out, 'checkpoints', name);

  const makePhase = async (name: Phase['name']): Promise<Phase> => {
    const system = fresh();
    const vars = variables(system);
    if (name === 'joint' && vars.length === 0) throw new Error(`${path.basename(o.lens)}: nothing to vary (--vary ${o.vary.join(',')})`);
    const makeTrainer = (m: ReturnType<typeof buildUNet>) => new NetworkTrainer(m, loss, netLr);
    let trainer: NetworkTrainer;
    let state: (E2eState & { done?: boolean; timing?: Phase['timing'] }) | undefined;
    if (o.resume && fs.existsSync(path.join(ckptDir(name), 'checkpoint.json'))) {
      const ck = await loadCheckpoint(ckptDir(name), makeTrainer);
      trainer = ck.trainer!;
      state = ck.meta.state as unknown as typeof state;
    } else trainer = makeTrainer(buildUNet(unet));
    let run: E2eRun;
    try {
      run = new E2eRun(system, vars, sensor, trainer, data, { ...runOptions, trainLens: name === 'joint' });
    } catch (err) {
      throw new Error(`${path.basename(o.lens)}: ${(err as Error).message}`);
    }
    const initialLens = run.lensSummary();
    const initialGrid = run.psfGrid();
    if (state) run.setState(state);
    return { name, run, trainer, unet, system, initialLens, initialGrid, timing: state?.timing ?? { ms: 0, opticsMs: 0, steps: 0, losses: [] }, done: state?.done === true };
  };

  const save = (ph: Phase) =>
    saveCheckpoint(ckptDir(ph.name), ph.unet, ph.trainer.model, ph.run.step, {
      trainer: ph.trainer,
      state: { ...ph.run.getState(), done: ph.done, timing: ph.timing },
    });

  const train = async (ph: Phase): Promise<'done' | 'cancelled'> => {
    if (ph.done) {
      log(`${ph.name}: already trained (${ph.run.step} steps), resuming from the checkpoint`);
      return 'done';
    }
    const label = ph.name === 'baseline' ? '(a) network alone' : '(b) lens + network';
    hooks.runStart?.(label, steps, ph.run.step);
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
          if (p.warning) log(`warning: step ${p.step}: ${p.warning}`);
          if (checkpointEvery > 0 && p.step % checkpointEvery === 0 && p.step < steps) await save(ph);
        },
      });
    } finally {
      hooks.runEnd?.();
    }
    ph.done = result === 'done';
    await save(ph);
    return result;
  };

  const phases: Phase[] = [];
  if (o.baseline) phases.push(await makePhase('baseline'));
  phases.push(await makePhase('joint'));
  for (const ph of phases) {
    if ((await train(ph)) === 'cancelled') {
      log(`interrupted: checkpoint saved in ${ckptDir(ph.name)}; run again with --resume to continue`);
      return 'cancelled';
    }
  }

  // Evaluation on the fixed held-out set and the outputs.
  const joint = phases[phases.length - 1];
  const base = o.baseline ? phases[0] : null;
  const held = joint.run.heldOut(evalCount);
  const evJoint = joint.run.evaluate(held, 3);
  const evBase = base ? base.run.evaluate(held, 3) : null;
  const summary = (ph: Phase, ev: EvalResult): RunSummary => {
    const tail = ph.timing.losses.slice(-Math.max(1, Math.ceil(ph.timing.losses.length / 10)));
    return {
      psnr: ev.psnr,
      ssim: ev.ssim,
      blurredPsnr: ev.blurredPsnr,
      blurredSsim: ev.blurredSsim,
      steps: ph.run.step,
      trainSeconds: ph.timing.ms / 1000,
      meanStepMs: ph.timing.steps ? ph.timing.ms / ph.timing.steps : NaN,
      opticsShare: ph.timing.ms ? ph.timing.opticsMs / ph.timing.ms : NaN,
      finalLoss: tail.reduce((s, v) => s + v, 0) / tail.length,
    };
  };
  const files: Record<string, string> = {};
  const optimized = joint.run.prescription();
  const finalLens = joint.run.lensSummary();
  const lensOut: Prescription = {
    ...optimized,
    meta: { ...(optimized.meta ?? {}), e2e: { steps: joint.run.step, data: data.description, heldOutPsnr: evJoint.psnr, heldOutSsim: evJoint.ssim } },
  };
  writeFileAtomic(path.join(o.out, 'lens-optimized.json'), stringifyPrescription(lensOut));
  files['optimized lens'] = 'lens-optimized.json';
  await saveCheckpoint(path.join(o.out, 'network'), joint.unet, joint.trainer.model, joint.run.step);
  files['network weights (b)'] = 'network/';
  if (base) {
    await saveCheckpoint(path.join(o.out, 'baseline-network'), base.unet, base.trainer.model, base.run.step);
    files['network weights (a)'] = 'baseline-network/';
  }
  fs.mkdirSync(path.join(o.out, 'images'), { recursive: true });
  evJoint.images.forEach((im, k) => {
    const strip = evBase ? [im.truth, evBase.images[k].blurred, evBase.images[k].restored, im.blurred, im.restored] : [im.truth, im.blurred, im.restored];
    const file = `images/example-${k + 1}.png`;
    savePng(path.join(o.out, file), hstack(strip.map((im) => upscale(im, patch < 128 ? 2 : 1))));
    files[`example ${k + 1}`] = file;
  });
  savePng(path.join(o.out, 'images/psf-grid-initial.png'), psfGridImage(joint.initialGrid), false);
  savePng(path.join(o.out, 'images/psf-grid-optimized.png'), psfGridImage(joint.run.psfGrid()), false);
  files['psf grid (initial)'] = 'images/psf-grid-initial.png';
  files['psf grid (optimized)'] = 'images/psf-grid-optimized.png';

  const report: E2eReport = {
    format: 'lens-studio-e2e-report/1',
    lens: { file: o.lens, name: prescription.name ?? path.basename(o.lens) },
    data: data.description,
    notes,
    backend: backendLine.replace('TensorFlow.js backend: ', ''),
    config: { steps, warmup: runOptions.warmupSteps, batch, patch, psfSize, fieldGrid: runOptions.psf?.nx, rings: o.rings, pixelPitchUm: sensor.pixelPitchUm, sensorPx: [sensor.width, sensor.height], channels: sensor.channels.map((c) => `${c.name} ${c.wavelengthsUm.join('+')} µm`), noise: o.noise ? { fullWellElectrons: sensor.fullWellElectrons, readNoiseElectrons: sensor.readNoiseElectrons } : false, loss, netLr, lensLr: runOptions.lensLearningRate, vary, focus: o.focus, unet, seed },
    heldOut: { count: evalCount, patch },
    baseline: base && evBase ? summary(base, evBase) : null,
    joint: summary(joint, evJoint),
    comparison: evBase ? compareRuns(evBase, evJoint) : null,
    lensChange: { variables: lensChange(joint.initialLens.lens, finalLens.lens), efl: { initial: joint.initialLens.efl, final: finalLens.efl } },
    files,
  };
  writeFileAtomic(path.join(o.out, 'report.json'), `${JSON.stringify(report, null, 2)}\n`);
  const md = reportMarkdown(report);
  writeFileAtomic(path.join(o.out, 'report.md'), md);
  hooks.summary?.(`${md.split('## Lens')[0].trim()}\n\nwrote ${path.join(o.out, 'report.md')}`);
  for (const ph of phases) ph.trainer.dispose();
  return 'done';
}
