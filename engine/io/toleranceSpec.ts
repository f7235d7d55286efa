/**
 * The tolerance spec, `"format": "lens-studio-tolerance/1"`, as a zod schema: a prescription's
 * `tolerances` field, or a file of its own (`lens-studio tolerance --spec tol.json`).
 *
 * Operands use OpticStudio's names and units. `surface` is the 0-based index into the
 * prescription's `surfaces` (as merit specs); reports number surfaces from 1.
 *
 * | type | perturbs | min / max in |
 * |---|---|---|
 * | TRAD | radius of curvature | mm |
 * | TFRN | radius, as fringes of power at the test wavelength over the clear aperture | fringes |
 * | TTHI | thickness after the surface | mm |
 * | TSDX, TSDY | surface decenter about its vertex | mm |
 * | TSTX, TSTY | surface tilt about its vertex (on the image plane: image tilt) | degrees |
 * | TEDX, TEDY | element decenter (surfaces `surface`..`lastSurface` moved rigidly) | mm |
 * | TETX, TETY | element tilt about the element's first vertex | degrees |
 * | TIND | d-line index nd of the glass after the surface | Δnd |
 * | TABB | Abbe number Vd of the glass after the surface | % of Vd |
 * | TIRR | irregularity: half Zernike astigmatism, half Zernike spherical, at the test wavelength | fringes |
 *
 * One fringe is half a wave of surface sag at the test wavelength (a double-pass interferometric
 * test). `distribution` is how Monte Carlo samples the operand between min and max: `normal`
 * (the default; σ = (max − min)/4, so ±limit = ±2σ, truncated at ±2σ as OpticStudio), `uniform`,
 * `parabolic` (density ∝ x², favouring the limits) or `end-points` (min or max, equally likely).
 * The geometry of each perturbation is in engine/tolerance/perturbation.ts.
 */
import { z } from 'zod';

export const TOLERANCE_FORMAT = 'lens-studio-tolerance/1';

/** Default test wavelength for fringes: HeNe 632.8 nm, µm. */
export const DEFAULT_TEST_WAVELENGTH_UM = 0.6328;

export const TOLERANCE_OPERAND_TYPES = [
  'TRAD',
  'TFRN',
  'TTHI',
  'TSDX',
  'TSDY',
  'TSTX',
  'TSTY',
  'TEDX',
  'TEDY',
  'TETX',
  'TETY',
  'TIND',
  'TABB',
  'TIRR',
] as const;
export type ToleranceOperandType = (typeof TOLERANCE_OPERAND_TYPES)[number];

/** Operand types that move a group of surfaces (need `lastSurface`). */
export const ELEMENT_OPERAND_TYPES: readonly ToleranceOperandType[] = ['TEDX', 'TEDY', 'TETX', 'TETY'];

export const DISTRIBUTIONS = ['normal', 'uniform', 'parabolic', 'end-points'] as const;
export type Distribution = (typeof DISTRIBUTIONS)[number];

const finite = () => z.number().refine(Number.isFinite, { message: 'expected a finite number' });
const positive = () => finite().refine((v) => v > 0, { message: 'expected a positive number' });
const index = () => z.number().int().min(0);

export const ToleranceOperand = z
  .object({
    type: z.enum(TOLERANCE_OPERAND_TYPES),
    /** 0-based surface index; for TSTX/TSTY the image plane is `surfaces.length`. */
    surface: index(),
    /** Element operands: the element's last surface (inclusive). */
    lastSurface: index().optional(),
    /** Signed limits in the operand's unit (table in the module docs); min ≤ 0 ≤ max usually. */
    min: finite(),
    max: finite(),
    distribution: z.enum(DISTRIBUTIONS).optional(),
    /** TFRN / TIRR: test wavelength in µm (default: the spec's testWavelengthUm). */
    wavelengthUm: positive().optional(),
    /** TFRN / TIRR: clear semi-aperture in mm (default: the surface's, else the traced beam's). */
    semiAperture: positive().optional(),
    comment: z.string().optional(),
  })
  .superRefine((o, ctx) => {
    if (o.min > o.max) ctx.addIssue({ code: 'custom', path: ['max'], message: `max ${o.max} is below min ${o.min}` });
    const element = ELEMENT_OPERAND_TYPES.includes(o.type);
    if (element && o.lastSurface === undefined) {
      ctx.addIssue({ code: 'custom', path: ['lastSurface'], message: `${o.type} moves an element: give its lastSurface` });
    }
    if (element && o.lastSurface !== undefined && o.lastSurface < o.surface) {
      ctx.addIssue({ code: 'custom', path: ['lastSurface'], message: `lastSurface ${o.lastSurface} is before surface ${o.surface}` });
    }
    if (!element && o.lastSurface !== undefined) {
      ctx.addIssue({ code: 'custom', path: ['lastSurface'], message: `${o.type} acts on one surface; lastSurface is only for TEDX/TEDY/TETX/TETY` });
    }
  });

/** Compensator types: the back focus (last thickness) or any geometric degree of freedom. */
export const COMPENSATOR_TYPES = ['backFocus', 'TRAD', 'TTHI', 'TSDX', 'TSDY', 'TSTX', 'TSTY', 'TEDX', 'TEDY', 'TETX', 'TETY'] as const;
export type CompensatorType = (typeof COMPENSATOR_TYPES)[number];

/**
 * A compensator: re-optimized for every perturbed lens, within optional bounds (in the operand's
 * unit, relative to nominal: a back focus of −1..1 mm allows ±1 mm of refocus).
 */
export const Compensator = z
  .object({
    type: z.enum(COMPENSATOR_TYPES),
    surface: index().optional(),
    lastSurface: index().optional(),
    min: finite().optional(),
    max: finite().optional(),
  })
  .superRefine((c, ctx) => {
    if (c.type !== 'backFocus' && c.surface === undefined) {
      ctx.addIssue({ code: 'custom', path: ['surface'], message: `the ${c.type} compensator needs a surface` });
    }
    if (ELEMENT_OPERAND_TYPES.includes(c.type as ToleranceOperandType) && c.lastSurface === undefined) {
      ctx.addIssue({ code: 'custom', path: ['lastSurface'], message: `the ${c.type} compensator moves an element: give its lastSurface` });
    }
    if (c.min !== undefined && c.max !== undefined && c.min > c.max) {
      ctx.addIssue({ code: 'custom', path: ['max'], message: `max ${c.max} is below min ${c.min}` });
    }
  });

export const ToleranceSpec = z.object({
  format: z.literal(TOLERANCE_FORMAT).optional(),
  /** Test wavelength of TFRN / TIRR fringes, µm (default 0.6328). */
  testWavelengthUm: positive().optional(),
  operands: z.array(ToleranceOperand),
  /** Default: the back focus alone. An empty list means no compensator. */
  compensators: z.array(Compensator).optional(),
});

export type ToleranceOperand = z.infer<typeof ToleranceOperand>;
export type Compensator = z.infer<typeof Compensator>;
export type ToleranceSpec = z.infer<typeof ToleranceSpec>;
