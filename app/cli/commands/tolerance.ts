/**
 * `lens-studio tolerance <lens> [--spec tol.json | --defaults] [--write-spec tol.json]
 * [--criterion rms-spot|wavefront|mtf@FREQ|merit.json] [--compensators back-focus,...|none] [--sensitivity]
 * [--inverse DELTA] [--monte-carlo N] [--seed S] [--workers W] [--trials-range A:B] [--out DIR]
 * [--json]` and `lens-studio tolerance merge shard-*.json --out all.json`. The machinery is in
 * ../toleranceRun.ts; the analyses in engine/tolerance/.
 */
import type { Command } from 'commander';
import { collect } from '../loadLens.ts';
import { mergeShardFiles, runTolerance, type ToleranceCommandOptions } from '../toleranceRun.ts';

export function register(program: Command): void {
  const tolerance = program
    .command('tolerance')
    .description('tolerance a lens: sensitivity, inverse sensitivity and Monte Carlo with compensators')
    .argument('<lens>', 'lens file (.json, .zmx, dO)')
    .option('--spec <tol.json>', 'tolerance spec file (lens-studio-tolerance/1)')
    .option('--defaults', 'use the default precision-grade tolerances (see the README)')
    .option('--write-spec <tol.json>', 'write the spec in use (e.g. the defaults) and exit')
    .option('--criterion <name>', 'rms-spot, wavefront (RMS wavefront error, waves), mtf@FREQ (1 − MTF at FREQ cycles/mm), or a merit spec file.json', 'rms-spot')
    .option('--reference <ref>', 'RMS spot reference: centroid or chief', 'centroid')
    .option('--compensators <list>', 'back-focus, TYPE:SURFACE (0-based, e.g. TTHI:4, TETX:2-4), comma-separated, or none')
    .option('--sensitivity', 'sensitivity table (also run for a report and when no other analysis is asked for)')
    .option('--inverse <delta>', 'inverse sensitivity: limits that degrade the criterion by DELTA (criterion units: mm for rms-spot, waves for wavefront)')
    .option('--monte-carlo <n>', 'Monte Carlo trials')
    .option('--seed <s>', 'Monte Carlo seed', '1')
    .option('--workers <w>', 'worker threads for Monte Carlo (default: all cores)')
    .option('--threshold <value>', 'yield threshold in criterion units (default 1.25 × the compensated nominal)')
    .option('--trials-range <a:b>', 'run trials a..b−1 of the seeded Monte Carlo sequence only (a shard)')
    .option('--out <dir>', 'write report.md, tolerance.json, plots, worst-trial.json and spec.json here (a shard: shard-a-b.json)')
    .option('--json', 'print the result as one JSON object')
    .option('--glass-dir <dir>', 'folder of Zemax AGF catalogs (repeatable)', collect, [])
    .action(async (lens: string, opts: ToleranceCommandOptions) => runTolerance(lens, opts));
  // Options after `merge` belong to merge (both commands have --out and --json).
  tolerance.enablePositionalOptions();
  tolerance
    .command('merge')
    .description('merge Monte Carlo shard files into the statistics of the whole run')
    .argument('<shards...>', 'shard files written with --trials-range')
    .option('--out <all.json>', 'write the merged result here')
    .option('--json', 'print the merged result')
    .action(async (shards: string[], opts: { out?: string; json?: boolean }) => mergeShardFiles(shards, opts.out, opts.json === true));
}
