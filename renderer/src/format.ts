/** Number formatting and parsing for the lens data editor and readouts. */

/** A number as an engineer types it: the shortest exact form when short, else 10 significant digits. */
export function formatNumber(v: number | null | undefined, empty = ''): string {
  if (v === null || v === undefined) return empty;
  if (Number.isNaN(v)) return '—';
  if (!Number.isFinite(v)) return v > 0 ? 'Infinity' : '-Infinity';
  const s = String(v);
  if (s.length <= 12) return s;
  const p = Number(v.toPrecision(10));
  return Math.abs(p) >= 1e-4 && Math.abs(p) < 1e9 ? String(p) : p.toExponential(6).replace(/\.?0+e/, 'e');
}

/** A readout with fixed decimals (e.g. EFL 50.0002), "—" for null/NaN. */
export function fixed(v: number | null | undefined, digits = 4): string {
  if (v === null || v === undefined || Number.isNaN(v)) return '—';
  if (!Number.isFinite(v)) return v > 0 ? '∞' : '−∞';
  return v.toFixed(digits).replace('-', '−');
}

/** mm → µm with sensible digits. */
export function micrometres(mm: number | null | undefined): string {
  if (mm === null || mm === undefined || !Number.isFinite(mm)) return '—';
  const um = mm * 1000;
  return um >= 100 ? um.toFixed(1) : um >= 10 ? um.toFixed(2) : um.toFixed(3);
}

export type Parsed<T> = { ok: true; value: T } | { ok: false; error: string };

/** Parses a finite number ("1e-3", "-21.3"); empty is an error unless `allowEmpty`. */
export function parseFinite(text: string, what: string): Parsed<number> {
  const t = text.trim();
  if (t === '') return { ok: false, error: `${what}: enter a number` };
  const v = Number(t);
  if (!Number.isFinite(v)) return { ok: false, error: `${what}: "${t}" is not a number` };
  return { ok: true, value: v };
}

/** Radius: a non-zero number, or empty / "inf" / "Infinity" for a plane (null). */
export function parseRadius(text: string): Parsed<number | null> {
  const t = text.trim().toLowerCase();
  if (t === '' || t === 'inf' || t === 'infinity' || t === '∞' || t === 'plane' || t === '-inf' || t === '-infinity') {
    return { ok: true, value: null };
  }
  const v = Number(t);
  if (!Number.isFinite(v)) return { ok: false, error: `radius: "${text.trim()}" is not a number` };
  if (v === 0) return { ok: false, error: 'radius: 0 is not a surface (leave empty or type "inf" for a plane)' };
  return { ok: true, value: v };
}

/** Optional positive number (semi-diameter): empty = not set. */
export function parseOptionalPositive(text: string, what: string): Parsed<number | undefined> {
  const t = text.trim();
  if (t === '' || t.toLowerCase() === 'auto') return { ok: true, value: undefined };
  const v = Number(t);
  if (!Number.isFinite(v) || v <= 0) return { ok: false, error: `${what}: expected a positive number or empty` };
  return { ok: true, value: v };
}

/** A comma- or space-separated list of finite numbers. */
export function parseNumberList(text: string, what: string): Parsed<number[]> {
  const parts = text.split(/[\s,;]+/).filter(Boolean);
  const out: number[] = [];
  for (const p of parts) {
    const v = Number(p);
    if (!Number.isFinite(v)) return { ok: false, error: `${what}: "${p}" is not a number` };
    out.push(v);
  }
  return { ok: true, value: out };
}
