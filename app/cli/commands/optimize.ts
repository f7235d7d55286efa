/**
 * `lens-studio optimize <lens> [--merit spec.json | --default-merit] [--vary groups] [--iterations N]
 * [--algorithm dls|adam] [--learning-rate r] --out result.json`: optimizes a lens on its merit
 * function with a progress bar, writes the best lens (atomically, with the merit spec and an
 * `optimization` record in `meta`) and prints the before/after report.
 *
 * This file wires arguments, files and the terminal to the shared runner, engine/optimize/run.ts
 * (the same one the studio uses); the arguments are checked in ../optimizeArgs.ts and the report
 * is formatted in ../optimizeReport.ts. The lens-side least-squares problem is
 * engine/optimize/meritProblem.ts's buildMeritProblem, or a toy handed in by a test.
 *
 * Ctrl-C or SIGTERM: the first one aborts the optimizer; it returns the best point so far, which is
 * written and reported as usual, and the process exits with 130 (SIGINT) or 143 (SIGTERM). A
 * second signal quits at once without writing (the output file is never half-written).
 *
 * `--out` decides the format by its extension: .json (the lens with its merit spec and the
 * `optimization` record) or .zmx (OpticStudio, with export warnings for what it cannot hold); any
 * other extension is refused before the run starts.
 */
import { writeOut } from '../terminal.ts';
import path from 'node:path';
import type { Command } from 'commander';
import { validatePrescription } from '../../../engine/io/json.ts';
import type { Prescription } from '../../../engine/io/prescription.ts';
import { buildSystem } from '../../../engine/paraxial/buildSystem.ts';
import { buildMeritProblem } from '../../../engine/optimize/meritProblem.ts';
import { checkMeritIndices } from '../../../engine/io/meritSpecSchema.ts';
import type { OptimizeResult } from '../../../engine/optimize/problem.ts';
import { optimizeLens, prepareLensOptimization, summarizeLens, type LensOptimizationSetup, type MeritProblemBuilder } from '../../../engine/optimize/run.ts';
import { VARY_GROUPS } from '../../../engine/optimize/variables.ts';
import { CliError } from '../errors.ts';
import { interruptOnSigint, signalExitCode } from '../interrupt.ts';
import { collect, loadSystemFile, printWarnings } from '../loadLens.ts';
import { chooseMeritSpec, outputFormat, parseOptimizerArgs, parseVary, writeOptimizedLens } from '../optimizeArgs.ts';
import { formatComparison, formatOperands, formatSubstitutions, meritProgressBar, stopReasonText } from '../optimizeReport.ts';
import { robustOptimizeCommand, type RobustCommandOptions } from '../robustRun.ts';

/** The options as commander gives them (strings, unchecked). */
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
 * and print the before/after report.
 * @returns the optimizer's result (the caller sets the exit code: 130 when cancelled)
 * @throws CliError for bad arguments, files or a problem with nothing to vary
 */
export async function optimizeCommand(
  lensFile: string,
  opts: OptimizeCommandOptions,
  build: MeritProblemBuilder,
  signal?: AbortSignal,
  stoppedBy: () => 'SIGINT' | 'SIGTERM' | null = () => 'SIGINT',
): Promise<OptimizeResult> {
  const outFormat = outputFormat(opts.out);
  const { algorithm, iterations, learningRate } = parseOptimizerArgs(opts);
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

  let setup: LensOptimizationSetup;
  try {
    setup = prepareLensOptimization(prescription, system, library, spec, vary, build);
  } catch (err) {
    throw new CliError(`${path.basename(lensFile)}: ${(err as Error).message}`);
  }
  const { problem } = setup.merit;
  if (problem.nVariables === 0) {
    throw new CliError(`${path.basename(lensFile)}: nothing to vary (use --vary ${VARY_GROUPS.join(',')}, or variable flags in the lens)`);
  }

  // Summarised before the run: the merit problem writes its variables into `system`.
  const before = { ...summarizeLens(system), merit: NaN };
  const run = await optimizeLens(setup, { algorithm, iterations, learningRate, signal, progress: () => meritProgressBar(iterations) });
  const { result } = run;
  before.merit = result.initialMerit;

  const out: Prescription = validatePrescription(
    {
      ...run.prescription,
      merit: spec,
      meta: {
        ...run.prescription.meta,
        optimization: {
          algorithm,
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
  await writeOptimizedLens(opts.out, outFormat, out, library);

  const after = { ...summarizeLens(buildSystem(out, library)), merit: result.merit };
  writeOut(
    `${system.name}: ${algorithm === 'dls' ? 'damped least squares' : 'Adam'} on ${problem.nVariables} variables, ` +
      `${problem.nResiduals} residuals (${source}); ${result.iterations} iterations, ${stopReasonText(result.stopReason, stoppedBy())}\n\n` +
      `${formatComparison(system, before, after)}\n\n` +
      (run.operandsBefore && run.operandsAfter ? `${formatOperands(run.operandsBefore, run.operandsAfter)}\n\n` : '') +
      (run.substitutions.length > 0 ? `glass substituted (nearest catalog glass, then re-optimized):\n${formatSubstitutions(run.substitutions)}\n\n` : '') +
      `wrote ${opts.out}\n`,
  );
  return result;
}

/**
 * Registers `lens-studio optimize`.
 * @param build the lens-side problem builder (a test's toy problem in the SIGINT fixture)
 */
export function register(program: Command, build: MeritProblemBuilder = buildMeritProblem): void {
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
    .requiredOption('--out <result.json>', 'where to write the optimized lens: .json, or .zmx (by extension)')
    .option('--glass-dir <dir>', 'folder of Zemax AGF catalogs (repeatable)', collect, [])
    .option('--robust <tol.json>', 'uncertainty-aware design: minimise the criterion over tolerance samples (a tolerance spec, or "defaults")')
    .option('--samples <k>', 'robust: number of tolerance samples (default 16)')
    .option('--quantile <q>', 'robust: minimise the mean above this quantile of the criterion (e.g. 0.9) instead of the mean')
    .option('--monte-carlo <n>', 'robust: Monte Carlo trials comparing the nominal and robust designs (default 200)')
    .option('--seed <s>', 'robust: seed of that Monte Carlo comparison (default 1)')
    .option('--max-nominal-rise <r>', 'robust: keep the compensated nominal criterion within (1 + r) × its starting value (e.g. 0.1)')
    .action(async (lens: string, opts: OptimizeCommandOptions & Partial<RobustCommandOptions>) => {
      const sigint = interruptOnSigint((sig) => process.stderr.write(`
stopping after this iteration… (${sig === 'SIGINT' ? 'Ctrl-C' : 'SIGTERM'} again to quit now)
`));
      try {
        const result =
          opts.robust !== undefined
            ? await robustOptimizeCommand(lens, opts as RobustCommandOptions, sigint.signal)
            : await optimizeCommand(lens, opts, build, sigint.signal, sigint.received);
        if (result.stopReason === 'cancelled') process.exitCode = signalExitCode(sigint.received() ?? 'SIGINT');
      } finally {
        sigint.dispose();
      }
    });
}
