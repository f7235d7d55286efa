/**
 * The reconstruction stage of an end-to-end run: sensor patches → restored patches, and back.
 *
 * Kinds: 'unet' (the network of ./network.ts on the sensor image), 'wiener' (./wiener.ts with the
 * depth-averaged PSF, its weight log κ learned; the "network" is the identity), 'wiener+unet' (the
 * Wiener estimate refined by the residual U-Net, whose untrained state passes the estimate through).
 *
 * Wiener kinds pass on the learned blend b = x̂ + α (y − x̂) of the Wiener estimate x̂ and the sensor
 * image y, α = σ(a) ∈ (0, 1) with a learned (a skip connection around the filter): a depth-blind
 * Wiener filter with the depth-averaged PSF over-sharpens the object distances the lens already
 * images sharply (measured on edof's nominal lens: 38.5 dB sensor → 32.4 dB Wiener at 6.7 m), and
 * the blend lets the reconstruction keep what the sensor already has. ∂L/∂y = α ∂L/∂b + (Wiener
 * adjoint of (1 − α) ∂L/∂b), ∂L/∂a = α(1 − α) Σ ∂L/∂b · (y − x̂).
 * The Wiener part runs in float64 in JavaScript; the network and the loss in TensorFlow.js (float32),
 * whose ∂L/∂(network input) comes back and continues, for Wiener, through the Wiener adjoint to
 * ∂L/∂(sensor patch), ∂L/∂(mean PSF) and ∂L/∂log κ. log κ has its own Adam (step `logKStep` per
 * iteration, natural-log units).
 *
 * With `sensorInput` ('wiener+unet' only) the U-Net sees the raw sensor image y as C extra input
 * planes beside the blend b (input [b, y] per pixel, its residual added to b), so it can tell where
 * the depth-blind filter over-sharpens (an object distance the lens already images sharply) and
 * fall back to y there; ∂L/∂y then also takes the network's gradient for those planes directly.
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
  /** Initial blend logit a (α = σ(a) of the sensor image; Wiener kinds). */
  mixLogit: number;
  /** 'wiener+unet': the U-Net also sees the sensor image (2C input planes; see the module docs). */
  sensorInput: boolean;
}

export const DEFAULT_RECONSTRUCTION: ReconstructionOptions = { kind: 'unet', wienerPrior: 'gradient', logK: -2, logKStep: 0.05, mixLogit: -2, sensorInput: false };

export interface ReconstructionState {
  logK: number;
  adam: LensAdamState;
  /** Blend logit and its Adam state (absent in checkpoints written before the blend existed). */
  mixLogit?: number;
  mixAdam?: LensAdamState;
}

export interface ReconStepResult {
  loss: number;
  psnr: number;
  /** ∂L/∂(sensor patch) per example (float64), when asked for. */
  dSensor?: Float64Array[];
  /** ∂L/∂(mean PSF) per distinct PSF array (Wiener kinds), when the sensor gradient was asked for. */
  dMeanPsf?: Map<Float64Array, Float64Array>;
  /** ∂L/∂log κ and ∂L/∂a (blend logit), Wiener kinds, whenever the input gradient was computed. */
  dLogK?: number;
  dMixLogit?: number;
}

/** Sensor → restored images for a batch; owns log κ, not the trainer. */
export class Reconstruction {
  readonly options: ReconstructionOptions;
  logK: number;
  /** Blend logit a: the restored input is x̂ + σ(a)(y − x̂). */
  mixLogit: number;
  private readonly adam: LensAdam;
  private readonly mixAdam: LensAdam;
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
    this.mixLogit = this.options.mixLogit;
    this.mixAdam = new LensAdam(Float64Array.of(this.options.logKStep));
  }

  /** α = σ(a), the sensor image's share of the blend. */
  get mix(): number {
    return 1 / (1 + Math.exp(-this.mixLogit));
  }

  get usesWiener(): boolean {
    return this.options.kind !== 'unet';
  }

  /** Input planes of the network (when on): C, or 2C with the sensor image beside the blend. */
  get networkInputChannels(): number {
    return this.options.sensorInput && this.options.kind === 'wiener+unet' ? 2 * this.channels : this.channels;
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
  private input(sensor: readonly Float64Array[], psfs: readonly Float64Array[] | null, patch: number, network: boolean): { input: tf.Tensor4D; ctx: WienerContext | null; estimates: Float64Array[] | null } {
    const C = this.channels;
    const n = patch * patch * C;
    let planes: readonly ArrayLike<number>[] = sensor;
    let ctx: WienerContext | null = null;
    let estimates: Float64Array[] | null = null;
    if (this.usesWiener) {
      if (!psfs) throw new Error('Wiener reconstruction needs the mean PSF of every patch');
      const res = this.wiener(patch).forward(sensor, psfs, this.logK);
      const a = this.mix;
      estimates = res.outputs;
      planes = res.outputs.map((x, b) => {
        const y = sensor[b];
        const out = new Float64Array(x.length);
        for (let i = 0; i < x.length; i++) out[i] = x[i] + a * (y[i] - x[i]);
        return out;
      });
      ctx = res.context;
    }
    const inC = network ? this.networkInputChannels : C;
    if (inC === C) {
      const data = new Float32Array(sensor.length * n);
      planes.forEach((p, b) => data.set(p, b * n));
      return { input: tf.tensor4d(data, [sensor.length, patch, patch, C]), ctx, estimates };
    }
    // [b, y] per pixel
    const data = new Float32Array(sensor.length * 2 * n);
    const M = patch * patch;
    planes.forEach((p, b) => {
      const y = sensor[b];
      const o = b * 2 * n;
      for (let i = 0; i < M; i++) {
        for (let c = 0; c < C; c++) {
          data[o + i * 2 * C + c] = p[i * C + c];
          data[o + i * 2 * C + C + c] = y[i * C + c];
        }
      }
    });
    return { input: tf.tensor4d(data, [sensor.length, patch, patch, 2 * C]), ctx, estimates };
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
    const network = opts.network ?? true;
    const { input, ctx, estimates } = this.input(sensor, psfs, patch, network);
    const needInput = opts.sensorGradient || (this.usesWiener && opts.update);
    let res;
    try {
      res = this.net(network).step(input, target, { update: opts.update, inputGradient: needInput });
    } finally {
      input.dispose();
    }
    const out: ReconStepResult = { loss: res.loss, psnr: res.psnr };
    if (!res.inputGradient) return out;
    const C = this.channels;
    const n = patch * patch * C;
    const inC = network ? this.networkInputChannels : C;
    let dIn: Float64Array[];
    let dDirect: Float64Array[] | null = null;
    if (inC === C) dIn = sensor.map((_, b) => Float64Array.from(res.inputGradient!.subarray(b * n, (b + 1) * n)));
    else {
      // split [∂L/∂b, ∂L/∂y (direct)] per pixel
      const g = res.inputGradient;
      const M = patch * patch;
      dIn = sensor.map(() => new Float64Array(n));
      dDirect = sensor.map(() => new Float64Array(n));
      for (let b = 0; b < sensor.length; b++) {
        const o = b * 2 * n;
        for (let i = 0; i < M; i++) {
          for (let c = 0; c < C; c++) {
            dIn[b][i * C + c] = g[o + i * 2 * C + c];
            dDirect[b][i * C + c] = g[o + i * 2 * C + C + c];
          }
        }
      }
    }
    if (!ctx) {
      out.dSensor = dIn;
      return out;
    }
    // b = x̂ + α(y − x̂): back through the blend, then the Wiener adjoint
    const a = this.mix;
    let dA = 0;
    const dW = dIn.map((d, bi) => {
      const y = sensor[bi];
      const xh = estimates![bi];
      const out = new Float64Array(d.length);
      for (let i = 0; i < d.length; i++) {
        dA += d[i] * (y[i] - xh[i]);
        out[i] = (1 - a) * d[i];
      }
      return out;
    });
    const g = this.wiener(patch).backward(ctx, dW);
    for (let bi = 0; bi < g.dInputs.length; bi++) {
      const gi = g.dInputs[bi];
      const d = dIn[bi];
      for (let i = 0; i < gi.length; i++) gi[i] += a * d[i];
      if (dDirect) {
        const dd = dDirect[bi];
        for (let i = 0; i < gi.length; i++) gi[i] += dd[i];
      }
    }
    out.dLogK = g.dLogK;
    out.dMixLogit = dA * a * (1 - a);
    if (opts.update) {
      const x = Float64Array.of(this.logK);
      this.adam.step(x, Float64Array.of(g.dLogK));
      this.logK = x[0];
      const m = Float64Array.of(this.mixLogit);
      this.mixAdam.step(m, Float64Array.of(out.dMixLogit));
      this.mixLogit = m[0];
    }
    if (opts.sensorGradient) {
      out.dSensor = g.dInputs;
      out.dMeanPsf = g.dPsfs;
    }
    return out;
  }

  /** Restored patches (no gradient), [B, P, P, C] as one Float32Array. */
  predict(sensor: readonly Float64Array[], psfs: readonly Float64Array[] | null, patch: number, network = true): Float32Array {
    const { input } = this.input(sensor, psfs, patch, network);
    try {
      const out = this.net(network).predict(input);
      const data = out.dataSync() as Float32Array;
      out.dispose();
      return data;
    } finally {
      input.dispose();
    }
  }

  /** The Wiener estimates alone (float64, without the blend), for pictures and diagnostics. */
  wienerEstimate(sensor: readonly Float64Array[], psfs: readonly Float64Array[], patch: number): Float64Array[] {
    return this.wiener(patch).forward(sensor, psfs, this.logK).outputs;
  }

  /** Frees the bypass network (the trainer is the caller's). */
  dispose(): void {
    this.bypass?.dispose();
    this.bypass = null;
  }

  getState(): ReconstructionState {
    return { logK: this.logK, adam: this.adam.getState(), mixLogit: this.mixLogit, mixAdam: this.mixAdam.getState() };
  }

  setState(s: ReconstructionState): void {
    this.logK = s.logK;
    this.adam.setState(s.adam);
    if (s.mixLogit !== undefined) this.mixLogit = s.mixLogit;
    if (s.mixAdam) this.mixAdam.setState(s.mixAdam);
  }
}
