/**
 * A batch of real rays as a structure of arrays (Float64Array), the tracer's unit of work.
 *
 * Position (x, y, z) in mm and unit direction cosines (l, m, n) are expressed in the local frame
 * of the surface the batch was last traced to; `opl` is the optical path length accumulated from
 * the ray's start, mm. `status` is RayStatus.OK or the reason the ray was lost, and `lostAt` the
 * surface index where it was lost (−1 while valid). Invalid rays keep their last finite values.
 * `freePath` is the geometric path (mm, signed) travelled since the ray last refracted or reflected,
 * +Infinity until its first such surface (the launch plane's position is arbitrary); the tracer
 * flags a ray that must travel backwards to reach its next refracting or reflecting surface.
 */
export const RayStatus = {
  OK: 0,
  /** The ray does not meet the surface (no real intersection). */
  MISS: 1,
  /** Total internal reflection. */
  TIR: 2,
  /** Outside the surface's clear semi-aperture. */
  VIGNETTED: 3,
  /** Newton iteration for an aspheric intersection did not converge. */
  NO_CONVERGENCE: 4,
  /**
   * The ray meets its next refracting or reflecting surface only by travelling backwards (a
   * negative distance since the last one): physically it never reaches it.
   */
  BACKWARD: 5,
  /** Blocked by an obscuration (a central obscuration, or an obscuring aperture shape). */
  OBSCURED: 6,
  /** Real ray aiming found no launch that crosses the stop at the requested point. */
  AIM_FAILED: 7,
} as const;
export type RayStatus = (typeof RayStatus)[keyof typeof RayStatus];

export const RAY_STATUS_NAMES = [
  'ok',
  'miss',
  'total internal reflection',
  'vignetted',
  'no convergence',
  'propagates backwards',
  'obscured',
  'ray aiming failed',
] as const;

export class RayBatch {
  readonly x: Float64Array;
  readonly y: Float64Array;
  readonly z: Float64Array;
  readonly l: Float64Array;
  readonly m: Float64Array;
  readonly n: Float64Array;
  readonly opl: Float64Array;
  readonly status: Uint8Array;
  readonly lostAt: Int16Array;
  readonly freePath: Float64Array;

  /** @param size number of rays */
  constructor(readonly size: number) {
    this.x = new Float64Array(size);
    this.y = new Float64Array(size);
    this.z = new Float64Array(size);
    this.l = new Float64Array(size);
    this.m = new Float64Array(size);
    this.n = new Float64Array(size);
    this.opl = new Float64Array(size);
    this.status = new Uint8Array(size);
    this.lostAt = new Int16Array(size).fill(-1);
    this.freePath = new Float64Array(size).fill(Infinity);
  }

  /** Marks ray i as freshly launched: OK, no optical path yet, no surface met. */
  resetRay(i: number): void {
    this.opl[i] = 0;
    this.status[i] = RayStatus.OK;
    this.lostAt[i] = -1;
    this.freePath[i] = Infinity;
  }

  /** Number of rays with status OK. */
  countValid(): number {
    let c = 0;
    for (let i = 0; i < this.size; i++) if (this.status[i] === RayStatus.OK) c++;
    return c;
  }

  /** Copies every array of `other` (same size) into this batch. */
  copyFrom(other: RayBatch): this {
    this.x.set(other.x);
    this.y.set(other.y);
    this.z.set(other.z);
    this.l.set(other.l);
    this.m.set(other.m);
    this.n.set(other.n);
    this.opl.set(other.opl);
    this.status.set(other.status);
    this.lostAt.set(other.lostAt);
    this.freePath.set(other.freePath);
    return this;
  }

  /** Marks ray i lost at surface s for the given reason (keeps its first loss). */
  lose(i: number, s: number, reason: RayStatus): void {
    if (this.status[i] === RayStatus.OK) {
      this.status[i] = reason;
      this.lostAt[i] = s;
    }
  }
}
