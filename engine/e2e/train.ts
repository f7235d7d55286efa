/**
 * Joint end-to-end training of a lens and a reconstruction network.
 *
 * One joint step, for a batch of B scenes at random sensor positions:
 *   1. optics: real-ray PSF grid of the current lens (./lensPsf.ts), each patch rendered with the PSF
 *      interpolated at its centre (./render.ts), Poisson–Gaussian sensor noise (./sensor.ts);
 *   2. network: restoration loss L (./network.ts: L1 or MSE, plus w·(1 − SSIM)), Adam on its
 *      weights, and ∂L/∂(blurred batch);
 *   3. optics adjoint: ∂L/∂PSF grid by the rendering adjoint, then ∂L/∂θ of the lens variables by the
 *      splat and real-ray adjoints;
 *   4. lens penalties from the merit function (engine/optimize/meritProblem.ts): EFL held at its
 *      initial value and centre-thickness bounds on glass and air, P = Σ rᵢ², ∂P/∂θ = 2 Jᵀ r;
 *   5. Adam on θ (./lensAdam.ts). Variables are scaled by their effect on the paraxial focus: the
 *      rate of variable j is lensLearningRate / |∂δ/∂θⱼ|, δ = BFL − (image distance) the paraxial
 *      defocus at the primary wavelength (finite differences at the start), so every variable alone
 *      would move the focus by about lensLearningRate mm per step (default 1 µm, well inside the
 *      depth of focus ±2 N p). Curvatures of a 50 mm lens move the focus by ~EFL² Δc: equal steps
 *      in c would defocus the lens long before they improve it. Variables that do not move the
 *      focus fall back to curvature 0.01 mm⁻¹, thickness 1 mm, others as engine/optimize/variables.ts.
 * Warm-up steps (the first `warmupSteps`) train the network alone on the current lens; with
 * `trainLens: false` every step does, which gives the baseline "initial lens + network trained
 * alone on its blur". The noise is treated as independent of the lens (straight-through).
 *
 * A lens step that makes the PSFs impossible (a chief ray lost, a non-finite gradient) is undone
 * and the lens moments are reset; the run continues.
 */
import * as tf from '@tensorflow/tfjs';
import type { LensSystem } from '../optics/system.ts';
import { readParams, writeParams, paramLabel, type ParamRef } from '../optics/params.ts';
import { applySolves } from '../paraxial/solves.ts';
import { writeBack } from '../optics/writeBack.ts';
import type { Prescription } from '../io/prescription.ts';
import { firstOrder } from '../analysis/firstOrder.ts';
import { buildMeritProblem, type MeritProblem } from '../optimize/meritProblem.ts';
import type { MeritSpec } from '../io/meritSpecSchema.ts';
import type { Variable } from '../optimize/variables.ts';
import { heldOutExamples, sampleTraining, targetOf, type PlacedScene, type SceneSet } from './dataset.ts';
import type { FloatImage } from './image.ts';
import { LensAdam, type LensAdamState } from './lensAdam.ts';
import { LensPsf, type LensPsfOptions } from './lensPsf.ts';
import { psnr, ssim } from './metrics.ts';
import type { NetworkTrainer } from './network.ts';
import { Rng } from './prng.ts';
import { renderImage, renderImageAdjointPsf, type PsfFieldGrid, type SensorPlacement } from './render.ts';
import { addSensorNoise, type Sensor } from './sensor.ts';

export interface LensPenaltyOptions {
  /** Weight of (EFL − EFL₀)² in mm² (default 0.1). */
  eflWeight: number;
  /** Weight of each violated thickness bound, per mm² (default 1). */
  boundaryWeight: number;
  /** Centre-thickness bounds, mm (defaults 1, 2 × the thickest glass, 0.1). */
  glassMin?: number;
  glassMax?: number;
  airMin?: number;
}

export interface E2eOptions {
  /** Total steps (network updates), warm-up included. */
  steps: number;
  /** Network-only steps at the start (default 0). */
  warmupSteps: number;
  /** Patches per batch and patch size (px, a multiple of the U-Net's size multiple). */
  batch: number;
  patch: number;
  /** Lens step per iteration, as the paraxial focus shift (mm) it causes per variable (default 1e-3). */
  lensLearningRate: number;
  /** false: the lens stays fixed (baseline run). */
  trainLens: boolean;
  /** Sensor noise on (default true). */
  noise: boolean;
  seed: number;
  penalty: LensPenaltyOptions;
  psf: LensPsfOptions;
}

export const DEFAULT_E2E: Omit<E2eOptions, 'steps'> = {
  warmupSteps: 0,
  batch: 4,
  patch: 64,
  lensLearningRate: 1e-3,
  trainLens: true,
  noise: true,
  seed: 1,
  penalty: { eflWeight: 0.1, boundaryWeight: 1 },
  psf: { nx: 5, ny: 5, psfSize: 21, pupil: { type: 'hexapolar', rings: 10 } },
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
  /** Restoration loss of the batch (before this step's update). */
  loss: number;
  /** Mean PSNR of the restored batch, dB. */
  psnr: number;
  /** Lens penalty value (0 when the lens is fixed). */
  penalty: number;
  /** Current lens variables and EFL (mm). */
  lens: LensVariableValue[];
  efl: number;
  /** Time in optics (PSFs, rendering, adjoints) and in the whole step, ms. */
  opticsMs: number;
  stepMs: number;
  /** Set when the lens step was rejected. */
  warning?: string;
}

export interface EvalResult {
  /** Means over the held-out examples (dB and unitless). */
  psnr: number;
  ssim: number;
  blurredPsnr: number;
  blurredSsim: number;
  perExample: { psnr: number; ssim: number; blurredPsnr: number; blurredSsim: number; xMm: number; yMm: number }[];
  /** The first few examples' images (blurred, restored, ground truth). */
  images: { blurred: FloatImage; restored: FloatImage; truth: FloatImage }[];
}

export interface E2eState {
  step: number;
  x: number[];
  lensAdam: LensAdamState;
  rng: number[];
}

const now = () => (typeof performance !== 'undefined' ? performance.now() : Date.now());

function fallbackScale(v: Variable): number {
  if (v.kind === 'curvature') return 0.01;
  if (v.kind === 'thickness') return 1;
  return v.scale;
}

/**
 * Per-variable scales: the change of each variable that moves the paraxial focus by 1 mm
 * (|∂δ/∂θ|⁻¹ by central differences, δ = BFL − last thickness), or the fallback scale when the
 * variable does not move the focus. The system is restored.
 */
export function focusScales(system: LensSystem, variables: readonly Variable[]): Float64Array {
  const params: ParamRef[] = variables.map((v) => ({ kind: v.kind, surface: v.surface, index: v.index }));
  const x0 = readParams(system, params);
  const last = system.surfaces.length - 2;
  const defocus = () => firstOrder(system).bfl - system.surfaces[last].thickness;
  const out = new Float64Array(variables.length);
  variables.forEach((v, j) => {
    const h = 1e-6 * fallbackScale(v);
    const at = (d: number) => {
      const x = Float64Array.from(x0);
      x[j] += d;
      writeParams(system, params, x);
      applySolves(system);
      return defocus();
    };
    const slope = (at(h) - at(-h)) / (2 * h);
    out[j] = Number.isFinite(slope) && Math.abs(slope) > 1e-9 ? 1 / Math.abs(slope) : fallbackScale(v);
  });
  writeParams(system, params, x0);
  applySolves(system);
  return out;
}

/** The merit spec of the lens penalties (EFL target + centre-thickness bounds). */
export function penaltySpec(system: LensSystem, variables: readonly Variable[], p: LensPenaltyOptions): MeritSpec {
  const efl = firstOrder(system).efl;
  let thickest = 0;
  for (let s = 0; s < system.surfaces.length - 1; s++) {
    if (system.surfaces[s].material.name !== 'AIR' && !system.surfaces[s].mirror) thickest = Math.max(thickest, Math.abs(system.surfaces[s].thickness));
  }
  return {
    operands: [{ type: 'EFL', target: efl, weight: p.eflWeight }],
    defaultMerit: {
      weight: 0,
      glassMin: p.glassMin ?? 1,
      glassMax: p.glassMax ?? Math.max(2 * thickest, 2),
      airMin: p.airMin ?? 0.1,
      boundaryWeight: p.boundaryWeight,
    },
    variables: variables.map((v) => ({ kind: v.kind, surface: v.surface, index: v.index, lower: Number.isFinite(v.lower) ? v.lower : undefined, upper: Number.isFinite(v.upper) ? v.upper : undefined })),
  };
}

/** A joint (or baseline) end-to-end run. Owns neither the network trainer nor the system. */
export class E2eRun {
  readonly options: E2eOptions;
  readonly lensPsf: LensPsf;
  readonly params: ParamRef[];
  private readonly merit: MeritProblem | null;
  private readonly adam: LensAdam;
  private readonly x: Float64Array;
  private rng: Rng;
  private grid: PsfFieldGrid;
  step = 0;

  /**
   * @param system the lens, modified in place as the run optimizes it
   * @param variables lens variables (with bounds and scales)
   * @throws Error for inconsistent options (patch size, steps) or a lens whose PSFs cannot be traced
   */
  constructor(
    readonly system: LensSystem,
    readonly variables: Variable[],
    readonly sensor: Sensor,
    readonly trainer: NetworkTrainer,
    readonly data: SceneSet,
    options: Partial<E2eOptions> & { steps: number },
  ) {
    this.options = { ...DEFAULT_E2E, ...options, penalty: { ...DEFAULT_E2E.penalty, ...options.penalty }, psf: { ...DEFAULT_E2E.psf, ...options.psf } };
    const o = this.options;
    if (!Number.isInteger(o.steps) || o.steps < 0) throw new Error(`steps must be a non-negative integer (got ${o.steps})`);
    if (!Number.isInteger(o.batch) || o.batch < 1) throw new Error(`batch must be a positive integer (got ${o.batch})`);
    if (!Number.isInteger(o.patch) || o.patch < 16) throw new Error(`patch must be an integer ≥ 16 (got ${o.patch})`);
    this.params = variables.map((v) => ({ kind: v.kind, surface: v.surface, index: v.index }));
    this.lensPsf = new LensPsf(system, sensor, this.params, o.psf);
    this.merit = o.trainLens && variables.length > 0 ? buildMeritProblem(system, penaltySpec(system, variables, o.penalty)) : null;
    this.x = readParams(system, this.params);
    this.adam = new LensAdam(
      focusScales(system, variables).map((sc) => o.lensLearningRate * sc),
      Float64Array.from(variables, (v) => v.lower),
      Float64Array.from(variables, (v) => v.upper),
    );
    this.rng = new Rng(o.seed);
    this.grid = this.lensPsf.compute();
  }

  /** The PSF grid of the current lens. */
  psfGrid(): PsfFieldGrid {
    return this.grid;
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

  private placement(ex: PlacedScene): SensorPlacement {
    const p = this.sensor.pixelPitchUm * 1e-3;
    const P = this.options.patch;
    return { x0Mm: ex.xMm - ((P - 1) / 2) * p, y0Mm: ex.yMm + ((P - 1) / 2) * p, pitchMm: p };
  }

  /** Renders one example with the current PSF grid (and its noise), float32 [P, P, C]. */
  private render(ex: PlacedScene): Float32Array {
    const P = this.options.patch;
    const img = renderImage(ex.scene.data, this.grid, this.placement(ex), { width: P, height: P, tile: P });
    if (this.options.noise) addSensorNoise(img, this.sensor, new Rng(ex.noiseSeed));
    return Float32Array.from(img);
  }

  private batchTensors(examples: PlacedScene[]): { input: tf.Tensor4D; target: tf.Tensor4D } {
    const P = this.options.patch;
    const C = this.sensor.channels.length;
    const n = P * P * C;
    const inp = new Float32Array(examples.length * n);
    const tgt = new Float32Array(examples.length * n);
    examples.forEach((ex, b) => {
      inp.set(this.render(ex), b * n);
      tgt.set(targetOf(ex, P).data, b * n);
    });
    const shape: [number, number, number, number] = [examples.length, P, P, C];
    return { input: tf.tensor4d(inp, shape), target: tf.tensor4d(tgt, shape) };
  }

  /**
   * Loss of a batch through the current lens and network, optionally with the lens gradient
   * ∂(L + penalty)/∂θ and a network update. Nothing else changes.
   */
  batchLoss(
    examples: PlacedScene[],
    opts: { updateNetwork: boolean; lensGradient: boolean },
  ): { loss: number; psnr: number; penalty: number; gradient?: Float64Array; opticsMs: number } {
    const t0 = now();
    const { input, target } = this.batchTensors(examples);
    let opticsMs = now() - t0;
    const res = this.trainer.step(input, target, { update: opts.updateNetwork, inputGradient: opts.lensGradient });
    tf.dispose([input, target]);
    if (!opts.lensGradient || !res.inputGradient) return { loss: res.loss, psnr: res.psnr, penalty: 0, opticsMs };
    const t1 = now();
    const P = this.options.patch;
    const n = P * P * this.sensor.channels.length;
    const dGrid = new Float64Array(this.grid.psf.length);
    const shape = { width: P, height: P, tile: P };
    examples.forEach((ex, b) => {
      renderImageAdjointPsf(ex.scene.data, res.inputGradient!.subarray(b * n, (b + 1) * n), this.grid, this.placement(ex), shape, dGrid, { supportOnly: true });
    });
    const gradient = this.lensPsf.gradient(dGrid);
    let penalty = 0;
    if (this.merit) {
      const { residuals, jacobian } = this.merit.problem.evaluate(this.x, true);
      const nv = this.x.length;
      for (let i = 0; i < residuals.length; i++) {
        penalty += residuals[i] * residuals[i];
        for (let j = 0; j < nv; j++) gradient[j] += 2 * residuals[i] * jacobian![i * nv + j];
      }
    }
    opticsMs += now() - t1;
    return { loss: res.loss, psnr: res.psnr, penalty, gradient, opticsMs };
  }

  /** Draws the next training batch from the run's random stream. */
  sampleBatch(): PlacedScene[] {
    const o = this.options;
    return Array.from({ length: o.batch }, () => sampleTraining(this.data, this.sensor, o.patch, this.lensPsf.size, this.rng));
  }

  /** Runs one step (see the module docs) and returns its progress event. */
  runStep(): E2eProgress {
    const o = this.options;
    const t0 = now();
    const joint = o.trainLens && this.step >= o.warmupSteps && this.variables.length > 0;
    const r = this.batchLoss(this.sampleBatch(), { updateNetwork: true, lensGradient: joint });
    let opticsMs = r.opticsMs;
    let warning: string | undefined;
    if (r.gradient) {
      const t1 = now();
      warning = this.lensStep(r.gradient);
      opticsMs += now() - t1;
    }
    this.step++;
    return {
      step: this.step,
      totalSteps: o.steps,
      phase: !o.trainLens ? 'network' : joint ? 'joint' : 'warmup',
      loss: r.loss,
      psnr: r.psnr,
      penalty: r.penalty,
      ...this.lensSummary(),
      opticsMs,
      stepMs: now() - t0,
      warning,
    };
  }

  /** Sets the lens variables (and recomputes the PSFs); for tests and for resuming. */
  setLensVariables(x: ArrayLike<number>): void {
    this.x.set(x);
    writeParams(this.system, this.params, this.x);
    applySolves(this.system);
    this.grid = this.lensPsf.compute();
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
      this.grid = this.lensPsf.compute();
      return undefined;
    } catch (err) {
      this.x.set(prev);
      writeParams(this.system, this.params, this.x);
      applySolves(this.system);
      this.grid = this.lensPsf.compute();
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

  /** Restores network-free state (step, lens variables, lens optimizer, data RNG) from getState(). */
  setState(s: E2eState): void {
    if (s.x.length !== this.x.length) throw new Error(`checkpoint has ${s.x.length} lens variables, this run has ${this.x.length}`);
    this.step = s.step;
    this.x.set(s.x);
    writeParams(this.system, this.params, this.x);
    applySolves(this.system);
    this.adam.setState(s.lensAdam);
    this.rng = new Rng(0).setState(s.rng);
    this.grid = this.lensPsf.compute();
  }

  getState(): E2eState {
    return { step: this.step, x: Array.from(this.x), lensAdam: this.adam.getState(), rng: this.rng.getState() };
  }

  /** The fixed held-out examples of this run's data (same for every run with the same seed). */
  heldOut(count: number): PlacedScene[] {
    return heldOutExamples(this.data, this.sensor, this.options.patch, this.lensPsf.size, count, this.options.seed);
  }

  /**
   * Renders each held-out example through the current lens, restores it with the network and
   * scores blurred and restored patches against the truth (PSNR, SSIM; restored values clipped to
   * [0, 1]). Keeps the images of the first `keepImages` examples.
   */
  evaluate(examples: PlacedScene[], keepImages = 3): EvalResult {
    const P = this.options.patch;
    const C = this.sensor.channels.length;
    const res: EvalResult = { psnr: 0, ssim: 0, blurredPsnr: 0, blurredSsim: 0, perExample: [], images: [] };
    for (let start = 0; start < examples.length; start += this.options.batch) {
      const chunk = examples.slice(start, start + this.options.batch);
      const { input, target } = this.batchTensors(chunk);
      const restored = this.trainer.predict(input);
      const rData = restored.dataSync() as Float32Array;
      const iData = input.dataSync() as Float32Array;
      const tData = target.dataSync() as Float32Array;
      tf.dispose([input, target, restored]);
      const n = P * P * C;
      chunk.forEach((ex, b) => {
        const img = (d: Float32Array, clip: boolean): FloatImage => ({
          width: P,
          height: P,
          channels: C,
          data: clip ? d.slice(b * n, (b + 1) * n).map((v) => Math.min(1, Math.max(0, v))) : d.slice(b * n, (b + 1) * n),
        });
        const truth = img(tData, false);
        const blurred = img(iData, true);
        const rest = img(rData, true);
        const e = { psnr: psnr(rest, truth), ssim: ssim(rest, truth), blurredPsnr: psnr(blurred, truth), blurredSsim: ssim(blurred, truth), xMm: ex.xMm, yMm: ex.yMm };
        res.perExample.push(e);
        if (res.images.length < keepImages) res.images.push({ blurred, restored: rest, truth });
      });
    }
    const N = res.perExample.length;
    for (const k of ['psnr', 'ssim', 'blurredPsnr', 'blurredSsim'] as const) res[k] = res.perExample.reduce((s, e) => s + e[k], 0) / N;
    return res;
  }
}
