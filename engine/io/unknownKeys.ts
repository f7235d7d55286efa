/**
 * Unknown keys in a JSON input (a prescription, merit spec, rig or session manifest): the schemas
 * accept and drop keys they do not know, so a misspelt `semiDiamter` would silently vanish. This
 * walks a value alongside its zod schema and lists every key the schema does not know, with its
 * JSON path and the closest known key:
 * `surfaces[2].semiDiamter: unknown key — did you mean semiDiameter?`.
 *
 * Free-form parts (`z.record`, `z.unknown`) accept any key. In a union the first option the value
 * satisfies is followed (a discriminated union by its discriminator). Closeness is the optimal
 * string alignment distance (Levenshtein with adjacent transpositions), case-insensitive, accepted
 * up to a third of the key's length (at least 1, at most 3).
 */
import type { z } from 'zod';
import { formatPath, type JsonReadOptions } from './jsonText.ts';

export interface UnknownKey {
  /** JSON path of the unknown key itself, e.g. ["surfaces", 2, "semiDiamter"]. */
  path: PropertyKey[];
  key: string;
  /** The closest known key at that place, when one is close. */
  suggestion?: string;
  /** The key's value as read. */
  value: unknown;
}

// The parts of zod 4's schema definitions the walk reads.
interface Def {
  type: string;
  shape?: Record<string, z.ZodType>;
  catchall?: z.ZodType;
  element?: z.ZodType;
  options?: z.ZodType[];
  discriminator?: string;
  innerType?: z.ZodType;
  in?: z.ZodType;
  out?: z.ZodType;
  items?: z.ZodType[];
  rest?: z.ZodType | null;
  getter?: () => z.ZodType;
}
const defOf = (s: z.ZodType): Def => (s as unknown as { _zod: { def: Def } })._zod.def;

/** Optimal string alignment distance between a and b. */
export function editDistance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => [i, ...new Array<number>(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) d[0][j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
    }
  }
  return d[a.length][b.length];
}

/** The known key closest to `key` (case-insensitive edit distance ≤ max(1, min(3, ⌊len/3⌋))), if any. */
export function closestKey(key: string, known: readonly string[]): string | undefined {
  const k = key.toLowerCase();
  const limit = Math.max(1, Math.min(3, Math.floor(key.length / 3)));
  let best: string | undefined;
  let bestD = Infinity;
  for (const c of known) {
    const dist = editDistance(k, c.toLowerCase());
    if (dist < bestD) {
      best = c;
      bestD = dist;
    }
  }
  return bestD <= limit ? best : undefined;
}

/** `path: unknown key — did you mean X?` (or `path: unknown key`). */
export function describeUnknownKey(u: UnknownKey): string {
  return `${formatPath(u.path)}: unknown key${u.suggestion ? ` — did you mean ${u.suggestion}?` : ''}`;
}

const isPlainObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Every key of `value` that `schema` does not know, depth first, in document order.
 * `value` should already satisfy the schema (paths then mean what they say); where it does not,
 * the walk stops at that part.
 */
export function findUnknownKeys(schema: z.ZodType, value: unknown, path: PropertyKey[] = []): UnknownKey[] {
  const out: UnknownKey[] = [];
  walk(schema, value, path, out);
  return out;
}

function walk(schema: z.ZodType, value: unknown, path: PropertyKey[], out: UnknownKey[]): void {
  const def = defOf(schema);
  switch (def.type) {
    case 'optional':
    case 'nullable':
    case 'default':
    case 'prefault':
    case 'readonly':
    case 'catch':
    case 'nonoptional':
      if (value !== undefined && value !== null && def.innerType) walk(def.innerType, value, path, out);
      return;
    case 'pipe':
      if (def.in) walk(def.in, value, path, out);
      return;
    case 'lazy':
      if (def.getter) walk(def.getter(), value, path, out);
      return;
    case 'array':
      if (Array.isArray(value) && def.element) value.forEach((v, i) => walk(def.element!, v, [...path, i], out));
      return;
    case 'tuple':
      if (Array.isArray(value)) value.forEach((v, i) => {
        const item = def.items?.[i] ?? def.rest ?? undefined;
        if (item) walk(item, v, [...path, i], out);
      });
      return;
    case 'union': {
      const options = def.options ?? [];
      let chosen: z.ZodType | undefined;
      if (def.discriminator && isPlainObject(value)) {
        chosen = options.find((o) => {
          const d = defOf(o);
          return d.type === 'object' && d.shape?.[def.discriminator!]?.safeParse(value[def.discriminator!]).success;
        });
      }
      chosen ??= options.find((o) => o.safeParse(value).success);
      if (chosen) walk(chosen, value, path, out);
      return;
    }
    case 'object': {
      if (!isPlainObject(value)) return;
      const shape = def.shape ?? {};
      const known = Object.keys(shape);
      const catchall = def.catchall ? defOf(def.catchall).type : undefined;
      for (const [key, v] of Object.entries(value)) {
        const child = shape[key];
        if (child) walk(child, v, [...path, key], out);
        // A strict object already refuses unknown keys; a catchall accepts them.
        else if (catchall === undefined) out.push({ path: [...path, key], key, suggestion: closestKey(key, known), value: v });
      }
      return;
    }
    default:
      // records (free-form keys), unknown, primitives, literals, enums: nothing to check inside
      return;
  }
}

/**
 * Reports the keys of `value` that `schema` does not know (unknownKeys.ts): with `opts.strict` as
 * an error (`file: surfaces[2].semiDiamter: unknown key — did you mean semiDiameter?`), else as
 * warnings added to `opts.warnings` (without the file name, as lens-file warnings are).
 * @param prefix JSON path of `value` inside the file (e.g. ["merit"])
 * @throws an ErrorType instance in strict mode when there is an unknown key
 */
export function checkUnknownKeys(
  schema: z.ZodType,
  value: unknown,
  fileName: string,
  ErrorType: new (m: string) => Error,
  opts: JsonReadOptions = {},
  prefix: PropertyKey[] = [],
): void {
  const unknown = findUnknownKeys(schema, value, prefix).map(describeUnknownKey);
  if (unknown.length === 0) return;
  if (opts.strict) {
    throw new ErrorType(`${fileName}: ${unknown[0]}${unknown.length > 1 ? ` (and ${unknown.length - 1} more)` : ''} (--strict)`);
  }
  opts.warnings?.push(...unknown);
}
