/**
 * The reconstruction stage of an end-to-end run: sensor patches → restored patches, and back.
 *
 * Kinds: 'unet' (the network of ./network.ts on the sensor image), 'wiener' (./wiener.ts with the
 * depth-averaged PSF, its weight log κ learned; the "network" is the identity), 'wiener+unet' (the
 * Wiener estimate refined by the residual U-Net, whose untrained state passes the estimate through).
 * The Wiener part runs in float64 in JavaScript; the network and the loss in TensorFlow.js (float32),
 * whose ∂L/∂(network input) comes back and continues, for Wiener, through the Wiener adjoint to
 * ∂L/∂(sensor patch), ∂L/∂(mean PSF) and ∂L/∂log κ. log κ has its own Adam (step `logKStep` per
 * iteration, natural-log units).
 *
 * `network: false` in a step or prediction bypasses the network (the residual U-Net's state at
 * initialisation, the identity), so a schedule can train the Wiener stage (and the lens) alone
 * first and switch the network on later.
 */
import * as tf from '@tensorflow/tfjs';
import type { ReconKind } from '../io/e2eTask.ts';
import { LensAdam, type LensAdamState } from './lensAdam.ts';
import { NetworkTrainer } from './network.ts';
import { buildIdentity } from './unet.ts';
import { WienerDeconvolver, type WienerContext, type WienerPrior } from './wiener.ts';

export interface ReconstructionOptions {
  kind: ReconKind;
  wienerPrior: WienerPrior;
  /** Initial log κ (natural log). */
  logK: number;
  /** Adam step of log κ per iteration. */
  logKStep: number;
}

export const DEFAULT_RECONSTRUCTION: ReconstructionOptions = { kind: 'unet', wienerPrior: 'gradient', logK: -2, logKStep: 0.05 };

export interface ReconstructionState {
  logK: number;
  adam: LensAdamState;
}

export interface ReconStepResult {
  loss: number;
  psnr: number;
  /** ∂L/∂(sensor patch) per example (float64), when asked for. */
  dSensor?: Float64Array[];
  /** ∂L/∂(mean PSF) per distinct PSF array (Wiener kinds), when the sensor gradient was asked for. */
  dMeanPsf?: Map<Float64Array, Float64Array>;
}

/** Sensor → restored images for a batch; owns log κ, not the trainer. */
export class Reconstruction {
  readonly options: ReconstructionOptions;
  logK: number;
  private readonly adam: LensAdam;
  private readonly wieners = new Map<number, WienerDeconvolver>();
  private bypass: NetworkTrainer | null = null;

  constructor(
    readonly trainer: NetworkTrainer,
    readonly channels: number,
    readonly kernel: number,
    options: Partial<ReconstructionOptions> = {},
  ) {
    this.options = { ...DEFAULT_RECONSTRUCTION, ...options };
    this.logK = this.options.logK;
    this.adam = new LensAdam(Float64Array.of(this.options.logKStep));
  }

  get usesWiener(): boolean {
    return this.options.kind !== 'unet';
  }

  /** The network, or (network = false) the identity with the same loss. */
  private net(network: boolean): NetworkTrainer {
    if (network) return this.trainer;
    this.bypass ??= new NetworkTrainer(buildIdentity(this.channels), this.trainer.loss, 1e-3);
    return this.bypass;
  }

  private wiener(patch: number): WienerDeconvolver {
    let w = this.wieners.get(patch);
    if (!w) {
      w = new WienerDeconvolver(patch, this.kernel, this.channels, this.options.wienerPrior);
      this.wieners.set(patch, w);
    }
    return w;
  }

  /** The network input for a batch: Wiener estimates or the sensor patches, [B, P, P, C]. */
  private input(sensor: readonly Float64Array[], psfs: readonly Float64Array[] | null, patch: number): { input: tf.Tensor4D; ctx: WienerContext | null } {
    const C = this.channels;
    const n = patch * patch * C;
    let planes: readonly ArrayLike<number>[] = sensor;
    let ctx: WienerContext | null = null;
    if (this.usesWiener) {
      if (!psfs) throw new Error('Wiener reconstruction needs the mean PSF of every patch');
      const res = this.wiener(patch).forward(sensor, psfs, this.logK);
      planes = res.outputs;
      ctx = res.context;
    }
    const data = new Float32Array(sensor.length * n);
    planes.forEach((p, b) => data.set(p, b * n));
    return { input: tf.tensor4d(data, [sensor.length, patch, patch, C]), ctx };
  }

  /**
   * One training step on a batch: loss, PSNR, optionally a network (and log κ) update and
   * ∂L/∂(sensor), ∂L/∂(mean PSF).
   * @param target the sharp batch [B, P, P, C]
   */
  step(
    sensor: readonly Float64Array[],
    psfs: readonly Float64Array[] | null,
    target: tf.Tensor4D,
    patch: number,
    opts: { update: boolean; sensorGradient: boolean; network?: boolean },
  ): ReconStepResult {
    const { input, ctx } = this.input(sensor, psfs, patch);
    const needInput = opts.sensorGradient || (this.usesWiener && opts.update);
    let res;
    try {
      res = this.net(opts.network ?? true).step(input, target, { update: opts.update, inputGradient: needInput });
    } finally {
      input.dispose();
    }
    const out: ReconStepResult = { loss: res.loss, psnr: res.psnr };
    if (!res.inputGradient) return out;
    const n = patch * patch * this.channels;
    const dIn = sensor.map((_, b) => Float64Array.from(res.inputGradient!.subarray(b * n, (b + 1) * n)));
    if (!ctx) {
      out.dSensor = dIn;
      return out;
    }
    const g = this.wiener(patch).backward(ctx, dIn);
    if (opts.update) {
      const x = Float64Array.of(this.logK);
      this.adam.step(x, Float64Array.of(g.dLogK));
      this.logK = x[0];
    }
    if (opts.sensorGradient) {
      out.dSensor = g.dInputs;
      out.dMeanPsf = g.dPsfs;
    }
    return out;
  }

  /** Restored patches (no gradient), [B, P, P, C] as one Float32Array. */
  predict(sensor: readonly Float64Array[], psfs: readonly Float64Array[] | null, patch: number, network = true): Float32Array {
    const { input } = this.input(sensor, psfs, patch);
    try {
      const out = this.net(network).predict(input);
      const data = out.dataSync() as Float32Array;
      out.dispose();
      return data;
    } finally {
      input.dispose();
    }
  }

  /** The Wiener estimates alone (float64), for pictures and diagnostics. */
  wienerEstimate(sensor: readonly Float64Array[], psfs: readonly Float64Array[], patch: number): Float64Array[] {
    return this.wiener(patch).forward(sensor, psfs, this.logK).outputs;
  }

  /** Frees the bypass network (the trainer is the caller's). */
  dispose(): void {
    this.bypass?.dispose();
    this.bypass = null;
  }

  getState(): ReconstructionState {
    return { logK: this.logK, adam: this.adam.getState() };
  }

  setState(s: ReconstructionState): void {
    this.logK = s.logK;
    this.adam.setState(s.adam);
  }
}
