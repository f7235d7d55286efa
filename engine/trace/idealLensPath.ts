/**
 * The optical path added by an ideal thin lens (Zemax PARAXIAL surface), so that wavefronts
 * (OPD, PSF, MTF) through it are those of a perfect lens, not of a bare plane.
 *
 * The ray mapping (refract.ts bendParaxial: tan' = tan − h/f) images every conjugate perfectly, but
 * no thin phase plate can make the optical path stationary at every conjugate at once (Maxwell /
 * Carathéodory), so the path is made exact at one conjugate: the one the system gives the lens,
 * from the paraxial axial ray arriving at it (engine/paraxial/paraxial.ts idealLensConjugate). This
 * is OpticStudio's "OPD mode 1" (conjugate) for the paraxial surface. At that conjugate every ray from
 * the object point O reaches the image point I with the same optical path; a beam from elsewhere
 * (another conjugate, aberrated upstream optics) keeps its own aberration plus the lens's departure
 * from perfection there.
 *
 * For a ray through X = (x, y, 0) (the lens's local frame) arriving with unit direction d and leaving
 * with unit direction d′, O = X + τ d lies on the incoming line at the conjugate plane z_O (τ = z_O/d_z)
 * and I = X + τ′ d′ on the outgoing line at z_I, 1/z_I = 1/z_O + 1/f (the tangent map's imaging, in
 * local z). Relative to the ray through the vertex, the path from a real O (τ < 0) to X is longer by
 * |X − O| − |O| and the path from X to a real I (τ′ > 0) shorter by |I| − |I − X| (signs swap for
 * virtual points); the lens adds the negative of the sum:
 *   φ = −n₁ F(X, d, κ) + n₂ F(X, d′, κ′),   F = sgn τ (|X + τd| − |τ|) = (S − 1)/κ
 *     = (κ|X|² + 2 X·d) / (S + 1),   S = |κX + d| = √(1 + 2κ X·d + κ²|X|²),
 * with κ = 1/τ = d_z v_O, κ′ = d′_z v_I in the vergences v_O = 1/z_O, v_I = v_O + 1/f (1/mm). In
 * vergences everything is smooth through a collimated side (v = 0: F = X·d), where the distances
 * are infinite. On axis with a collimated input φ = f − √(r² + f²), the phase of a perfect lens.
 * n₁, n₂ are the indices before and after the surface (the mapping itself assumes air, as Zemax's).
 */

/** Gradient slots of {@link idealLensPath}: x, y, d (3), d′ (3), f, v_O, n₁, n₂. */
export const IL_X = 0, IL_Y = 1, IL_L = 2, IL_M = 3, IL_N = 4, IL_L2 = 5, IL_M2 = 6, IL_N2 = 7, IL_F = 8, IL_VO = 9, IL_N1 = 10, IL_NN2 = 11;
export const IL_SLOTS = 12;

const scratch = new Float64Array(6);

/**
 * F(X, d, κ) (module doc); g (length ≥ 6) receives ∂F/∂(x, y, dx, dy, dz, κ) when given (dz enters
 * only through κ, which the caller chains). κ = ±∞ (an object or image on the lens) gives sgn κ |X|.
 */
function conjugatePath(x: number, y: number, dx: number, dy: number, kappa: number, g: Float64Array | null): number {
  const xd = x * dx + y * dy;
  const xx = x * x + y * y;
  if (!Number.isFinite(kappa)) {
    const r = Math.sqrt(xx);
    const sg = kappa > 0 ? 1 : -1;
    if (g) {
      g[0] = r > 0 ? (sg * x) / r : 0; g[1] = r > 0 ? (sg * y) / r : 0; g[2] = 0; g[3] = 0; g[4] = 0; g[5] = 0;
    }
    return sg * r;
  }
  const S = Math.sqrt(Math.max(0, 1 + 2 * kappa * xd + kappa * kappa * xx));
  const den = S + 1;
  const F = (kappa * xx + 2 * xd) / den;
  if (g) {
    const iS = S > 0 ? 1 / S : 0;
    const dXX = (kappa - (F * kappa * kappa * iS) / 2) / den;
    const dXd = (2 - F * kappa * iS) / den;
    g[0] = 2 * x * dXX + dx * dXd;
    g[1] = 2 * y * dXX + dy * dXd;
    g[2] = x * dXd;
    g[3] = y * dXd;
    g[4] = 0;
    g[5] = (xx - F * (xd + kappa * xx) * iS) / den;
  }
  return F;
}

/**
 * Optical path (mm) the ideal lens adds to one ray (module doc).
 * @param x, y intercept on the lens plane (local frame), mm
 * @param l, m, n incoming unit direction; l2, m2, n2 outgoing unit direction
 * @param f focal length, mm; vO the object-side vergence 1/z_O (1/mm; 0 for a collimated input)
 * @param n1, nAfter indices before and after
 * @param g when given (length ≥ IL_SLOTS), receives the partials in the IL_* slots
 */
export function idealLensPath(
  x: number, y: number,
  l: number, m: number, n: number,
  l2: number, m2: number, n2: number,
  f: number, vO: number, n1: number, nAfter: number,
  g: Float64Array | null = null,
): number {
  const vI = vO + 1 / f;
  const FA = conjugatePath(x, y, l, m, n * vO, g ? scratch : null);
  if (g) {
    g[IL_X] = -n1 * scratch[0];
    g[IL_Y] = -n1 * scratch[1];
    g[IL_L] = -n1 * scratch[2];
    g[IL_M] = -n1 * scratch[3];
    g[IL_N] = -n1 * scratch[5] * vO;
    g[IL_VO] = -n1 * scratch[5] * n;
  }
  const FB = conjugatePath(x, y, l2, m2, n2 * vI, g ? scratch : null);
  if (g) {
    g[IL_X] += nAfter * scratch[0];
    g[IL_Y] += nAfter * scratch[1];
    g[IL_L2] = nAfter * scratch[2];
    g[IL_M2] = nAfter * scratch[3];
    g[IL_N2] = nAfter * scratch[5] * vI;
    g[IL_VO] += nAfter * scratch[5] * n2;
    g[IL_F] = (-nAfter * scratch[5] * n2) / (f * f);
    g[IL_N1] = -FA;
    g[IL_NN2] = FB;
  }
  return -n1 * FA + nAfter * FB;
}
