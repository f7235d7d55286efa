/**
 * What `lens-studio optimize` shows: a cli-progress bar on stderr while it runs, then the
 * before/after table (merit, EFL, RMS spot per field), the operand table and the glass
 * substitutions on stdout.
 */
import cliProgress from 'cli-progress';
import type { LensSystem } from '../../engine/optics/system.ts';
import type { Substitution } from '../../engine/optimize/glassChoice.ts';
import type { OperandValue, ProgressEvent, StopReason } from '../../engine/optimize/problem.ts';
import type { LensSummary, RunProgress } from '../../engine/optimize/run.ts';
import { num, table } from './format.ts';

/** A cli-progress bar on stderr showing iteration and merit (silent when stderr is not a terminal). */
export function meritProgressBar(total: number): RunProgress {
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

/** Why the run ended, as the report says it. */
export function stopReasonText(reason: StopReason, signal: 'SIGINT' | 'SIGTERM' | null = 'SIGINT'): string {
  return {
    converged: 'converged',
    maxIterations: 'iteration limit reached',
    cancelled: `stopped by ${signal === 'SIGTERM' ? 'SIGTERM' : 'Ctrl-C'}; the best lens so far was kept`,
    stalled: 'stalled (no step lowers the merit)',
  }[reason];
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

/** One line per model glass replaced by a catalog glass (1-based surface numbers). */
export function formatSubstitutions(substitutions: Substitution[]): string {
  return substitutions
    .map((g) => `surface ${g.surface + 1}: model ${g.from.nd.toFixed(4)}/${g.from.vd.toFixed(2)} → ${g.to.catalog}:${g.to.name} (${g.to.nd.toFixed(4)}/${g.to.vd.toFixed(2)})`)
    .join('\n');
}
