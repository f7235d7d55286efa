/**
 * A merit figure as the run's words give it: three significant digits, "1.23e-3" (the host's
 * describeRun uses the same form, so the live line and the final one read alike).
 */
export function formatMerit(v: number): string {
  if (!Number.isFinite(v)) return '—';
  if (v === 0) return '0';
  const [m, e] = v.toExponential(2).split('e');
  return `${m}e${Number(e)}`;
}
