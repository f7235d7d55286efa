/**
 * Numbers in table columns: as many significant digits as fit the column's width in characters
 * (OpticStudio's editors show 1.234567E-03 or 50.00000 the same way), with a typographic minus.
 * Plain notation while it keeps at least 3 significant digits; else scientific (1.23e-5).
 */

/**
 * `v` in at most `width` characters (width ≥ 6), to the most significant digits (≤ `maxDigits`) that
 * fit. NaN and ±Infinity give "—" and "∞".
 */
export function formatSig(v: number, width = 10, maxDigits = 7): string {
  if (Number.isNaN(v)) return '—';
  if (!Number.isFinite(v)) return v > 0 ? '∞' : '−∞';
  if (v === 0) return '0';
  const a = Math.abs(v);
  const minus = v < 0 ? '−' : '';
  const room = width - minus.length;
  // Plain: digits before the point, then as many after as fit, keeping ≥ 3 significant digits.
  const exp10 = Math.floor(Math.log10(a));
  if (exp10 >= -3 && exp10 < room) {
    for (let digits = maxDigits; digits >= 3; digits--) {
      const s = trimPlain(a.toPrecision(digits));
      if (!s.includes('e') && s.length <= room) return minus + s;
    }
  }
  for (let digits = maxDigits; digits >= 1; digits--) {
    const s = sci(a, digits);
    if (s.length <= room) return minus + s;
  }
  return minus + sci(a, 1);
}

/** "50.00000" stays (a column of equal decimals reads better); only a trailing point goes. */
function trimPlain(s: string): string {
  return s.endsWith('.') ? s.slice(0, -1) : s;
}

function sci(a: number, digits: number): string {
  const [m, e] = a.toExponential(digits - 1).split('e');
  return `${m}e${Number(e)}`;
}

/** {@link formatSig} without trailing zeros (a typed target or a weight: "50", "0.1111111"). */
export function formatSigTrim(v: number, width = 10): string {
  const s = formatSig(v, width);
  return s.includes('e') ? s.replace(/\.?0+e/, 'e') : s.includes('.') ? s.replace(/\.?0+$/, '') : s;
}

/** A share 0..1 as a percentage with 2 decimals ("12.34"), "—" when not finite. */
export function formatPercent(share: number): string {
  return Number.isFinite(share) ? (share * 100).toFixed(2) : '—';
}
