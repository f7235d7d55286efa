/**
 * The arguments of `lens-studio optimize` (app/cli/commands/optimize.ts): `--vary` groups (also
 * used by `e2e`), the optimizer settings, and the merit spec chosen by `--merit <file>`,
 * `--default-merit` or the lens's own `merit` field. Errors are CliErrors (exit 2 for usage).
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import type { Prescription } from '../../engine/io/prescription.ts';
import { parseMeritSpecJson, type MeritSpec } from '../../engine/io/meritSpecSchema.ts';
import { VARY_GROUPS } from '../../engine/optimize/variables.ts';
import type { GlassLibrary } from '../../engine/materials/glassLibrary.ts';
import { writeFileAtomic } from '../node/atomicWrite.ts';
import { encodeLensFile } from '../node/lensFile.ts';
import { CliError } from './errors.ts';
import { printWarnings, strictInputs } from './loadLens.ts';

/**
 * Parses `--vary a,b,c` (the groups of engine/optimize/variables.ts); undefined gives [].
 * @throws CliError (usage, exit 2) naming an unknown group, or for an empty list
 */
export function parseVary(list: string | undefined): string[] {
  if (list === undefined) return [];
  const groups = list.split(',').map((s) => s.trim()).filter((s) => s.length > 0);
  for (const g of groups) {
    if (!(VARY_GROUPS as readonly string[]).includes(g)) {
      throw new CliError(`--vary: unknown group "${g}" (expected some of ${VARY_GROUPS.join(', ')})`, 2);
    }
  }
  if (groups.length === 0) throw new CliError(`--vary: give at least one of ${VARY_GROUPS.join(', ')}`, 2);
  return [...new Set(groups)];
}

/** The optimizer settings, checked. */
export interface OptimizerArgs {
  algorithm: 'dls' | 'adam';
  iterations: number;
  learningRate?: number;
}

/**
 * Checks `--iterations`, `--algorithm` and `--learning-rate`.
 * @throws CliError (usage, exit 2) naming the option and the value
 */
export function parseOptimizerArgs(opts: { iterations: string; algorithm: string; learningRate?: string }): OptimizerArgs {
  const iterations = Number(opts.iterations);
  if (!Number.isInteger(iterations) || iterations < 0) throw new CliError(`--iterations: expected a whole number ≥ 0, got "${opts.iterations}"`, 2);
  if (opts.algorithm !== 'dls' && opts.algorithm !== 'adam') throw new CliError(`--algorithm: expected dls or adam, got "${opts.algorithm}"`, 2);
  const learningRate = opts.learningRate === undefined ? undefined : Number(opts.learningRate);
  if (learningRate !== undefined && !(learningRate > 0)) throw new CliError(`--learning-rate: expected a positive number, got "${opts.learningRate}"`, 2);
  return { algorithm: opts.algorithm, iterations, learningRate };
}

/**
 * Reads and validates a merit spec file.
 * @throws CliError naming the file and the JSON path of the first problem
 */
export async function loadMeritSpecFile(file: string): Promise<MeritSpec> {
  let text: string;
  try {
    text = await fs.readFile(file, 'utf8');
  } catch (err) {
    throw new CliError(`${file}: cannot read (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
  }
  const warnings: string[] = [];
  let spec: MeritSpec;
  try {
    spec = parseMeritSpecJson(text, path.basename(file), { strict: strictInputs(), warnings });
  } catch (err) {
    throw new CliError((err as Error).message);
  }
  printWarnings(file, warnings);
  return spec;
}

/**
 * Chooses the merit spec: --merit file, --default-merit, or the lens's own `merit` field.
 * @returns the spec and where it came from (for the report)
 * @throws CliError when both or neither are given (exit 2), or the file is bad
 */
export async function chooseMeritSpec(
  opts: { merit?: string; defaultMerit?: boolean },
  prescription: Prescription,
  lensFile: string,
): Promise<{ spec: MeritSpec; source: string }> {
  if (opts.merit && opts.defaultMerit) throw new CliError('give either --merit <spec.json> or --default-merit, not both', 2);
  if (opts.merit) return { spec: await loadMeritSpecFile(opts.merit), source: path.basename(opts.merit) };
  if (opts.defaultMerit) return { spec: { defaultMerit: {} }, source: 'default merit function' };
  if (prescription.merit) return { spec: prescription.merit, source: `${path.basename(lensFile)} (merit field)` };
  throw new CliError(`${path.basename(lensFile)} has no merit function: give --merit <spec.json> or --default-merit`, 2);
}

/**
 * The format `--out` asks for, by extension (case-insensitive).
 * @throws CliError (usage, exit 2) for any extension but .json and .zmx, before anything runs
 */
export function outputFormat(out: string): 'json' | 'zmx' {
  const ext = path.extname(out).toLowerCase();
  if (ext === '.json') return 'json';
  if (ext === '.zmx') return 'zmx';
  throw new CliError(`--out ${out}: cannot write "${ext || '(no extension)'}" lens files (supported: .json, .zmx)`, 2);
}

/**
 * Writes an optimized lens atomically in the `--out` format: JSON (with its merit spec and
 * `meta.optimization` record), or .zmx (export warnings on stderr for what it cannot hold).
 * @throws CliError naming the file when the .zmx export cannot express the lens or the write fails
 */
export async function writeOptimizedLens(out: string, format: 'json' | 'zmx', lens: Prescription, library: GlassLibrary): Promise<void> {
  let bytes: Uint8Array | string;
  if (format === 'zmx') {
    let encoded;
    try {
      encoded = encodeLensFile(out, lens, library);
    } catch (err) {
      throw new CliError(`${path.basename(out)}: ${(err as Error).message}`);
    }
    printWarnings(out, encoded.warnings);
    bytes = encoded.bytes;
  } else bytes = `${JSON.stringify(lens, null, 2)}\n`;
  try {
    await writeFileAtomic(out, bytes);
  } catch (err) {
    throw new CliError((err as Error).message);
  }
}
