/**
 * The real rays that outline each surface's clear aperture as the lens is used: for every field,
 * the chief ray and the pupil-edge rays (Px, Py) = (0, ±1), (±1, 0), (±√½, √½) at the primary
 * wavelength, launched for that field point (its vignetting factors apply). The largest radial
 * height where they cross a surface is its real semi-diameter: what the layout draws
 * (engine/analysis/layout.ts) and where edge thicknesses are bounded (EDGE_THICKNESS with
 * `heightFrom: "realRays"`). A height's derivative is one adjoint pass seeded at that surface.
 */
import type { ParamRef } from '../optics/params.ts';
import type { LensSystem } from '../optics/system.ts';
import { fieldPointObjectField } from '../paraxial/pupil.ts';
import { traceAdjoint } from './adjoint.ts';
import { RayBatch, RayStatus } from './rayBatch.ts';
import { launchAimed, launchContext, type LaunchContext } from './rayAiming.ts';
import { TraceRecord, traceBatch } from './realTrace.ts';

const D = Math.SQRT1_2;
/** Normalised pupil coordinates of the edge rays (the chief ray first). */
export const EDGE_PX = Float64Array.of(0, 0, 0, 1, -1, D, -D);
export const EDGE_PY = Float64Array.of(0, 1, -1, 0, 0, D, D);

/** The traced edge rays of one field. */
export interface FieldEdgeRays {
  field: number;
  batch: RayBatch;
  rec: TraceRecord;
  /** Launched pupil coordinates (after real aiming). */
  px: ArrayLike<number>;
  py: ArrayLike<number>;
}

/** Traces (and records) the edge rays of every field. */
export function traceEdgeRays(system: LensSystem, ctx: LaunchContext = launchContext(system)): FieldEdgeRays[] {
  const w = system.primaryIndex;
  const out: FieldEdgeRays[] = [];
  for (let f = 0; f < system.fieldY.length; f++) {
    const field = fieldPointObjectField(system, f, ctx.pupil);
    const batch = new RayBatch(EDGE_PX.length);
    const { px, py } = launchAimed(system, field, w, EDGE_PX, EDGE_PY, batch, ctx);
    const rec = new TraceRecord(system.surfaces.length, EDGE_PX.length);
    traceBatch(system, batch, w, { record: rec });
    out.push({ field: f, batch, rec, px, py });
  }
  return out;
}

/** The largest height of the edge rays on a surface, and the ray that sets it. */
export interface RealHeight {
  /** mm. */
  h: number;
  /** Index into the traced fields, and the ray. */
  k: number;
  ray: number;
  surface: number;
}

/**
 * The real semi-diameter of surface s: the largest radial height of the edge rays that reach it (a
 * ray lost further on counts where it went, as the layout draws); null when none do.
 */
export function realHeight(rays: readonly FieldEdgeRays[], s: number): RealHeight | null {
  let best: RealHeight | null = null;
  for (let k = 0; k < rays.length; k++) {
    const r = rays[k];
    const n = r.rec.size;
    for (let i = 0; i < n; i++) {
      if (r.rec.status[i] !== RayStatus.OK && !(r.rec.lostAt[i] > s)) continue;
      const h = Math.hypot(r.rec.x[s * n + i], r.rec.y[s * n + i]);
      if (best === null || h > best.h) best = { h, k, ray: i, surface: s };
    }
  }
  return best;
}

/** ∂h/∂θ of a real height for each parameter (total: solved parameters chained). */
export function realHeightGradient(system: LensSystem, rays: readonly FieldEdgeRays[], at: RealHeight, params: readonly ParamRef[]): Float64Array {
  const r = rays[at.k];
  const n = r.rec.size;
  const sx = new Float64Array(n), sy = new Float64Array(n);
  const q = at.surface * n + at.ray;
  if (at.h > 0) {
    sx[at.ray] = r.rec.x[q] / at.h;
    sy[at.ray] = r.rec.y[q] / at.h;
  }
  const f = r.field;
  return traceAdjoint(system, r.rec, { fx: system.fieldX[f], fy: system.fieldY[f], px: r.px, py: r.py, field: f, aimed: system.rayAiming === 'real' }, system.primaryIndex, { x: sx, y: sy }, params, new Float64Array(params.length), false, at.surface);
}
