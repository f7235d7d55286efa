/**
 * The per-ray real-aim solver (realAim.ts has the method and its robustness rules): damped Newton
 * on g(u) = (x, y)_stop(u) − T with a finite-difference Jacobian, from a neighbour's aim moved by
 * its inverse Jacobian, and the target and field continuations. batchAim.ts runs the same Newton
 * iteration on many rays at once; rays it cannot aim come back here.
 */
import type { ObjectField } from '../paraxial/pupil.ts';
import type { LensSystem } from '../optics/system.ts';
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

export const TOL_MM = 1e-10;
export const FD_STEP = 1e-6;
export const MAX_NEWTON = 40;
export const MAX_HALVINGS = 14;
export const MIN_STEP = 1 / 4096;

/** A converged aim: launch coordinates, the stop target and the Jacobian ∂(x, y)_stop/∂(ux, uy). */
export interface Aim {
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
export function scaledField(field: ObjectField, s: number): ObjectField {
  if (!field.atInfinity) return { atInfinity: false, x: s * field.x, y: s * field.y };
  return { atInfinity: true, x: Math.tan(s * Math.atan(field.x)), y: Math.tan(s * Math.atan(field.y)) };
}

export class Aimer {
  private readonly p = new RayBatch(1);
  private readonly d = new RayBatch(2);
  private readonly ax = new Float64Array(2);
  private readonly ay = new Float64Array(2);
  private readonly one = new Float64Array(2);

  constructor(
    private readonly system: LensSystem,
    private readonly w: number,
    private readonly launch: Launcher,
  ) {}

  /** Traces the ray at u to the stop (into this.p); false when it is lost. */
  private probe(field: ObjectField, ux: number, uy: number): boolean {
    const { one, p } = this;
    one[0] = ux;
    one[1] = uy;
    this.launch(field, one.subarray(0, 1), one.subarray(1, 2), p);
    traceBatch(this.system, p, this.w, { lastSurface: this.system.stopIndex, ignoreApertures: true });
    return p.status[0] === RayStatus.OK;
  }

  /** Traces u + h x̂ and u + h ŷ to the stop (into this.d); false when either is lost. */
  private neighbours(field: ObjectField, ux: number, uy: number): boolean {
    const { ax, ay, d } = this;
    ax[0] = ux + FD_STEP; ay[0] = uy;
    ax[1] = ux; ay[1] = uy + FD_STEP;
    this.launch(field, ax, ay, d);
    traceBatch(this.system, d, this.w, { lastSurface: this.system.stopIndex, ignoreApertures: true });
    return d.status[0] === RayStatus.OK && d.status[1] === RayStatus.OK;
  }

  /**
   * Damped Newton from (ux, uy) for target (tx, ty); the converged aim, or null. Once within
   * tolerance, up to two more steps polish the aim to round-off (kept only while |g| decreases), so
   * that quantities computed from aimed rays are smooth enough to check by finite differences.
   * A point is evaluated with its two finite-difference neighbours (u + h x̂, u + h ŷ) only once
   * the ray at u itself survives and decreases |g|: a rejected trial costs one ray, not three.
   */
  newton(field: ObjectField, tx: number, ty: number, ux: number, uy: number): Aim | null {
    const { p, d } = this;
    if (!this.probe(field, ux, uy) || !this.neighbours(field, ux, uy)) return null;
    let x0 = p.x[0], y0 = p.y[0];
    let polish = 0;
    let done: Aim | null = null;
    for (let it = 0; it < MAX_NEWTON; it++) {
      const fx = x0 - tx, fy = y0 - ty;
      const j11 = (d.x[0] - x0) / FD_STEP, j21 = (d.y[0] - y0) / FD_STEP;
      const j12 = (d.x[1] - x0) / FD_STEP, j22 = (d.y[1] - y0) / FD_STEP;
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
        if (this.probe(field, vx, vy) && Math.hypot(p.x[0] - tx, p.y[0] - ty) < f0 && this.neighbours(field, vx, vy)) {
          ux = vx;
          uy = vy;
          x0 = p.x[0];
          y0 = p.y[0];
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
