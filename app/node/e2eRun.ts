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
import { NetworkTrainer } from '../../engine/e2e/network.ts';
import { applySequential, sequentialDesign, type SequentialResult } from '../../engine/e2e/sequential.ts';
import { E2eRun, type E2eOptions, type E2eProgress, type E2eState, type EvalResult } from '../../engine/e2e/train.ts';
import { buildIdentity, buildUNet, type UNetConfig } from '../../engine/e2e/unet.ts';
import { formatDepth } from '../../engine/imaging/depthPsf.ts';
import { stringifyPrescription } from '../../engine/io/json.ts';
import type { Prescription } from '../../engine/io/prescription.ts';
import type { LensSystem } from '../../engine/optics/system.ts';
import { buildSystem } from '../../engine/paraxial/buildSystem.ts';
import { loadCheckpoint, saveCheckpoint } from './checkpoint.ts';
import { positiveInt, resolveSetup, type E2eRunConfig } from './e2eSetup.ts';
import { buildReport, reportMarkdown, type ArmName, type PhaseOutcome } from './e2eReport.ts';
import { writePictures } from './e2ePictures.ts';
import { writeFileAtomicSync as writeFileAtomic } from './atomicWrite.ts';
import { describeBackend, initTfBackend } from './tfBackend.ts';

export { E2eConfigError, type E2eRunConfig } from './e2eSetup.ts';

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
      // the Wiener stage alone (network bypassed), to show what the U-Net adds
      const stage = S.recon === 'wiener+unet' && ph.run.networkOn ? ph.run.evaluate(held, 0, false).psnr : null;
      let bounds = null;
      if (o.wienerBounds !== false && seed === seeds[0]) {
        log(`${multi ? `${ph.arm} (seed ${seed})` : ph.arm}: Wiener bounds of the lens (depth-averaged and true-depth PSF, κ searched on the held-out set)`);
        bounds = ph.run.wienerBounds(held);
      }
      outcomes.push({
        arm,
        seed,
        eval: ev,
        lens: ph.run.lensSummary(),
        initialLens: ph.initialLens,
        logK: ph.run.recon.usesWiener ? ph.run.recon.logK : null,
        wienerMix: ph.run.recon.usesWiener ? ph.run.recon.mix : null,
        wienerStagePsnr: stage,
        timing: ph.timing,
        steps: ph.run.step,
        grids: ph.run.evalPsfGrids(),
        wienerBounds: bounds,
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
  const pictures = await writePictures(o.out, {
    outcomes,
    seed: seeds[0],
    evalDepthsMm: S.evalDepthsMm,
    systems: { nominal: lensFor('nominal'), sequential: sequential ? lensFor('sequential') : null, joint: buildSystem(joint.prescription, S.library) },
    xyPlate: S.task ? S.task.task.variables.find((v) => v.kind === 'xy')?.surface ?? null : null,
  });
  Object.assign(files, pictures);

  const report = buildReport({
    task: S.task ? { name: S.task.task.name, file: S.task.file } : null,
    aims: S.task?.task.aims,
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
      netSchedule: S.options.netSchedule,
      mixDeadLeaves: o.mixDeadLeaves ?? S.task?.task.defaults?.mixDeadLeaves ?? 0,
      unetSensorInput: S.options.recon.sensorInput === true,
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
