/**
 * The tolerance report: the `--json` object (keys `criterion`, `sensitivity`, `monte_carlo`,
 * `inverse`, as issue 15 spells them) and `report.md`, laid out as OpticStudio's tolerance report:
 * the tolerances, the sensitivity table, the worst offenders, the RSS estimate, inverse limits and
 * the Monte Carlo statistics with their histogram and cumulative probability plots.
 */
import type { ToleranceSpec } from '../../engine/io/toleranceSpec.ts';
import type { SensitivityResult } from '../../engine/tolerance/sensitivity.ts';
import { rowDegradation } from '../../engine/tolerance/sensitivity.ts';
import type { InverseRow } from '../../engine/tolerance/inverse.ts';
import type { MonteCarloStatistics, Shard } from '../../engine/tolerance/monteCarlo.ts';

export interface CriterionInfo {
  /** As given on the command line: "rms-spot", "wavefront", "mtf@30" or the merit file name. */
  name: string;
  /** e.g. "RMS spot radius (centroid), polychromatic, all fields". */
  description: string;
  /** "mm" (RMS spot), "waves" (RMS wavefront) or "" (MTF deficit, merit). */
  unit: string;
  /** With compensators optimized, and as designed (compensators at nominal). */
  nominal: number;
  nominalAsDesigned: number;
}

export interface ToleranceRunResult {
  lens: { file: string; name: string };
  criterion: CriterionInfo;
  spec: ToleranceSpec;
  operandLabels: string[];
  compensatorLabels: string[];
  sensitivity: SensitivityResult | null;
  inverse: { degradation: number; rows: InverseRow[] } | null;
  monteCarlo: { shard: Shard; stats: MonteCarloStatistics; requested: number; workers: number; ms: number } | null;
  command: string;
}

const UNITS: Record<string, string> = { TRAD: 'mm', TFRN: 'fringes', TTHI: 'mm', TSDX: 'mm', TSDY: 'mm', TSTX: 'deg', TSTY: 'deg', TEDX: 'mm', TEDY: 'mm', TETX: 'deg', TETY: 'deg', TIND: '', TABB: '%', TIRR: 'fringes', backFocus: 'mm' };

/** The machine-readable result (the `--json` object). Infinity becomes null. */
export function toleranceJson(r: ToleranceRunResult): Record<string, unknown> {
  const s = r.sensitivity;
  return {
    criterion: { name: r.criterion.name, nominal: r.criterion.nominal, nominal_as_designed: r.criterion.nominalAsDesigned, unit: r.criterion.unit, description: r.criterion.description },
    compensators: r.compensatorLabels,
    sensitivity: s
      ? s.rows.map((row) => ({
          operand: row.operand,
          surface: row.surface,
          ...(row.lastSurface !== undefined ? { last_surface: row.lastSurface } : {}),
          limit_minus: row.limitMinus,
          limit_plus: row.limitPlus,
          criterion_minus: row.criterionMinus,
          criterion_plus: row.criterionPlus,
          linear_minus: row.linearMinus,
          linear_plus: row.linearPlus,
          compensators_minus: row.compensatorsMinus,
          compensators_plus: row.compensatorsPlus,
        }))
      : null,
    estimate: s
      ? {
          rss_change: s.rssChange,
          estimated_criterion: s.estimatedCriterion,
          linear_agreement: {
            first_order_max_error: s.linearAgreement.firstOrderMaxError,
            second_order_max_error: s.linearAgreement.secondOrderMaxError,
            rss_error: s.linearAgreement.rssError,
          },
          exact_ms: s.exactMs,
          linear_ms: s.linearMs,
        }
      : null,
    monte_carlo: r.monteCarlo ? monteCarloJson(r.monteCarlo.stats) : null,
    inverse: r.inverse ? r.inverse.rows.map((row) => ({ operand: row.operand, surface: row.surface, ...(row.lastSurface !== undefined ? { last_surface: row.lastSurface } : {}), limit: Number.isFinite(row.limit) ? row.limit : null })) : null,
  };
}

/** The `monte_carlo` object of the JSON result. */
export function monteCarloJson(st: MonteCarloStatistics): Record<string, unknown> {
  return { trials: st.trials, seed: st.seed, mean: st.mean, std: st.std, p10: st.p10, p50: st.p50, p90: st.p90, p98: st.p98, yield: st.yield, threshold: st.threshold, min: st.min, max: st.max };
}

function fmt(v: number, digits = 4): string {
  if (!Number.isFinite(v)) return v > 0 ? '∞' : '—';
  if (v === 0) return '0';
  const a = Math.abs(v);
  if (a >= 1e4 || a < 1e-3) return v.toExponential(digits - 1);
  return v.toPrecision(digits).replace(/(\.\d*?)0+$/, '$1').replace(/\.$/, '');
}

function table(head: string[], rows: string[][]): string {
  const line = (cells: string[]) => `| ${cells.join(' | ')} |`;
  return [line(head), line(head.map(() => '---')), ...rows.map(line)].join('\n');
}

/** The markdown report; `files` names the plots and lens files written next to it. */
export function toleranceMarkdown(r: ToleranceRunResult, files: { histogram?: string; cdf?: string; worst?: string; spec?: string }): string {
  const c = r.criterion;
  const rms = c.unit === 'mm';
  const show = (v: number) => (Number.isFinite(v) ? (rms ? (v * 1000).toFixed(4) : v.toPrecision(6)) : fmt(v));
  const unit = rms ? 'µm' : c.unit;
  const out: string[] = [];
  out.push(`# Tolerance analysis: ${r.lens.name}`);
  out.push('');
  out.push(`Lens file: \`${r.lens.file}\`  `);
  out.push(`Command: \`${r.command}\``);
  out.push('');
  out.push(`- Criterion: ${c.description}${unit ? ` (${unit})` : ''}.`);
  out.push(`- Compensators: ${r.compensatorLabels.length ? r.compensatorLabels.join(', ') : 'none'} (re-optimized for every perturbed lens by damped least squares).`);
  out.push(`- Test wavelength for fringes: ${r.spec.testWavelengthUm ?? 0.6328} µm. Tilts and decenters are about the surface vertex (element: its first vertex), followed by the inverse coordinate break, as OpticStudio's TSDX/TSTX and TEDX/TETX.`);
  out.push(`- Nominal criterion: ${show(c.nominalAsDesigned)} ${unit} as designed, ${show(c.nominal)} ${unit} with compensators optimized (the baseline below).`);
  out.push('');
  out.push('## Tolerances');
  out.push('');
  out.push(
    table(
      ['#', 'Type', 'Surface', 'Min', 'Max', 'Unit', 'Distribution'],
      r.spec.operands.map((o, i) => [String(i + 1), o.type, o.lastSurface !== undefined ? `${o.surface + 1}–${o.lastSurface + 1}` : String(o.surface + 1), fmt(o.min), fmt(o.max), UNITS[o.type] ?? '', o.distribution ?? 'normal']),
    ),
  );
  const s = r.sensitivity;
  if (s) {
    out.push('');
    out.push('## Sensitivity analysis');
    out.push('');
    out.push(`Each tolerance alone at its minimum and maximum, compensators re-optimized. Criterion and change in ${unit || 'merit units'}; "linear" is the Gauss–Newton estimate from one exact Jacobian.`);
    out.push('');
    const compCols = r.compensatorLabels.length === 1 ? [`${r.compensatorLabels[0]} at min`, `at max`] : [];
    out.push(
      table(
        ['Type', 'Surface', 'Min', 'Criterion', 'Change', 'Linear', 'Max', 'Criterion', 'Change', 'Linear', ...compCols],
        s.rows.map((row) => [
          row.operand,
          row.lastSurface !== undefined ? `${row.surface + 1}–${row.lastSurface + 1}` : String(row.surface + 1),
          fmt(row.limitMinus),
          show(row.criterionMinus),
          show(row.criterionMinus - s.nominal),
          show(row.linearMinus),
          fmt(row.limitPlus),
          show(row.criterionPlus),
          show(row.criterionPlus - s.nominal),
          show(row.linearPlus),
          ...(compCols.length ? [fmt(row.compensatorsMinus[0]), fmt(row.compensatorsPlus[0])] : []),
        ]),
      ),
    );
    out.push('');
    out.push('## Worst offenders');
    out.push('');
    out.push(
      table(
        ['Type', 'Surface', 'Value', 'Criterion', 'Change'],
        s.worstFirst.slice(0, 10).map((i) => {
          const row = s.rows[i];
          const plus = row.criterionPlus >= row.criterionMinus;
          const v = plus ? row.criterionPlus : row.criterionMinus;
          return [row.operand, row.lastSurface !== undefined ? `${row.surface + 1}–${row.lastSurface + 1}` : String(row.surface + 1), fmt(plus ? row.limitPlus : row.limitMinus), show(v), show(rowDegradation(row, s.nominal))];
        }),
      ),
    );
    out.push('');
    out.push('## Estimated performance changes (root-sum-square)');
    out.push('');
    out.push(`| Nominal criterion | Estimated change | Estimated criterion |`);
    out.push(`| --- | --- | --- |`);
    out.push(`| ${show(s.nominal)} | ${show(s.rssChange)} | ${show(s.estimatedCriterion)} |`);
    out.push('');
    out.push(`The estimated change is the root-sum-square of each operand's larger degradation at its limits (±2σ for the normal distribution).`);
    const a = s.linearAgreement;
    out.push(
      `Linear estimate vs exact table: ${a.firstOrderCount} operands with first-order effect agree within ${fmt(100 * a.firstOrderMaxError, 3)} %, ` +
        `${a.secondOrderCount} with second-order effect only (symmetry) within ${fmt(100 * a.secondOrderMaxError, 3)} %; RSS within ${fmt(100 * a.rssError, 3)} %. ` +
        `Exact table ${s.exactMs.toFixed(0)} ms, linear table ${s.linearMs.toFixed(0)} ms.`,
    );
  }
  if (r.inverse) {
    out.push('');
    out.push('## Inverse sensitivity');
    out.push('');
    out.push(`The symmetric limit ±L at which the criterion degrades by ${show(r.inverse.degradation)} ${unit} (worse of −L and +L; bisection on the exact evaluation).`);
    out.push('');
    out.push(
      table(
        ['Type', 'Surface', 'Limit ±L', 'Unit', 'Change at L'],
        r.inverse.rows.map((row) => [row.operand, row.lastSurface !== undefined ? `${row.surface + 1}–${row.lastSurface + 1}` : String(row.surface + 1), Number.isFinite(row.limit) ? fmt(row.limit) : 'no effect', UNITS[row.operand] ?? '', show(row.change)]),
      ),
    );
  }
  const mc = r.monteCarlo;
  if (mc) {
    const st = mc.stats;
    out.push('');
    out.push('## Monte Carlo analysis');
    out.push('');
    out.push(`${st.trials} trials${st.trials < mc.requested ? ` (cancelled: ${mc.requested} requested)` : ''}, seed ${st.seed}, every tolerance drawn from its distribution (normal: ±limit = ±2σ, truncated at ±2σ), compensators re-optimized. ${mc.workers} worker${mc.workers === 1 ? '' : 's'}, ${(mc.ms / 1000).toFixed(2)} s (${((1000 * st.trials) / mc.ms).toFixed(0)} trials/s).`);
    out.push('');
    out.push(table(['Nominal', 'Best', 'Worst', 'Mean', 'Std Dev'], [[show(c.nominal), show(st.min), show(st.max), show(st.mean), show(st.std)]]));
    out.push('');
    out.push('```');
    out.push(`98% <= ${show(st.p98)} ${unit}`);
    out.push(`90% <= ${show(st.p90)} ${unit}`);
    out.push(`50% <= ${show(st.p50)} ${unit}`);
    out.push(`10% <= ${show(st.p10)} ${unit}`);
    out.push('```');
    out.push('');
    if (st.threshold !== null && st.yield !== null) out.push(`Yield: ${fmt(100 * st.yield, 4)} % of the trials have a criterion at or below ${show(st.threshold)} ${unit}.`);
    const comps = mc.shard.compensators;
    if (comps.length && comps[0].length) {
      out.push('');
      out.push(
        table(
          ['Compensator', 'Min', 'Max', 'Mean', 'Std Dev'],
          r.compensatorLabels.map((label, j) => {
            const v = comps.map((cc) => cc[j]);
            const mean = v.reduce((a, x) => a + x, 0) / v.length;
            const sd = v.length > 1 ? Math.sqrt(v.reduce((a, x) => a + (x - mean) ** 2, 0) / (v.length - 1)) : 0;
            return [label, fmt(Math.min(...v)), fmt(Math.max(...v)), fmt(mean), fmt(sd)];
          }),
        ),
      );
    }
    if (files.histogram) out.push('', `![Histogram of the criterion](${files.histogram})`);
    if (files.cdf) out.push('', `![Cumulative probability](${files.cdf})`);
    if (files.worst && mc.shard.worst) out.push('', `The worst trial (#${mc.shard.worst.trial}, ${show(mc.shard.worst.value)} ${unit}) is saved as \`${files.worst}\`.`);
  }
  if (files.spec) out.push('', `The tolerances used are saved as \`${files.spec}\`.`);
  out.push('');
  return out.join('\n');
}
