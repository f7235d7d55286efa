/**
 * Two .zmx system settings ↔ the prescription: ray aiming and the paraxial-focus image solve.
 *
 * - `RAIM a t ...`: t is OpticStudio's ray aiming, 0 off (rays aimed at the paraxial entrance
 *   pupil: "rayAiming": "paraxial"), 1 paraxial and 2 real (real rays aimed at the stop; Lens
 *   Studio's "rayAiming": "real" in both cases, which sizes the stop paraxially, as OpticStudio's
 *   "paraxial" aiming does). Written as `RAIM 0 2 1 1 0 0 0 0 0` for "real" and
 *   `RAIM 0 0 1 1 0 0 0 0 0` otherwise (the remaining fields as OpticStudio writes by default).
 * - `MAZH h z` after a DISZ: a marginal-ray-height thickness solve (height h, pupil zone z). On the
 *   last lens surface with h = 0 and z = 0 it puts the image at the paraxial focus, which is
 *   `"imageSolve": "paraxialFocus"`; the DISZ written next to it is the solved value. (In the files
 *   of ../shared/data/zmx every `MAZH 0 0` sits on the last thickness, whose DISZ equals the
 *   paraxial back focus to round-off.) Other heights, zones or surfaces are other solves of the
 *   surface's thickness (zmxSolves.ts).
 */

/** RAIM as read. */
export interface ZmxRaim {
  real: boolean;
  line: number;
}

/** MAZH as read: solve height (lens units) and pupil zone. */
export interface ZmxMazh {
  height: number;
  zone: number;
  line: number;
}

/** Reads the tokens after RAIM (a missing or non-numeric type means off). */
export function readRaim(tokens: string[], line: number): ZmxRaim {
  const t = Number(tokens[1]);
  return { real: t === 1 || t === 2, line };
}

/** Reads the tokens after MAZH. */
export function readMazh(tokens: string[], line: number): ZmxMazh {
  const num = (k: number) => (tokens[k] === undefined || !Number.isFinite(Number(tokens[k])) ? 0 : Number(tokens[k]));
  return { height: num(0), zone: num(1), line };
}

/**
 * The prescription's imageSolve from the SURF blocks' MAZH records (object first, image last): a
 * MAZH 0 0 on the last thickness (isParaxialFocusSolve). Other MAZH records are the surfaces' own
 * solves (zmxSolves.ts).
 */
export function imageSolveOf(surfs: readonly { n: number; mazh?: ZmxMazh }[], _fileName?: string, _warnings?: string[]): 'paraxialFocus' | undefined {
  return surfs.some((r, k) => r.mazh && isParaxialFocusSolve(r.mazh, k === surfs.length - 2)) ? 'paraxialFocus' : undefined;
}

/** True for the MAZH of the image solve: height 0, zone 0, on the last thickness. */
export function isParaxialFocusSolve(m: { height: number; zone: number }, lastThickness: boolean): boolean {
  return lastThickness && m.height === 0 && m.zone === 0;
}

/** The RAIM line for a prescription's ray aiming. */
export function raimLine(rayAiming: 'paraxial' | 'real' | undefined): string {
  return rayAiming === 'real' ? 'RAIM 0 2 1 1 0 0 0 0 0' : 'RAIM 0 0 1 1 0 0 0 0 0';
}

/** The solve line written after the last DISZ for `"imageSolve": "paraxialFocus"`. */
export const PARAXIAL_FOCUS_SOLVE = 'MAZH 0 0';
