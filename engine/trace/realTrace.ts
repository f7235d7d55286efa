/**
 * Real-ray sequential trace of a RayBatch through a LensSystem, in float64, allocation-free per ray.
 *
 * For each surface: move into its local frame (z −= previous thickness; a coordinate break applies
 * its decenter and tilts, coordinateBreak.ts), intersect, check the ray got there forwards, clip by
 * the clear semi-aperture and the aperture / obscuration shapes, then refract or reflect
 * (refract.ts). Intersections: spheres and conics by the quadratic A s² + 2B s + C = 0 of
 * c(x²+y²+(1+k)z²) − 2z = 0 on the ray, taking the root on the branch through the vertex that the
 * ray meets travelling in the system's direction ν = ±1: A s + B = −ν sqrt(B² − AC), written
 * without cancellation as s = −C / (B − ν sqrt(B² − AC)) (or (−B − ν√·)/A when that form cancels);
 * even aspheres and XY polynomials by Newton's method from the base-conic (or plane) root, to
 * |Δs| < 1e-12 mm in at most 40 iterations.
 *
 * Backward propagation: the geometric path since the ray last refracted or reflected (RayBatch
 * freePath, from +∞ at the launch, whose plane is arbitrary) must not be negative when it reaches
 * the next refracting or reflecting surface (a surface with a different index after it, a mirror,
 * or an ideal lens): a ray that gets there only by travelling backwards, by more than 1e-9 mm, is
 * flagged BACKWARD. Dummy surfaces (same index on both sides), coordinate breaks and the image
 * surface are not checked, so virtual propagation through them (a negative thickness, a stop
 * inside a lens, a virtual image) stays allowed.
 *
 * Misses, total internal reflection, backward propagation, vignetting, obscuration and failed
 * Newton iterations are flagged per ray (RayStatus); lost rays are not traced further and never
 * produce NaN in the batch.
 */
import { clipVerdict } from '../optics/aperture.ts';
import type { LensSystem, Surface } from '../optics/system.ts';
import { directionBefore, indexBefore } from '../optics/system.ts';
import { applyCoordinateBreak } from './coordinateBreak.ts';
import { RayBatch, RayStatus } from './rayBatch.ts';
import { bendParaxial, refract } from './refract.ts';
import { idealLensVergence } from '../paraxial/rays.ts';
import { arrive, BACKWARD_TOL, clip } from './arrival.ts';
import { intersectAsphere, intersectXY } from './newtonIntersection.ts';

export { surfaceNormal } from './refract.ts';

/**
 * Per-surface record of a trace, for the adjoint and for drawing rays: the state after each
 * surface s (intersection point and refracted direction in the surface's frame; for a coordinate
 * break, the transformed state) at index s·size + i, and the path length t from the previous state.
 */
export class TraceRecord {
  readonly x: Float64Array;
  readonly y: Float64Array;
  readonly z: Float64Array;
  readonly l: Float64Array;
  readonly m: Float64Array;
  readonly n: Float64Array;
  readonly t: Float64Array;
  /** The launch state (before surface 0), recorded when the trace starts at surface 0. */
  readonly x0: Float64Array;
  readonly y0: Float64Array;
  readonly z0: Float64Array;
  readonly l0: Float64Array;
  readonly m0: Float64Array;
  readonly n0: Float64Array;
  /** Ray status at the end of the recorded trace. */
  readonly status: Uint8Array;
  /** Surface where each ray was lost (−1: not lost); its states before that surface are valid. */
  readonly lostAt: Int16Array;
  constructor(
    readonly surfaces: number,
    readonly size: number,
  ) {
    this.x0 = new Float64Array(size);
    this.y0 = new Float64Array(size);
    this.z0 = new Float64Array(size);
    this.l0 = new Float64Array(size);
    this.m0 = new Float64Array(size);
    this.n0 = new Float64Array(size);
    this.status = new Uint8Array(size);
    this.lostAt = new Int16Array(size).fill(-1);
    const len = surfaces * size;
    this.x = new Float64Array(len);
    this.y = new Float64Array(len);
    this.z = new Float64Array(len);
    this.l = new Float64Array(len);
    this.m = new Float64Array(len);
    this.n = new Float64Array(len);
    this.t = new Float64Array(len);
  }
}

export interface TraceOptions {
  /** Record the state after every surface (for the adjoint and ray drawing). */
  record?: TraceRecord;
  /** Trace up to and including this surface index (default: the image surface). */
  lastSurface?: number;
  /** First surface to trace (the batch is in the frame before it; default 0). */
  firstSurface?: number;
  /**
   * Ignore clear semi-diameters and aperture / obscuration shapes (ray aiming does: it aims at
   * the stop whatever vignets the ray on the way, and the final trace flags it).
   */
  ignoreApertures?: boolean;
  /**
   * Trace rays that run backwards to their next refracting surface virtually instead of flagging
   * them BACKWARD (the older sequential-trace behaviour). For fits whose intermediate lens shapes
   * may briefly cross at the edge, as the deflectometry calibration's.
   */
  allowBackward?: boolean;
}

/**
 * Traces the batch in place through surfaces [firstSurface, lastSurface] at wavelength index w.
 * On return positions and directions are in the last surface's local frame.
 */
export function traceBatch(system: LensSystem, batch: RayBatch, w: number, options: TraceOptions = {}): RayBatch {
  const surfaces = system.surfaces;
  const first = options.firstSurface ?? 0;
  const last = options.lastSurface ?? surfaces.length - 1;
  const rec = options.record;
  if (rec && first === 0) {
    rec.x0.set(batch.x);
    rec.y0.set(batch.y);
    rec.z0.set(batch.z);
    rec.l0.set(batch.l);
    rec.m0.set(batch.m);
    rec.n0.set(batch.n);
  }
  const clipping = options.ignoreApertures !== true;
  const flagBackward = options.allowBackward !== true;
  for (let s = first; s <= last; s++) {
    const surf = surfaces[s];
    const isImage = s === surfaces.length - 1;
    if (surf.kind === 'standard') {
      // The common case, fused into one pass per ray: transfer, intersect, clip, refract, record.
      const n1 = indexBefore(system, s, w);
      const n2 = surf.nAfter[w];
      const interacts = surf.mirror || n1 !== n2;
      standardStep(surf, batch, s, s > 0 ? surfaces[s - 1].thickness : 0, n1, n2, directionBefore(system, s), !isImage || surf.mirror || n1 !== n2, flagBackward && interacts && !isImage, clipping, rec);
      continue;
    }
    if (s > 0) {
      const t = surfaces[s - 1].thickness;
      if (t !== 0) {
        const z = batch.z;
        for (let i = 0; i < batch.size; i++) z[i] -= t;
      }
    }
    if (surf.kind === 'coordinateBreak') {
      applyCoordinateBreak(surf, batch);
      if (rec) recordState(rec, s, batch);
      continue;
    }
    const n1 = indexBefore(system, s, w);
    const n2 = surf.nAfter[w];
    const tArr = rec ? rec.t : null;
    const off = s * batch.size;
    const dir = directionBefore(system, s);
    switch (surf.kind) {
      case 'evenAsphere':
        intersectAsphere(surf, batch, s, n1, tArr, off, dir);
        break;
      case 'xyPolynomial':
        intersectXY(surf, batch, s, n1, tArr, off, dir);
        break;
      case 'paraxial':
        intersectPlane(batch, s, n1, tArr, off);
        break;
    }
    const interacts = surf.kind === 'paraxial' || surf.mirror || n1 !== n2;
    arrive(batch, s, flagBackward && interacts && !isImage, interacts);
    if (clipping) clip(batch, s, surf);
    if (surf.kind === 'paraxial') bendParaxial(surf, batch, idealLensVergence(system, s, w), n1, n2);
    else if (!isImage || surf.mirror || n1 !== n2) refract(surf, batch, s, n1, n2);
    if (rec) recordState(rec, s, batch);
  }
  if (rec) {
    rec.status.set(batch.status);
    rec.lostAt.set(batch.lostAt);
  }
  return batch;
}

/**
 * One sphere / conic / plane surface for every ray in a single pass (the same arithmetic as
 * intersectConic + clip + refract, fused for memory locality).
 */
function standardStep(
  surf: Surface,
  b: RayBatch,
  s: number,
  tPrev: number,
  n1: number,
  n2: number,
  nu: number,
  bends: boolean,
  checkBackward: boolean,
  clipping: boolean,
  rec: TraceRecord | undefined,
): void {
  const c = surf.c;
  const kp1 = 1 + surf.k;
  const ckp1 = c * kp1;
  const sd2 = clipping && Number.isFinite(surf.semiDiameter) ? surf.semiDiameter * surf.semiDiameter : Infinity;
  const shapes = clipping && surf.clips.length > 0 ? surf.clips : null;
  const interacts = surf.mirror || n1 !== n2;
  const mu = n1 / n2;
  const mu2 = mu * mu;
  const mirror = surf.mirror;
  const { x, y, z, l, m, n, opl, status, lostAt, freePath } = b;
  const size = b.size;
  const off = s * size;
  const rx = rec?.x, ry = rec?.y, rz = rec?.z, rl = rec?.l, rm = rec?.m, rn = rec?.n, rt = rec?.t;
  for (let i = 0; i < size; i++) {
    const pz = z[i] - tPrev;
    z[i] = pz;
    if (status[i] !== 0) continue;
    const px = x[i], py = y[i];
    const dl = l[i], dm = m[i], dn = n[i];
    // Intersection: A t² + 2B t + C = 0 on the branch met travelling in direction nu.
    const A = c * (dl * dl + dm * dm + kp1 * dn * dn);
    const B = c * (px * dl + py * dm + kp1 * pz * dn) - dn;
    const C = c * (px * px + py * py + kp1 * pz * pz) - 2 * pz;
    const disc = B * B - A * C;
    let t = NaN;
    if (disc >= 0) {
      const sq = nu * Math.sqrt(disc);
      const den = B - sq;
      t = den !== 0 && Math.abs(den) >= Math.abs(sq) * 1e-8 ? -C / den : A !== 0 ? (-B - sq) / A : NaN;
    }
    if (!(t === t) || t === Infinity || t === -Infinity) {
      status[i] = 1; // MISS
      lostAt[i] = s;
      continue;
    }
    const X = px + t * dl, Y = py + t * dm, Z = pz + t * dn;
    x[i] = X;
    y[i] = Y;
    z[i] = Z;
    opl[i] += n1 * t;
    if (rt) rt[off + i] = t;
    const free = freePath[i] + t;
    if (checkBackward && free < -BACKWARD_TOL) {
      status[i] = 5; // BACKWARD
      lostAt[i] = s;
      continue;
    }
    freePath[i] = interacts ? 0 : free;
    if (X * X + Y * Y > sd2) {
      status[i] = 3; // VIGNETTED
      lostAt[i] = s;
      continue;
    }
    if (shapes) {
      const verdict = clipVerdict(shapes, X, Y);
      if (verdict !== 0) {
        status[i] = verdict === 1 ? 3 : 6; // VIGNETTED : OBSCURED
        lostAt[i] = s;
        continue;
      }
    }
    if (bends) {
      let Nx = -c * X, Ny = -c * Y, Nz = 1 - ckp1 * Z;
      const inv = 1 / Math.sqrt(Nx * Nx + Ny * Ny + Nz * Nz);
      Nx *= inv;
      Ny *= inv;
      Nz *= inv;
      let cosI = dl * Nx + dm * Ny + dn * Nz;
      if (cosI < 0) {
        Nx = -Nx;
        Ny = -Ny;
        Nz = -Nz;
        cosI = -cosI;
      }
      if (mirror) {
        const k2 = 2 * cosI;
        l[i] = dl - k2 * Nx;
        m[i] = dm - k2 * Ny;
        n[i] = dn - k2 * Nz;
      } else {
        const rad = 1 - mu2 * (1 - cosI * cosI);
        if (rad < 0) {
          status[i] = 2; // TIR
          lostAt[i] = s;
          continue;
        }
        const g = Math.sqrt(rad) - mu * cosI;
        l[i] = mu * dl + g * Nx;
        m[i] = mu * dm + g * Ny;
        n[i] = mu * dn + g * Nz;
      }
    }
    if (rx) {
      const o = off + i;
      rx[o] = X;
      ry![o] = Y;
      rz![o] = Z;
      rl![o] = l[i];
      rm![o] = m[i];
      rn![o] = n[i];
    }
  }
}

function recordState(rec: TraceRecord, s: number, b: RayBatch): void {
  const off = s * b.size;
  rec.x.set(b.x, off);
  rec.y.set(b.y, off);
  rec.z.set(b.z, off);
  rec.l.set(b.l, off);
  rec.m.set(b.m, off);
  rec.n.set(b.n, off);
}

function intersectPlane(b: RayBatch, s: number, n1: number, tArr: Float64Array | null, off: number): void {
  const { x, y, z, l, m, n, opl, status } = b;
  for (let i = 0; i < b.size; i++) {
    if (status[i] !== RayStatus.OK) continue;
    const t = -z[i] / n[i];
    if (!Number.isFinite(t)) {
      b.lose(i, s, RayStatus.MISS);
      continue;
    }
    x[i] += t * l[i];
    y[i] += t * m[i];
    z[i] = 0;
    opl[i] += n1 * t;
    b.freePath[i] += t;
    if (tArr) tArr[off + i] = t;
  }
}
