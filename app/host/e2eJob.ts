/**
 * End-to-end training in the studio host (engine/e2e/train.ts), set up as `lens-studio e2e` does
 * (app/node/e2eRun.ts) with small defaults so a run shows in seconds:
 * - on the current lens (no task): the joint arm on dead-leaves scenes at the lens's own object
 *   distance, as before;
 * - with a task preset (lens-library/e2e/, e.g. "edof"): the preset's lens, sensor, variables and
 *   object distances (its held-out distances, for speed also the training ones), and the three arms
 *   one after the other — (a) nominal, (b) sequential (optics-only design, engine/e2e/sequential.ts),
 *   (c) joint — each for `steps` steps.
 * Progress streams as `e2e` events every step; every `imagesEvery` steps and at the end of an arm
 * come the PSF grid, the PSFs through depth, held-out restorations and the held-out PSNR per object
 * distance. The joint lens of the last run is kept for "Use trained lens".
 *
 * TensorFlow.js and its backend (app/node/tfBackend.ts: native if installed, else wasm, else cpu)
 * load here, in the engine host, on the first run — never in the UI.
 */
import { deadLeavesScenes } from '../../engine/e2e/dataset.ts';
import { NetworkTrainer } from '../../engine/e2e/network.ts';
import { applySequential, sequentialDesign } from '../../engine/e2e/sequential.ts';
import { E2eRun, type E2eProgress } from '../../engine/e2e/train.ts';
import { buildIdentity, buildUNet, unetConfig, unetSizeMultiple } from '../../engine/e2e/unet.ts';
import { depthsInDiopters } from '../../engine/imaging/depthPsf.ts';
import type { FloatImage } from '../../engine/imaging/image.ts';
import { toRgba8 } from '../../engine/imaging/image.ts';
import { sensorForLens } from '../../engine/imaging/lensPsf.ts';
import { psfGridImage, psfStripImage } from '../../engine/imaging/psfImage.ts';
import { makeSensor, type Sensor } from '../../engine/imaging/sensor.ts';
import { RECON_KINDS, taskDepths, type ReconKind } from '../../engine/io/e2eTask.ts';
import type { Prescription } from '../../engine/io/prescription.ts';
import { solvedThicknessSurface } from '../../engine/paraxial/solves.ts';
import type { LensSystem } from '../../engine/optics/system.ts';
import { VARY_GROUPS, variablesFromGroups, variablesFromSpec, type Variable } from '../../engine/optimize/variables.ts';
import { builtinTasks, loadTask } from '../node/e2eTask.ts';
import { describeBackend, initTfBackend } from '../node/tfBackend.ts';
import { StudioError, type E2eEvent, type E2eStudioOptions, type E2eTaskInfo, type PreviewImage, type StudioEvent } from '../contract/studioApi.ts';
import { API_LIMITS, choiceOption, intOption } from '../contract/apiLimits.ts';
import { buildLensSystem } from './engineIo.ts';

const UNET_LEVELS = 2;
const HELD_OUT_SHOWN = 3;
type Arm = NonNullable<E2eEvent['arm']>;

function rgba(img: FloatImage): PreviewImage {
  return { width: img.width, height: img.height, channels: 4, pixels: toRgba8(img) };
}

/** The built-in task presets with their descriptions. */
export function listTasks(): E2eTaskInfo[] {
  return builtinTasks().map((name) => ({ name, description: loadTask(name).task.description ?? '' }));
}

/** One arm to train: its lens, variables and run options. */
interface ArmPlan {
  arm: Arm | undefined;
  build: () => Promise<{ system: LensSystem; vars: Variable[] }>;
}

export class E2eHost {
  private run: { id: string; abort: AbortController; done: Promise<void> } | null = null;
  private counter = 0;
  private backendLine: string | null = null;
  /** The lens of the last run that finished or was stopped (with a task, its joint arm's), at its end. */
  private trained: Prescription | null = null;

  constructor(private readonly emit: (e: StudioEvent) => void) {}

  /** A copy of the trained lens of the last run (null before any). */
  trainedLens(): Prescription | null {
    return this.trained ? structuredClone(this.trained) : null;
  }

  /**
   * Starts a run on `prescription` (or the task preset's lens) and returns its id once the run is
   * set up (backend, network, first PSFs), so set-up errors reject the call.
   * @throws StudioError BUSY (a run is going on), BAD_REQUEST (options, unknown task), BAD_EDIT (a lens the run cannot use)
   */
  async start(prescription: Prescription | null, options: E2eStudioOptions = {}): Promise<{ runId: string }> {
    if (this.run) throw new StudioError('BUSY', 'an end-to-end run is going on: stop it first');
    const L = API_LIMITS.e2e;
    const steps = intOption('steps', options.steps, 40, L.steps);
    const batch = intOption('batch', options.batch, 2, L.batch);
    const patch = intOption('patch', options.patch, 32, L.patch);
    const warmup = intOption('warmup', options.warmup, Math.round(steps / 10), [0, steps]);
    const seed = intOption('seed', options.seed, 1, L.seed);
    const imagesEvery = intOption('imagesEvery', options.imagesEvery, 5, L.imagesEvery);
    if (patch % unetSizeMultiple(UNET_LEVELS) !== 0) throw new StudioError('BAD_REQUEST', `patch: ${patch} is not a multiple of ${unetSizeMultiple(UNET_LEVELS)}`);
    let task: ReturnType<typeof loadTask> | null = null;
    if (options.task !== undefined) {
      try {
        task = loadTask(options.task);
      } catch (e) {
        throw new StudioError('BAD_REQUEST', (e as Error).message);
      }
    }
    if (!task && !prescription) throw new StudioError('NOT_FOUND', 'no lens is open');
    const fieldGrid = intOption('fieldGrid', options.fieldGrid, task ? (task.task.psf.fieldGrid ?? 1) : 3, L.fieldGrid);
    const psfSize = intOption('psfSize', options.psfSize, task ? task.task.psf.sizePx : 15, L.psfSize);
    if (psfSize % 2 === 0) throw new StudioError('BAD_REQUEST', `psfSize: expected an odd number of pixels, got ${psfSize}`);
    const recon: ReconKind = choiceOption('recon', options.recon, task?.task.defaults?.recon ?? 'unet', RECON_KINDS);
    if (options.vary !== undefined) {
      if (!Array.isArray(options.vary) || options.vary.length < L.varyGroups[0] || options.vary.length > L.varyGroups[1]) {
        throw new StudioError('BAD_REQUEST', `vary: expected ${L.varyGroups[0]} to ${L.varyGroups[1]} of ${VARY_GROUPS.join(', ')}`);
      }
      options.vary.forEach((g, i) => choiceOption(`vary[${i}]`, g, 'curvatures', VARY_GROUPS));
    }
    // Reserve the slot before the first await, so two quick starts cannot both run.
    const id = `e2e-${++this.counter}`;
    const abort = new AbortController();
    const slot = { id, abort, done: Promise.resolve() };
    this.run = slot;
    let plans: ArmPlan[];
    let first: E2eRun;
    let makeRun: (p: ArmPlan) => Promise<E2eRun>;
    try {
      if (!this.backendLine) this.backendLine = describeBackend(await initTfBackend('auto'));
      const lens = task ? task.lens : prescription!;
      const probe = buildLensSystem(lens);
      let sensor: Sensor;
      let depths: number[];
      let variables: (s: LensSystem) => Variable[];
      let lensRates: number[] | undefined;
      if (task) {
        const s = task.task.sensor;
        sensor = makeSensor({ pixelPitchUm: s.pixelPitchUm, width: s.widthPx, height: s.heightPx, mode: s.mono ? 'mono' : 'rgb', wavelengthsUm: Array.from(probe.wavelengthsUm), wavelengthWeights: Array.from(probe.wavelengthWeights), primaryIndex: probe.primaryIndex, fullWellElectrons: s.fullWellElectrons, readNoiseElectrons: s.readNoiseElectrons });
        const d = taskDepths(task.task);
        depths = depthsInDiopters(d.nearMm, d.farMm, d.eval);
        const specs = task.task.variables.map(({ step: _s, ...v }) => v);
        const focus = task.task.focus;
        variables = (sys) => {
          const vars = variablesFromSpec(sys, specs);
          const last = sys.surfaces.length - 2;
          if (focus && solvedThicknessSurface(sys) !== last) vars.push({ kind: 'thickness', surface: last, lower: focus.lower ?? 0.5, upper: focus.upper ?? Infinity, scale: 1 });
          return vars;
        };
        lensRates = [...task.task.variables.map((v) => v.step), ...(focus && solvedThicknessSurface(probe) !== probe.surfaces.length - 2 ? [focus.step] : [])];
      } else {
        sensor = sensorForLens(probe, 5, false).sensor;
        depths = [probe.objectDistance];
        variables = (sys) => {
          const vars = variablesFromGroups(sys, options.vary ?? ['curvatures']);
          const last = sys.surfaces.length - 2;
          if (solvedThicknessSurface(sys) !== last && !vars.some((v) => v.kind === 'thickness' && v.surface === last)) vars.push({ kind: 'thickness', surface: last, lower: 0.5, upper: Infinity, scale: 1 });
          return vars;
        };
      }
      const channels = sensor.channels.length as 1 | 3;
      const data = deadLeavesScenes({ channels, size: Math.max(128, 2 * (patch + psfSize)), trainCount: 16, heldOutCount: HELD_OUT_SHOWN });
      const pupil = task ? ({ type: 'grid', n: Math.min(task.task.psf.pupilGrid ?? 32, 32) } as const) : ({ type: 'hexapolar', rings: 6 } as const);
      makeRun = async (p) => {
        const { system, vars } = await p.build();
        const model = recon === 'wiener' ? buildIdentity(channels) : buildUNet(unetConfig({ channels, levels: UNET_LEVELS, baseFilters: 8, seed }));
        const trainer = new NetworkTrainer(model, { kind: 'l1', ssimWeight: 0.1 }, 1e-3);
        return new E2eRun(system, vars, sensor, trainer, data, {
          steps,
          warmupSteps: warmup,
          batch,
          patch,
          seed,
          trainLens: p.arm === undefined || p.arm === 'joint',
          lensRates,
          depthsMm: depths,
          evalDepthsMm: depths,
          recon: { kind: recon },
          psf: { nx: fieldGrid, ny: fieldGrid, psfSize, pupil },
        });
      };
      const fresh = async () => {
        const system = buildLensSystem(lens);
        return { system, vars: variables(system) };
      };
      const sequential = async () => {
        const { system, vars } = await fresh();
        const specs = vars.map((v) => ({ kind: v.kind, surface: v.surface, index: v.index, lower: Number.isFinite(v.lower) ? v.lower : undefined, upper: Number.isFinite(v.upper) ? v.upper : undefined }));
        const withDistance = (z: number) => buildLensSystem({ ...lens, object: { ...lens.object, distance: Number.isFinite(z) ? z : 'infinity' } });
        applySequential(system, await sequentialDesign(withDistance, specs, depths, { iterations: 20, signal: abort.signal }));
        return { system, vars: variables(system) };
      };
      plans = task
        ? [
            { arm: 'nominal', build: fresh },
            { arm: 'sequential', build: sequential },
            { arm: 'joint', build: fresh },
          ]
        : [{ arm: undefined, build: fresh }];
      first = await makeRun(plans[0]);
    } catch (e) {
      this.run = null;
      throw e instanceof StudioError ? e : new StudioError('BAD_EDIT', (e as Error).message);
    }
    slot.done = this.execute(id, first, plans, makeRun, imagesEvery, abort.signal).finally(() => {
      if (this.run === slot) this.run = null;
    });
    return { runId: id };
  }

  private images(run: E2eRun): Pick<E2eEvent, 'psfGrid' | 'psfGridLayout' | 'examples' | 'perDepth' | 'psfDepth' | 'depthsMm'> {
    const depths = run.evalDepthsMm;
    const ev = run.evaluate(run.heldOut(HELD_OUT_SHOWN), HELD_OUT_SHOWN * depths.length);
    const mean = (z: number, k: 'psnr' | 'blurredPsnr') => {
      const v = ev.perExample.filter((e) => e.depthMm === z).map((e) => e[k]);
      return v.reduce((s, x) => s + x, 0) / v.length;
    };
    // one example per held-out scene, at the first held-out distance
    const shown = ev.images.filter((_, i) => i % depths.length === 0);
    const grid = run.psfGrid();
    const zoom = 4, gap = 2;
    return {
      psfGrid: rgba(psfGridImage(grid, zoom, gap)),
      psfGridLayout: { nx: grid.nx, ny: grid.ny, psfPx: grid.size, pitchUm: grid.pitchMm * 1000, zoom, gap, xMm: Array.from(grid.xMm), yMm: Array.from(grid.yMm) },
      psfDepth: rgba(psfStripImage([run.evalPsfGrids()], run.psfSize < 32 ? 4 : 2, 2)),
      depthsMm: depths.map((z) => (Number.isFinite(z) ? z : null)),
      perDepth: depths.map((z) => ({ psnr: mean(z, 'psnr'), sensorPsnr: mean(z, 'blurredPsnr') })),
      examples: shown.map((im, i) => ({
        blurred: rgba(im.blurred),
        restored: rgba(im.restored),
        truth: rgba(im.truth),
        psnr: ev.perExample[i * depths.length].psnr,
        blurredPsnr: ev.perExample[i * depths.length].blurredPsnr,
      })),
    };
  }

  private async execute(runId: string, first: E2eRun, plans: ArmPlan[], makeRun: (p: ArmPlan) => Promise<E2eRun>, imagesEvery: number, signal: AbortSignal): Promise<void> {
    let run = first;
    const summary = run.lensSummary();
    let last: E2eEvent = {
      type: 'e2e',
      runId,
      phase: 'started',
      arm: plans[0].arm,
      step: 0,
      totalSteps: run.options.steps,
      loss: NaN,
      psnr: NaN,
      efl: summary.efl,
      lens: summary.lens,
      backend: this.backendLine ?? undefined,
    };
    let outcome: 'done' | 'cancelled' = 'done';
    try {
      this.emit({ ...last, ...this.images(run) });
      for (let k = 0; k < plans.length && outcome === 'done'; k++) {
        if (k > 0) {
          run.trainer.dispose();
          run.recon.dispose();
          run = await makeRun(plans[k]);
          last = { ...last, phase: 'progress', arm: plans[k].arm, step: 0, backend: undefined, ...run.lensSummary(), message: undefined };
          this.emit({ ...last, ...this.images(run) });
        }
        const r = run;
        outcome = await r.run({
          signal,
          yieldEveryMs: 20,
          onProgress: (p: E2eProgress) => {
            last = { ...last, phase: 'progress', backend: undefined, step: p.step, trainingPhase: p.phase, loss: p.loss, psnr: p.psnr, efl: p.efl, lens: p.lens, message: p.warning };
            // (an arm's last step shows its images unless the run's final event will)
            const withImages = p.step < p.totalSteps ? p.step % imagesEvery === 0 : k < plans.length - 1;
            this.emit(withImages ? { ...last, ...this.images(r) } : last);
          },
        });
        if (plans[k].arm === undefined || plans[k].arm === 'joint') this.trained = r.prescription();
        if (outcome === 'done') {
          const b = await r.wienerBoundsAsync(r.heldOut(HELD_OUT_SHOWN), signal);
          if (b) {
            const per = (i: number) => r.evalDepthsMm.map((z) => b[i].perDepth.find((d) => d.depthMm === z)?.psnr ?? NaN);
            this.emit({ ...last, phase: 'bounds', wienerBounds: { depthAveraged: per(0), trueDepth: per(1) } });
          } else outcome = 'cancelled';
        }
      }
      this.emit({ ...last, phase: outcome === 'cancelled' ? 'stopped' : 'finished', message: `${outcome === 'cancelled' ? 'stopped' : 'finished'} after ${run.step} steps`, ...this.images(run) });
    } catch (e) {
      this.emit({ ...last, phase: 'failed', message: (e as Error).message });
    } finally {
      run.trainer.dispose();
      run.recon.dispose();
    }
  }


  async stop(runId: string): Promise<void> {
    const run = this.run;
    if (!run || run.id !== runId) return;
    run.abort.abort();
    await run.done;
  }
}
