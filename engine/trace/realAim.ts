/**
 * Real ray aiming: for each requested pupil point (Px, Py), the launch pupil coordinates (the
 * point on the paraxial entrance-pupil plane the ray is aimed through, rayAiming.ts launchRays)
 * such that the real ray crosses the stop surface at T = (Px, Py)·r_stop, with r_stop the paraxial
 * marginal-ray height at the stop (primary wavelength), as OpticStudio's real ray aiming.
 *
 * Each aim solves g(u) = (x, y)_stop(u) − T = 0 by damped Newton steps: a finite-difference
 * Jacobian (step 1e-6 in normalised pupil units), the Newton step halved until the ray survives
 * and |g| decreases, to |g| < 1e-10 mm. The trace to the stop ignores clear apertures and
 * obscurations (they vignette the final ray, not its aim).
 *
 * Robustness, for wide-angle and fisheye lenses where the paraxial aim misses the stop, a lens
 * or runs backwards:
 * 1. the chief ray (T = 0) is continued in field: the field angle (or object height) is marched
 *    from 0 to its value, each step starting from the previous aims extrapolated linearly, the
 *    step halved when Newton fails (down to 1/4096 of the field);
 * 2. every other ray starts from the nearest already-aimed ray of that field (the chief ray
 *    first), moved by that ray's inverse Jacobian towards the new target; when Newton fails from
 *    there, the target is marched from the neighbour's to its own, each step starting from the
 *    last converged aim, the step halved on failure; as a last resort the field is marched from 0
 *    with the ray's own target.
 * A ray that still cannot be aimed is reported (ok = 0): rayAiming.ts flags it AIM_FAILED and
 * never traces it with a wrong aim.
 *
 * The aim is differentiated implicitly at the converged solution (adjointAim.ts), not through
 * these iterations.
 */
import { AimGrid } from './aimGrid.ts';
import type { LensSystem } from '../optics/system.ts';
import type { EntrancePupil, ObjectField } from '../paraxial/pupil.ts';
import { paraxialHeightAt } from '../paraxial/paraxial.ts';
import { marginalRayStart } from '../paraxial/rays.ts';
import { RayBatch, RayStatus } from './rayBatch.ts';
import { traceBatch } from './realTrace.ts';

/** Converged aims: launch pupil coordinates per requested point, and 1 where the aim converged. */
export interface AimedPupil {
  px: Float64Array;
  py: Float64Array;
  ok: Uint8Array;
}

/** Fills `batch` slots [0, n) with rays of `field` through launch pupil points (rayAiming.ts launchRays). */
export type Launcher = (field: ObjectField, px: ArrayLike<number>, py: ArrayLike<number>, batch: RayBatch) => void;

const TOL_MM = 1e-10;
const FD_STEP = 1e-6;
const MAX_NEWTON = 40;
const MAX_HALVINGS = 14;
const MIN_STEP = 1 / 4096;

/** The paraxial stop radius r_stop: the marginal-ray height at the stop, primary wavelength, mm. */
export function paraxialStopRadius(system: LensSystem, pupil: EntrancePupil): number {
  const w0 = system.primaryIndex;
  const [y0, nu0] = marginalRayStart(system, pupil.epd, pupil.epl, w0);
  return Math.abs(paraxialHeightAt(system, w0, y0, nu0, system.stopIndex));
}

/** A converged aim: launch coordinates, the stop target and the Jacobian ∂(x, y)_stop/∂(ux, uy). */
interface Aim {
  ux: number;
  uy: number;
  tx: number;
  ty: number;
  j11: number;
  j12: number;
  j21: number;
  j22: number;
}

/** The field scaled by s ∈ [0, 1]: the angles (at infinity) or the object heights. */
function scaledField(field: ObjectField, s: number): ObjectField {
  if (!field.atInfinity) return { atInfinity: false, x: s * field.x, y: s * field.y };
  return { atInfinity: true, x: Math.tan(s * Math.atan(field.x)), y: Math.tan(s * Math.atan(field.y)) };
}

class Aimer {
  private readonly b = new RayBatch(3);
  private readonly ax = new Float64Array(3);
  private readonly ay = new Float64Array(3);

  constructor(
    private readonly system: LensSystem,
    private readonly w: number,
    private readonly launch: Launcher,
  ) {}

  /** Traces u, u + h x̂, u + h ŷ to the stop; false when the ray at u (or a neighbour) is lost. */
  private evaluate(field: ObjectField, ux: number, uy: number): boolean {
    const { ax, ay, b } = this;
    ax[0] = ux; ay[0] = uy;
    ax[1] = ux + FD_STEP; ay[1] = uy;
    ax[2] = ux; ay[2] = uy + FD_STEP;
    this.launch(field, ax, ay, b);
    traceBatch(this.system, b, this.w, { lastSurface: this.system.stopIndex, ignoreApertures: true });
    return b.status[0] === RayStatus.OK && b.status[1] === RayStatus.OK && b.status[2] === RayStatus.OK;
  }

  /**
   * Damped Newton from (ux, uy) for target (tx, ty); the converged aim, or null. Once within
   * tolerance, up to two more steps polish the aim to round-off (kept only while |g| decreases), so
   * that quantities computed from aimed rays are smooth enough to check by finite differences.
   */
  newton(field: ObjectField, tx: number, ty: number, ux: number, uy: number): Aim | null {
    const b = this.b;
    if (!this.evaluate(field, ux, uy)) return null;
    let polish = 0;
    let done: Aim | null = null;
    for (let it = 0; it < MAX_NEWTON; it++) {
      const fx = b.x[0] - tx, fy = b.y[0] - ty;
      const j11 = (b.x[1] - b.x[0]) / FD_STEP, j21 = (b.y[1] - b.y[0]) / FD_STEP;
      const j12 = (b.x[2] - b.x[0]) / FD_STEP, j22 = (b.y[2] - b.y[0]) / FD_STEP;
      if (Math.abs(fx) < TOL_MM && Math.abs(fy) < TOL_MM) {
        done = { ux, uy, tx, ty, j11, j12, j21, j22 };
        if (polish++ >= 2 || (fx === 0 && fy === 0)) return done;
      }
      const det = j11 * j22 - j12 * j21;
      if (!(Math.abs(det) > 0) || !Number.isFinite(det)) return done;
      const dx = -(j22 * fx - j12 * fy) / det;
      const dy = -(-j21 * fx + j11 * fy) / det;
      const f0 = Math.hypot(fx, fy);
      let lambda = 1;
      let accepted = false;
      for (let k = 0, kMax = done ? 1 : MAX_HALVINGS; k < kMax; k++, lambda /= 2) {
        const vx = ux + lambda * dx, vy = uy + lambda * dy;
        if (this.evaluate(field, vx, vy) && Math.hypot(b.x[0] - tx, b.y[0] - ty) < f0) {
          ux = vx;
          uy = vy;
          accepted = true;
          break;
        }
      }
      if (!accepted) return done;
    }
    return done;
  }

  /** Newton seeded from a converged neighbour moved by its inverse Jacobian towards (tx, ty). */
  fromNeighbour(field: ObjectField, nb: Aim, tx: number, ty: number): Aim | null {
    const det = nb.j11 * nb.j22 - nb.j12 * nb.j21;
    const dx = tx - nb.tx, dy = ty - nb.ty;
    const ux = nb.ux + (nb.j22 * dx - nb.j12 * dy) / det;
    const uy = nb.uy + (-nb.j21 * dx + nb.j11 * dy) / det;
    return (Number.isFinite(ux) && Number.isFinite(uy) ? this.newton(field, tx, ty, ux, uy) : null) ?? this.newton(field, tx, ty, nb.ux, nb.uy);
  }

  /** Marches the target from the neighbour's to (tx, ty), halving the step on failure. */
  marchTarget(field: ObjectField, nb: Aim, tx: number, ty: number): Aim | null {
    let cur = nb;
    let s = 0;
    let step = 0.25;
    while (s < 1) {
      const sn = Math.min(1, s + step);
      const next = this.fromNeighbour(field, cur, nb.tx + sn * (tx - nb.tx), nb.ty + sn * (ty - nb.ty));
      if (next) {
        cur = next;
        s = sn;
        step = Math.min(2 * step, 0.5);
      } else {
        step /= 2;
        if (step < MIN_STEP) return null;
      }
    }
    return cur;
  }

  /** Marches the field from 0 to `field` with the target (tx, ty) fixed, halving the step on failure. */
  marchField(field: ObjectField, tx: number, ty: number, ux0: number, uy0: number): Aim | null {
    const start = this.newton(scaledField(field, 0), tx, ty, ux0, uy0);
    if (!start) return null;
    let cur: Aim = start;
    let prev: Aim | null = null;
    let s = 0, sPrev = 0;
    let step = 0.125;
    while (s < 1) {
      const sn = Math.min(1, s + step);
      const f = scaledField(field, sn);
      // Linear extrapolation from the last two converged aims, else the last one.
      const k = prev ? (sn - s) / (s - sPrev) : 0;
      const ex: number = prev ? cur.ux + k * (cur.ux - prev.ux) : cur.ux;
      const ey: number = prev ? cur.uy + k * (cur.uy - prev.uy) : cur.uy;
      const next: Aim | null = this.newton(f, tx, ty, ex, ey) ?? (prev ? this.newton(f, tx, ty, cur.ux, cur.uy) : null);
      if (next) {
        prev = cur;
        sPrev = s;
        cur = next;
        s = sn;
        step = Math.min(2 * step, 0.25);
      } else {
        step /= 2;
        if (step < MIN_STEP) return null;
      }
    }
    return cur;
  }
}

/**
 * Aims rays of one field at the stop (see the module doc).
 * @param px, py requested normalised pupil coordinates (stop targets in units of r_stop)
 * @param launch puts rays of a field through launch pupil points into a batch
 * @param rStop the paraxial stop radius, mm (paraxialStopRadius)
 * @returns launch pupil coordinates per ray (the request itself where ok = 0)
 */
export function aimRays(
  system: LensSystem,
  field: ObjectField,
  w: number,
  px: ArrayLike<number>,
  py: ArrayLike<number>,
  launch: Launcher,
  rStop: number,
): AimedPupil {
  const n = px.length;
  const out: AimedPupil = { px: Float64Array.from(px), py: Float64Array.from(py), ok: new Uint8Array(n) };
  const aimer = new Aimer(system, w, launch);
  const chief = aimer.newton(field, 0, 0, 0, 0) ?? aimer.marchField(field, 0, 0, 0, 0);
  // Cells about the targets' spacing: a few aims per cell (aimGrid.ts).
  const aimed = new AimGrid<Aim>((2 * Math.max(Math.abs(rStop), 1e-9)) / Math.max(1, Math.ceil(Math.sqrt(n))));
  if (chief) aimed.add(chief);
  // Nearest targets first, so every ray has an aimed neighbour close by.
  const order = Array.from({ length: n }, (_, k) => k).sort((a, b) => Math.hypot(px[a], py[a]) - Math.hypot(px[b], py[b]));
  for (const k of order) {
    const tx = px[k] * rStop, ty = py[k] * rStop;
    const near = aimed.nearest(tx, ty);
    const nb: Aim | null = near ? near.item : null;
    const best = near ? near.d2 : Infinity;
    let aim: Aim | null = null;
    if (nb && best === 0) aim = nb;
    else if (nb) aim = aimer.fromNeighbour(field, nb, tx, ty) ?? aimer.marchTarget(field, nb, tx, ty);
    else aim = aimer.newton(field, tx, ty, px[k], py[k]);
    aim ??= aimer.marchField(field, tx, ty, px[k], py[k]);
    if (!aim) continue;
    out.px[k] = aim.ux;
    out.py[k] = aim.uy;
    out.ok[k] = 1;
    if (aim !== nb) aimed.add(aim);
  }
  return out;
}
