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
 *   paraxial back focus to round-off.) Other heights, zones or surfaces are other solves: warned.
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
 * The prescription's imageSolve from the SURF blocks' MAZH records (object first, image last);
 * warns, naming file and line, about marginal-ray-height solves it does not express.
 */
export function imageSolveOf(surfs: readonly { n: number; mazh?: ZmxMazh }[], fileName: string, warnings: string[]): 'paraxialFocus' | undefined {
  let solve: 'paraxialFocus' | undefined;
  surfs.forEach((r, k) => {
    if (!r.mazh) return;
    if (k === surfs.length - 2 && r.mazh.height === 0 && r.mazh.zone === 0) solve = 'paraxialFocus';
    else {
      warnings.push(
        `${fileName}:${r.mazh.line}: SURF ${r.n}: MAZH ${r.mazh.height} ${r.mazh.zone} (marginal-ray-height thickness solve) is only modelled as height 0, zone 0 on the last thickness; the DISZ value is kept`,
      );
    }
  });
  return solve;
}

/** The RAIM line for a prescription's ray aiming. */
export function raimLine(rayAiming: 'paraxial' | 'real' | undefined): string {
  return rayAiming === 'real' ? 'RAIM 0 2 1 1 0 0 0 0 0' : 'RAIM 0 0 1 1 0 0 0 0 0';
}

/** The solve line written after the last DISZ for `"imageSolve": "paraxialFocus"`. */
export const PARAXIAL_FOCUS_SOLVE = 'MAZH 0 0';
