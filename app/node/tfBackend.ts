/**
 * Chooses the TensorFlow.js backend for the Node side (CLI, engine host, benchmarks).
 *
 * Order for 'auto': @tensorflow/tfjs-node-gpu (CUDA), then @tensorflow/tfjs-node (native CPU), both
 * optional dependencies loaded by dynamic import only when installed; else the wasm backend
 * (@tensorflow/tfjs-backend-wasm, binaries read from its dist/ folder) with the project's
 * Conv2DBackpropFilter kernel registered (engine/e2e/wasmKernels.ts); else the pure-JS cpu backend.
 * The environment variable LENS_STUDIO_TF_BACKEND (tensorflow | wasm | cpu) forces one.
 */
import * as tf from '@tensorflow/tfjs';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { createRequire } from 'node:module';
import path from 'node:path';
import { registerWasmKernels } from '../../engine/e2e/wasmKernels.ts';

export type BackendChoice = 'auto' | 'tensorflow' | 'wasm' | 'cpu';

export interface BackendInfo {
  /** tf.getBackend() after selection: 'tensorflow', 'wasm' or 'cpu'. */
  name: string;
  /** Which package provided it, e.g. '@tensorflow/tfjs-node', '@tensorflow/tfjs-backend-wasm'. */
  source: string;
  /** Candidates that were tried and failed, with the reason (e.g. not installed). */
  skipped: { name: string; reason: string }[];
}

let wasmPathsSet = false;

/** The folder holding tfjs-backend-wasm's .wasm binaries, with a trailing slash. */
export function wasmBinaryDir(): string {
  const require = createRequire(import.meta.url);
  const pkg = require.resolve('@tensorflow/tfjs-backend-wasm/package.json');
  return path.join(path.dirname(pkg), 'dist') + path.sep;
}

async function tryNative(pkg: string): Promise<void> {
  // A variable specifier keeps bundlers and the type checker from resolving the optional package.
  const spec: string = pkg;
  await import(spec);
  if (!(await tf.setBackend('tensorflow'))) throw new Error('backend "tensorflow" failed to initialise');
}

/** Initialises the wasm backend (idempotent) and registers the project's missing kernels. */
export async function useWasm(): Promise<void> {
  if (!wasmPathsSet) {
    setWasmPaths(wasmBinaryDir());
    wasmPathsSet = true;
  }
  registerWasmKernels();
  if (!(await tf.setBackend('wasm'))) throw new Error('backend "wasm" failed to initialise');
  await tf.ready();
}

/** Switches to the pure-JS cpu backend. */
export async function useCpu(): Promise<void> {
  if (!(await tf.setBackend('cpu'))) throw new Error('backend "cpu" failed to initialise');
  await tf.ready();
}

/**
 * Selects and initialises a backend (see the module docs for the order).
 * @param prefer 'auto' (default; LENS_STUDIO_TF_BACKEND overrides it) or a specific backend, which
 *   throws if it cannot be initialised.
 */
export async function initTfBackend(prefer: BackendChoice = 'auto'): Promise<BackendInfo> {
  const env = process.env.LENS_STUDIO_TF_BACKEND as BackendChoice | undefined;
  const choice = prefer === 'auto' && env ? env : prefer;
  if (!['auto', 'tensorflow', 'wasm', 'cpu'].includes(choice)) {
    throw new Error(`unknown TensorFlow.js backend "${choice}" (expected auto, tensorflow, wasm or cpu)`);
  }
  const skipped: BackendInfo['skipped'] = [];
  const attempt = async (name: string, run: () => Promise<void>, strict = choice !== 'auto'): Promise<BackendInfo | null> => {
    try {
      await run();
      return { name: tf.getBackend(), source: name, skipped };
    } catch (err) {
      const e = err as Error & { code?: string };
      const reason = e.code === 'ERR_MODULE_NOT_FOUND' || /Cannot find (module|package)/.test(e.message) ? 'not installed' : e.message;
      if (strict) throw new Error(`TensorFlow.js backend ${name}: ${reason}`);
      skipped.push({ name, reason });
      return null;
    }
  };
  if (choice === 'auto' || choice === 'tensorflow') {
    const gpu = await attempt('@tensorflow/tfjs-node-gpu', () => tryNative('@tensorflow/tfjs-node-gpu'), false);
    if (gpu) return gpu;
    const cpuNative = await attempt('@tensorflow/tfjs-node', () => tryNative('@tensorflow/tfjs-node'));
    if (cpuNative) return cpuNative;
  }
  if (choice === 'auto' || choice === 'wasm') {
    const wasm = await attempt('@tensorflow/tfjs-backend-wasm', useWasm);
    if (wasm) return wasm;
  }
  const cpu = await attempt('@tensorflow/tfjs-backend-cpu', useCpu);
  if (cpu) return cpu;
  throw new Error('no TensorFlow.js backend could be initialised');
}

/** One line for the user: "TensorFlow.js backend: wasm (@tensorflow/tfjs-backend-wasm; tfjs-node-gpu: not installed, ...)". */
export function describeBackend(info: BackendInfo): string {
  const skipped = info.skipped.map((s) => `${s.name.replace('@tensorflow/', '')}: ${s.reason}`).join(', ');
  return `TensorFlow.js backend: ${info.name} (${info.source}${skipped ? `; ${skipped}` : ''})`;
}
