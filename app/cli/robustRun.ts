/**
 * `lens-studio optimize <lens> ... --robust tol.json [--samples K] [--quantile q]`: uncertainty-
 * aware design (engine/tolerance/robust.ts). The criterion averaged over the tolerance samples is
 * the merit's default-merit RMS spot radius, with the tolerance spec's compensators re-optimized
 * for every sample; the merit's other operands (EFL, thickness bounds, ...) are constraints on the
 * nominal design. The report compares the input (nominal) design and the robust one: nominal
 * criterion (compensated) and Monte Carlo statistics of both over the same perturbations.
 */
import { writeOut } from './terminal.ts';
import path from 'node:path';
import { validatePrescription } from '../../engine/io/json.ts';
import type { Prescription } from '../../engine/io/prescription.ts';
import type { ToleranceSpec } from '../../engine/io/toleranceSpec.ts';
import type { LensSystem } from '../../engine/optics/system.ts';
import { buildSystem } from '../../engine/paraxial/buildSystem.ts';
import { efl } from '../../engine/analysis/firstOrder.ts';
import { getParam, setParam } from '../../engine/optics/params.ts';
import { writeBack } from '../../engine/optics/writeBack.ts';
import { buildMeritProblem } from '../../engine/optimize/meritProblem.ts';
import type { MeritSpec } from '../../engine/io/meritSpecSchema.ts';
import { dampedLeastSquares } from '../../engine/optimize/dampedLeastSquares.ts';
import type { OptimizeResult } from '../../engine/optimize/problem.ts';
import { variablesFromFlags, variablesFromGroups, variablesFromSpec, type Variable } from '../../engine/optimize/variables.ts';
import type { GlassLibrary } from '../../engine/materials/glassLibrary.ts';
import { defaultToleranceSpec } from '../../engine/tolerance/defaults.ts';
import { ToleranceError, type DesignVariable } from '../../engine/tolerance/perturbation.ts';
import { prepareTolerancing, type CriterionSpec } from '../../engine/tolerance/setup.ts';
import { buildRobustProblem } from '../../engine/tolerance/robust.ts';
import { withNominalCompensators } from '../../engine/tolerance/nominalFocus.ts';
import { runTrials, statistics, type MonteCarloStatistics } from '../../engine/tolerance/monteCarlo.ts';
import { CliError } from './errors.ts';
import { loadSystemFile, printWarnings } from './loadLens.ts';
import { chooseMeritSpec, outputFormat, parseOptimizerArgs, parseVary, writeOptimizedLens } from './optimizeArgs.ts';
import { meritProgressBar, stopReasonText } from './optimizeReport.ts';
import { loadToleranceSpecFile } from './toleranceRun.ts';

export interface RobustCommandOptions {
  merit?: string;
  defaultMerit?: boolean;
  vary?: string;
  iterations: string;
  algorithm: string;
  out: string;
  glassDir: string[];
  robust: string;
  samples?: string;
  quantile?: string;
  monteCarlo?: string;
  seed?: string;
  maxNominalRise?: string;
}

/** Seed of the robust objective's tolerance samples (its trials 0..K−1). */
export const ROBUST_SAMPLE_SEED = 7919;

const DESIGN_KINDS = new Set(['curvature', 'thickness', 'conic', 'asphere']);

interface DesignReport {
  nominal: number;
  stats: MonteCarloStatistics;
}

function evaluateDesign(p: Prescription, spec: ToleranceSpec, library: GlassLibrary, criterion: CriterionSpec, trials: number, seed: number): DesignReport {
  const tol = prepareTolerancing(p, spec, library, criterion);
  const nominal = tol.evaluator.evaluate(new Float64Array(tol.model.operands.length)).value;
  return { nominal, stats: statistics(runTrials(tol.evaluator, tol.sampled, seed, trials, 0, trials), null) };
}

/** Runs the robust optimization and writes the robust lens; returns the optimizer's result. */
export async function robustOptimizeCommand(lensFile: string, opts: RobustCommandOptions, signal?: AbortSignal): Promise<OptimizeResult> {
  const outFormat = outputFormat(opts.out);
  const { algorithm, iterations } = parseOptimizerArgs(opts);
  if (algorithm !== 'dls') throw new CliError('--robust runs damped least squares (--algorithm dls)', 2);
  const vary = parseVary(opts.vary);
  const int = (s: string | undefined, flag: string, dflt: number, min: number) => {
    if (s === undefined) return dflt;
    const v = Number(s);
    if (!Number.isInteger(v) || v < min) throw new CliError(`${flag}: expected a whole number ≥ ${min}, got "${s}"`, 2);
    return v;
  };
  const samples = int(opts.samples, '--samples', 16, 1);
  const trials = int(opts.monteCarlo, '--monte-carlo', 200, 1);
  const seed = int(opts.seed, '--seed', 1, 0);
  let maxRise: number | undefined;
  if (opts.maxNominalRise !== undefined) {
    maxRise = Number(opts.maxNominalRise);
    if (!(maxRise >= 0)) throw new CliError(`--max-nominal-rise: expected a number ≥ 0, got "${opts.maxNominalRise}"`, 2);
  }
  let quantile: number | undefined;
  if (opts.quantile !== undefined) {
    quantile = Number(opts.quantile);
    if (!(quantile > 0 && quantile < 1)) throw new CliError(`--quantile: expected a number between 0 and 1, got "${opts.quantile}"`, 2);
  }

  const { prescription, system, library, warnings } = await loadSystemFile(lensFile, opts.glassDir);
  printWarnings(lensFile, warnings);
  const { spec: merit, source } = await chooseMeritSpec(opts, prescription, lensFile);
  if (!merit.defaultMerit) throw new CliError(`${source}: --robust needs a merit with defaultMerit: its RMS spot radius is the criterion averaged over tolerance samples`, 2);
  const tolSpec = opts.robust === 'defaults' ? defaultToleranceSpec(prescription, system) : await loadToleranceSpecFile(opts.robust);
  const dm = merit.defaultMerit;
  // The default merit's RMS spot with its own pupil quadrature (rings × arms).
  const criterion: CriterionSpec = { type: 'rms-spot', reference: dm.reference ?? 'centroid', rings: dm.rings, arms: dm.arms };

  let variables: Variable[];
  try {
    variables = vary.length > 0 ? variablesFromGroups(system, vary) : merit.variables ? variablesFromSpec(system, merit.variables) : variablesFromFlags(system);
  } catch (err) {
    throw new CliError(`${path.basename(lensFile)}: ${(err as Error).message}`);
  }
  const bad = variables.find((v) => !DESIGN_KINDS.has(v.kind));
  if (bad) throw new CliError(`--robust: ${bad.kind} variables are not supported (curvatures, thicknesses, conics and aspheres are)`, 2);
  // A thickness that is also a compensator is re-optimized per sample, not designed.
  const n = prescription.surfaces.length;
  const compensated = new Set((tolSpec.compensators ?? [{ type: 'backFocus' }]).map((c) => (c.type === 'backFocus' ? n - 1 : c.type === 'TTHI' ? c.surface : -1)));
  variables = variables.filter((v) => !(v.kind === 'thickness' && compensated.has(v.surface)));
  if (variables.length === 0) throw new CliError(`${path.basename(lensFile)}: nothing to vary (use --vary curvatures,...)`, 2);

  let tol;
  try {
    tol = prepareTolerancing(prescription, tolSpec, library, criterion, {}, variables.map((v): DesignVariable => ({ kind: v.kind as DesignVariable['kind'], surface: v.surface, index: v.index })));
  } catch (err) {
    if (err instanceof ToleranceError) throw new CliError(`${path.basename(lensFile)}: ${err.message}`);
    throw err;
  }
  // The merit's other operands and thickness bounds hold for the nominal design. Robust design
  // changes the design, not its specification: unless the merit sets the EFL, the nominal EFL is
  // held, weighted so that a change of 1e-4 of it costs as much as the nominal criterion.
  const consSystem = buildSystem(prescription, library);
  const nominal0 = tol.evaluator.evaluate(new Float64Array(tol.model.operands.length)).value;
  const efl0 = efl(consSystem);
  const holdEfl = !(merit.operands ?? []).some((o) => o.type === 'EFL') && Number.isFinite(efl0);
  const operands = [...(merit.operands ?? []), ...(holdEfl ? [{ type: 'EFL' as const, target: efl0, weight: nominal0 / (1e-4 * efl0) ** 2 }] : [])];
  const consSpec: MeritSpec = { operands, defaultMerit: { ...dm, weight: 0 }, variables: variables.map((v) => ({ kind: v.kind, surface: v.surface, index: v.index })) };
  const cons = buildMeritProblem(consSystem, consSpec).problem;
  const x0 = Float64Array.from(variables, (v) => getParam(system, v));
  const nominalCap = maxRise === undefined ? undefined : (1 + maxRise) * nominal0;
  const robust = buildRobustProblem(tol, {
    nominalCap,
    samples,
    seed: ROBUST_SAMPLE_SEED,
    quantile,
    x0,
    lower: Float64Array.from(variables, (v) => v.lower),
    upper: Float64Array.from(variables, (v) => v.upper),
    scale: Float64Array.from(variables, (v) => v.scale),
    constraints: cons.nResiduals > 0 ? cons : undefined,
  });
  const bar = meritProgressBar(iterations);
  let result: OptimizeResult;
  try {
    result = await dampedLeastSquares(robust.problem, x0, { maxIterations: iterations, signal, onProgress: (e) => bar.update(e) });
  } finally {
    bar.stop();
  }

  const designSystem: LensSystem = buildSystem(prescription, library);
  variables.forEach((v, j) => setParam(designSystem, v, result.x[j]));
  const unfocused = writeBack(designSystem);
  const designed = withNominalCompensators(unfocused, prepareTolerancing(unfocused, tolSpec, library, criterion));
  const before = evaluateDesign(prescription, tolSpec, library, criterion, trials, seed);
  const after = evaluateDesign(designed, tolSpec, library, criterion, trials, seed);
  const objective =
    (quantile === undefined ? `mean of the criterion over ${samples} samples` : `mean of the criterion above its ${quantile} quantile over ${samples} samples`) +
    (maxRise === undefined ? '' : `, nominal within +${(100 * maxRise).toFixed(0)} %`) +
    (holdEfl ? `, EFL held at ${efl0.toPrecision(6)} mm` : '');
  const summary = (d: DesignReport) => ({ nominal: d.nominal, mean: d.stats.mean, std: d.stats.std, p50: d.stats.p50, p90: d.stats.p90, p98: d.stats.p98 });
  const out: Prescription = validatePrescription(
    {
      ...designed,
      merit,
      tolerances: tolSpec,
      meta: {
        ...designed.meta,
        robust: {
          tolerances: opts.robust,
          objective,
          samples,
          sampleSeed: ROBUST_SAMPLE_SEED,
          quantile: quantile ?? null,
          maxNominalRise: maxRise ?? null,
          iterations: result.iterations,
          stopReason: result.stopReason,
          criterion: 'RMS spot radius (mm), compensated',
          monteCarlo: { trials, seed, nominalDesign: summary(before), robustDesign: summary(after) },
        },
      },
    },
    path.basename(opts.out),
  );
  await writeOptimizedLens(opts.out, outFormat, out, library);

  const um = (v: number) => (v * 1000).toFixed(4);
  const pct = (a: number, b: number) => `${b >= a ? '+' : ''}${((100 * (b - a)) / a).toFixed(1)} %`;
  const rows: [string, number, number][] = [
    ['nominal (compensated)', before.nominal, after.nominal],
    ['Monte Carlo mean', before.stats.mean, after.stats.mean],
    ['50% <=', before.stats.p50, after.stats.p50],
    ['90% <=', before.stats.p90, after.stats.p90],
    ['98% <=', before.stats.p98, after.stats.p98],
  ];
  const table = rows.map(([label, a, b]) => `${label.padEnd(24)}${um(a).padStart(16)}${um(b).padStart(16)}${pct(a, b).padStart(10)}`).join('\n');
  writeOut(
    `${system.name}: robust design (${objective}, ${tol.model.compensators.map((d) => d.label).join(', ') || 'no'} compensator${tol.model.compensators.length === 1 ? '' : 's'}), ` +
      `damped least squares on ${variables.length} variables; ${result.iterations} iterations, ${stopReasonText(result.stopReason)}\n\n` +
      `RMS spot radius, µm (${source}; Monte Carlo ${trials} trials, seed ${seed}, the same perturbations for both designs)\n` +
      `${''.padEnd(24)}${'nominal design'.padStart(16)}${'robust design'.padStart(16)}${'change'.padStart(10)}\n${table}\n\nwrote ${opts.out}\n`,
  );
  return result;
}
