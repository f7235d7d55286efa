/**
 * Solves and pickups of a surface, as a zod schema: the `solves` field of a prescription surface
 * (engine/io/prescription.ts), keyed by the parameter they set, as OpticStudio's solve cells.
 *
 * - `radius` (the curvature c = 1/R; for an even asphere the base curvature, with A2 kept):
 *   - `marginalRayAngle`: c such that the paraxial marginal ray leaves the surface with slope
 *     u' = `angle` (radians, dy/dz in the direction of propagation; primary wavelength);
 *   - `fNumber`: the same with u' = −1/(2·`fNumber`) (OpticStudio's F-number solve);
 *   - `chiefRayAngle`: c such that the paraxial chief ray of the largest field leaves with slope
 *     u' = `angle`;
 *   - `pickup`: c = scale·c_source + offset (OpticStudio picks up the curvature, as .zmx stores it).
 * - `thickness` (the distance to the next vertex):
 *   - `marginalRayHeight`: the paraxial marginal ray crosses the next surface at `height` mm
 *     (default 0: the paraxial focus, as `imageSolve: "paraxialFocus"` on the last surface); with a
 *     `pupilZone` ζ ≠ 0 (last surface only), the real on-axis ray through pupil point Py = ζ instead
 *     (OpticStudio's pupil-zone marginal ray height solve, e.g. best focus at the 0.7 zone);
 *   - `chiefRayHeight`: the paraxial chief ray of the largest field crosses the next surface at
 *     `height` mm (default 0);
 *   - `edgeThickness`: the edge thickness t + sag_next(h) − sag(h) equals `thickness` mm at the
 *     radial height h = `heightMm`, else the larger clear semi-aperture of the two surfaces;
 *   - `pickup`: t = scale·t_source + offset.
 * - `conic`: `pickup` (k = scale·k_source + offset).
 * - `material`: `pickup`, the glass of the source surface (a model glass stays one glass: varying
 *   its nd or Vd varies both surfaces).
 *
 * `surface` indices are 0-based into `surfaces` (OpticStudio surface k is `surface: k − 1`).
 * Solves are applied in order, to a fixed point, before every trace (engine/paraxial/solves.ts);
 * the parameter's own number in the prescription is the last solved value.
 */
import { z } from 'zod';

const finite = () => z.number().refine(Number.isFinite, { message: 'expected a finite number' });
const positive = () => finite().refine((v) => v > 0, { message: 'expected a positive number' });
const index = () => z.number().int().min(0);

/** value = scale · (source surface's value) + offset. */
export const PickupSolve = z.strictObject({
  type: z.literal('pickup'),
  /** Source surface, 0-based. */
  surface: index(),
  /** Default 1. */
  scale: finite().optional(),
  /** In the parameter's unit (1/mm for a curvature, mm for a thickness); default 0. */
  offset: finite().optional(),
});

export const CurvatureSolve = z.discriminatedUnion('type', [
  PickupSolve,
  z.strictObject({ type: z.literal('marginalRayAngle'), angle: finite() }),
  z.strictObject({ type: z.literal('chiefRayAngle'), angle: finite() }),
  z.strictObject({ type: z.literal('fNumber'), fNumber: finite().refine((v) => v !== 0, { message: 'an F-number of 0 has no marginal ray angle' }) }),
]);

export const ThicknessSolve = z.discriminatedUnion('type', [
  PickupSolve,
  z.strictObject({
    type: z.literal('marginalRayHeight'),
    height: finite().optional(),
    /** Normalised pupil coordinate of a real marginal ray (0 or absent: the paraxial marginal ray). */
    pupilZone: z.number().min(-1).max(1).optional(),
  }),
  z.strictObject({ type: z.literal('chiefRayHeight'), height: finite().optional() }),
  z.strictObject({ type: z.literal('edgeThickness'), thickness: finite(), heightMm: positive().optional() }),
]);

export const ConicSolve = z.discriminatedUnion('type', [PickupSolve]);

export const MaterialSolve = z.strictObject({ type: z.literal('pickup'), surface: index() });

/** The solves of one surface, keyed by the parameter each sets. */
export const SurfaceSolves = z.strictObject({
  radius: CurvatureSolve.optional(),
  thickness: ThicknessSolve.optional(),
  conic: ConicSolve.optional(),
  material: MaterialSolve.optional(),
});

export type PickupSolve = z.infer<typeof PickupSolve>;
export type CurvatureSolve = z.infer<typeof CurvatureSolve>;
export type ThicknessSolve = z.infer<typeof ThicknessSolve>;
export type ConicSolve = z.infer<typeof ConicSolve>;
export type MaterialSolve = z.infer<typeof MaterialSolve>;
export type SurfaceSolves = z.infer<typeof SurfaceSolves>;
/** The parameters a solve can set: the keys of {@link SurfaceSolves}. */
export type SolvedField = keyof SurfaceSolves;

/**
 * The marker a lens data editor shows in a solved cell, as OpticStudio's: "P" pickup, "M" marginal
 * ray (angle or height), "C" chief ray (angle or height), "F" F-number, "E" edge thickness.
 */
export function solveMarker(solve: { type: string }): 'P' | 'M' | 'C' | 'F' | 'E' {
  switch (solve.type) {
    case 'pickup':
      return 'P';
    case 'marginalRayAngle':
    case 'marginalRayHeight':
      return 'M';
    case 'chiefRayAngle':
    case 'chiefRayHeight':
      return 'C';
    case 'fNumber':
      return 'F';
    default:
      return 'E';
  }
}
