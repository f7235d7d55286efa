/**
 * The machinery of `lens-studio optimize`: merit spec loading, the progress bar, Ctrl-C handling,
 * the optimizer run, the atomic write of the best result and the before/after report.
 *
 * The lens-specific part — turning a LensSystem, a merit spec and the variable groups into a
 * least-squares problem — is a {@link MeritProblemBuilder} handed in by the command module
 * (engine/optimize/meritProblem.ts's `buildMeritProblem`), so this file is testable on its own.
 *
 * Ctrl-C: the first SIGINT aborts the optimizer through an AbortSignal; it returns the best point
 * so far, which is written (atomically) and reported as usual, and the process exits with 130.
 * A second Ctrl-C quits at once without writing (the output file is never half-written).
 */
import { toModelGlasses, glassRegion, glassHull, substituteNearestGlasses } from '../../engine/optimize/glassChoice.ts';
import { writeBack } from '../../engine/optics/writeBack.ts';
import fs from 'node:fs/promises';
import path from 'node:path';
import cliProgress from 'cli-progress';
import type { Command } from 'commander';
import { firstOrder } from '../../engine/analysis/firstOrder.ts';
import { spotDiagram } from '../../engine/analysis/spot.ts';
import type { Prescription } from '../../engine/io/prescription.ts';
import { formatPath, validatePrescription } from '../../engine/io/json.ts';
import { buildSystem, type LensSystem } from '../../engine/optics/system.ts';
import { adam, leastSquaresObjective } from '../../engine/optimize/adam.ts';
import { dampedLeastSquares } from '../../engine/optimize/dampedLeastSquares.ts';
import { checkMeritIndices, MeritSpec } from '../../engine/optimize/meritSpec.ts';
import type { LeastSquaresProblem, OperandValue, OptimizeResult, ProgressEvent } from '../../engine/optimize/problem.ts';
import { VARY_GROUPS } from '../../engine/optimize/variables.ts';
import { launchContext } from '../../engine/trace/rayGen.ts';
import { writeFileAtomic } from '../node/atomicWrite.ts';
import { CliError } from './errors.ts';
import { num, table } from './format.ts';
import { collect, loadSystemFile, printWarnings } from './loadLens.ts';

/** What the lens side provides for one optimization. */
export interface MeritProblem {
  /** Residuals and Jacobian of the merit over the variables. */
  problem: LeastSquaresProblem;
  /** The variables' current values in the lens (the start point). */
  x0: Float64Array;
  /** The prescription with the variables set to x. */
  apply(x: Float64Array): Prescription;
  /** Optional: the operand values at x, for the report. */
  operands?(x: Float64Array): OperandValue[];
  /** Optional: which lens parameter each variable is (to bound glass variables by the glass region). */
  variables?: readonly { kind: string }[];
}

export type MeritProblemBuilder = (system: LensSystem, spec: MeritSpec, vary: string[], options?: { glassHull?: [number, number][] }) => MeritProblem;

/** The variable groups `--vary` accepts (engine/optimize/variables.ts). */
export { VARY_GROUPS };

/**
 * Parses `--vary a,b,c`.
 * @throws CliError (usage, exit 2) naming an unknown group
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
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new CliError(`${path.basename(file)}: malformed JSON: ${(err as Error).message}`);
  }
  const r = MeritSpec.safeParse(value);
  if (!r.success) {
    const i = r.error.issues[0];
    throw new CliError(`${path.basename(file)}: ${formatPath(i.path)}: ${i.message}`);
  }
  return r.data;
}

/** Chooses the merit spec: --merit file, --default-merit, or the lens's own `merit` field. */
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

/** EFL and polychromatic RMS spot radius per field, for the before/after report. */
export interface LensSummary {
  efl: number;
  /** RMS spot radius per field, µm: all wavelengths (weighted), primary-wavelength chief-ray reference. */
  rmsSpotUm: (number | null)[];
}

/**
 * Summarises a lens: paraxial EFL and, per field, the polychromatic RMS spot radius
 * √(Σ_w w_w · rms_w² / Σ_w w_w) of hexapolar spots (6 rings) about the primary chief ray.
 */
export function summarizeLens(system: LensSystem): LensSummary {
  const ctx = launchContext(system);
  const rmsSpotUm: (number | null)[] = [];
  for (let f = 0; f < system.fieldY.length; f++) {
    let acc = 0;
    let wsum = 0;
    let ok = true;
    for (let w = 0; w < system.wavelengthsUm.length; w++) {
      const s = spotDiagram(system, f, w, { ctx });
      if (s.rmsRadius === null) ok = false;
      else {
        acc += system.wavelengthWeights[w] * s.rmsRadius ** 2;
        wsum += system.wavelengthWeights[w];
      }
    }
    rmsSpotUm.push(ok && wsum > 0 ? 1000 * Math.sqrt(acc / wsum) : null);
  }
  return { efl: firstOrder(system).efl, rmsSpotUm };
}

/** The before/after table. */
export function formatComparison(
  system: LensSystem,
  before: LensSummary & { merit: number },
  after: LensSummary & { merit: number },
): string {
  const unit = system.fieldType === 'angle' ? '°' : ' mm';
  const rows: string[][] = [
    ['merit Σ r²', num(before.merit, 6), num(after.merit, 6)],
    ['EFL mm', num(before.efl), num(after.efl)],
  ];
  for (let f = 0; f < before.rmsSpotUm.length; f++) {
    rows.push([`RMS spot µm, field ${f + 1} (${num(system.fieldY[f], 5)}${unit})`, num(before.rmsSpotUm[f], 5), num(after.rmsSpotUm[f], 5)]);
  }
  return `${table(['', 'before', 'after'], rows)}\nRMS spot: all wavelengths, hexapolar 6 rings, about the primary chief ray (as \`analyze\`)`;
}

/** Operand values before and after, with each one's share of the final merit (at most `maxRows`). */
export function formatOperands(before: OperandValue[], after: OperandValue[], maxRows = 40): string {
  const rows = after.slice(0, maxRows).map((a, i) => [
    a.label,
    num(a.target, 6),
    num(before[i]?.value, 7),
    num(a.value, 7),
    `${(100 * a.contribution).toFixed(1)}%`,
  ]);
  const more = after.length > maxRows ? `\n… and ${after.length - maxRows} more operands` : '';
  return table(['operand', 'target', 'before', 'after', 'share of merit'], rows) + more;
}

/**
 * Installs the Ctrl-C handler: the first SIGINT aborts the returned signal, the second exits 130.
 * @returns the signal and a function that removes the handler
 */
export function interruptOnSigint(onFirst?: () => void): { signal: AbortSignal; dispose: () => void } {
  const controller = new AbortController();
  const handler = () => {
    if (!controller.signal.aborted) {
      onFirst?.();
      controller.abort();
    } else {
      process.stderr.write('\nlens-studio: interrupted again, quitting without writing\n');
      process.exit(130);
    }
  };
  process.on('SIGINT', handler);
  return { signal: controller.signal, dispose: () => process.off('SIGINT', handler) };
}

export interface RunOptions {
  algorithm: 'dls' | 'adam';
  iterations: number;
  signal?: AbortSignal;
  onProgress?: (e: ProgressEvent) => void;
  /** Adam: step per iteration as a fraction of each variable's scale (default 0.01). */
  learningRate?: number;
}

/** Runs the chosen optimizer on a merit problem. */
export function runOptimizer(problem: LeastSquaresProblem, x0: Float64Array, o: RunOptions): Promise<OptimizeResult> {
  if (o.algorithm === 'dls') {
    return dampedLeastSquares(problem, x0, { maxIterations: o.iterations, signal: o.signal, onProgress: o.onProgress });
  }
  // Adam's step is about the learning rate per iteration: scale it to each variable's size.
  const rate = o.learningRate ?? 0.01;
  const perVariable = Float64Array.from(x0, (v, j) => rate * (problem.scale?.[j] ?? Math.max(Math.abs(v), 1e-3)));
  return adam(leastSquaresObjective(problem), x0, {
    maxIterations: o.iterations,
    signal: o.signal,
    onProgress: o.onProgress,
    learningRate: perVariable,
    groups: Array.from(x0, (_, j) => j),
    lower: problem.lower,
    upper: problem.upper,
  });
}

/** A cli-progress bar on stderr showing iteration and merit (silent when stderr is not a terminal). */
export function meritProgressBar(total: number): { update(e: ProgressEvent): void; stop(): void } {
  const bar = new cliProgress.SingleBar(
    {
      format: 'optimizing |{bar}| {value}/{total} iterations | merit {merit}',
      stream: process.stderr,
      hideCursor: true,
      clearOnComplete: false,
    },
    cliProgress.Presets.shades_classic,
  );
  let started = false;
  return {
    update(e) {
      if (!started) {
        bar.start(total, e.iteration, { merit: num(e.merit, 6) });
        started = true;
      } else bar.update(e.iteration, { merit: num(e.merit, 6) });
    },
    stop() {
      if (started) bar.stop();
    },
  };
}

export interface OptimizeCommandOptions {
  merit?: string;
  defaultMerit?: boolean;
  vary?: string;
  iterations: string;
  algorithm: string;
  learningRate?: string;
  out: string;
  glassDir: string[];
}

/**
 * The whole command: load, build the problem, optimize with a progress bar, write the best lens
 * (the merit spec and an `optimization` record in `meta`) and print the before/after report.
 * @returns the optimizer's result (the caller sets the exit code: 130 when cancelled)
 * @throws CliError for bad arguments, files or a problem with nothing to vary
 */
export async function optimizeCommand(
  lensFile: string,
  opts: OptimizeCommandOptions,
  build: MeritProblemBuilder,
  signal?: AbortSignal,
): Promise<OptimizeResult> {
  const iterations = Number(opts.iterations);
  if (!Number.isInteger(iterations) || iterations < 0) throw new CliError(`--iterations: expected a whole number ≥ 0, got "${opts.iterations}"`, 2);
  if (opts.algorithm !== 'dls' && opts.algorithm !== 'adam') throw new CliError(`--algorithm: expected dls or adam, got "${opts.algorithm}"`, 2);
  const learningRate = opts.learningRate === undefined ? undefined : Number(opts.learningRate);
  if (learningRate !== undefined && !(learningRate > 0)) throw new CliError(`--learning-rate: expected a positive number, got "${opts.learningRate}"`, 2);
  const vary = parseVary(opts.vary);

  const { prescription, system, library, warnings } = await loadSystemFile(lensFile, opts.glassDir);
  printWarnings(lensFile, warnings);
  const { spec, source } = await chooseMeritSpec(opts, prescription, lensFile);
  const bad = checkMeritIndices(spec, {
    surfaces: prescription.surfaces.length,
    fields: prescription.fields.points.length,
    wavelengths: prescription.wavelengths.valuesUm.length,
  });
  if (bad.length > 0) throw new CliError(`${source}: ${bad.join('; ')}`);

  // Glass varies as a model glass (nd, Vd) inside the catalogs' glass region, then is replaced by
  // the nearest catalog glass and the lens re-optimized (engine/optimize/glassChoice.ts).
  const varyGlass = vary.includes('glass');
  const catalogs = prescription.glassCatalogs ?? [];
  let workSystem = system;
  if (varyGlass) {
    try {
      workSystem = buildSystem(toModelGlasses(prescription, library), library);
    } catch (err) {
      throw new CliError(`${path.basename(lensFile)}: ${(err as Error).message}`);
    }
  }
  let mp: MeritProblem;
  try {
    mp = build(workSystem, spec, vary, varyGlass ? { glassHull: glassHull(library, catalogs) } : undefined);
    if (varyGlass) {
      const region = glassRegion(library, catalogs);
      (mp.variables ?? []).forEach((v, j) => {
        if (v.kind === 'nd') {
          mp.problem.lower![j] = region.ndMin;
          mp.problem.upper![j] = region.ndMax;
        } else if (v.kind === 'vd') {
          mp.problem.lower![j] = region.vdMin;
          mp.problem.upper![j] = region.vdMax;
        }
      });
    }
  } catch (err) {
    throw new CliError(`${path.basename(lensFile)}: ${(err as Error).message}`);
  }
  if (mp.problem.nVariables === 0) {
    throw new CliError(`${path.basename(lensFile)}: nothing to vary (use --vary ${VARY_GROUPS.join(',')}, or variable flags in the lens)`);
  }

  const before = { ...summarizeLens(system), merit: NaN };
  const operandsBefore = mp.operands?.(mp.x0);
  const bar = meritProgressBar(iterations);
  let result: OptimizeResult;
  try {
    result = await runOptimizer(mp.problem, mp.x0, {
      algorithm: opts.algorithm,
      iterations,
      signal,
      learningRate,
      onProgress: (e) => bar.update(e),
    });
  } finally {
    bar.stop();
  }
  before.merit = result.initialMerit;
  let operandsAfter = mp.operands?.(result.x);

  let optimized = mp.apply(result.x);
  let glassNote = '';
  if (varyGlass && result.stopReason !== 'cancelled') {
    const { prescription: substituted, substitutions } = substituteNearestGlasses(optimized, library, catalogs);
    glassNote = substitutions
      .map((g) => `surface ${g.surface + 1}: model ${g.from.nd.toFixed(4)}/${g.from.vd.toFixed(2)} → ${g.to.catalog}:${g.to.name} (${g.to.nd.toFixed(4)}/${g.to.vd.toFixed(2)})`)
      .join('\n');
    const rest = vary.filter((g) => g !== 'glass');
    const sys2 = buildSystem(substituted, library);
    optimized = writeBack(sys2);
    if (rest.length > 0) {
      const mp2 = build(sys2, spec, rest);
      const bar2 = meritProgressBar(iterations);
      let result2: OptimizeResult;
      try {
        result2 = await runOptimizer(mp2.problem, mp2.x0, { algorithm: opts.algorithm, iterations, signal, learningRate, onProgress: (e) => bar2.update(e) });
      } finally {
        bar2.stop();
      }
      optimized = mp2.apply(result2.x);
      operandsAfter = mp2.operands?.(result2.x);
      result = { ...result2, initialMerit: result.initialMerit, iterations: result.iterations + result2.iterations };
    } else {
      const mp2 = build(sys2, spec, vary.length > 0 ? vary : []);
      const r2 = mp2.problem.evaluate(mp2.x0, false).residuals;
      result = { ...result, merit: r2.reduce((a, v) => a + v * v, 0) };
    }
  }
  const out: Prescription = validatePrescription(
    {
      ...optimized,
      merit: spec,
      meta: {
        ...optimized.meta,
        optimization: {
          algorithm: opts.algorithm,
          merit: source,
          vary,
          iterations: result.iterations,
          stopReason: result.stopReason,
          initialMerit: result.initialMerit,
          finalMerit: result.merit,
        },
      },
    },
    path.basename(opts.out),
  );
  await writeFileAtomic(opts.out, `${JSON.stringify(out, null, 2)}\n`);

  const after = { ...summarizeLens(buildSystem(out, library)), merit: result.merit };
  const why = {
    converged: 'converged',
    maxIterations: 'iteration limit reached',
    cancelled: 'stopped by Ctrl-C; the best lens so far was kept',
    stalled: 'stalled (no step lowers the merit)',
  }[result.stopReason];
  process.stdout.write(
    `${system.name}: ${opts.algorithm === 'dls' ? 'damped least squares' : 'Adam'} on ${mp.problem.nVariables} variables, ` +
      `${mp.problem.nResiduals} residuals (${source}); ${result.iterations} iterations, ${why}\n\n` +
      `${formatComparison(system, before, after)}\n\n` +
      (operandsBefore && operandsAfter ? `${formatOperands(operandsBefore, operandsAfter)}\n\n` : '') +
      (glassNote ? `glass substituted (nearest catalog glass, then re-optimized):\n${glassNote}\n\n` : '') +
      `wrote ${opts.out}\n`,
  );
  return result;
}

/** Registers `lens-studio optimize` with the lens-side problem builder. */
export function registerOptimize(program: Command, build: MeritProblemBuilder): void {
  program
    .command('optimize')
    .description('optimize a lens by damped least squares (or Adam) on its merit function')
    .argument('<lens>', 'lens file (.json, .zmx, dO .txt)')
    .option('--merit <spec.json>', 'merit function spec (JSON); default: the lens file\'s own merit field')
    .option('--default-merit', 'use the default merit function (RMS spot, Gaussian quadrature)')
    .option('--vary <groups>', `what varies: some of ${VARY_GROUPS.join(',')} (default: the lens's variable flags)`)
    .option('--iterations <n>', 'iteration limit', '50')
    .option('--algorithm <name>', 'dls (damped least squares) or adam', 'dls')
    .option('--learning-rate <r>', 'Adam: step per iteration as a fraction of each variable (default 0.01)')
    .requiredOption('--out <result.json>', 'where to write the optimized lens (JSON)')
    .option('--glass-dir <dir>', 'folder of Zemax AGF catalogs (repeatable)', collect, [])
    .action(async (lens: string, opts: OptimizeCommandOptions) => {
      const sigint = interruptOnSigint(() => process.stderr.write('\nstopping after this iteration… (Ctrl-C again to quit now)\n'));
      try {
        const result = await optimizeCommand(lens, opts, build, sigint.signal);
        if (result.stopReason === 'cancelled') process.exitCode = 130;
      } finally {
        sigint.dispose();
      }
    });
}
