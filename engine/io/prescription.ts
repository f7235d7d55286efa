/**
 * The Lens Studio JSON prescription format, `"format": "lens-studio/1"`, as a zod schema.
 *
 * Units are explicit and fixed: lengths in mm, wavelengths in µm, angles in degrees.
 * Surfaces are listed from the first surface after the object to the last surface before the image
 * (the object and image planes are described by `object` and `image`). Each surface's `thickness`
 * is the signed distance along its local z axis to the next surface's vertex; the last surface's
 * thickness is the distance to the image plane. `material` is the medium after the surface
 * (null = air, n = 1 exactly). Signs follow the usual convention: a radius is positive when its
 * centre of curvature lies on the +z side of the vertex; after a mirror, thicknesses are negative.
 *
 * Physical sense (`LIMITS`): wavelengths 0.1–20 µm with one weight each; field angles inside
 * (−90°, 90°); |radius| and |focal length| ≥ 1e-6 mm; EPD up to 1e6 mm, F-number up to 1e4, NA
 * positive; at most 1,000 surfaces, 200 fields and 100 wavelengths. Each violation is an error
 * naming its JSON path.
 */
import { z } from 'zod';
import type { MaterialReference } from '../materials/material.ts';
import { MeritSpec } from './meritSpecSchema.ts';
import { ToleranceSpec } from './toleranceSpec.ts';

export const FORMAT = 'lens-studio/1';

/** The bounds of physical sense the schema enforces (see the module doc). */
export const LIMITS = {
  minWavelengthUm: 0.1,
  maxWavelengthUm: 20,
  maxFieldAngleDeg: 90,
  minRadiusMm: 1e-6,
  minFocalLengthMm: 1e-6,
  maxEpdMm: 1e6,
  maxFNumber: 1e4,
  maxSurfaces: 1000,
  maxFields: 200,
  maxWavelengths: 100,
} as const;

const finite = () => z.number().refine(Number.isFinite, { message: 'expected a finite number' });
const positive = () => finite().refine((v) => v > 0, { message: 'expected a positive number' });

/** A glass named in a catalog (searched in `glassCatalogs` order, then the built-in table). */
export const CatalogGlassRef = z.strictObject({
  name: z.string().min(1),
  catalog: z.string().min(1).optional(),
});

/** A model glass from its d-line index and Abbe number (see engine/materials/modelGlass.ts). */
export const ModelGlassRef = z.strictObject({
  model: z.object({ nd: finite(), vd: positive() }),
  name: z.string().optional(),
});

/** A glass given inline by a Zemax AGF dispersion formula (1-13) and its CD coefficients (λ in µm). */
export const FormulaGlassRef = z.strictObject({
  name: z.string().min(1),
  catalog: z.string().optional(),
  formula: z.number().int().min(1).max(13),
  coefficients: z.array(finite()).min(1).max(10),
  /** Wavelength range of validity in µm, informative only. */
  rangeUm: z.tuple([finite(), finite()]).optional(),
});

/**
 * A glass with its d-line index and Abbe number offset from a base glass, as a toleranced melt
 * (engine/materials/offsetGlass.ts): `offset.nd` is Δnd, `offset.vd` is ΔVd (absolute).
 */
export const OffsetGlassRef = z.strictObject({
  glass: z.union([z.string().min(1), FormulaGlassRef, ModelGlassRef, CatalogGlassRef]),
  offset: z.strictObject({ nd: finite(), vd: finite() }),
});

/**
 * The medium after a surface: null or "AIR" for air, "MIRROR" for a reflecting surface (the medium
 * stays what it was), a glass name (optionally "CATALOG:NAME"), or one of the object forms.
 */
export const MaterialRef = z.union([z.null(), z.string().min(1), FormulaGlassRef, ModelGlassRef, CatalogGlassRef, OffsetGlassRef]);

const nonNegative = () => finite().refine((v) => v >= 0, { message: 'expected a number ≥ 0' });

/**
 * A surface aperture or obscuration, as OpticStudio's surface aperture types (circular aperture /
 * obscuration, rectangular aperture / obscuration, elliptical aperture / obscuration; .zmx CLAP,
 * OBSC, SQAP, SQOB, ELAP, ELOB with OBDC for the decenter). Lengths in mm, in the surface's local
 * frame, centred at (decenterX, decenterY). A ray passes an aperture when its intersection lies
 * inside the shape and passes an obscuration when it lies outside it (a point on the boundary
 * passes both); otherwise it is flagged (vignetted, or obscured).
 * - circular: the annulus minRadius ≤ r ≤ maxRadius (minRadius 0 by default: a disc);
 * - rectangular: |x| ≤ halfWidthX and |y| ≤ halfWidthY;
 * - elliptical: (x / halfWidthX)² + (y / halfWidthY)² ≤ 1.
 */
const apertureCommon = {
  /** true: the shape blocks rays (an obscuration); false or absent: it passes them (an aperture). */
  obscuration: z.boolean().optional(),
  decenterX: finite().optional(),
  decenterY: finite().optional(),
};
export const SurfaceAperture = z.discriminatedUnion('shape', [
  z.strictObject({ shape: z.literal('circular'), minRadius: nonNegative().optional(), maxRadius: positive(), ...apertureCommon }),
  z.strictObject({ shape: z.literal('rectangular'), halfWidthX: positive(), halfWidthY: positive(), ...apertureCommon }),
  z.strictObject({ shape: z.literal('elliptical'), halfWidthX: positive(), halfWidthY: positive(), ...apertureCommon }),
]);

const surfaceCommon = {
  /** Distance to the next vertex along local z, mm (signed). */
  thickness: finite(),
  comment: z.string().optional(),
  /** Marks the aperture stop (exactly one surface should carry it). */
  stop: z.boolean().optional(),
  /** Clear semi-aperture in mm: rays beyond it are vignetted (flagged). Absent = unclipped. */
  semiDiameter: positive().optional(),
  /** Circular central obscuration, mm: rays nearer the axis than this (r < obscuration) are blocked (flagged obscured). */
  obscuration: positive().optional(),
  /** An aperture or obscuration shape with decenter (see SurfaceAperture); applies with semiDiameter. */
  aperture: SurfaceAperture.optional(),
  /** Which parameters the optimizer may vary, e.g. {"radius": true, "thickness": true}. */
  variables: z.record(z.string(), z.boolean()).optional(),
};

/** Radius of curvature in mm; null means plane (curvature 0). Zero is rejected (a typo for plane). */
const radius = () =>
  z
    .number()
    .refine(Number.isFinite, { message: 'expected a finite number' })
    .refine((v) => v !== 0, { message: 'radius 0 is not a surface: use null for a plane' })
    .refine((v) => v === 0 || !Number.isFinite(v) || Math.abs(v) >= LIMITS.minRadiusMm, {
      message: '|radius| below 1e-6 mm is not a surface (use null for a plane)',
    })
    .nullable();

/** Sphere / conic / plane: z = c r² / (1 + sqrt(1 - (1+k) c² r²)). */
export const StandardSurface = z.object({
  type: z.literal('standard'),
  radius: radius(),
  conic: finite().optional(),
  material: MaterialRef.optional(),
  ...surfaceCommon,
});

/**
 * Even asphere (Zemax EVENASPH): the conic sag plus Σ A_{2i} r^{2i}, `asphere` = [A2, A4, A6, ...]
 * (coefficient of r², r⁴, ... in mm^(1-2i)).
 */
export const EvenAsphereSurface = z.object({
  type: z.literal('evenAsphere'),
  radius: radius(),
  conic: finite().optional(),
  asphere: z.array(finite()).max(16),
  material: MaterialRef.optional(),
  ...surfaceCommon,
});

/**
 * XY polynomial (dO's XYPolynomial, an implicit freeform): the surface is b z² − z + g(x, y) = 0 with
 * g = Σ_{j=0..J} Σ_{i=0..j} a_{j,i} x^i y^(j−i), so z = 2g / (1 + sqrt(1 − 4 b g)).
 * `xy` lists a_{j,i} in dO's order (j = 0..J, i = 0..j; length (J+1)(J+2)/2), in mm^(1−j);
 * `b` is in 1/mm (b = c/2 gives a sphere-like base of curvature c for g = c r²/2).
 */
export const XYPolynomialSurface = z.object({
  type: z.literal('xyPolynomial'),
  b: finite().optional(),
  xy: z
    .array(finite())
    .max(91)
    .refine((a) => Number.isInteger((Math.sqrt(8 * a.length + 1) - 3) / 2), {
      message: 'expected (J+1)(J+2)/2 coefficients (1, 3, 6, 10, 15, ...)',
    }),
  material: MaterialRef.optional(),
  ...surfaceCommon,
});

/**
 * Coordinate break (Zemax COORDBRK): decenter (mm) and tilt (degrees) of the frame that following
 * surfaces use. order 0: decenter x, y then tilt about x, y, z; order 1: tilt z, y, x then decenter.
 * The thickness then moves along the new z axis.
 */
export const CoordinateBreakSurface = z.object({
  type: z.literal('coordinateBreak'),
  decenterX: finite().optional(),
  decenterY: finite().optional(),
  tiltX: finite().optional(),
  tiltY: finite().optional(),
  tiltZ: finite().optional(),
  order: z.union([z.literal(0), z.literal(1)]).optional(),
  ...surfaceCommon,
});

/** An ideal thin lens of the given focal length (Zemax PARAXIAL), mm. */
export const ParaxialSurface = z.object({
  type: z.literal('paraxial'),
  focalLength: finite()
    .refine((v) => v !== 0, { message: 'focal length 0 is not a lens' })
    .refine((v) => v === 0 || Math.abs(v) >= LIMITS.minFocalLengthMm, { message: '|focal length| below 1e-6 mm is not a lens' }),
  material: MaterialRef.optional(),
  ...surfaceCommon,
});

export const SurfaceSpec = z.discriminatedUnion('type', [
  StandardSurface,
  EvenAsphereSurface,
  XYPolynomialSurface,
  CoordinateBreakSurface,
  ParaxialSurface,
]);

export const ApertureSpec = z.object({
  /** EPD: entrance-pupil diameter (mm); imageFNumber: paraxial working F/# at infinity (EFL/EPD);
   * objectNA: n sin θ of the marginal ray in object space (below the object-space index);
   * floatByStop: the stop's semiDiameter. */
  type: z.enum(['EPD', 'imageFNumber', 'objectNA', 'floatByStop']),
  value: finite().optional(),
}).superRefine((a, ctx) => {
  const v = a.value;
  if (v === undefined || !Number.isFinite(v)) return;
  const bad = (message: string) => ctx.addIssue({ code: 'custom', path: ['value'], message });
  if (a.type === 'EPD' && !(v > 0 && v <= LIMITS.maxEpdMm)) bad(`expected an entrance-pupil diameter in (0, ${LIMITS.maxEpdMm}] mm, got ${v}`);
  if (a.type === 'imageFNumber' && !(v > 0 && v <= LIMITS.maxFNumber)) bad(`expected an F-number in (0, ${LIMITS.maxFNumber}], got ${v}`);
  if (a.type === 'objectNA' && !(v > 0)) bad(`expected a numerical aperture > 0, got ${v}`);
});

export const FieldPoint = z.object({
  x: finite(),
  y: finite(),
  weight: finite().optional(),
  /**
   * Zemax vignetting factors of this field (VDX, VDY decenter and VCX, VCY compression of the
   * pupil, VAN angle in degrees), kept so .zmx files round-trip; the tracer does not apply them.
   */
  vignetting: z
    .object({ vdx: finite().optional(), vdy: finite().optional(), vcx: finite().optional(), vcy: finite().optional(), van: finite().optional() })
    .optional(),
});

export const FieldsSpec = z.object({
  /** angle: degrees in object space; objectHeight: mm; paraxialImageHeight: mm on the image plane. */
  type: z.enum(['angle', 'objectHeight', 'paraxialImageHeight']),
  points: z.array(FieldPoint).min(1).max(LIMITS.maxFields, { message: `at most ${LIMITS.maxFields} field points` }),
}).superRefine((f, ctx) => {
  if (f.type !== 'angle') return;
  f.points.forEach((p, i) => {
    for (const axis of ['x', 'y'] as const) {
      if (Math.abs(p[axis]) >= LIMITS.maxFieldAngleDeg) {
        ctx.addIssue({ code: 'custom', path: ['points', i, axis], message: `field angle ${p[axis]}° is outside (−90°, 90°)` });
      }
    }
  });
});

export const WavelengthsSpec = z.object({
  valuesUm: z
    .array(
      positive().refine((v) => !(v > 0) || (v >= LIMITS.minWavelengthUm && v <= LIMITS.maxWavelengthUm), {
        message: `expected a wavelength from ${LIMITS.minWavelengthUm} to ${LIMITS.maxWavelengthUm} µm (wavelengths are in µm, not nm)`,
      }),
    )
    .min(1)
    .max(LIMITS.maxWavelengths, { message: `at most ${LIMITS.maxWavelengths} wavelengths` }),
  /** One weight ≥ 0 per wavelength (default all 1). */
  weights: z.array(finite().refine((v) => !Number.isFinite(v) || v >= 0, { message: 'expected a weight ≥ 0' })).optional(),
  /** 0-based index of the primary wavelength. */
  primaryIndex: z.number().int().min(0),
}).superRefine((w, ctx) => {
  if (w.weights && w.weights.length !== w.valuesUm.length) {
    ctx.addIssue({ code: 'custom', path: ['weights'], message: `expected one weight per wavelength (${w.valuesUm.length}), got ${w.weights.length}` });
  }
  if (w.primaryIndex >= w.valuesUm.length) {
    ctx.addIssue({ code: 'custom', path: ['primaryIndex'], message: `${w.primaryIndex} is out of range (${w.valuesUm.length} wavelengths, indices start at 0)` });
  }
});

export const Prescription = z.object({
  format: z.literal(FORMAT),
  name: z.string(),
  units: z.literal('mm'),
  source: z.string().optional(),
  notes: z.string().optional(),
  /** Object distance from its plane to surface 1's vertex, mm, or "infinity". */
  object: z.object({
    distance: z.union([finite(), z.literal('infinity')]),
    material: MaterialRef.optional(),
  }),
  aperture: ApertureSpec,
  fields: FieldsSpec,
  wavelengths: WavelengthsSpec,
  /** Catalogs searched in order (as Zemax GCAT), e.g. ["SCHOTT", "OHARA"]. */
  glassCatalogs: z.array(z.string()).optional(),
  /** Ray aiming: "paraxial" (default; rays aimed at the paraxial entrance pupil) or "real". */
  rayAiming: z.enum(['paraxial', 'real']).optional(),
  /** "paraxialFocus": the last thickness is solved to put the image at the paraxial focus. */
  imageSolve: z.enum(['none', 'paraxialFocus']).optional(),
  surfaces: z.array(SurfaceSpec).min(1).max(LIMITS.maxSurfaces, { message: `more than ${LIMITS.maxSurfaces} surfaces` }),
  image: z
    .object({
      radius: radius().optional(),
      semiDiameter: positive().optional(),
      obscuration: positive().optional(),
      aperture: SurfaceAperture.optional(),
    })
    .optional(),
  /** The merit function saved with the prescription (engine/io/meritSpecSchema.ts). */
  merit: MeritSpec.optional(),
  /** The tolerances saved with the prescription (engine/io/toleranceSpec.ts). */
  tolerances: ToleranceSpec.optional(),
  /** Free-form metadata (library entries keep their stated EFL / F# / field and source here). */
  meta: z.record(z.string(), z.unknown()).optional(),
});

export type CatalogGlassRef = z.infer<typeof CatalogGlassRef>;
export type ModelGlassRef = z.infer<typeof ModelGlassRef>;
export type FormulaGlassRef = z.infer<typeof FormulaGlassRef>;
export type OffsetGlassRef = z.infer<typeof OffsetGlassRef>;
export type MaterialRef = z.infer<typeof MaterialRef>;
// Every material a prescription can name is one the glass library can read.
type MaterialRefFits = MaterialRef extends MaterialReference ? true : never;
const materialRefFits: MaterialRefFits = true;
void materialRefFits;
export type SurfaceSpec = z.infer<typeof SurfaceSpec>;
export type SurfaceAperture = z.infer<typeof SurfaceAperture>;
export type ApertureSpec = z.infer<typeof ApertureSpec>;
export type FieldsSpec = z.infer<typeof FieldsSpec>;
export type WavelengthsSpec = z.infer<typeof WavelengthsSpec>;
export type Prescription = z.infer<typeof Prescription>;
