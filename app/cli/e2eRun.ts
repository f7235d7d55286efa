/**
 * The machinery of `lens-studio e2e`: option checking, data, the two training runs — (a) the
 * initial lens with a network trained alone on its blur, (b) the lens and network trained jointly
 * (engine/e2e/train.ts) — with progress bars, checkpoints and resume, then the held-out evaluation
 * and the outputs (optimized lens JSON, network weights, report.json / report.md, example and PSF
 * grid PNGs; engine ↔ disk helpers in app/node/).
 *
 * Both runs use the same seed: the same initial network, the same training batches (and noise) and
 * the same number of network updates; they differ only in whether the lens learns. Ctrl-C saves a
 * checkpoint of the current run and exits 130; `--resume` continues from it.
 */
import { writeErr, writeOut } from './terminal.ts';
import fs from 'node:fs';
import path from 'node:path';
import cliProgress from 'cli-progress';
import { deadLeavesScenes, photoScenes, type SceneSet } from '../../engine/e2e/dataset.ts';
import { NetworkTrainer, type LossConfig } from '../../engine/e2e/network.ts';
import { hstack, psfGridImage, upscale } from '../../engine/e2e/psfImage.ts';
import type { Sensor } from '../../engine/e2e/sensor.ts';
import { E2eRun, type E2eOptions, type E2eProgress, type E2eState, type EvalResult } from '../../engine/e2e/train.ts';
import { buildUNet, unetConfig, unetSizeMultiple, type UNetConfig } from '../../engine/e2e/unet.ts';
import { stringifyPrescription } from '../../engine/io/json.ts';
import type { Prescription } from '../../engine/io/prescription.ts';
import type { LensSystem } from '../../engine/optics/system.ts';
import { buildSystem } from '../../engine/paraxial/buildSystem.ts';
import { solvedThicknessSurface } from '../../engine/paraxial/solves.ts';
import { variablesFromGroups, type Variable } from '../../engine/optimize/variables.ts';
import { sensorForLens as sensorForLensEngine } from '../../engine/e2e/lensPsf.ts';
import { loadCheckpoint, saveCheckpoint } from '../node/checkpoint.ts';
import { compareRuns, lensChange, reportMarkdown, type E2eReport, type RunSummary } from '../node/e2eReport.ts';
import { writeFileAtomicSync as writeFileAtomic } from '../node/atomicWrite.ts';
import { loadImageFolder, savePng } from '../node/images.ts';
import { describeBackend, initTfBackend, type BackendChoice } from '../node/tfBackend.ts';
import { CliError } from './errors.ts';
import { loadSystemFile, printWarnings } from './loadLens.ts';
import { parseVary } from './optimizeArgs.ts';

export interface E2eCommandOptions {
  lens: string;
  images?: string;
  deadLeaves?: boolean;
  steps: string;
  warmup?: string;
  patch: string;
  batch: string;
  out: string;
  vary: string;
  focus: boolean;
  netLr: string;
  lensLr: string;
  loss: string;
  ssimWeight: string;
  pixelPitch: string;
  mono?: boolean;
  psfSize: string;
  fieldGrid: string;
  rings: string;
  unetLevels: string;
  unetFilters: string;
  seed: string;
  noise: boolean;
  eval: string;
  backend: string;
  resume?: boolean;
  checkpointEvery: string;
  baseline: boolean;
  glassDir: string[];
}

function int(name: string, v: string, min: number): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < min) throw new CliError(`--${name}: expected a whole number ≥ ${min}, got "${v}"`, 2);
  return n;
}

function pos(name: string, v: string, allowZero = false): number {
  const n = Number(v);
  if (!(Number.isFinite(n) && (allowZero ? n >= 0 : n > 0))) throw new CliError(`--${name}: expected a ${allowZero ? 'non-negative' : 'positive'} number, got "${v}"`, 2);
  return n;
}

/**
 * The sensor for a lens (engine/e2e/lensPsf.ts sensorForLens), with its error as a CliError.
 * @throws CliError when the lens has no field of view
 */
export function sensorForLens(system: LensSystem, pitchUm: number, mono: boolean): { sensor: Sensor; note?: string } {
  try {
    return sensorForLensEngine(system, pitchUm, mono);
  } catch (err) {
    throw new CliError((err as Error).message);
  }
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

/** A cli-progress bar on stderr for one run. */
function progressBar(label: string, total: number) {
  const bar = new cliProgress.SingleBar(
    {
      format: `${label} |{bar}| {value}/{total} | loss {loss} | PSNR {psnr} dB | EFL {efl} | {eta_formatted}`,
      stream: process.stderr,
      hideCursor: true,
      clearOnComplete: false,
      etaBuffer: 20,
    },
    cliProgress.Presets.shades_classic,
  );
  let started = false;
  const payload = (p?: E2eProgress) => ({ loss: p ? p.loss.toFixed(4) : '-', psnr: p ? p.psnr.toFixed(2) : '-', efl: p ? p.efl.toFixed(3) : '-' });
  return {
    update(step: number, p?: E2eProgress) {
      if (!started) {
        bar.start(total, step, payload(p));
        started = true;
      } else bar.update(step, payload(p));
    },
    stop() {
      if (started) bar.stop();
    },
  };
}

/**
 * The whole command. Returns 'cancelled' after Ctrl-C (a checkpoint was saved).
 * @throws CliError for bad options or inputs
 */
export async function e2eCommand(o: E2eCommandOptions, signal?: AbortSignal): Promise<'done' | 'cancelled'> {
  if (o.images && o.deadLeaves) throw new CliError('give either --images <dir> or --dead-leaves, not both', 2);
  const steps = int('steps', o.steps, 0);
  const warmup = o.warmup === undefined ? Math.round(steps / 10) : int('warmup', o.warmup, 0);
  const patch = int('patch', o.patch, 16);
  const batch = int('batch', o.batch, 1);
  const psfSize = int('psf-size', o.psfSize, 1);
  if (psfSize % 2 === 0) throw new CliError(`--psf-size: expected an odd number of pixels, got ${psfSize}`, 2);
  const levels = int('unet-levels', o.unetLevels, 1);
  if (patch % unetSizeMultiple(levels) !== 0) throw new CliError(`--patch: ${patch} is not a multiple of ${unetSizeMultiple(levels)}, which a ${levels}-level U-Net needs`, 2);
  if (o.loss !== 'l1' && o.loss !== 'mse') throw new CliError(`--loss: expected l1 or mse, got "${o.loss}"`, 2);
  const backendChoice = o.backend as BackendChoice;
  if (!['auto', 'tensorflow', 'wasm', 'cpu'].includes(backendChoice)) throw new CliError(`--backend: expected auto, tensorflow, wasm or cpu, got "${o.backend}"`, 2);
  const seed = int('seed', o.seed, 0);
  const evalCount = int('eval', o.eval, 1);
  const checkpointEvery = int('checkpoint-every', o.checkpointEvery, 0);
  const loss: LossConfig = { kind: o.loss, ssimWeight: pos('ssim-weight', o.ssimWeight, true) };
  const vary = parseVary(o.vary);

  const backend = await initTfBackend(backendChoice).catch((err: Error) => {
    throw new CliError(err.message);
  });
  const backendLine = describeBackend(backend);
  process.stderr.write(`${backendLine}\n`);

  const loaded = await loadSystemFile(o.lens, o.glassDir);
  printWarnings(o.lens, loaded.warnings);
  const prescription: Prescription = loaded.prescription;
  const fresh = () => buildSystem(prescription, loaded.library);
  const probe = fresh();
  if (probe.rayAiming === 'real') throw new CliError(`${path.basename(o.lens)}: end-to-end design needs paraxial ray aiming (the lens asks for real aiming)`);
  const { sensor, note } = sensorForLens(probe, pos('pixel-pitch', o.pixelPitch), o.mono === true);
  const channels = sensor.channels.length as 1 | 3;
  const notes: string[] = note ? [note] : [];

  let data: SceneSet;
  if (o.images) {
    let folder;
    try {
      folder = loadImageFolder(o.images, { channels, minSize: patch + psfSize - 1, maxSize: 1024 });
    } catch (err) {
      throw new CliError((err as Error).message);
    }
    for (const w of folder.warnings) writeErr(`warning: ${w}\n`);
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
  const unet = unetConfig({ channels, levels, baseFilters: int('unet-filters', o.unetFilters, 1), seed });
  const runOptions: Partial<E2eOptions> & { steps: number } = {
    steps,
    warmupSteps: Math.min(warmup, steps),
    batch,
    patch,
    lensLearningRate: pos('lens-lr', o.lensLr, true),
    noise: o.noise,
    seed,
    psf: { nx: int('field-grid', o.fieldGrid, 1), ny: int('field-grid', o.fieldGrid, 1), psfSize, pupil: { type: 'hexapolar', rings: int('rings', o.rings, 1) } },
  };
  const netLr = pos('net-lr', o.netLr);
  fs.mkdirSync(o.out, { recursive: true });
  const ckptDir = (name: string) => path.join(o.out, 'checkpoints', name);

  const makePhase = async (name: Phase['name']): Promise<Phase> => {
    const system = fresh();
    const vars = variables(system);
    if (name === 'joint' && vars.length === 0) throw new CliError(`${path.basename(o.lens)}: nothing to vary (--vary ${o.vary})`);
    const makeTrainer = (m: ReturnType<typeof buildUNet>) => new NetworkTrainer(m, loss, netLr);
    let trainer: NetworkTrainer;
    let state: (E2eState & { done?: boolean; timing?: Phase['timing'] }) | undefined;
    if (o.resume && fs.existsSync(path.join(ckptDir(name), 'checkpoint.json'))) {
      const ck = await loadCheckpoint(ckptDir(name), makeTrainer).catch((err: Error) => {
        throw new CliError(err.message);
      });
      trainer = ck.trainer!;
      state = ck.meta.state as unknown as typeof state;
    } else trainer = makeTrainer(buildUNet(unet));
    let run: E2eRun;
    try {
      run = new E2eRun(system, vars, sensor, trainer, data, { ...runOptions, trainLens: name === 'joint' });
    } catch (err) {
      throw new CliError(`${path.basename(o.lens)}: ${(err as Error).message}`);
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
      process.stderr.write(`${ph.name}: already trained (${ph.run.step} steps), resuming from the checkpoint\n`);
      return 'done';
    }
    const label = ph.name === 'baseline' ? '(a) network alone' : '(b) lens + network';
    const bar = progressBar(label, steps);
    bar.update(ph.run.step);
    let result: 'done' | 'cancelled';
    try {
      result = await ph.run.run({
        signal,
        onProgress: async (p) => {
          ph.timing.ms += p.stepMs;
          ph.timing.opticsMs += p.opticsMs;
          ph.timing.steps++;
          ph.timing.losses.push(p.loss);
          bar.update(p.step, p);
          if (p.warning) writeErr(`\nwarning: step ${p.step}: ${p.warning}\n`);
          if (checkpointEvery > 0 && p.step % checkpointEvery === 0 && p.step < steps) await save(ph);
        },
      });
    } finally {
      bar.stop();
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
      process.stderr.write(`interrupted: checkpoint saved in ${ckptDir(ph.name)}; run again with --resume to continue\n`);
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
    config: { steps, warmup: runOptions.warmupSteps, batch, patch, psfSize, fieldGrid: runOptions.psf?.nx, rings: Number(o.rings), pixelPitchUm: sensor.pixelPitchUm, sensorPx: [sensor.width, sensor.height], channels: sensor.channels.map((c) => `${c.name} ${c.wavelengthsUm.join('+')} µm`), noise: o.noise ? { fullWellElectrons: sensor.fullWellElectrons, readNoiseElectrons: sensor.readNoiseElectrons } : false, loss, netLr, lensLr: runOptions.lensLearningRate, vary, focus: o.focus, unet, seed },
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
  writeOut(`${md.split('## Lens')[0].trim()}\n\nwrote ${path.join(o.out, 'report.md')}\n`);
  for (const ph of phases) ph.trainer.dispose();
  return 'done';
}
