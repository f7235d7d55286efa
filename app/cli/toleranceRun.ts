/**
 * The machinery of `lens-studio tolerance`: the spec (a file, the defaults, or the lens's own
 * `tolerances`), the criterion and compensators, the analyses with progress bars and Ctrl-C, the
 * Monte Carlo run on worker threads (or one shard of it), and the outputs: `--json` on stdout, or
 * `--out DIR` with report.md, tolerance.json, histogram.png, cdf.png, worst-trial.json, spec.json.
 * Shards (`--trials-range A:B`) write shard-A-B.json, merged by `lens-studio tolerance merge`.
 */
import { terminalJson, writeOut } from './terminal.ts';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import cliProgress from 'cli-progress';
import { formatPath } from '../../engine/io/jsonText.ts';
import type { Prescription } from '../../engine/io/prescription.ts';
import { COMPENSATOR_TYPES, ToleranceSpec, type Compensator, type CompensatorType } from '../../engine/io/toleranceSpec.ts';
import { defaultToleranceSpec } from '../../engine/tolerance/defaults.ts';
import { ToleranceError } from '../../engine/tolerance/perturbation.ts';
import { prepareTolerancing, type CriterionSpec, type Tolerancing } from '../../engine/tolerance/setup.ts';
import { mtfQuadratureOrder } from '../../engine/tolerance/waveCriteria.ts';
import { sensitivity } from '../../engine/tolerance/sensitivity.ts';
import { inverseSensitivity } from '../../engine/tolerance/inverse.ts';
import { mergeShards, runTrials, statistics, type Shard } from '../../engine/tolerance/monteCarlo.ts';
import { cdfPng, histogramPng } from '../node/toleranceCharts.ts';
import { monteCarloJson, toleranceJson, toleranceMarkdown, type ToleranceRunResult } from '../node/toleranceReport.ts';
import { ToleranceWorkerPool } from '../node/toleranceWorkers.ts';
import { runMonteCarlo } from '../node/monteCarloRun.ts';
import { CliError } from './errors.ts';
import { loadSystemFile, printWarnings } from './loadLens.ts';
import { writeFileAtomic } from '../node/atomicWrite.ts';
import { interruptOnSigint, signalExitCode } from './interrupt.ts';
import { loadMeritSpecFile } from './optimizeArgs.ts';

export interface ToleranceCommandOptions {
  spec?: string;
  defaults?: boolean;
  writeSpec?: string;
  criterion: string;
  reference: string;
  compensators?: string;
  sensitivity?: boolean;
  inverse?: string;
  monteCarlo?: string;
  seed: string;
  workers?: string;
  threshold?: string;
  trialsRange?: string;
  out?: string;
  json?: boolean;
  glassDir?: string[];
}

export const SHARD_FORMAT = 'lens-studio-tolerance-shard/1';

/** A shard file: the trials A..B−1 of a seeded run, and enough to check that shards belong together. */
export interface ShardFile {
  format: typeof SHARD_FORMAT;
  lens: { file: string; name: string };
  criterion: { name: string; nominal: number; unit: string };
  /** Identifies the lens + spec + criterion + compensators: shards of one run share it. */
  fingerprint: string;
  threshold: number | null;
  shard: Shard;
  /** The shard's worst trial as a lens prescription. */
  worst_lens: Prescription | null;
}

const num = (s: string, flag: string, check: (v: number) => boolean, what: string): number => {
  const v = Number(s);
  if (!Number.isFinite(v) || !check(v)) throw new CliError(`${flag}: expected ${what} (got "${s}")`, 2);
  return v;
};

/** Reads and validates a tolerance spec file; errors name the file and the JSON path. */
export async function loadToleranceSpecFile(file: string): Promise<ToleranceSpec> {
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
    throw new CliError(`${file}: not valid JSON (${(err as Error).message})`);
  }
  const res = ToleranceSpec.safeParse(value);
  if (!res.success) {
    const issue = res.error.issues[0];
    throw new CliError(`${file}: ${formatPath(issue.path)}: ${issue.message}`);
  }
  return res.data;
}

/**
 * Parses `--compensators back-focus,TTHI:4,TSDY:2|none` (surfaces 0-based, as in the spec; an
 * element as TEDX:3-5).
 */
export function parseCompensators(list: string): Compensator[] {
  if (list.trim() === 'none') return [];
  return list.split(',').map((item) => {
    const t = item.trim();
    if (t === 'back-focus' || t === 'backFocus') return { type: 'backFocus' };
    const m = /^([A-Z]{4}):(\d+)(?:-(\d+))?$/.exec(t);
    if (!m || !(COMPENSATOR_TYPES as readonly string[]).includes(m[1])) {
      throw new CliError(`--compensators: "${t}" is not back-focus, none, or TYPE:SURFACE with TYPE one of ${COMPENSATOR_TYPES.filter((c) => c !== 'backFocus').join(', ')}`, 2);
    }
    return { type: m[1] as CompensatorType, surface: Number(m[2]), ...(m[3] !== undefined ? { lastSurface: Number(m[3]) } : {}) };
  });
}

function progressBar(label: string, total: number, unit: string): { update(v: number): void; stop(): void } {
  if (!process.stderr.isTTY) {
    // A log (a batch job's, a pipe): one line as each analysis starts.
    process.stderr.write(`lens-studio: ${label}, ${total} ${unit}\n`);
    return { update() {}, stop() {} };
  }
  const bar = new cliProgress.SingleBar({ format: `${label} |{bar}| {value}/{total} ${unit} | {eta_formatted}`, stream: process.stderr, hideCursor: true }, cliProgress.Presets.shades_classic);
  bar.start(total, 0);
  return { update: (v) => bar.update(v), stop: () => bar.stop() };
}

function fingerprint(...parts: unknown[]): string {
  // FNV-1a over the JSON text: enough to tell runs apart, not a security hash.
  const text = JSON.stringify(parts);
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h.toString(16).padStart(8, '0');
}

/** Runs `lens-studio tolerance <lens> ...`. */
export async function runTolerance(lensFile: string, o: ToleranceCommandOptions): Promise<void> {
  if (o.spec && o.defaults) throw new CliError('give either --spec or --defaults, not both', 2);
  const loaded = await loadSystemFile(lensFile, o.glassDir ?? []);
  printWarnings(lensFile, loaded.warnings);
  let spec: ToleranceSpec;
  if (o.spec) spec = await loadToleranceSpecFile(o.spec);
  else if (o.defaults) spec = defaultToleranceSpec(loaded.prescription, loaded.system);
  else if (loaded.prescription.tolerances) spec = loaded.prescription.tolerances;
  else throw new CliError(`${path.basename(lensFile)} has no tolerances: give --spec tol.json or --defaults`, 2);
  if (o.compensators !== undefined) spec = { ...spec, compensators: parseCompensators(o.compensators) };
  if (o.writeSpec) {
    await writeFileAtomic(o.writeSpec, `${JSON.stringify(spec, null, 2)}\n`);
    if (!o.json) process.stdout.write(`wrote ${o.writeSpec} (${spec.operands.length} tolerances)\n`);
    return;
  }

  let criterion: CriterionSpec;
  if (o.criterion === 'rms-spot') {
    if (o.reference !== 'centroid' && o.reference !== 'chief') throw new CliError(`--reference: expected centroid or chief (got "${o.reference}")`, 2);
    criterion = { type: 'rms-spot', reference: o.reference };
  } else if (o.criterion === 'wavefront') {
    criterion = { type: 'wavefront' };
  } else if (/^mtf@/.test(o.criterion)) {
    const frequency = Number(o.criterion.slice(4));
    if (!(frequency > 0 && Number.isFinite(frequency))) throw new CliError(`--criterion ${o.criterion}: expected mtf@FREQUENCY with a positive frequency in cycles/mm, e.g. mtf@30`, 2);
    // The quadrature order is fixed once, on the nominal lens, and handed to the workers.
    try {
      criterion = { type: 'mtf', frequency, order: mtfQuadratureOrder(loaded.system, frequency) };
    } catch (err) {
      if (err instanceof ToleranceError) throw new CliError(`${path.basename(lensFile)}: ${err.message}`);
      throw err;
    }
  } else if (o.criterion.endsWith('.json')) {
    criterion = { type: 'merit', spec: await loadMeritSpecFile(o.criterion), name: path.basename(o.criterion) };
  } else {
    throw new CliError(`--criterion: expected rms-spot, wavefront, mtf@FREQUENCY or a merit spec file.json (got "${o.criterion}")`, 2);
  }

  let tol: Tolerancing;
  try {
    tol = prepareTolerancing(loaded.prescription, spec, loaded.library, criterion);
  } catch (err) {
    if (err instanceof ToleranceError) throw new CliError(`${path.basename(lensFile)}: ${o.spec ? `${o.spec}: ` : ''}${err.message}`);
    throw err;
  }
  const { evaluator, model } = tol;
  const D = model.operands.length;
  const nominalComp = evaluator.nominalCompensators();
  const nominal = evaluator.evaluate(new Float64Array(D), nominalComp).value;
  const nominalAsDesigned = evaluator.evaluateFixed(new Float64Array(D), new Float64Array(model.compensators.length));
  const nf = loaded.system.fieldY.length;
  const description =
    criterion.type === 'rms-spot'
      ? `RMS spot radius about the ${criterion.reference ?? 'centroid'}, polychromatic, all ${nf} fields, Gaussian quadrature 3 rings × 6 arms`
      : criterion.type === 'merit'
        ? `merit function ${criterion.name}`
        : `${tol.criterion.name}, all ${nf} fields and ${loaded.system.wavelengthsUm.length} wavelengths${criterion.type === 'mtf' ? ' (lower is better; MTF ≈ 1 − criterion)' : ''}`;
  const name = criterion.type === 'merit' ? criterion.name ?? 'merit' : criterion.type === 'mtf' ? `mtf@${criterion.frequency}` : criterion.type;
  const info = { name, description, unit: tol.criterion.unit, nominal, nominalAsDesigned };

  const trials = o.monteCarlo !== undefined ? num(o.monteCarlo, '--monte-carlo', (v) => Number.isInteger(v) && v >= 1, 'a positive number of trials') : 0;
  const seed = num(o.seed, '--seed', (v) => Number.isInteger(v) && v >= 0, 'a non-negative integer');
  const workers = o.workers !== undefined ? num(o.workers, '--workers', (v) => Number.isInteger(v) && v >= 1, 'a positive integer') : Math.max(1, os.availableParallelism());
  const threshold = o.threshold !== undefined ? num(o.threshold, '--threshold', (v) => v > 0, 'a positive criterion value') : 1.25 * nominal;
  const fp = fingerprint(loaded.prescription, spec, criterion, seed, trials);
  // Ctrl-C or SIGTERM: the analyses stop, what is done is reported and written (atomically), and
  // the exit code is 130 (SIGINT) or 143 (SIGTERM), as for optimize.
  const { signal, received, dispose } = interruptOnSigint((sig) =>
    process.stderr.write(`\nlens-studio: stopping (${sig === 'SIGINT' ? 'Ctrl-C' : 'SIGTERM'} again to quit without writing)\n`),
  );
  const stoppedCode = () => signalExitCode(received() ?? 'SIGINT');
  // Worker threads start as soon as a Monte Carlo run is certain, so that they load while this
  // thread runs the sensitivity analysis (and then the first trials).
  let poolP: Promise<ToleranceWorkerPool> | null = null;
  const startPool = (): Promise<ToleranceWorkerPool> => (poolP ??= ToleranceWorkerPool.create({ prescription: loaded.prescription, spec, criterion, glassDirs: o.glassDir ?? [] }, workers));
  if (trials >= 50 && workers > 1 && o.trialsRange === undefined) startPool().catch(() => {});
  try {
    // ---- one shard of a Monte Carlo run ----
    if (o.trialsRange !== undefined) {
      const m = /^(\d+):(\d+)$/.exec(o.trialsRange);
      if (!m || trials === 0) throw new CliError('--trials-range A:B needs --monte-carlo N and 0 ≤ A ≤ B ≤ N', 2);
      const [a, b] = [Number(m[1]), Number(m[2])];
      if (!(a <= b && b <= trials)) throw new CliError(`--trials-range ${a}:${b} is not inside 0:${trials}`, 2);
      const run = await monteCarlo(tol, seed, trials, a, b, workers, signal, startPool);
      const file: ShardFile = {
        format: SHARD_FORMAT,
        lens: { file: lensFile, name: loaded.prescription.name },
        criterion: { name: info.name, nominal, unit: info.unit },
        fingerprint: fp,
        threshold,
        shard: run.shard,
        worst_lens: run.shard.worst ? model.prescription(run.shard.worst.delta, run.shard.worst.comp) : null,
      };
      if (signal.aborted) throw new CliError('cancelled: no shard written', stoppedCode());
      const text = `${JSON.stringify(file)}\n`;
      if (o.out) {
        const target = o.out.endsWith('.json') ? o.out : path.join(o.out, `shard-${a}-${b}.json`);
        await writeFileAtomic(target, text);
        if (!o.json) process.stdout.write(`wrote ${target} (trials ${a}..${b - 1} of ${trials})\n`);
      }
      if (o.json) process.stdout.write(text);
      return;
    }

    const wantSensitivity = o.sensitivity === true || (o.inverse === undefined && trials === 0) || o.out !== undefined;
    const result: ToleranceRunResult = {
      lens: { file: lensFile, name: loaded.prescription.name },
      criterion: info,
      spec,
      operandLabels: model.operands.map((d) => d.label),
      compensatorLabels: model.compensators.map((d) => d.label),
      sensitivity: null,
      inverse: null,
      monteCarlo: null,
      command: ['lens-studio', 'tolerance', ...process.argv.slice(3)].join(' '),
    };
    if (wantSensitivity && !signal.aborted) {
      const bar = progressBar('sensitivity', D, 'operands');
      result.sensitivity = sensitivity(evaluator, tol.limits, (done) => bar.update(done));
      bar.stop();
    }
    if (o.inverse !== undefined && !signal.aborted) {
      const delta = num(o.inverse, '--inverse', (v) => v > 0, 'a positive criterion change');
      const bar = progressBar('inverse sensitivity', D, 'operands');
      result.inverse = { degradation: delta, rows: inverseSensitivity(evaluator, tol.limits, delta, { onProgress: (done) => bar.update(done) }) };
      bar.stop();
    }
    let worstLens: Prescription | null = null;
    if (trials > 0 && !signal.aborted) {
      const t0 = performance.now();
      const run = await monteCarlo(tol, seed, trials, 0, trials, workers, signal, startPool);
      const ms = performance.now() - t0;
      if (run.shard.values.length > 0) {
        result.monteCarlo = { shard: run.shard, stats: statistics(run.shard, threshold), requested: trials, workers: run.workers, ms };
        if (run.shard.worst) worstLens = model.prescription(run.shard.worst.delta, run.shard.worst.comp);
      }
    }
    const json = toleranceJson(result);
    if (o.out) await writeOutputs(o.out, result, json, worstLens);
    if (o.json) process.stdout.write(`${terminalJson(json)}\n`);
    else printSummary(result, o.out);
    if (signal.aborted) process.exitCode = stoppedCode();
  } finally {
    dispose();
    if (poolP) await (poolP as Promise<ToleranceWorkerPool>).then((p) => p.close(), () => {});
  }
}

async function monteCarlo(tol: Tolerancing, seed: number, trials: number, start: number, end: number, workers: number, signal: AbortSignal, startPool: () => Promise<ToleranceWorkerPool>): Promise<{ shard: Shard; workers: number }> {
  const bar = progressBar('Monte Carlo', end - start, 'trials');
  try {
    if (workers <= 1 || end - start < 50) {
      // In this thread, in chunks, handing the event loop a turn between them (Ctrl-C).
      const parts: Shard[] = [];
      for (let a = start; a < end && !signal.aborted; a += 50) {
        parts.push(runTrials(tol.evaluator, tol.sampled, seed, trials, a, Math.min(end, a + 50)));
        bar.update(Math.min(end, a + 50) - start);
        await new Promise((r) => setImmediate(r));
      }
      return { shard: parts.length ? mergeShards(parts) : { seed, trials, start, end: start, values: [], compensators: [], worst: null }, workers: 1 };
    }
    const run = await runMonteCarlo(tol, startPool(), seed, trials, start, end, { onProgress: (d) => bar.update(d), signal });
    return { shard: run.shard, workers: Math.max(1, run.workers) };
  } finally {
    bar.stop();
  }
}

async function writeOutputs(dir: string, r: ToleranceRunResult, json: Record<string, unknown>, worstLens: Prescription | null): Promise<void> {
  const files: { histogram?: string; cdf?: string; worst?: string; spec?: string } = { spec: 'spec.json' };
  const mc = r.monteCarlo;
  const scale = r.criterion.unit === 'mm' ? 1000 : 1;
  const axis = r.criterion.unit === 'mm' ? 'RMS spot radius (µm)' : r.criterion.unit === 'waves' ? 'RMS wavefront error (waves)' : r.criterion.name.startsWith('mtf@') ? `1 − MTF at ${r.criterion.name.slice(4)} cycles/mm` : 'merit';
  if (mc) {
    const v = mc.shard.values.map((x) => x * scale);
    const markers = [
      { x: r.criterion.nominal * scale, label: 'nominal' },
      { x: mc.stats.p90 * scale, label: '90%' },
    ];
    await writeFileAtomic(path.join(dir, 'histogram.png'), await histogramPng(v, { title: `Monte Carlo, ${mc.stats.trials} trials`, xLabel: axis, yLabel: 'Trials', markers }));
    await writeFileAtomic(path.join(dir, 'cdf.png'), await cdfPng(v, { title: 'Cumulative probability', xLabel: axis, yLabel: 'Trials at or below (%)', markers }));
    files.histogram = 'histogram.png';
    files.cdf = 'cdf.png';
    if (worstLens) {
      const worst = { ...worstLens, name: `${r.lens.name} (Monte Carlo worst trial #${mc.shard.worst!.trial})` };
      await writeFileAtomic(path.join(dir, 'worst-trial.json'), `${JSON.stringify(worst, null, 2)}\n`);
      files.worst = 'worst-trial.json';
    }
  }
  await writeFileAtomic(path.join(dir, 'spec.json'), `${JSON.stringify(r.spec, null, 2)}\n`);
  await writeFileAtomic(path.join(dir, 'tolerance.json'), `${JSON.stringify(json, null, 2)}\n`);
  await writeFileAtomic(path.join(dir, 'report.md'), toleranceMarkdown(r, files));
}

function printSummary(r: ToleranceRunResult, out: string | undefined): void {
  const rms = r.criterion.unit === 'mm';
  const show = (v: number) => (rms ? `${(v * 1000).toFixed(4)} µm` : `${v.toPrecision(6)}${r.criterion.unit ? ` ${r.criterion.unit}` : ''}`);
  const lines = [`${r.lens.name}: ${r.criterion.description}`, `nominal ${show(r.criterion.nominalAsDesigned)} as designed, ${show(r.criterion.nominal)} with compensators (${r.compensatorLabels.join(', ') || 'none'})`];
  const s = r.sensitivity;
  if (s) {
    lines.push(`sensitivity: ${s.rows.length} operands in ${s.exactMs.toFixed(0)} ms (linear estimate ${s.linearMs.toFixed(0)} ms); RSS change ${show(s.rssChange)}, estimated ${show(s.estimatedCriterion)}`);
    lines.push(`worst offenders: ${s.worstFirst.slice(0, 5).map((i) => s.rows[i].label).join(', ')}`);
  }
  if (r.inverse) lines.push(`inverse sensitivity for a change of ${show(r.inverse.degradation)}: ${r.inverse.rows.map((row) => `${row.label} ±${Number.isFinite(row.limit) ? row.limit.toPrecision(3) : '∞'}`).join(', ')}`);
  if (r.monteCarlo) {
    const st = r.monteCarlo.stats;
    lines.push(`Monte Carlo ${st.trials} trials (seed ${st.seed}): mean ${show(st.mean)}, std ${show(st.std)}, 90% <= ${show(st.p90)}, 98% <= ${show(st.p98)}, yield ${((st.yield ?? 0) * 100).toFixed(1)}% at ${show(st.threshold ?? NaN)}`);
  }
  if (out) lines.push(`report: ${path.join(out, 'report.md')}`);
  writeOut(`${lines.join('\n')}\n`);
}

/** `lens-studio tolerance merge shard-*.json --out all.json`: the statistics of the whole run. */
export async function mergeShardFiles(files: string[], out: string | undefined, json: boolean): Promise<void> {
  if (files.length === 0) throw new CliError('merge: give the shard files', 2);
  const shards: ShardFile[] = [];
  for (const f of files) {
    let value: ShardFile;
    try {
      value = JSON.parse(await fs.readFile(f, 'utf8')) as ShardFile;
    } catch (err) {
      throw new CliError(`${f}: cannot read a shard (${(err as Error).message})`);
    }
    if (value?.format !== SHARD_FORMAT) throw new CliError(`${f}: format: expected "${SHARD_FORMAT}"`);
    if (shards.length && value.fingerprint !== shards[0].fingerprint) throw new CliError(`${f}: comes from another run (lens, spec, criterion, seed or trial count differ from ${files[0]})`);
    shards.push(value);
  }
  let merged: Shard;
  try {
    merged = mergeShards(shards.map((s) => s.shard));
  } catch (err) {
    throw new CliError(`merge: ${(err as Error).message}`);
  }
  if (merged.start !== 0 || merged.end !== merged.trials) throw new CliError(`merge: the shards cover trials ${merged.start}..${merged.end - 1} of 0..${merged.trials - 1}`);
  const first = shards[0];
  const worstShard = shards.find((s) => s.shard.worst && merged.worst && s.shard.worst.trial === merged.worst.trial);
  const result = {
    criterion: { name: first.criterion.name, nominal: first.criterion.nominal, unit: first.criterion.unit },
    sensitivity: null,
    monte_carlo: monteCarloJson(statistics(merged, first.threshold)),
    inverse: null,
    worst_trial: merged.worst ? { trial: merged.worst.trial, value: merged.worst.value, lens: worstShard?.worst_lens ?? null } : null,
  };
  const text = `${JSON.stringify(result, null, 2)}\n`;
  if (out) await writeFileAtomic(out, text);
  if (json || !out) process.stdout.write(`${terminalJson(result)}\n`);
  else process.stdout.write(`wrote ${out}: ${merged.values.length} trials from ${shards.length} shards\n`);
}
