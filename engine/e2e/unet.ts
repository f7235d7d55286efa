/**
 * The reconstruction network: a U-Net (Ronneberger, Fischer, Brox, MICCAI 2015) in TensorFlow.js
 * layers, sized for a CPU by default (3 levels, 8-16-32 filters, ≈ 29 k parameters for RGB).
 *
 * Level l (0 = full resolution) has `base·2ˡ` filters and `convsPerLevel` 3 × 3 'same' convolutions
 * with ReLU; the encoder halves the resolution by 2 × 2 max pooling between levels, the decoder
 * doubles it by nearest-neighbour upsampling (our own layer built on rank-4 `tile`, because tfjs 4.22's
 * cpu ResizeNearestNeighborGrad kernel returns wrong gradients for batches larger than one), concatenates the encoder's features of that level
 * (the skip connection) and convolves again. A final 1 × 1 convolution maps to the image channels.
 * With `residual` (default) the network predicts a correction added to its input, and the final
 * layer starts at zero, so an untrained network is the identity (the blurred image itself).
 * With `inputChannels` > `channels` the network sees extra input planes (e.g. the raw sensor image
 * beside a Wiener estimate); the residual is then added to the first `channels` input planes only.
 * Inputs are [B, H, W, C] with H and W multiples of 2^(levels−1).
 *
 * Initialisation is deterministic: layer k's kernel uses He-normal (truncated normal, fan-in) with
 * seed deriveSeed(seed, k); biases start at zero. Weights serialise to one Float32Array in
 * `model.weights` order (see serializeWeights), which app/node/checkpoint.ts writes to disk.
 */
import * as tf from '@tensorflow/tfjs';
import { deriveSeed } from '../imaging/prng.ts';

export interface UNetConfig {
  /** Image channels in and out (1 or 3). */
  channels: number;
  /**
   * Input planes (default `channels`): the first `channels` are the image the residual is added to,
   * the rest extra planes the network may use (a multiple of `channels`).
   */
  inputChannels?: number;
  /** Resolution levels (≥ 1); default 3. */
  levels: number;
  /** Filters at full resolution; level l has base·2ˡ. Default 8. */
  baseFilters: number;
  /** 3 × 3 convolutions per level and side; default 2. */
  convsPerLevel: number;
  /** Predict a residual added to the input (identity at initialisation); default true. */
  residual: boolean;
  /** Seed of the initialisation. */
  seed: number;
}

export const DEFAULT_UNET: Omit<UNetConfig, 'channels'> = { levels: 3, baseFilters: 8, convsPerLevel: 2, residual: true, seed: 1 };

/** Fills defaults and checks ranges. @throws Error naming the bad field */
export function unetConfig(partial: Partial<UNetConfig> & { channels: number }): UNetConfig {
  const cfg = { ...DEFAULT_UNET, ...partial };
  const int = (k: keyof UNetConfig, lo: number, hi: number) => {
    const v = cfg[k] as number;
    if (!Number.isInteger(v) || v < lo || v > hi) throw new Error(`unet.${k} must be an integer in [${lo}, ${hi}] (got ${v})`);
  };
  int('channels', 1, 4);
  int('levels', 1, 6);
  int('baseFilters', 1, 256);
  int('convsPerLevel', 1, 4);
  const inC = cfg.inputChannels ?? cfg.channels;
  if (!Number.isInteger(inC) || inC < cfg.channels || inC % cfg.channels !== 0 || inC > 16 * cfg.channels) {
    throw new Error(`unet.inputChannels must be a multiple of channels (${cfg.channels}) between ${cfg.channels} and ${16 * cfg.channels} (got ${inC})`);
  }
  return cfg;
}

/** The input size a U-Net of `levels` levels accepts must be a multiple of this. */
export function unetSizeMultiple(levels: number): number {
  return 2 ** (levels - 1);
}

/** Builds the U-Net (see the module docs). Deterministic for a given config. */
export function buildUNet(partial: Partial<UNetConfig> & { channels: number }): tf.LayersModel {
  const cfg = unetConfig(partial);
  let k = 0;
  const conv = (filters: number, size: number, name: string, last = false, zero = false) =>
    tf.layers.conv2d({
      filters,
      kernelSize: size,
      padding: 'same',
      activation: last ? 'linear' : 'relu',
      kernelInitializer: zero ? 'zeros' : tf.initializers.heNormal({ seed: deriveSeed(cfg.seed, k++) }),
      biasInitializer: 'zeros',
      name,
    });
  const inC = cfg.inputChannels ?? cfg.channels;
  const input = tf.input({ shape: [null, null, inC], name: 'image' });
  let x: tf.SymbolicTensor = input;
  const skips: tf.SymbolicTensor[] = [];
  for (let l = 0; l < cfg.levels; l++) {
    const f = cfg.baseFilters * 2 ** l;
    for (let c = 0; c < cfg.convsPerLevel; c++) x = conv(f, 3, `enc${l}_conv${c}`).apply(x) as tf.SymbolicTensor;
    if (l < cfg.levels - 1) {
      skips.push(x);
      x = tf.layers.maxPooling2d({ poolSize: 2, strides: 2, name: `enc${l}_pool` }).apply(x) as tf.SymbolicTensor;
    }
  }
  for (let l = cfg.levels - 2; l >= 0; l--) {
    const f = cfg.baseFilters * 2 ** l;
    x = new NearestUpsample2x({ name: `dec${l}_up` }).apply(x) as tf.SymbolicTensor;
    x = tf.layers.concatenate({ axis: -1, name: `dec${l}_skip` }).apply([x, skips[l]]) as tf.SymbolicTensor;
    for (let c = 0; c < cfg.convsPerLevel; c++) x = conv(f, 3, `dec${l}_conv${c}`).apply(x) as tf.SymbolicTensor;
  }
  let out = conv(cfg.channels, 1, 'out_conv', true, cfg.residual).apply(x) as tf.SymbolicTensor;
  if (cfg.residual) {
    const base = inC > cfg.channels ? (new LeadingChannels({ channels: cfg.channels, name: 'residual_base' }).apply(input) as tf.SymbolicTensor) : input;
    out = tf.layers.add({ name: 'residual' }).apply([out, base]) as tf.SymbolicTensor;
  }
  return tf.model({ inputs: input, outputs: out, name: 'unet' });
}

/**
 * The identity "network" (no weights), for a reconstruction that is the Wiener filter alone: the
 * loss and its input gradient then run through the same trainer as a U-Net's.
 */
export function buildIdentity(channels: number): tf.LayersModel {
  const input = tf.input({ shape: [null, null, channels], name: 'image' });
  const out = tf.layers.activation({ activation: 'linear', name: 'identity' }).apply(input) as tf.SymbolicTensor;
  return tf.model({ inputs: input, outputs: out, name: 'identity' });
}

/**
 * Nearest-neighbour 2× upsampling, [B, H, W, C] → [B, 2H, 2W, C], written with reshape and rank-4
 * tile so that its gradient (a sum over each 2 × 2 block) is exact on every backend.
 */
export class NearestUpsample2x extends tf.layers.Layer {
  static className = 'NearestUpsample2x';

  override computeOutputShape(s: tf.Shape | tf.Shape[]): tf.Shape {
    const [b, h, w, c] = s as tf.Shape;
    return [b, h == null ? null : 2 * h, w == null ? null : 2 * w, c];
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => upsample2x(Array.isArray(inputs) ? (inputs[0] as tf.Tensor4D) : (inputs as tf.Tensor4D)));
  }
}
tf.serialization.registerClass(NearestUpsample2x);

/** The first `channels` planes of a [B, H, W, C'] tensor (the residual base of a multi-input U-Net). */
export class LeadingChannels extends tf.layers.Layer {
  static className = 'LeadingChannels';
  readonly channels: number;

  constructor(args: { channels: number; name?: string }) {
    super({ name: args.name });
    this.channels = args.channels;
  }

  override computeOutputShape(s: tf.Shape | tf.Shape[]): tf.Shape {
    const [b, h, w] = s as tf.Shape;
    return [b, h, w, this.channels];
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    const x = (Array.isArray(inputs) ? inputs[0] : inputs) as tf.Tensor4D;
    return tf.tidy(() => tf.slice(x, [0, 0, 0, 0], [-1, -1, -1, this.channels]));
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), channels: this.channels };
  }
}
tf.serialization.registerClass(LeadingChannels);

/** Nearest-neighbour 2× upsampling by reshape + rank-4 tile (exact gradients on every backend). */
export function upsample2x(x: tf.Tensor4D): tf.Tensor4D {
  const [B, H, W, C] = x.shape;
  return x
    .reshape([B, H, 1, W * C])
    .tile([1, 1, 2, 1])
    .reshape([B * 2 * H, W, 1, C])
    .tile([1, 1, 2, 1])
    .reshape([B, 2 * H, 2 * W, C]) as tf.Tensor4D;
}

/** One weight's place in a serialised weight vector. */
export interface WeightSpec {
  /** The layer-scoped name, e.g. "enc0_conv0/kernel" (process-unique suffixes removed). */
  name: string;
  shape: number[];
  offset: number;
}

/** Strips tfjs's process-unique suffix from a variable name ("enc0_conv0/kernel_3" → "enc0_conv0/kernel"). */
function baseName(name: string): string {
  return name.replace(/_\d+$/, '');
}

/** Concatenates tensors into one Float32Array with their specs (in the given order). */
export function packTensors(tensors: { name: string; tensor: tf.Tensor }[]): { specs: WeightSpec[]; data: Float32Array } {
  const total = tensors.reduce((s, t) => s + t.tensor.size, 0);
  const data = new Float32Array(total);
  const specs: WeightSpec[] = [];
  let offset = 0;
  for (const { name, tensor } of tensors) {
    data.set(tensor.dataSync() as Float32Array, offset);
    specs.push({ name, shape: tensor.shape.slice(), offset });
    offset += tensor.size;
  }
  return { specs, data };
}

/** A model's weights as one Float32Array plus specs, in `model.weights` order. */
export function serializeWeights(model: tf.LayersModel): { specs: WeightSpec[]; data: Float32Array } {
  return packTensors(model.weights.map((w) => ({ name: baseName(w.originalName ?? w.name), tensor: w.read() })));
}

/**
 * Loads weights written by serializeWeights into a model of the same architecture.
 * @throws Error naming the first weight whose name or shape does not match, or a short buffer
 */
export function loadWeights(model: tf.LayersModel, specs: readonly WeightSpec[], data: Float32Array): void {
  const weights = model.weights;
  if (specs.length !== weights.length) {
    throw new Error(`checkpoint has ${specs.length} weight tensors, the network has ${weights.length} (different architecture?)`);
  }
  const values = weights.map((w, i) => {
    const s = specs[i];
    const name = baseName(w.originalName ?? w.name);
    if (s.name !== name || s.shape.join('x') !== w.shape.join('x')) {
      throw new Error(`checkpoint weight ${i} is ${s.name} [${s.shape}], the network expects ${name} [${w.shape}]`);
    }
    const n = s.shape.reduce((a, b) => a * b, 1);
    if (s.offset + n > data.length) throw new Error(`checkpoint weight ${s.name} runs past the end of the data (${data.length} values)`);
    return tf.tensor(data.subarray(s.offset, s.offset + n), s.shape);
  });
  model.setWeights(values);
  tf.dispose(values);
}

/** Total number of scalar weights. */
export function countParams(model: tf.LayersModel): number {
  return model.weights.reduce((s, w) => s + w.shape.reduce<number>((a, b) => a * (b ?? 1), 1), 0);
}
