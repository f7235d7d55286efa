/**
 * The merit function spec as a zod schema (TS types inferred): what to optimize, saved with the
 * prescription (its `merit` field, engine/io/prescription.ts) and read by
 * `lens-studio optimize --merit spec.json`. It lives in io/ with the other file formats so that a
 * prescription's schema depends on nothing above io/; what the operands mean and how they become
 * residuals is engine/optimize/ (meritSpec.ts, operands/).
 *
 * Indices are 0-based, as everywhere in the JSON format: `surface` indexes the prescription's
 * `surfaces` array (surface k of OpticStudio is `surface: k − 1`), `field` indexes
 * `fields.points`, `wavelength` indexes `wavelengths.valuesUm` (absent = the primary wavelength).
 * Lengths are in mm, as in the prescription.
 *
 * Each operand has a target, a weight w ≥ 0 (default 1) and a kind (default 'target'): 'target'
 * (equal), 'lower' (value ≥ target), 'upper' (value ≤ target); engine/optimize/meritSpec.ts turns
 * them into residuals. `defaultMerit` asks for OpticStudio's default merit function (RMS spot
 * radius of every field × wavelength by Gaussian quadrature, plus thickness boundaries).
 */
import { z } from 'zod';
import { formatIssue, parseJsonText, type JsonReadOptions } from './jsonText.ts';
import { checkUnknownKeys } from './unknownKeys.ts';
import { PARAM_KINDS } from './paramKinds.ts';

const finite = () => z.number().refine(Number.isFinite, { message: 'expected a finite number' });
const nonNegative = () => finite().refine((v) => v >= 0, { message: 'expected a number ≥ 0' });
const positive = () => finite().refine((v) => v > 0, { message: 'expected a positive number' });
const index = () => z.number().int().min(0);

/** Options common to every operand. */
const common = {
  /** Target value, in the operand's unit (mm, unitless, percent). Default 0. */
  target: finite().optional(),
  /** Weight w ≥ 0; the residual carries √w. Default 1. */
  weight: nonNegative().optional(),
  /** 'target' (equal), 'lower' (value ≥ target), 'upper' (value ≤ target). Default 'target'. */
  kind: z.enum(['target', 'lower', 'upper']).optional(),
  /** Free text shown next to the operand. */
  comment: z.string().optional(),
};

/** Wavelength index for the paraxial operands (default: primary). */
const wavelength = { wavelength: index().optional() };

/** Effective focal length (paraxial, mm). */
export const EflOperand = z.object({ type: z.literal('EFL'), ...wavelength, ...common });
/** Image-space F-number, paraxial: EFL / EPD (as the `fno` of first-order data). */
export const FnoOperand = z.object({ type: z.literal('FNO'), ...wavelength, ...common });
/** Back focal length: last surface vertex to the paraxial focus, mm. */
export const BflOperand = z.object({ type: z.literal('BFL'), ...wavelength, ...common });
/** Total track: surface 1's vertex to the image plane along the axis (Σ thicknesses), mm. */
export const TotalTrackOperand = z.object({ type: z.literal('TOTAL_TRACK'), ...common });

/**
 * RMS spot radius at the image (mm) for one field, at one wavelength or polychromatic ('all',
 * weighted by the wavelength weights), about the chief ray of the primary wavelength ('chief') or
 * the centroid ('centroid'), sampled by Gaussian quadrature (rings × arms; default 3 × 6).
 */
export const RmsSpotOperand = z.object({
  type: z.literal('RMS_SPOT'),
  field: index(),
  wavelength: z.union([index(), z.literal('all')]).optional(),
  reference: z.enum(['chief', 'centroid']).optional(),
  rings: z.number().int().min(1).max(20).optional(),
  arms: z.number().int().min(1).max(36).optional(),
  ...common,
});

/** Real chief-ray image height (y on the image surface, mm) for a field. */
export const RealImageHeightOperand = z.object({
  type: z.literal('REAL_IMAGE_HEIGHT'),
  field: index(),
  ...wavelength,
  ...common,
});

/**
 * Distortion at a field: (real chief-ray height − paraxial image height) / paraxial image height,
 * in percent (default) or as a fraction with `percent: false`.
 */
export const DistortionOperand = z.object({
  type: z.literal('DISTORTION'),
  field: index(),
  percent: z.boolean().optional(),
  ...wavelength,
  ...common,
});

/** Centre thickness after `surface` (its `thickness`, glass or air alike), mm. */
export const CenterThicknessOperand = z.object({
  type: z.literal('CENTER_THICKNESS'),
  surface: index(),
  ...common,
});

/**
 * Edge thickness after `surface`: the axial distance between `surface` and the next surface at
 * radial height `heightMm` (default: the larger semi-diameter of the two surfaces), mm.
 */
export const EdgeThicknessOperand = z.object({
  type: z.literal('EDGE_THICKNESS'),
  surface: index(),
  heightMm: positive().optional(),
  ...common,
});

/**
 * RMS wavefront error of a field at one wavelength (default primary), in waves at that wavelength:
 * area-weighted, piston removed (engine/wave/wavefront.ts), by Gauss–Legendre × uniform-angle
 * quadrature (default 12 rings × 24 angles).
 */
export const WavefrontRmsOperand = z.object({
  type: z.literal('WAVEFRONT_RMS'),
  field: index(),
  ...wavelength,
  rings: z.number().int().min(2).max(64).optional(),
  arms: z.number().int().min(4).max(128).optional(),
  ...common,
});

/**
 * One Zernike coefficient of a field's wavefront (waves at the wavelength, default primary):
 * `basis` 'fringe' (University of Arizona Z1…Z37, unit peak; default) or 'standard' (Noll j = 1…66,
 * unit RMS), `term` 1-based; fitted by area-weighted least squares to 37 terms (or `term` if more)
 * on a 16 × 32 quadrature (engine/wave/zernike.ts).
 */
export const ZernikeOperand = z
  .object({
    type: z.literal('ZERNIKE'),
    term: z.number().int().min(1).max(66),
    field: index(),
    basis: z.enum(['fringe', 'standard']).optional(),
    ...wavelength,
    rings: z.number().int().min(8).max(64).optional(),
    arms: z.number().int().min(16).max(128).optional(),
    ...common,
  })
  .refine((o) => o.basis === 'standard' || o.term <= 37, { message: 'Fringe Zernike terms go up to 37 (use basis "standard" for Noll terms up to 66)', path: ['term'] });

export const Operand = z.discriminatedUnion('type', [
  EflOperand,
  FnoOperand,
  BflOperand,
  TotalTrackOperand,
  RmsSpotOperand,
  RealImageHeightOperand,
  DistortionOperand,
  CenterThicknessOperand,
  EdgeThicknessOperand,
  WavefrontRmsOperand,
  ZernikeOperand,
]);

/** Every operand type name. */
export const OPERAND_TYPES = Operand.options.map((o) => o.shape.type.value);

/**
 * OpticStudio's default merit function. Thickness bounds left out are not applied (OpticStudio's
 * dialog defaults are glass 1–10 mm with edge ≥ 1 mm, air ≥ 0.5 mm; set them explicitly).
 */
export const DefaultMerit = z.object({
  /** Image-quality criterion; only the RMS spot radius for now. */
  criterion: z.literal('rmsSpot').optional(),
  /** Spot reference: 'centroid' (default, as OpticStudio) or 'chief' (primary-wavelength chief ray). */
  reference: z.enum(['chief', 'centroid']).optional(),
  /** Gaussian-quadrature rings (default 3) and arms (default 6). */
  rings: z.number().int().min(1).max(20).optional(),
  arms: z.number().int().min(1).max(36).optional(),
  /** 'auto' (default): half pupil when the system is left-right symmetric; 'none': full pupil. */
  symmetry: z.enum(['auto', 'none']).optional(),
  /** Overall weight of the image-quality operands (default 1). */
  weight: nonNegative().optional(),
  /** Centre-thickness bounds of glass (mm). */
  glassMin: nonNegative().optional(),
  glassMax: positive().optional(),
  /** Minimum edge thickness of glass (mm). */
  glassEdgeMin: nonNegative().optional(),
  /** Centre-thickness bounds of air (mm). */
  airMin: nonNegative().optional(),
  airMax: positive().optional(),
  /** Minimum edge thickness of air (mm). */
  airEdgeMin: nonNegative().optional(),
  /** Weight of each thickness boundary operand (default 1). */
  boundaryWeight: nonNegative().optional(),
});

/**
 * One variable: a parameter of a surface (0-based), with optional bounds in the parameter's unit
 * (curvature 1/mm, thickness mm, tilt degrees as in the prescription, nd and Vd unitless).
 */
export const VariableSpec = z
  .object({
    kind: z.enum(PARAM_KINDS),
    surface: index().optional(),
    /** Coefficient index: for 'asphere' 0 = A2 (r²), 1 = A4, ...; for 'xy' dO's order. */
    index: index().optional(),
    lower: finite().optional(),
    upper: finite().optional(),
  })
  .superRefine((v, ctx) => {
    if (v.kind !== 'objectDistance' && v.surface === undefined) {
      ctx.addIssue({ code: 'custom', path: ['surface'], message: `the ${v.kind} variable needs a surface index` });
    }
    if ((v.kind === 'asphere' || v.kind === 'xy') && v.index === undefined) {
      ctx.addIssue({ code: 'custom', path: ['index'], message: `the ${v.kind} variable needs a coefficient index` });
    }
    if (v.lower !== undefined && v.upper !== undefined && v.lower > v.upper) {
      ctx.addIssue({ code: 'custom', path: ['upper'], message: `upper bound ${v.upper} is below lower bound ${v.lower}` });
    }
  });

export const MeritSpec = z
  .object({
    operands: z.array(Operand).optional(),
    defaultMerit: DefaultMerit.optional(),
    /** The parameters that vary; absent = the prescription's per-surface `variables` flags. */
    variables: z.array(VariableSpec).optional(),
  })
  .refine((m) => (m.operands?.length ?? 0) > 0 || m.defaultMerit !== undefined, {
    message: 'a merit function needs at least one operand or a defaultMerit',
  });

export type Operand = z.infer<typeof Operand>;
export type OperandType = Operand['type'];
export type DefaultMerit = z.infer<typeof DefaultMerit>;
export type VariableSpec = z.infer<typeof VariableSpec>;
export type MeritSpec = z.infer<typeof MeritSpec>;

/** The sizes a merit spec's indices are checked against. */
export interface MeritSpecBounds {
  surfaces: number;
  fields: number;
  wavelengths: number;
}

/**
 * Checks a merit spec's surface / field / wavelength indices against a prescription's sizes.
 * @returns one message per problem, each naming the JSON path (`merit.operands[2].field: ...`);
 *   empty when all indices exist
 */
export function checkMeritIndices(spec: MeritSpec, sizes: MeritSpecBounds, prefix = 'merit'): string[] {
  const problems: string[] = [];
  const check = (path: string, what: string, value: number | undefined, count: number) => {
    if (value !== undefined && value >= count) {
      problems.push(`${path}: ${what} ${value} does not exist (there ${count === 1 ? 'is 1' : `are ${count}`}; indices start at 0)`);
    }
  };
  spec.operands?.forEach((o, i) => {
    const at = `${prefix}.operands[${i}]`;
    if ('field' in o) check(`${at}.field`, 'field', o.field, sizes.fields);
    if ('wavelength' in o && typeof o.wavelength === 'number') check(`${at}.wavelength`, 'wavelength', o.wavelength, sizes.wavelengths);
    if ('surface' in o) check(`${at}.surface`, 'surface', o.surface, sizes.surfaces);
  });
  spec.variables?.forEach((v, i) => check(`${prefix}.variables[${i}].surface`, 'surface', v.surface, sizes.surfaces));
  return problems;
}

/** A merit spec file that failed to parse or validate; the message names the file and the JSON path. */
export class MeritSpecError extends Error {
  constructor(
    message: string,
    readonly issues: string[] = [],
  ) {
    super(message);
    this.name = 'MeritSpecError';
  }
}

/**
 * Parses merit spec JSON text (a `--merit spec.json` file); unknown keys are warnings in
 * `opts.warnings`, or an error with `opts.strict`.
 * @throws MeritSpecError for malformed JSON (line and column) or a spec that breaks the schema
 *   (`spec.json: operands[0].weight: expected a number`, and `issues` with every problem)
 */
export function parseMeritSpecJson(text: string, fileName = 'merit.json', opts: JsonReadOptions = {}): MeritSpec {
  const value = parseJsonText(text, fileName, MeritSpecError);
  const result = MeritSpec.safeParse(value);
  if (!result.success) {
    const issues = result.error.issues.map(formatIssue);
    throw new MeritSpecError(`${fileName}: ${issues[0]}${issues.length > 1 ? ` (and ${issues.length - 1} more)` : ''}`, issues);
  }
  checkUnknownKeys(MeritSpec, value, fileName, MeritSpecError, opts);
  return result.data;
}
