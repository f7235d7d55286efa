/**
 * Lens layout: ray paths and surface profiles in global coordinates, for drawing the lens.
 *
 * Global frame: the frame of surface 1 (its vertex at the origin, light towards +z). Each surface
 * s has a frame with origin O_s and axes M_s (columns), global p = O_s + M_s p_local. Moving to
 * the next surface translates by the previous thickness along the local z axis; a coordinate break
 * with rotation R and decenter D (engine/trace/realTrace.ts's convention, p' = Rᵀ(p − D) for
 * order 0, p' = Rᵀp − D for order 1) gives O' = O + M D, M' = M R (order 0) or O' = O + M R D,
 * M' = M R (order 1).
 *
 * Rays are traced with the real tracer (TraceRecord), so the layout shows exactly the rays the
 * analyses use. A ray's points are its start, then its crossing of every surface (the image
 * last); a ray lost at a surface keeps its points up to where it was lost (a vignetted ray up to
 * the surface that clipped it). For an object at infinity, rays start on a plane in front of
 * surface 1 at a distance of half the lens length (at least 10 % of the total track).
 *
 * Semi-diameters for drawing are the clear semi-apertures where set, else the largest ray height
 * at the surface over the chief and pupil-edge rays of every field at the primary wavelength (as
 * OpticStudio's automatic semi-diameters). Lengths in mm.
 */
import type { LensSystem } from '../optics/system.ts';
import { objectField } from '../paraxial/pupil.ts';
import { RayBatch, RayStatus } from '../trace/rayBatch.ts';
import { coordinateBreakRotation } from '../trace/coordinateBreak.ts';
import { TraceRecord, traceBatch } from '../trace/realTrace.ts';
import { launchAimed, launchContext, type LaunchContext } from '../trace/rayAiming.ts';
import { sagAt } from '../trace/sag.ts';

/** A surface frame: origin and axes (row-major 3×3, columns are the local axes in global coordinates). */
export interface SurfaceFrame {
  origin: Float64Array;
  axes: Float64Array;
}

const mat3mul = (a: Float64Array, b: Float64Array): Float64Array => {
  const r = new Float64Array(9);
  for (let i = 0; i < 3; i++) for (let j = 0; j < 3; j++) r[i * 3 + j] = a[i * 3] * b[j] + a[i * 3 + 1] * b[3 + j] + a[i * 3 + 2] * b[6 + j];
  return r;
};
const mat3vec = (a: Float64Array, x: number, y: number, z: number, out: Float64Array, off = 0): void => {
  out[off] = a[0] * x + a[1] * y + a[2] * z;
  out[off + 1] = a[3] * x + a[4] * y + a[5] * z;
  out[off + 2] = a[6] * x + a[7] * y + a[8] * z;
};

/** The frame of every surface of the system (image surface last), in global coordinates. */
export function surfaceFrames(system: LensSystem): SurfaceFrame[] {
  const frames: SurfaceFrame[] = [];
  let origin: Float64Array = new Float64Array(3);
  let axes: Float64Array = Float64Array.of(1, 0, 0, 0, 1, 0, 0, 0, 1);
  const tmp = new Float64Array(3);
  system.surfaces.forEach((surf, s) => {
    if (s > 0) {
      const t = system.surfaces[s - 1].thickness;
      mat3vec(axes, 0, 0, t, tmp);
      origin = Float64Array.of(origin[0] + tmp[0], origin[1] + tmp[1], origin[2] + tmp[2]);
    }
    if (surf.kind === 'coordinateBreak') {
      const r = coordinateBreakRotation(surf);
      if (surf.order === 0) {
        mat3vec(axes, surf.decenterX, surf.decenterY, 0, tmp);
        origin = Float64Array.of(origin[0] + tmp[0], origin[1] + tmp[1], origin[2] + tmp[2]);
        axes = mat3mul(axes, r);
      } else {
        axes = mat3mul(axes, r);
        mat3vec(axes, surf.decenterX, surf.decenterY, 0, tmp);
        origin = Float64Array.of(origin[0] + tmp[0], origin[1] + tmp[1], origin[2] + tmp[2]);
      }
    }
    frames.push({ origin, axes });
  });
  return frames;
}

function toGlobal(f: SurfaceFrame, x: number, y: number, z: number, out: Float64Array, off: number): void {
  mat3vec(f.axes, x, y, z, out, off);
  out[off] += f.origin[0];
  out[off + 1] += f.origin[1];
  out[off + 2] += f.origin[2];
}

export interface LayoutRayOptions {
  fieldIndex: number;
  wavelengthIndex: number;
  /** Rays across the pupil (a meridional fan; '3d' adds a sagittal fan of the same count). */
  nRays: number;
  plane: 'yz' | '3d';
  ctx?: LaunchContext;
}

export interface LayoutRays {
  /** rays × pointsPerRay × 3 (x, y, z), global mm. */
  points: Float64Array;
  /** rays × pointsPerRay: 1 where the point exists. */
  valid: Uint8Array;
  nRays: number;
  /** 1 (start) + number of surfaces (image included). */
  pointsPerRay: number;
}

function pupilFan(n: number, plane: 'yz' | '3d'): { px: Float64Array; py: Float64Array } {
  const k = Math.max(1, Math.floor(n));
  const lin = (i: number) => (k === 1 ? 0 : -1 + (2 * i) / (k - 1));
  if (plane === 'yz') return { px: new Float64Array(k), py: Float64Array.from({ length: k }, (_, i) => lin(i)) };
  const px: number[] = [];
  const py: number[] = [];
  for (let i = 0; i < k; i++) {
    px.push(0);
    py.push(lin(i));
  }
  for (let i = 0; i < k; i++) {
    if (Math.abs(lin(i)) < 1e-12) continue; // the chief ray is in the first fan already
    px.push(lin(i));
    py.push(0);
  }
  return { px: Float64Array.from(px), py: Float64Array.from(py) };
}

/** Traces rays of one field through pupil points, recording every surface. */
function traceRecorded(system: LensSystem, f: number, w: number, px: Float64Array, py: Float64Array, ctx: LaunchContext) {
  const field = objectField(system, system.fieldX[f], system.fieldY[f], ctx.pupil);
  const batch = new RayBatch(px.length);
  launchAimed(system, field, w, px, py, batch, ctx);
  const rec = new TraceRecord(system.surfaces.length, px.length);
  traceBatch(system, batch, w, { record: rec });
  return { batch, rec };
}

/**
 * Ray paths of one field for the layout.
 * @returns points in global coordinates and their validity (see the module docs)
 */
export function layoutRays(system: LensSystem, opts: LayoutRayOptions): LayoutRays {
  const ctx = opts.ctx ?? launchContext(system);
  const { px, py } = pupilFan(opts.nRays, opts.plane);
  const n = px.length;
  const S = system.surfaces.length;
  const per = S + 1;
  const frames = surfaceFrames(system);
  const { batch, rec } = traceRecorded(system, opts.fieldIndex, opts.wavelengthIndex, px, py, ctx);
  const points = new Float64Array(n * per * 3);
  const valid = new Uint8Array(n * per);
  const zStart = startPlane(system, frames);
  for (let i = 0; i < n; i++) {
    const base = i * per;
    const ok = batch.status[i] === RayStatus.OK;
    const lostAt = ok ? S : batch.lostAt[i];
    for (let s = 0; s < S; s++) {
      if (s < lostAt) {
        const k = s * n + i;
        toGlobal(frames[s], rec.x[k], rec.y[k], rec.z[k], points, 3 * (base + 1 + s));
        valid[base + 1 + s] = 1;
      }
    }
    // A vignetted or obscured ray did reach the surface that stopped it: the batch holds that
    // point, carried (unchanged in x, y; z moved with each frame) into the last frame.
    const stopped = batch.status[i] === RayStatus.VIGNETTED || batch.status[i] === RayStatus.OBSCURED;
    if (!ok && stopped && lostAt >= 0 && lostAt < S) {
      toGlobal(frames[S - 1], batch.x[i], batch.y[i], batch.z[i], points, 3 * (base + 1 + lostAt));
      valid[base + 1 + lostAt] = 1;
    }
    // Start: the object point for a near object, else on the start plane in front of surface 1.
    const l0 = rec.l0[i], m0 = rec.m0[i], n0 = rec.n0[i];
    let x0 = rec.x0[i], y0 = rec.y0[i], z0 = rec.z0[i];
    if (!(Number.isFinite(system.objectDistance) && -z0 > zStart) && n0 !== 0) {
      const t = (zStart - z0) / n0;
      x0 += t * l0;
      y0 += t * m0;
      z0 = zStart;
    }
    points[3 * base] = x0;
    points[3 * base + 1] = y0;
    points[3 * base + 2] = z0;
    valid[base] = valid[base + 1] ? 1 : 0;
  }
  return { points, valid, nRays: n, pointsPerRay: per };
}

/** z of the plane where layout rays from a distant object start (global, mm). */
function startPlane(system: LensSystem, frames: SurfaceFrame[]): number {
  const S = system.surfaces.length;
  let zLastLens = 0;
  for (let s = 0; s < S - 1; s++) zLastLens = Math.max(zLastLens, frames[s].origin[2]);
  const track = Math.abs(frames[S - 1].origin[2]);
  return -Math.max(0.5 * zLastLens, 0.1 * track, 2);
}

export interface SurfaceProfile {
  /** Index into system.surfaces (the image surface last). */
  index: number;
  /** Global z of the vertex, mm. */
  z0: number;
  /** Heights r from 0 to the semi-diameter and the global z of the surface there (mm). */
  r: Float64Array;
  z: Float64Array;
  semiDiameter: number;
  isStop: boolean;
  isMirror: boolean;
  isImage: boolean;
  /** Medium after the surface (catalog name), null for air. */
  material: string | null;
}

/**
 * Semi-diameter of every surface for drawing: the clear semi-aperture where set, else the largest
 * height of the chief and pupil-edge rays (±Px, ±Py) of every field at the primary wavelength.
 */
export function drawingSemiDiameters(system: LensSystem, ctx: LaunchContext = launchContext(system)): Float64Array {
  const S = system.surfaces.length;
  const sd = new Float64Array(S);
  const px = Float64Array.of(0, 0, 0, 1, -1, 0.7071067811865476, -0.7071067811865476);
  const py = Float64Array.of(0, 1, -1, 0, 0, 0.7071067811865476, 0.7071067811865476);
  for (let f = 0; f < system.fieldY.length; f++) {
    const { batch, rec } = traceRecorded(system, f, system.primaryIndex, px, py, ctx);
    for (let i = 0; i < px.length; i++) {
      const lostAt = batch.status[i] === RayStatus.OK ? S : batch.lostAt[i];
      for (let s = 0; s < Math.min(lostAt, S); s++) {
        const k = s * px.length + i;
        sd[s] = Math.max(sd[s], Math.hypot(rec.x[k], rec.y[k]));
      }
    }
  }
  system.surfaces.forEach((surf, s) => {
    if (Number.isFinite(surf.semiDiameter)) sd[s] = surf.semiDiameter;
  });
  return sd;
}

/**
 * Meridional profiles of every surface (coordinate breaks have empty samples), for drawing.
 * @param samples points from the axis to the semi-diameter (default 48)
 */
export function surfaceProfiles(system: LensSystem, opts: { samples?: number; ctx?: LaunchContext } = {}): SurfaceProfile[] {
  const samples = Math.max(2, opts.samples ?? 48);
  const frames = surfaceFrames(system);
  const sds = drawingSemiDiameters(system, opts.ctx);
  const S = system.surfaces.length;
  const tmp = new Float64Array(3);
  return system.surfaces.map((surf, s) => {
    const frame = frames[s];
    const semiDiameter = sds[s];
    const r: number[] = [];
    const z: number[] = [];
    if (surf.kind !== 'coordinateBreak') {
      for (let k = 0; k < samples; k++) {
        const h = (semiDiameter * k) / (samples - 1);
        const sag = sagAt(surf, h);
        if (!Number.isFinite(sag)) break; // beyond a conic's domain: the profile ends there
        toGlobal(frame, 0, h, sag, tmp, 0);
        r.push(h);
        z.push(tmp[2]);
      }
    }
    const name = surf.material.name;
    return {
      index: s,
      z0: frame.origin[2],
      r: Float64Array.from(r),
      z: Float64Array.from(z),
      semiDiameter: r.length ? r[r.length - 1] : semiDiameter,
      isStop: s === system.stopIndex,
      isMirror: surf.mirror,
      isImage: s === S - 1,
      material: surf.mirror || surf.kind === 'coordinateBreak' || !name || name.toUpperCase() === 'AIR' ? null : name,
    };
  });
}
