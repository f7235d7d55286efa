/**
 * Training the reconstruction network on (blurred, sharp) batches, and the gradient of the loss with
 * respect to the blurred input, which the lens gradient starts from.
 *
 * Loss (per batch, images [B, H, W, C] in linear intensity):
 *   L = mean |ŷ − y|  (L1),  mean (ŷ − y)²  (MSE)  or  mean_b log10(MSE_b + 1e−10)  ('psnr': minus the
 *   mean per-image PSNR / 10 dB for a peak of 1, the held-out metric itself, which weighs an image
 *   already close to its truth as much as a badly blurred one),   plus  w_ssim · (1 − SSIM(ŷ, y))
 * with SSIM as in ./metricsTf.ts, over the whole image or, with `margin` m, over its central
 * (H − 2m) × (W − 2m) pixels (pixels near a patch's border depend on scene content beyond the
 * patch that the reconstruction never sees). The PSNR reported is over the same region. The network's weights are updated with TensorFlow.js's Adam
 * (Kingma & Ba 2015), whose state (step count and moments) can be saved and restored positionally.
 */
import * as tf from '@tensorflow/tfjs';
import { psnrTf, ssimTf } from './metricsTf.ts';
import { packTensors, type WeightSpec } from './unet.ts';

export interface LossConfig {
  /** Pixel loss: 'l1' (default), 'mse' or 'psnr' (see the module docs). */
  kind: 'l1' | 'mse' | 'psnr';
  /** Weight of (1 − SSIM); 0 disables it. Default 0. */
  ssimWeight: number;
  /** Border (px) left out of the loss on every side; default 0. */
  margin?: number;
}

/** The central region of a batch without `m` pixels on each side. */
export function cropBorder(x: tf.Tensor4D, m: number): tf.Tensor4D {
  if (!(m > 0)) return x;
  const [, H, W] = x.shape;
  if (2 * m >= H || 2 * m >= W) throw new Error(`loss margin ${m} px leaves nothing of a ${W}×${H} patch`);
  return tf.slice(x, [0, m, m, 0], [-1, H - 2 * m, W - 2 * m, -1]);
}

/** The restoration loss (see the module docs) as a scalar tensor. */
export function restorationLoss(pred: tf.Tensor4D, target: tf.Tensor4D, cfg: LossConfig): tf.Scalar {
  return tf.tidy(() => {
    pred = cropBorder(pred, cfg.margin ?? 0);
    target = cropBorder(target, cfg.margin ?? 0);
    const d = pred.sub(target);
    let loss =
      cfg.kind === 'psnr'
        ? (d.square().mean([1, 2, 3]).add(1e-10).log().div(Math.LN10).mean() as tf.Scalar)
        : ((cfg.kind === 'mse' ? d.square() : d.abs()).mean() as tf.Scalar);
    if (cfg.ssimWeight > 0) loss = loss.add(tf.scalar(1).sub(ssimTf(pred, target)).mul(cfg.ssimWeight));
    return loss;
  });
}

export interface StepResult {
  loss: number;
  /** Mean per-image PSNR of the restored batch, dB. */
  psnr: number;
  /** ∂L/∂input, [B, H, W, C] flattened (only when asked for). */
  inputGradient?: Float32Array;
}

/** A network with its Adam optimizer and loss. Call dispose() when done. */
export class NetworkTrainer {
  readonly optimizer: tf.AdamOptimizer;

  constructor(
    readonly model: tf.LayersModel,
    readonly loss: LossConfig,
    /** The (peak) Adam learning rate; see setLearningRate for a schedule. */
    readonly learningRate: number,
  ) {
    if (!(learningRate > 0)) throw new Error(`network learning rate must be positive (got ${learningRate})`);
    this.optimizer = tf.train.adam(learningRate);
  }

  /** Sets Adam's step size for the next updates (a schedule; tfjs reads it at every update). */
  setLearningRate(rate: number): void {
    if (!(rate > 0)) throw new Error(`network learning rate must be positive (got ${rate})`);
    (this.optimizer as unknown as { learningRate: number }).learningRate = rate;
  }

  /** Adam's current step size. */
  get currentLearningRate(): number {
    return (this.optimizer as unknown as { learningRate: number }).learningRate;
  }

  private variables(): tf.Variable[] {
    return this.model.trainableWeights.map((w) => w.read() as tf.Variable);
  }

  /**
   * One step on a batch: the loss, the restored PSNR, optionally ∂L/∂input, and (if `update`) an
   * Adam update of the network's weights.
   * @param input blurred batch [B, H, W, C]; target the sharp batch
   */
  step(input: tf.Tensor4D, target: tf.Tensor4D, opts: { update: boolean; inputGradient: boolean }): StepResult {
    const vars = this.variables();
    const inputVar = opts.inputGradient ? tf.variable(input, true) : null;
    try {
      let psnr = NaN;
      const f = () => {
        const pred = this.model.apply(inputVar ?? input, { training: true }) as tf.Tensor4D;
        const m = this.loss.margin ?? 0;
        psnr = tf.tidy(() => psnrTf(cropBorder(tf.clipByValue(pred, 0, 1) as tf.Tensor4D, m), cropBorder(target, m)).dataSync()[0]);
        return restorationLoss(pred, target, this.loss);
      };
      const list = inputVar ? [...vars, inputVar] : vars;
      const { value, grads } = tf.variableGrads(f, list);
      let inputGradient: Float32Array | undefined;
      if (inputVar) {
        inputGradient = grads[inputVar.name].dataSync() as Float32Array;
        grads[inputVar.name].dispose();
        delete grads[inputVar.name];
      }
      if (opts.update && Object.keys(grads).length > 0) this.optimizer.applyGradients(grads as unknown as Record<string, tf.Variable>);
      const loss = value.dataSync()[0];
      tf.dispose([value, ...Object.values(grads)]);
      return { loss, psnr, inputGradient };
    } finally {
      inputVar?.dispose();
    }
  }

  /** Restores a batch (inference, no gradient): [B, H, W, C] → same shape. */
  predict(input: tf.Tensor4D): tf.Tensor4D {
    return tf.tidy(() => this.model.predict(input) as tf.Tensor4D);
  }

  /** The optimizer's state (step count and moments) packed as one Float32Array, positionally. */
  async saveOptimizerState(): Promise<{ specs: WeightSpec[]; data: Float32Array }> {
    const named = await this.optimizer.getWeights();
    return packTensors(named.map((n, i) => ({ name: `${i}`, tensor: n.tensor })));
  }

  /** Restores state written by saveOptimizerState (same network architecture). */
  async loadOptimizerState(specs: readonly WeightSpec[], data: Float32Array): Promise<void> {
    const nVars = this.variables().length;
    if (specs.length !== 1 + 2 * nVars) {
      throw new Error(`optimizer state has ${specs.length} tensors, expected ${1 + 2 * nVars} for this network`);
    }
    const named = specs.map((s, i) => {
      const n = s.shape.reduce((a, b) => a * b, 1);
      return { name: i === 0 ? 'iter' : `m${i}`, tensor: tf.tensor(data.subarray(s.offset, s.offset + n), s.shape) };
    });
    await this.optimizer.setWeights(named);
    tf.dispose(named.map((n) => n.tensor));
    // tfjs's setWeights recomputes β₁ᵗ⁺¹ and β₂ᵗ⁺¹ with pow(), while training multiplies them by β
    // once per step in float32; redo the products so a resumed run continues bit for bit.
    const t = this.optimizer.iterations;
    const opt = this.optimizer as unknown as { accBeta1: tf.Variable; accBeta2: tf.Variable; beta1: number; beta2: number };
    const power = (b: number) => {
      const f = Math.fround(b);
      let v = f;
      for (let i = 0; i < t; i++) v = Math.fround(v * f);
      return v;
    };
    tf.tidy(() => {
      opt.accBeta1.assign(tf.scalar(power(opt.beta1)));
      opt.accBeta2.assign(tf.scalar(power(opt.beta2)));
    });
  }

  dispose(): void {
    this.optimizer.dispose();
    this.model.dispose();
  }
}
