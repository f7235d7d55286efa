/**
 * End-to-end training checkpoints on disk: the U-Net's configuration and weights, the network
 * optimizer's state, and any JSON state of the run (step, lens variables, lens Adam moments, ...).
 *
 * Layout of a checkpoint folder:
 *   checkpoint.json             { format, step, unet, weights: {file, specs}, optimizer?: {file, specs}, state }
 *   weights-<step>.bin          float32 little-endian, the tensors of `weights.specs` back to back
 *   optimizer-<step>.bin        likewise for the network's Adam state (step count, moments)
 * The binary files are written first, each to a temporary name then renamed; checkpoint.json is
 * renamed into place last, so a reader always sees a complete, consistent checkpoint; binaries of
 * older steps are removed afterwards.
 */
import fs from 'node:fs';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import type { NetworkTrainer } from '../../engine/e2e/network.ts';
import { buildIdentity, buildUNet, loadWeights, serializeWeights, unetConfig, type UNetConfig, type WeightSpec } from '../../engine/e2e/unet.ts';
import { writeFileAtomicSync } from './atomicWrite.ts';

export const CHECKPOINT_FORMAT = 'lens-studio-e2e-checkpoint/1';

export interface CheckpointFile {
  format: typeof CHECKPOINT_FORMAT;
  step: number;
  unet: UNetConfig;
  /** 'identity' for a reconstruction without a network (the Wiener filter alone); default 'unet'. */
  network?: 'unet' | 'identity';
  weights: { file: string; specs: WeightSpec[] };
  optimizer?: { file: string; specs: WeightSpec[] };
  /** Free-form JSON state of the run (lens variables, lens optimizer moments, RNG seeds, ...). */
  state: Record<string, unknown>;
}

function toBytes(data: Float32Array): Uint8Array {
  if (new Uint8Array(new Uint16Array([1]).buffer)[0] !== 1) throw new Error('checkpoints are little-endian; this machine is big-endian');
  return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
}

function readFloats(file: string, expected: number): Float32Array {
  const buf = fs.readFileSync(file);
  if (buf.byteLength !== expected * 4) {
    throw new Error(`${file}: expected ${expected * 4} bytes (${expected} float32 values), found ${buf.byteLength}`);
  }
  const out = new Float32Array(expected);
  new Uint8Array(out.buffer).set(buf);
  return out;
}

function totalSize(specs: readonly WeightSpec[]): number {
  return specs.reduce((m, s) => Math.max(m, s.offset + s.shape.reduce((a, b) => a * b, 1)), 0);
}

/**
 * Saves a checkpoint of a network (and optionally its trainer's optimizer) into `dir` (created if
 * needed).
 * @param state JSON-serialisable run state stored alongside
 */
export async function saveCheckpoint(
  dir: string,
  unet: UNetConfig,
  model: tf.LayersModel,
  step: number,
  options: { trainer?: NetworkTrainer; state?: Record<string, unknown> } = {},
): Promise<void> {
  fs.mkdirSync(dir, { recursive: true });
  const tag = String(step).padStart(6, '0');
  const w = serializeWeights(model);
  const weightsFile = `weights-${tag}.bin`;
  writeFileAtomicSync(path.join(dir, weightsFile), toBytes(w.data));
  const meta: CheckpointFile = {
    format: CHECKPOINT_FORMAT,
    step,
    unet,
    ...(model.name === 'identity' ? { network: 'identity' as const } : {}),
    weights: { file: weightsFile, specs: w.specs },
    state: options.state ?? {},
  };
  if (options.trainer) {
    const o = await options.trainer.saveOptimizerState();
    const optFile = `optimizer-${tag}.bin`;
    writeFileAtomicSync(path.join(dir, optFile), toBytes(o.data));
    meta.optimizer = { file: optFile, specs: o.specs };
  }
  writeFileAtomicSync(path.join(dir, 'checkpoint.json'), JSON.stringify(meta, null, 1));
  const keep = new Set([weightsFile, meta.optimizer?.file]);
  for (const f of fs.readdirSync(dir)) {
    if (/^(weights|optimizer)-\d+\.bin$/.test(f) && !keep.has(f)) fs.rmSync(path.join(dir, f), { force: true });
  }
}

/**
 * Reads checkpoint.json from `dir` and checks it.
 * @throws Error naming the file and the problem (missing, not JSON, wrong format, bad fields)
 */
export function readCheckpoint(dir: string): CheckpointFile {
  const file = path.join(dir, 'checkpoint.json');
  let meta: CheckpointFile;
  try {
    meta = JSON.parse(fs.readFileSync(file, 'utf8')) as CheckpointFile;
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    throw new Error(`${file}: ${e.code === 'ENOENT' ? 'no checkpoint here' : `cannot read (${e.message})`}`);
  }
  if (meta?.format !== CHECKPOINT_FORMAT) throw new Error(`${file}: format is ${JSON.stringify(meta?.format)}, expected "${CHECKPOINT_FORMAT}"`);
  if (!Number.isInteger(meta.step) || meta.step < 0) throw new Error(`${file}: step must be a non-negative integer`);
  if (!meta.weights || !Array.isArray(meta.weights.specs)) throw new Error(`${file}: weights.specs is missing`);
  try {
    meta.unet = unetConfig(meta.unet);
  } catch (err) {
    throw new Error(`${file}: ${(err as Error).message}`);
  }
  return meta;
}

/**
 * Rebuilds the network of a checkpoint with its weights; restores the optimizer state into
 * `trainer` when given (the trainer must wrap the returned model, so pass a factory).
 * @throws Error naming the file for a missing, truncated or mismatched checkpoint
 */
export async function loadCheckpoint(
  dir: string,
  makeTrainer?: (model: tf.LayersModel) => NetworkTrainer,
): Promise<{ meta: CheckpointFile; model: tf.LayersModel; trainer?: NetworkTrainer }> {
  const meta = readCheckpoint(dir);
  const model = meta.network === 'identity' ? buildIdentity(meta.unet.channels) : buildUNet(meta.unet);
  const wFile = path.join(dir, meta.weights.file);
  try {
    loadWeights(model, meta.weights.specs, readFloats(wFile, totalSize(meta.weights.specs)));
  } catch (err) {
    model.dispose();
    throw new Error(`${wFile}: ${(err as Error).message.replace(`${wFile}: `, '')}`);
  }
  if (!makeTrainer) return { meta, model };
  const trainer = makeTrainer(model);
  if (meta.optimizer) {
    const oFile = path.join(dir, meta.optimizer.file);
    try {
      await trainer.loadOptimizerState(meta.optimizer.specs, readFloats(oFile, totalSize(meta.optimizer.specs)));
    } catch (err) {
      trainer.dispose();
      throw new Error(`${oFile}: ${(err as Error).message.replace(`${oFile}: `, '')}`);
    }
  }
  return { meta, model, trainer };
}
