/**
 * Joint end-to-end training of a lens and its reconstruction (Wiener filter and/or U-Net).
 *
 * A training example is a scene crop at a random sensor position and an object distance drawn
 * uniformly from the run's depths (equally spaced in diopters; engine/imaging/depthPsf.ts). One step:
 *   1. optics: the real-ray PSF grid at every depth (traced again only when the lens changed), each
 *      patch rendered by FFT with the PSF of its depth interpolated at its centre
 *      (engine/imaging/renderFft.ts), Poisson–Gaussian sensor noise (engine/imaging/sensor.ts);
 *   2. reconstruction (./reconstruction.ts): Wiener with the depth-averaged PSF and/or the U-Net,
 *      restoration loss L (./network.ts), Adam on the network weights and on log κ;
 *   3. adjoints: ∂L/∂(sensor patch) → ∂L/∂PSF of its depth by the rendering adjoint, plus (Wiener)
 *      ∂L/∂(mean PSF) spread equally over the depths; then ∂L/∂θ by the splat and real-ray adjoints;
 *   4. lens penalties (./lensScales.ts): EFL held, centre-thickness bounds, P = Σ rᵢ², ∂P/∂θ = 2 Jᵀ r;
 *   5. every `lensEvery` steps, Adam on θ (./lensAdam.ts) with the mean of the accumulated PSF
 *      gradients (the lens, hence the PSFs, is constant in between, so the sum is exact). Step sizes
 *      are `lensRates` when given (per variable, in its unit), else lensLearningRate × the focus
 *      scale of each variable (./lensScales.ts).
 * Warm-up steps train the reconstruction alone; with `trainLens: false` every step does (the
 * nominal and sequential arms). Noise is treated as independent of the lens (straight-through).
 * A lens step that makes the PSFs impossible (a chief ray lost, a non-finite gradient) is undone and
 * the lens moments are reset; the run continues.
 */
import * as tf from '@tensorflow/tfjs';
import type { LensSystem } from '../optics/system.ts';
import { readParams, writeParams, paramLabel, type ParamRef } from '../optics/params.ts';
import { applySolves } from '../paraxial/solves.ts';
import { writeBack } from '../optics/writeBack.ts';
import type { Prescription } from '../io/prescription.ts';
import { firstOrder } from '../analysis/firstOrder.ts';
import { buildMeritProblem, type MeritProblem } from '../optimize/meritProblem.ts';
import type { Variable } from '../optimize/variables.ts';
import { DepthPsfStack } from '../imaging/depthPsf.ts';
import type { LensPsfOptions } from '../imaging/lensPsf.ts';
import { deriveSeed, Rng } from '../imaging/prng.ts';
import { interpolatePsfAdjoint, type PsfFieldGrid } from '../imaging/render.ts';
import type { Sensor } from '../imaging/sensor.ts';
import { heldOutExamples, sampleTraining, type PlacedScene, type SceneSet } from './dataset.ts';
import { evaluateExamples, type EvalResult } from './evaluate.ts';
import { LensAdam, type LensAdamState } from './lensAdam.ts';
import { focusScales, penaltySpec, type LensPenaltyOptions } from './lensScales.ts';
import type { NetworkTrainer } from './network.ts';
import { Reconstruction, type ReconstructionOptions, type ReconstructionState } from './reconstruction.ts';
import { SensorImager } from '../imaging/sensorImager.ts';
import { wienerBounds, wienerBoundsAsync, type WienerBound } from './wienerBounds.ts';

export type { EvalResult } from './evaluate.ts';
export { focusScales, penaltySpec, type LensPenaltyOptions } from './lensScales.ts';

export interface E2eOptions {
  /** Total steps (network updates), warm-up included. */
  steps: number;
  /** Reconstruction-only steps at the start (default 0). */
  warmupSteps: number;
  /** Patches per batch and patch size (px, a multiple of the U-Net's size multiple). */
  batch: number;
  patch: number;
  /** Lens step per iteration, as the paraxial focus shift (mm) it causes per variable (default 1e-3). */
  lensLearningRate: number;
  /** Explicit Adam steps per variable (its own unit); overrides lensLearningRate. */
  lensRates?: readonly number[];
  /** Steps between lens updates (gradients accumulated in between; default 1). */
  lensEvery: number;
  /** false: the lens stays fixed (nominal or sequential arm). */
  trainLens: boolean;
  /** Sensor noise on (default true). */
  noise: boolean;
  seed: number;
  penalty: LensPenaltyOptions;
  psf: LensPsfOptions;
  /** Training object distances, mm (Infinity allowed); default: the lens's own object distance. */
  depthsMm?: readonly number[];
  /** Held-out object distances, mm; default: the training ones. */
  evalDepthsMm?: readonly number[];
  recon: Partial<ReconstructionOptions>;
  /** Border (px) left out of the loss and the held-out scores (default 0). */
  margin: number;
  /** Held-out patch size (default: the training patch). */
  evalPatch?: number;
  /** Step at which the network starts (before: the Wiener stage alone; default 0). */
  networkStart: number;
  /**
   * The network's learning-rate schedule over its own steps (networkStart … steps): 'constant'
   * (the trainer's rate throughout; default) or 'cosine' (linear warm-up over the first 10 % (at most
   * 20 steps), then a cosine decay from the trainer's rate to 5 % of it; Loshchilov & Hutter,
   * "SGDR", ICLR 2017).
   */
  netSchedule: 'constant' | 'cosine';
}

/** The network's learning rate at `step` (see E2eOptions.netSchedule). */
export function scheduledLearningRate(peak: number, schedule: 'constant' | 'cosine', step: number, networkStart: number, steps: number): number {
  if (schedule === 'constant') return peak;
  const T = Math.max(1, steps - networkStart);
  const s = Math.min(Math.max(step - networkStart, 0), T - 1);
  const warm = Math.max(1, Math.min(20, Math.round(T / 10)));
  if (s < warm) return (peak * (s + 1)) / warm;
  const u = (s - warm) / Math.max(1, T - 1 - warm);
  return peak * (0.05 + 0.95 * 0.5 * (1 + Math.cos(Math.PI * u)));
}

export const DEFAULT_E2E: Omit<E2eOptions, 'steps'> = {
  warmupSteps: 0,
  batch: 4,
  patch: 64,
  lensLearningRate: 1e-3,
  lensEvery: 1,
  trainLens: true,
  noise: true,
  seed: 1,
  penalty: { eflWeight: 0.1, boundaryWeight: 1 },
  psf: { nx: 5, ny: 5, psfSize: 21, pupil: { type: 'hexapolar', rings: 10 } },
  recon: {},
  margin: 0,
  networkStart: 0,
  netSchedule: 'constant',
};

export interface LensVariableValue {
  label: string;
  value: number;
}

/** One progress event (one per step). */
export interface E2eProgress {
  step: number;
  totalSteps: number;
  phase: 'warmup' | 'joint' | 'network';
  /** Whether the network took part in this step (see networkStart). */
  networkOn: boolean;
  /** Restoration loss of the batch (before this step's update). */
  loss: number;
  /** Mean PSNR of the restored batch, dB. */
  psnr: number;
  /** Lens penalty value (0 when the lens is fixed or did not step). */
  penalty: number;
  /** Current lens variables and EFL (mm). */
  lens: LensVariableValue[];
  efl: number;
  /** Wiener weight log κ (NaN without Wiener). */
  logK: number;
  /** Time in optics (PSFs, rendering, their adjoints, the lens step) and in the whole step, ms. */
  opticsMs: number;
  stepMs: number;
  /** Set when the lens step was rejected. */
  warning?: string;
}

export interface E2eState {
  step: number;
  x: number[];
  lensAdam: LensAdamState;
  rng: number[];
  recon?: ReconstructionState;
  /** Accumulated PSF gradients (per depth) and their count, between lens steps. */
  pending?: { count: number; grids: (number[] | null)[] };
}

const now = () => (typeof performance !== 'undefined' ? performance.now() : Date.now());

/** A joint (or fixed-lens) end-to-end run. Owns neither the network trainer nor the system. */
export class E2eRun {
  readonly options: E2eOptions;
  readonly stack: DepthPsfStack;
  readonly params: ParamRef[];
  readonly recon: Reconstruction;
  readonly trainDepthsMm: readonly number[];
  readonly evalDepthsMm: readonly number[];
  readonly imager: SensorImager;
  private readonly merit: MeritProblem | null;
  private readonly adam: LensAdam;
  private readonly x: Float64Array;
  private rng: Rng;
  private pending: { count: number; grids: (Float64Array | null)[] };
  step = 0;

  /**
   * @param system the lens, modified in place as the run optimizes it
   * @param variables lens variables (with bounds and scales)
   * @throws Error for inconsistent options (patch size, steps, rates) or a lens whose PSFs cannot be traced
   */
  constructor(
    readonly system: LensSystem,
    readonly variables: Variable[],
    readonly sensor: Sensor,
    readonly trainer: NetworkTrainer,
    readonly data: SceneSet,
    options: Partial<E2eOptions> & { steps: number },
  ) {
    this.options = {
      ...DEFAULT_E2E,
      ...options,
      penalty: { ...DEFAULT_E2E.penalty, ...options.penalty },
      psf: { ...DEFAULT_E2E.psf, ...options.psf },
      recon: { ...options.recon },
    };
    const o = this.options;
    if (!Number.isInteger(o.steps) || o.steps < 0) throw new Error(`steps must be a non-negative integer (got ${o.steps})`);
    if (!Number.isInteger(o.batch) || o.batch < 1) throw new Error(`batch must be a positive integer (got ${o.batch})`);
    if (!Number.isInteger(o.patch) || o.patch < 16) throw new Error(`patch must be an integer ≥ 16 (got ${o.patch})`);
    if (!Number.isInteger(o.lensEvery) || o.lensEvery < 1) throw new Error(`lensEvery must be a positive integer (got ${o.lensEvery})`);
    if (!Number.isInteger(o.margin) || o.margin < 0 || 2 * o.margin >= Math.min(o.patch, o.evalPatch ?? o.patch)) {
      throw new Error(`margin must be a whole number of pixels below half the patch (got ${o.margin})`);
    }
    this.params = variables.map((v) => ({ kind: v.kind, surface: v.surface, index: v.index }));
    this.trainDepthsMm = (o.depthsMm ?? [system.objectDistance]).slice();
    this.evalDepthsMm = (o.evalDepthsMm ?? this.trainDepthsMm).slice();
    const all = [...this.trainDepthsMm];
    for (const z of this.evalDepthsMm) if (!all.includes(z)) all.push(z);
    this.stack = new DepthPsfStack(system, sensor, this.params, all, o.psf);
    this.merit = o.trainLens && variables.length > 0 ? buildMeritProblem(system, penaltySpec(system, variables, o.penalty)) : null;
    this.x = readParams(system, this.params);
    const rates = o.lensRates ? Float64Array.from(o.lensRates) : focusScales(system, variables).map((sc) => o.lensLearningRate * sc);
    if (rates.length !== variables.length) throw new Error(`lensRates has ${rates.length} entries for ${variables.length} variables`);
    this.adam = new LensAdam(
      rates,
      Float64Array.from(variables, (v) => v.lower),
      Float64Array.from(variables, (v) => v.upper),
    );
    this.rng = new Rng(o.seed);
    this.recon = new Reconstruction(trainer, sensor.channels.length, this.stack.lensPsf.size, o.recon);
    this.imager = new SensorImager(this.stack, sensor, this.trainDepthsMm, o.noise);
    this.pending = this.emptyPending();
    this.stack.grids();
  }

  private emptyPending(): { count: number; grids: (Float64Array | null)[] } {
    return { count: 0, grids: this.stack.depthsMm.map(() => null) };
  }

  /** True once the network takes part (step ≥ networkStart). */
  get networkOn(): boolean {
    return this.step >= this.options.networkStart;
  }

  /** PSF size K (px). */
  get psfSize(): number {
    return this.stack.lensPsf.size;
  }

  /** The PSF grid of the current lens at the first training depth. */
  psfGrid(): PsfFieldGrid {
    return this.stack.grids()[0];
  }

  /** The PSF grids of the current lens at the held-out depths (in evalDepthsMm order). */
  evalPsfGrids(): PsfFieldGrid[] {
    const grids = this.stack.grids();
    return this.evalDepthsMm.map((z) => grids[this.stack.depthsMm.indexOf(z)]);
  }

  /** The current lens as a prescription. */
  prescription(): Prescription {
    return writeBack(this.system);
  }

  /** Current variable values with labels, and the EFL. */
  lensSummary(): { lens: LensVariableValue[]; efl: number } {
    const v = readParams(this.system, this.params);
    return { lens: this.params.map((p, j) => ({ label: paramLabel(p), value: v[j] })), efl: firstOrder(this.system).efl };
  }

  /**
   * Loss of a batch through the current lens and reconstruction, optionally with ∂L/∂(PSF grid) per
   * depth and a reconstruction update. The lens does not change.
   */
  private forwardBackward(examples: PlacedScene[], opts: { update: boolean; psfGradient: boolean }): { loss: number; psnr: number; dGrids?: (Float64Array | null)[]; opticsMs: number } {
    const t0 = now();
    const P = this.options.patch;
    const shot = this.imager.capture(examples, P, this.recon.usesWiener);
    let opticsMs = now() - t0;
    const target = tf.tensor4d(shot.targets, [examples.length, P, P, this.sensor.channels.length]);
    let res;
    try {
      res = this.recon.step(shot.images, shot.meanPsfs, target, P, { update: opts.update, sensorGradient: opts.psfGradient, network: this.networkOn });
    } finally {
      target.dispose();
    }
    if (!opts.psfGradient || !res.dSensor) return { loss: res.loss, psnr: res.psnr, opticsMs };
    const t1 = now();
    const dGrids = this.imager.adjoint(shot, res.dSensor, res.dMeanPsf);
    opticsMs += now() - t1;
    return { loss: res.loss, psnr: res.psnr, dGrids, opticsMs };
  }

  /** ∂(mean accumulated loss + penalty)/∂θ and the penalty, from PSF-grid gradients per depth. */
  private lensGradient(dGrids: readonly (Float64Array | null)[], scale: number): { gradient: Float64Array; penalty: number } {
    const gradient = this.stack.gradient(dGrids.map((g) => (g && scale !== 1 ? g.map((v) => v * scale) : g)));
    let penalty = 0;
    if (this.merit) {
      const { residuals, jacobian } = this.merit.problem.evaluate(this.x, true);
      const nv = this.x.length;
      for (let i = 0; i < residuals.length; i++) {
        penalty += residuals[i] * residuals[i];
        for (let j = 0; j < nv; j++) gradient[j] += 2 * residuals[i] * jacobian![i * nv + j];
      }
    }
    return { gradient, penalty };
  }

  /**
   * Loss of a batch through the current lens and reconstruction, optionally with the lens gradient
   * ∂(L + penalty)/∂θ and a reconstruction update. The lens does not change.
   */
  batchLoss(
    examples: PlacedScene[],
    opts: { updateNetwork: boolean; lensGradient: boolean },
  ): { loss: number; psnr: number; penalty: number; gradient?: Float64Array; opticsMs: number } {
    const r = this.forwardBackward(examples, { update: opts.updateNetwork, psfGradient: opts.lensGradient });
    if (!r.dGrids) return { loss: r.loss, psnr: r.psnr, penalty: 0, opticsMs: r.opticsMs };
    const t = now();
    const { gradient, penalty } = this.lensGradient(r.dGrids, 1);
    return { loss: r.loss, psnr: r.psnr, penalty, gradient, opticsMs: r.opticsMs + now() - t };
  }

  /** Draws the next training batch from the run's random stream. */
  sampleBatch(): PlacedScene[] {
    const o = this.options;
    const D = this.trainDepthsMm.length;
    return Array.from({ length: o.batch }, () => {
      const ex = sampleTraining(this.data, this.sensor, o.patch, this.psfSize, this.rng);
      return { ...ex, depthMm: this.trainDepthsMm[D > 1 ? this.rng.int(D) : 0] };
    });
  }

  /** Runs one step (see the module docs) and returns its progress event. */
  runStep(): E2eProgress {
    const o = this.options;
    const t0 = now();
    const joint = o.trainLens && this.step >= o.warmupSteps && this.variables.length > 0;
    if (o.netSchedule !== 'constant' && this.networkOn) this.trainer.setLearningRate(scheduledLearningRate(this.trainer.learningRate, o.netSchedule, this.step, o.networkStart, o.steps));
    const r = this.forwardBackward(this.sampleBatch(), { update: true, psfGradient: joint });
    let opticsMs = r.opticsMs;
    let warning: string | undefined;
    let penalty = 0;
    if (r.dGrids) {
      const t1 = now();
      r.dGrids.forEach((g, d) => {
        if (!g) return;
        const acc = this.pending.grids[d];
        if (!acc) this.pending.grids[d] = Float64Array.from(g);
        else for (let k = 0; k < g.length; k++) acc[k] += g[k];
      });
      this.pending.count++;
      if (this.pending.count >= o.lensEvery || this.step + 1 >= o.steps) {
        const lg = this.lensGradient(this.pending.grids, 1 / this.pending.count);
        penalty = lg.penalty;
        this.pending = this.emptyPending();
        warning = this.lensStep(lg.gradient);
      }
      opticsMs += now() - t1;
    }
    this.step++;
    return {
      step: this.step,
      totalSteps: o.steps,
      phase: !o.trainLens ? 'network' : joint ? 'joint' : 'warmup',
      networkOn: this.step - 1 >= o.networkStart,
      loss: r.loss,
      psnr: r.psnr,
      penalty,
      ...this.lensSummary(),
      logK: this.recon.usesWiener ? this.recon.logK : NaN,
      opticsMs,
      stepMs: now() - t0,
      warning,
    };
  }

  /** Sets the lens variables (the PSFs are traced again when next needed); for tests and resuming. */
  setLensVariables(x: ArrayLike<number>): void {
    this.x.set(x);
    writeParams(this.system, this.params, this.x);
    applySolves(this.system);
    this.stack.grids();
  }

  /** The penalty Σ r² at the current lens (0 without lens training). */
  penaltyValue(): number {
    if (!this.merit) return 0;
    const { residuals } = this.merit.problem.evaluate(this.x, false);
    return residuals.reduce((s, r) => s + r * r, 0);
  }

  /** Adam step on the lens; undoes it if the new lens cannot be traced. */
  private lensStep(g: Float64Array): string | undefined {
    const prev = Float64Array.from(this.x);
    if (!g.every(Number.isFinite)) {
      this.adam.reset();
      return 'non-finite lens gradient: lens step skipped';
    }
    this.adam.step(this.x, g);
    writeParams(this.system, this.params, this.x);
    applySolves(this.system);
    try {
      this.stack.grids();
      return undefined;
    } catch (err) {
      this.x.set(prev);
      writeParams(this.system, this.params, this.x);
      applySolves(this.system);
      this.stack.grids();
      this.adam.reset();
      return `lens step undone: ${(err as Error).message}`;
    }
  }

  /**
   * Runs the remaining steps, calling onProgress after each and yielding to the event loop every
   * `yieldEveryMs` so a caller can cancel through `signal`.
   */
  async run(opts: { onProgress?: (p: E2eProgress) => void | Promise<void>; signal?: AbortSignal; yieldEveryMs?: number } = {}): Promise<'done' | 'cancelled'> {
    let last = now();
    while (this.step < this.options.steps) {
      if (opts.signal?.aborted) return 'cancelled';
      const p = this.runStep();
      await opts.onProgress?.(p);
      if (now() - last > (opts.yieldEveryMs ?? 50)) {
        await new Promise((r) => setTimeout(r, 0));
        last = now();
      }
    }
    return 'done';
  }

  /** Restores network-free state (step, lens variables, lens optimizer, data RNG, log κ) from getState(). */
  setState(s: E2eState): void {
    if (s.x.length !== this.x.length) throw new Error(`checkpoint has ${s.x.length} lens variables, this run has ${this.x.length}`);
    this.step = s.step;
    this.x.set(s.x);
    writeParams(this.system, this.params, this.x);
    applySolves(this.system);
    this.adam.setState(s.lensAdam);
    this.rng = new Rng(0).setState(s.rng);
    if (s.recon) this.recon.setState(s.recon);
    this.pending = s.pending ? { count: s.pending.count, grids: s.pending.grids.map((g) => (g ? Float64Array.from(g) : null)) } : this.emptyPending();
    this.stack.grids();
  }

  getState(): E2eState {
    return {
      step: this.step,
      x: Array.from(this.x),
      lensAdam: this.adam.getState(),
      rng: this.rng.getState(),
      recon: this.recon.getState(),
      pending: { count: this.pending.count, grids: this.pending.grids.map((g) => (g ? Array.from(g) : null)) },
    };
  }

  /**
   * The fixed held-out examples of this run's data: `count` scene crops (the same for every run with
   * the same seed), each at every held-out depth with its own fixed noise.
   */
  heldOut(count: number): PlacedScene[] {
    const P = this.options.evalPatch ?? this.options.patch;
    const scenes = heldOutExamples(this.data, this.sensor, P, this.psfSize, count, this.options.seed);
    return scenes.flatMap((ex) => this.evalDepthsMm.map((z, d) => ({ ...ex, depthMm: z, noiseSeed: d === 0 ? ex.noiseSeed : deriveSeed(ex.noiseSeed, d) })));
  }

  /**
   * Renders each held-out example through the current lens, restores it and scores sensor and
   * restored patches against the truth (PSNR, SSIM over the central region without `margin`;
   * restored values clipped to [0, 1]). Keeps the images of the first `keepImages` examples.
   * @param network false: bypass the network (the Wiener stage alone); default: as trained so far
   */
  evaluate(examples: PlacedScene[], keepImages = 3, network = this.networkOn): EvalResult {
    const P = this.options.evalPatch ?? this.options.patch;
    return evaluateExamples(this.imager, this.recon, examples, P, this.options.batch, this.options.margin, keepImages, network);
  }

  /**
   * The linear-reconstruction bounds of the current lens on held-out examples (./wienerBounds.ts):
   * the Wiener filter with the depth-averaged PSF and with each patch's true-depth PSF, κ chosen on
   * these examples for the best mean PSNR; same patch size, margin and prior as evaluate.
   */
  wienerBounds(examples: PlacedScene[]): WienerBound[] {
    return wienerBounds(this.imager, examples, this.boundOptions());
  }

  /** wienerBounds, yielding to the event loop between Wiener passes; null when `signal` aborts. */
  wienerBoundsAsync(examples: PlacedScene[], signal?: AbortSignal): Promise<WienerBound[] | null> {
    return wienerBoundsAsync(this.imager, examples, this.boundOptions(), signal);
  }

  private boundOptions() {
    return { patch: this.options.evalPatch ?? this.options.patch, margin: this.options.margin, prior: this.recon.options.wienerPrior };
  }
}
