/**
 * End-to-end (lens + reconstruction network) training in the studio host: the current lens and a
 * small U-Net trained jointly on procedural dead-leaves scenes (engine/e2e/train.ts), set up as
 * `lens-studio e2e` does (app/cli/e2eRun.ts) with small defaults so a run shows in seconds. Progress
 * streams as `e2e` events every step; the PSF grid and held-out restorations (blurred / restored /
 * ground truth) every `imagesEvery` steps and at the end.
 *
 * TensorFlow.js and its backend (app/node/tfBackend.ts: native if installed, else wasm, else cpu)
 * load here, in the engine host, on the first run — never in the UI.
 */
import { deadLeavesScenes } from '../../engine/e2e/dataset.ts';
import type { FloatImage } from '../../engine/e2e/image.ts';
import { toRgba8 } from '../../engine/e2e/image.ts';
import { NetworkTrainer } from '../../engine/e2e/network.ts';
import { psfGridImage } from '../../engine/e2e/psfImage.ts';
import { E2eRun, type E2eProgress } from '../../engine/e2e/train.ts';
import { buildUNet, unetConfig, unetSizeMultiple } from '../../engine/e2e/unet.ts';
import type { Prescription } from '../../engine/io/prescription.ts';
import { solvedThicknessSurface } from '../../engine/paraxial/solves.ts';
import { variablesFromGroups } from '../../engine/optimize/variables.ts';
import { sensorForLens } from '../cli/e2eRun.ts';
import { describeBackend, initTfBackend } from '../node/tfBackend.ts';
import { StudioError, type E2eEvent, type E2eStudioOptions, type PreviewImage, type StudioEvent } from '../contract/studioApi.ts';
import { buildLensSystem } from './engineIo.ts';
import { API_LIMITS, intOption } from '../contract/apiLimits.ts';

const UNET_LEVELS = 2;
const HELD_OUT_SHOWN = 3;

function rgba(img: FloatImage): PreviewImage {
  return { width: img.width, height: img.height, channels: 4, pixels: toRgba8(img) };
}


export class E2eHost {
  private run: { id: string; abort: AbortController; done: Promise<void> } | null = null;
  private counter = 0;
  private backendLine: string | null = null;

  constructor(private readonly emit: (e: StudioEvent) => void) {}

  /**
   * Starts a run on `prescription` and returns its id once the run is set up (backend, network,
   * first PSF grid), so set-up errors reject the call.
   * @throws StudioError BUSY (a run is going on), BAD_REQUEST (options), BAD_EDIT (a lens the run cannot use)
   */
  async start(prescription: Prescription, options: E2eStudioOptions = {}): Promise<{ runId: string }> {
    if (this.run) throw new StudioError('BUSY', 'an end-to-end run is going on: stop it first');
    const L = API_LIMITS.e2e;
    const steps = intOption('steps', options.steps, 40, L.steps);
    const batch = intOption('batch', options.batch, 2, L.batch);
    const patch = intOption('patch', options.patch, 32, L.patch);
    const warmup = intOption('warmup', options.warmup, Math.round(steps / 10), [0, steps]);
    const fieldGrid = intOption('fieldGrid', options.fieldGrid, 3, L.fieldGrid);
    const psfSize = intOption('psfSize', options.psfSize, 15, L.psfSize);
    if (psfSize % 2 === 0) throw new StudioError('BAD_REQUEST', `psfSize: expected an odd number of pixels, got ${psfSize}`);
    const seed = intOption('seed', options.seed, 1, L.seed);
    const imagesEvery = intOption('imagesEvery', options.imagesEvery, 5, L.imagesEvery);
    if (patch % unetSizeMultiple(UNET_LEVELS) !== 0) throw new StudioError('BAD_REQUEST', `patch: ${patch} is not a multiple of ${unetSizeMultiple(UNET_LEVELS)}`);
    // Reserve the slot before the first await, so two quick starts cannot both run.
    const id = `e2e-${++this.counter}`;
    const abort = new AbortController();
    const slot = { id, abort, done: Promise.resolve() };
    this.run = slot;
    let run: E2eRun;
    try {
      if (!this.backendLine) this.backendLine = describeBackend(await initTfBackend('auto'));
      const system = buildLensSystem(prescription);
      if (system.rayAiming === 'real') throw new Error('end-to-end design needs paraxial ray aiming (the lens asks for real aiming)');
      const { sensor } = sensorForLens(system, 5, false);
      const channels = sensor.channels.length as 1 | 3;
      const vars = variablesFromGroups(system, options.vary ?? ['curvatures']);
      const last = system.surfaces.length - 2;
      if (solvedThicknessSurface(system) !== last && !vars.some((v) => v.kind === 'thickness' && v.surface === last)) {
        vars.push({ kind: 'thickness', surface: last, lower: 0.5, upper: Infinity, scale: 1 });
      }
      const data = deadLeavesScenes({ channels, size: Math.max(128, 2 * (patch + psfSize)), trainCount: 16, heldOutCount: HELD_OUT_SHOWN });
      const trainer = new NetworkTrainer(buildUNet(unetConfig({ channels, levels: UNET_LEVELS, baseFilters: 8, seed })), { kind: 'l1', ssimWeight: 0.1 }, 1e-3);
      run = new E2eRun(system, vars, sensor, trainer, data, {
        steps,
        warmupSteps: warmup,
        batch,
        patch,
        seed,
        psf: { nx: fieldGrid, ny: fieldGrid, psfSize, pupil: { type: 'hexapolar', rings: 6 } },
      });
    } catch (e) {
      this.run = null;
      throw e instanceof StudioError ? e : new StudioError('BAD_EDIT', (e as Error).message);
    }
    slot.done = this.execute(id, run, imagesEvery, abort.signal).finally(() => {
      run.trainer.model.dispose();
      if (this.run === slot) this.run = null;
    });
    return { runId: id };
  }

  private images(run: E2eRun): Pick<E2eEvent, 'psfGrid' | 'examples'> {
    const ev = run.evaluate(run.heldOut(HELD_OUT_SHOWN), HELD_OUT_SHOWN);
    return {
      psfGrid: rgba(psfGridImage(run.psfGrid(), 4, 2)),
      examples: ev.images.map((im, i) => ({
        blurred: rgba(im.blurred),
        restored: rgba(im.restored),
        truth: rgba(im.truth),
        psnr: ev.perExample[i].psnr,
        blurredPsnr: ev.perExample[i].blurredPsnr,
      })),
    };
  }

  private async execute(runId: string, run: E2eRun, imagesEvery: number, signal: AbortSignal): Promise<void> {
    const summary = run.lensSummary();
    let last: E2eEvent = {
      type: 'e2e',
      runId,
      phase: 'started',
      step: 0,
      totalSteps: run.options.steps,
      loss: NaN,
      psnr: NaN,
      efl: summary.efl,
      lens: summary.lens,
      backend: this.backendLine ?? undefined,
    };
    try {
      this.emit({ ...last, ...this.images(run) });
      const outcome = await run.run({
        signal,
        yieldEveryMs: 20,
        onProgress: (p: E2eProgress) => {
          last = { ...last, phase: 'progress', backend: undefined, step: p.step, trainingPhase: p.phase, loss: p.loss, psnr: p.psnr, efl: p.efl, lens: p.lens, message: p.warning };
          const withImages = p.step % imagesEvery === 0 && p.step < p.totalSteps;
          this.emit(withImages ? { ...last, ...this.images(run) } : last);
        },
      });
      this.emit({ ...last, phase: outcome === 'cancelled' ? 'stopped' : 'finished', message: `${outcome === 'cancelled' ? 'stopped' : 'finished'} after ${run.step} steps`, ...this.images(run) });
    } catch (e) {
      this.emit({ ...last, phase: 'failed', message: (e as Error).message });
    }
  }

  async stop(runId: string): Promise<void> {
    const run = this.run;
    if (!run || run.id !== runId) return;
    run.abort.abort();
    await run.done;
  }
}
