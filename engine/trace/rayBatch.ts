/**
 * A batch of real rays as a structure of arrays (Float64Array), the tracer's unit of work.
 *
 * Position (x, y, z) in mm and unit direction cosines (l, m, n) are expressed in the local frame
 * of the surface the batch was last traced to; `opl` is the optical path length accumulated from
 * the ray's start, mm. `status` is RayStatus.OK or the reason the ray was lost, and `lostAt` the
 * surface index where it was lost (−1 while valid). Invalid rays keep their last finite values.
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
} as const;
export type RayStatus = (typeof RayStatus)[keyof typeof RayStatus];

export const RAY_STATUS_NAMES = ['ok', 'miss', 'total internal reflection', 'vignetted', 'no convergence'] as const;

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
