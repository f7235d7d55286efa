/** Plain-text formatting helpers for CLI reports (fixed significant digits, aligned columns). */

/** Formats a number with `digits` significant digits; null/non-finite as "—". */
export function num(v: number | null | undefined, digits = 7): string {
  if (v === null || v === undefined || !Number.isFinite(v)) return '—';
  // Round-off residue (e.g. the centroid of an on-axis spot) prints as 0.
  if (v === 0 || Math.abs(v) < 1e-13) return '0';
  const a = Math.abs(v);
  if (a >= 1e-4 && a < 1e7) return Number(v.toPrecision(digits)).toString();
  return v.toExponential(digits - 1);
}

/** Renders rows as an aligned table with a header line. */
export function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}
