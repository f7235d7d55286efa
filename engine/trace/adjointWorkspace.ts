/**
 * The state one adjoint pass (adjoint.ts) hands to its per-surface-kind loops (adjointConic.ts,
 * adjointAsphere.ts, adjointXY.ts, adjointParaxial.ts, adjointCoordinateBreak.ts), and the pieces
 * they share.
 *
 * The pass walks the surfaces backwards; at surface s it sets the per-surface fields of one
 * workspace object and calls the loop of that surface's kind, which copies the fields into locals
 * first (the loops are the tracer's hot path: locals keep them as fast as positional arguments).
 *
 * Adjoint state: for every ray i, AX..AN, AOPL hold the adjoint of the ray state (x, y, z, l, m, n,
 * opl) after surface s (on entry) and before it (on return), in surface s's frame. Parameter slots
 * (S_*) collect one ray's local partials at one surface; `slotK[e]` / `slotJ[e]` / `factor[e]`
 * route slot slotK[e] (times factor[e], e.g. ∂n/∂nd) to parameter column slotJ[e].
 */
import type { Surface } from '../optics/system.ts';
import type { TraceRecord } from './realTrace.ts';

// Local-gradient slots of one surface.
export const S_C = 0, S_K = 1, S_XYB = 2, S_N1 = 3, S_N2 = 4, S_F = 5, S_T = 6, S_DX = 7, S_DY = 8, S_TX = 9, S_TY = 10, S_TZ = 11;
/** Asphere or XY coefficients start at this slot. */
export const S_COEF = 12;

export interface AdjointWorkspace {
  // ---- the whole pass ----
  /** The recorded forward trace (surface-major: index s·size + i). */
  readonly rec: TraceRecord;
  /** Number of parameters (columns of `out`). */
  readonly P: number;
  /** Per-ray output rows (out[i·P + j]) instead of a sum over rays. */
  readonly perRay: boolean;
  /** Output, accumulated into: rays·P (perRay) or P. */
  readonly out: Float64Array;
  readonly AX: Float64Array;
  readonly AY: Float64Array;
  readonly AZ: Float64Array;
  readonly AL: Float64Array;
  readonly AM: Float64Array;
  readonly AN: Float64Array;
  readonly AOPL: Float64Array;
  /** 1 for rays that reached the image with a non-zero seed. */
  readonly live: Uint8Array;
  /** Sum over rays of each routed slot (when not perRay), length ≥ slotK.length. */
  readonly acc: Float64Array;
  /** Scratch slots for the generic loops (length S_COEF + the most coefficients + 1). */
  readonly slots: Float64Array;

  // ---- the current surface (set before each loop) ----
  surf: Surface;
  /** Surface index. */
  s: number;
  /** Thickness of the surface before (0 for s = 0), mm. */
  tPrev: number;
  /** Indices before and after at the traced wavelength (0 for a coordinate break). */
  n1: number;
  n2: number;
  /** Whether the surface refracts or reflects the ray. */
  bends: boolean;
  slotK: Int32Array;
  slotJ: Int32Array;
  factor: Float64Array;
  /** Ideal (paraxial) surface: its object-side vergence v_O = 1/z_O (1/mm; paraxial/rays.ts). */
  vO: number;
  /** Ideal (paraxial) surface: ∂L/∂v_O per ray, written by paraxialAdjoint. */
  readonly vOBar: Float64Array;
  /** Coordinate break: its rotation R and dR/d(tilt x, y, z). */
  R: Float64Array | null;
  Dr: Float64Array[] | null;
}

/**
 * Adjoint of bending a ray at a surface whose unnormalised normal is G (oriented towards +z):
 * N = ±G/|G| (sign so that d·N ≥ 0), refraction d' = μd + gN with g = sqrt(1 − μ²(1 − cos²I)) − μ cos I,
 * or reflection d' = d − 2 cos I N. Given d̄', writes into `out`:
 * [d̄x, d̄y, d̄z, Ḡx, Ḡy, Ḡz, n̄ before, n̄ after]. (adjointConic.ts and adjointAsphere.ts inline the
 * same arithmetic: the call costs about half again the whole pass on the hot path.)
 */
export function bendAdjoint(
  gx: number, gy: number, gz: number,
  dl: number, dm: number, dn: number,
  al: number, am: number, an: number,
  n1: number, n2: number, mirror: boolean,
  out: Float64Array,
): void {
  const gn = Math.sqrt(gx * gx + gy * gy + gz * gz);
  const hx = gx / gn, hy = gy / gn, hz = gz / gn;
  const c0 = dl * hx + dm * hy + dn * hz;
  const sf = c0 < 0 ? -1 : 1;
  const Nx = sf * hx, Ny = sf * hy, Nz = sf * hz;
  const cosI = sf * c0;
  let bl = al, bm = am, bn = an;
  let Nbx: number, Nby: number, Nbz: number, cb: number;
  let n1Bar = 0, n2Bar = 0;
  if (mirror) {
    cb = -2 * (al * Nx + am * Ny + an * Nz);
    Nbx = -2 * cosI * al; Nby = -2 * cosI * am; Nbz = -2 * cosI * an;
  } else {
    const mu = n1 / n2;
    const rad = 1 - mu * mu * (1 - cosI * cosI);
    const sr = Math.sqrt(rad);
    const g = sr - mu * cosI;
    bl = mu * al; bm = mu * am; bn = mu * an;
    Nbx = g * al; Nby = g * am; Nbz = g * an;
    const gb = al * Nx + am * Ny + an * Nz;
    const radb = gb / (2 * sr);
    const mub = al * dl + am * dm + an * dn - gb * cosI + radb * (-2 * mu * (1 - cosI * cosI));
    cb = -gb * mu + radb * (2 * mu * mu * cosI);
    n1Bar = mub / n2;
    n2Bar = (-mub * n1) / (n2 * n2);
  }
  bl += cb * Nx; bm += cb * Ny; bn += cb * Nz;
  Nbx += cb * dl; Nby += cb * dm; Nbz += cb * dn;
  const hbx = sf * Nbx, hby = sf * Nby, hbz = sf * Nbz;
  const hd = hbx * hx + hby * hy + hbz * hz;
  out[0] = bl;
  out[1] = bm;
  out[2] = bn;
  out[3] = (hbx - hd * hx) / gn;
  out[4] = (hby - hd * hy) / gn;
  out[5] = (hbz - hd * hz) / gn;
  out[6] = n1Bar;
  out[7] = n2Bar;
}
