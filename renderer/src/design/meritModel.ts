/**
 * The merit editor's model, pure functions on a merit spec (engine/io/meritSpecSchema.ts): which
 * columns each operand type has, a new operand of a type, a type change that keeps what both
 * types share, and the list edits (insert, delete, move, set a cell). The editor shows indices
 * 1-based, as OpticStudio numbers fields, wavelengths and surfaces; the spec stores them 0-based.
 *
 * The starting merit is what a lens without a saved merit optimizes: OpticStudio's default merit
 * (RMS spot radius, centroid, 3 rings × 6 arms) with thickness boundaries that keep elements
 * physical, and an EFL target frozen at the EFL of the lens as opened. It becomes the lens's saved
 * merit at the first edit in the editor.
 */
import type { DefaultMerit, MeritSpec, Operand, OperandType } from '../../../app/contract/studioApi.ts';

/** Every operand type, in the order the type picker lists them (checked against the engine's list in a test). */
export const OPERAND_TYPES = [
  'EFL',
  'FNO',
  'BFL',
  'TOTAL_TRACK',
  'RMS_SPOT',
  'REAL_IMAGE_HEIGHT',
  'DISTORTION',
  'CENTER_THICKNESS',
  'EDGE_THICKNESS',
  'WAVEFRONT_RMS',
  'ZERNIKE',
] as const satisfies readonly OperandType[];

/** What each type is, for the picker's tooltip. */
export const OPERAND_HELP: Record<OperandType, string> = {
  EFL: 'effective focal length, mm (paraxial)',
  FNO: 'image-space F-number (paraxial EFL / EPD)',
  BFL: 'back focal length, mm (last vertex to paraxial focus)',
  TOTAL_TRACK: 'total track, mm (first vertex to image)',
  RMS_SPOT: 'RMS spot radius, mm (Gaussian quadrature)',
  REAL_IMAGE_HEIGHT: 'real chief-ray image height, mm',
  DISTORTION: 'distortion, % (real vs paraxial chief-ray height)',
  CENTER_THICKNESS: 'centre thickness after a surface, mm',
  EDGE_THICKNESS: 'edge thickness after a surface, mm',
  WAVEFRONT_RMS: 'RMS wavefront error, waves (piston removed)',
  ZERNIKE: 'Zernike coefficient of the wavefront, waves',
};

const FIELD_TYPES: readonly OperandType[] = ['RMS_SPOT', 'REAL_IMAGE_HEIGHT', 'DISTORTION', 'WAVEFRONT_RMS', 'ZERNIKE'];
const WAVE_TYPES: readonly OperandType[] = ['EFL', 'FNO', 'BFL', 'RMS_SPOT', 'REAL_IMAGE_HEIGHT', 'DISTORTION', 'WAVEFRONT_RMS', 'ZERNIKE'];
const SURFACE_TYPES: readonly OperandType[] = ['CENTER_THICKNESS', 'EDGE_THICKNESS'];

export const hasField = (t: OperandType) => FIELD_TYPES.includes(t);
export const hasWave = (t: OperandType) => WAVE_TYPES.includes(t);
/** The "Surf / term" column: the surface of a thickness operand, the term of a Zernike operand. */
export const hasSurfOrTerm = (t: OperandType) => SURFACE_TYPES.includes(t) || t === 'ZERNIKE';

/** Thickness boundaries of the starting merit: glass centre and edge ≥ 0.5 mm, air edge ≥ 0.1 mm. */
export const STARTING_BOUNDS = { glassMin: 0.5, glassEdgeMin: 0.5, airMin: 0, airEdgeMin: 0.1 } as const satisfies DefaultMerit;

/** The bound settings of a default merit. */
export const BOUND_KEYS = ['glassMin', 'glassMax', 'glassEdgeMin', 'airMin', 'airMax', 'airEdgeMin'] as const;

/** The starting merit of a lens with no saved merit; `efl` null or not finite leaves out the EFL target. */
export function startingMerit(efl: number | null): MeritSpec {
  const keep = efl !== null && Number.isFinite(efl) && efl !== 0;
  return { ...(keep && { operands: [{ type: 'EFL', target: Number(efl.toPrecision(6)) }] }), defaultMerit: { ...STARTING_BOUNDS } };
}

/** A new operand of `type`: field 1, surface 1, Zernike term 4 (defocus), target 0, weight 1. */
export function newOperand(type: OperandType): Operand {
  switch (type) {
    case 'CENTER_THICKNESS':
    case 'EDGE_THICKNESS':
      return { type, surface: 0 };
    case 'ZERNIKE':
      return { type, term: 4, field: 0 };
    case 'RMS_SPOT':
    case 'REAL_IMAGE_HEIGHT':
    case 'DISTORTION':
    case 'WAVEFRONT_RMS':
      return { type, field: 0 };
    default:
      return { type } as Operand;
  }
}

/** `op` as another type, keeping target, weight, kind, comment, field, wavelength and surface where both have them. */
export function changeType(op: Operand, type: OperandType): Operand {
  if (op.type === type) return op;
  const next = newOperand(type) as Record<string, unknown>;
  const old = op as Record<string, unknown>;
  for (const k of ['target', 'weight', 'kind', 'comment']) if (old[k] !== undefined) next[k] = old[k];
  if (hasField(type) && typeof old.field === 'number') next.field = old.field;
  if (hasWave(type) && typeof old.wavelength === 'number') next.wavelength = old.wavelength;
  if (SURFACE_TYPES.includes(type) && typeof old.surface === 'number') next.surface = old.surface;
  return next as Operand;
}

/** A 0-based index as the editor shows it; the wavelength of a polychromatic RMS spot is "all", an absent one "" (primary). */
export function indexText(v: number | 'all' | undefined): string {
  return v === undefined ? '' : v === 'all' ? 'all' : String(v + 1);
}

export type IndexParse = { ok: true; value: number | 'all' | undefined } | { ok: false; error: string };

/**
 * Parses a 1-based index typed in the editor ("2" → 1); empty is `undefined` when `optional`
 * (the primary wavelength), "all" / "0" only where `allowAll` (OpticStudio's 0 = polychromatic).
 */
export function parseIndex(text: string, what: string, opts: { optional?: boolean; allowAll?: boolean } = {}): IndexParse {
  const t = text.trim().toLowerCase();
  if (t === '') return opts.optional ? { ok: true, value: undefined } : { ok: false, error: `${what}: enter a number from 1` };
  if (opts.allowAll && (t === 'all' || t === '0' || t === 'poly')) return { ok: true, value: 'all' };
  const v = Number(t);
  if (!Number.isInteger(v) || v < 1) return { ok: false, error: `${what}: "${text.trim()}" is not a number from 1${opts.allowAll ? ' (or "all")' : ''}` };
  return { ok: true, value: v - 1 };
}

/** The further settings of each type, edited as "key=value" text in the Options column. */
export const OPTION_KEYS: Partial<Record<OperandType, readonly string[]>> = {
  RMS_SPOT: ['reference', 'rings', 'arms'],
  DISTORTION: ['percent'],
  EDGE_THICKNESS: ['heightMm', 'heightFrom'],
  WAVEFRONT_RMS: ['rings', 'arms'],
  ZERNIKE: ['basis', 'rings', 'arms'],
};

/** The options of an operand as the Options column shows them: "reference=chief rings=4". */
export function optionsText(op: Operand): string {
  const rec = op as Record<string, unknown>;
  return (OPTION_KEYS[op.type] ?? [])
    .filter((k) => rec[k] !== undefined)
    .map((k) => `${k}=${String(rec[k])}`)
    .join(' ');
}

export type OptionsParse = { ok: true; value: Operand } | { ok: false; error: string };

/**
 * `op` with the options typed as "key=value ..." (numbers, true / false, or words; empty text
 * removes them all). The schema checks the values when the spec is saved; keys the type does not
 * have are refused here, by name.
 */
export function parseOptions(op: Operand, text: string): OptionsParse {
  const keys = OPTION_KEYS[op.type] ?? [];
  const next = { ...op } as Record<string, unknown>;
  for (const k of keys) delete next[k];
  for (const token of text.split(/[\s,;]+/).filter(Boolean)) {
    const m = /^([A-Za-z]+)=(.+)$/.exec(token);
    if (!m) return { ok: false, error: `options: "${token}" is not key=value` };
    const [, key, raw] = m;
    if (!keys.includes(key)) return { ok: false, error: `options: ${op.type} has no "${key}"${keys.length ? ` (it has ${keys.join(', ')})` : ' option'}` };
    next[key] = raw === 'true' ? true : raw === 'false' ? false : Number.isFinite(Number(raw)) ? Number(raw) : raw;
  }
  return { ok: true, value: next as Operand };
}

/** The operand with `key` set (undefined removes it). */
export function setKey(op: Operand, key: string, value: unknown): Operand {
  const next = { ...op } as Record<string, unknown>;
  if (value === undefined) delete next[key];
  else next[key] = value;
  return next as Operand;
}

/** The spec with its operand list replaced (an empty list is left out). */
export function withOperands(spec: MeritSpec, operands: Operand[]): MeritSpec {
  const { operands: _old, ...rest } = spec;
  return operands.length ? { ...rest, operands } : rest;
}

export function insertOperand(spec: MeritSpec, at: number, op: Operand): MeritSpec {
  const ops = [...(spec.operands ?? [])];
  ops.splice(Math.max(0, Math.min(at, ops.length)), 0, op);
  return withOperands(spec, ops);
}

export function deleteOperand(spec: MeritSpec, at: number): MeritSpec {
  const ops = [...(spec.operands ?? [])];
  ops.splice(at, 1);
  return withOperands(spec, ops);
}

/** Moves operand `at` by `by` places (−1 up, +1 down); the spec unchanged at the ends. */
export function moveOperand(spec: MeritSpec, at: number, by: number): MeritSpec {
  const ops = [...(spec.operands ?? [])];
  const to = at + by;
  if (at < 0 || at >= ops.length || to < 0 || to >= ops.length) return spec;
  const [op] = ops.splice(at, 1);
  ops.splice(to, 0, op);
  return withOperands(spec, ops);
}

export function replaceOperand(spec: MeritSpec, at: number, op: Operand): MeritSpec {
  const ops = [...(spec.operands ?? [])];
  ops[at] = op;
  return withOperands(spec, ops);
}

/** The spec with its default merit set (null removes it). */
export function withDefaultMerit(spec: MeritSpec, dm: DefaultMerit | null): MeritSpec {
  const { defaultMerit: _old, ...rest } = spec;
  return dm ? { ...rest, defaultMerit: dm } : rest;
}

/** True when the default merit has any thickness boundary. */
export function hasBounds(dm: DefaultMerit | undefined): boolean {
  return !!dm && BOUND_KEYS.some((k) => dm[k] !== undefined);
}

/** One line about a default merit, as the block's header row says it. */
export function describeDefaultMerit(dm: { reference: string; rings: number; arms: number }, bounds: boolean): string {
  return `Default merit: RMS spot radius, ${dm.reference} reference, ${dm.rings} rings × ${dm.arms} arms${bounds ? ', thickness boundaries' : ''}`;
}
