/**
 * A merit function as a merit editor shows it: one row per operand of the spec (targets as typed,
 * never recomputed from the lens), then the default merit as a generated block (its RMS spot and
 * thickness-bound operands, regenerated from its settings), each with its current value and share
 * of the merit Σ r² (engine/optimize/problem.ts). The blocks are the merit problem's own
 * (meritProblem.ts), so the table and the optimizer always agree; no variable is needed.
 */
import type { MeritSpec, Operand } from '../io/meritSpecSchema.ts';
import type { LensSystem } from '../optics/system.ts';
import { defaultMeritBlocks } from './defaultMerit.ts';
import { resolveDefaultMerit, type ResolvedDefaultMerit } from './meritSpec.ts';
import { operandBlock } from './operands/index.ts';
import type { ResidualBlock } from './operands/operand.ts';
import { chainedParams } from './solveJacobian.ts';

/** One row of the merit editor. */
export interface MeritRow {
  /** The spec operand (for a generated row, the operand the default merit builds). */
  operand: Operand;
  /** True for the default merit's generated rows (regenerated from its settings, not edited). */
  generated: boolean;
  /** Short label, e.g. "EFL", "RMS f2 w1", "ET s3". */
  label: string;
  target: number;
  weight: number;
  kind: 'target' | 'lower' | 'upper';
  /** The operand's value (NaN where it cannot be computed). */
  value: number;
  /** Share of the merit, 0..1. */
  contribution: number;
}

export interface MeritTable {
  /** Σ r² over every row. */
  merit: number;
  rows: MeritRow[];
  /** The default merit's settings with every default filled in; null without a default merit. */
  defaultMerit: ResolvedDefaultMerit | null;
}

/**
 * Evaluates a merit spec on a lens system at its current parameters.
 * @throws Error from an operand that names a field, wavelength or surface the lens does not have
 */
export function meritTable(system: LensSystem, spec: MeritSpec): MeritTable {
  const { all } = chainedParams(system, []);
  const entries: { block: ResidualBlock; generated: boolean }[] = [];
  for (const o of spec.operands ?? []) entries.push({ block: operandBlock(system, o, all), generated: false });
  if (spec.defaultMerit) for (const block of defaultMeritBlocks(system, spec, all)) entries.push({ block, generated: true });
  const sums = entries.map(({ block }) => {
    const r = new Float64Array(block.count);
    try {
      block.eval(r, null, 0);
    } catch {
      return NaN;
    }
    return r.reduce((a, v) => a + v * v, 0);
  });
  const merit = sums.reduce((a, v) => a + (Number.isFinite(v) ? v : 0), 0);
  const rows = entries.map(({ block, generated }, i): MeritRow => {
    let value = NaN;
    try {
      value = block.value();
    } catch {
      value = NaN;
    }
    return {
      operand: block.source!,
      generated,
      label: block.label,
      target: block.target,
      weight: block.weight,
      kind: block.kind ?? 'target',
      value,
      contribution: merit > 0 && Number.isFinite(sums[i]) ? sums[i] / merit : 0,
    };
  });
  return { merit, rows, defaultMerit: spec.defaultMerit ? resolveDefaultMerit(spec.defaultMerit) : null };
}
