/**
 * The real rays that outline each surface's clear aperture as the lens is used: for every field
 * and wavelength, the chief ray and 16 rays around the pupil edge, launched for that field point
 * (its vignetting factors apply). The largest radial height where they cross a surface is its
 * automatic semi-diameter, as OpticStudio's: what the studio's lens data editor shows and its
 * layout draws (engine/analysis/layout.ts automaticSemiDiameters), and where edge thicknesses are
 * bounded (EDGE_THICKNESS with `heightFrom: "realRays"`). A height's derivative is one adjoint pass
 * seeded at that surface.
 */
import type { ParamRef } from '../optics/params.ts';
import type { LensSystem } from '../optics/system.ts';
import { fieldPointObjectField } from '../paraxial/pupil.ts';
import { traceAdjoint } from './adjoint.ts';
import { RayBatch, RayStatus } from './rayBatch.ts';
import { launchAimed, launchContext, type LaunchContext } from './rayAiming.ts';
import { TraceRecord, traceBatch } from './realTrace.ts';

/** The chief ray and 16 rays around the pupil edge: normalised pupil coordinates (the chief ray first). */
const EDGE_AZIMUTHS = 16;
export const EDGE_PX = Float64Array.from({ length: EDGE_AZIMUTHS + 1 }, (_, k) => (k === 0 ? 0 : Math.cos((2 * Math.PI * (k - 1)) / EDGE_AZIMUTHS)));
export const EDGE_PY = Float64Array.from({ length: EDGE_AZIMUTHS + 1 }, (_, k) => (k === 0 ? 0 : Math.sin((2 * Math.PI * (k - 1)) / EDGE_AZIMUTHS)));

/** The traced edge rays of one field at one wavelength. */
export interface FieldEdgeRays {
  field: number;
  /** Wavelength index. */
  w: number;
  batch: RayBatch;
  rec: TraceRecord;
  /** Launched pupil coordinates (after real aiming). */
  px: ArrayLike<number>;
  py: ArrayLike<number>;
}

/** Traces (and records) the edge rays of every field at every wavelength. */
export function traceEdgeRays(system: LensSystem, ctx: LaunchContext = launchContext(system)): FieldEdgeRays[] {
  const out: FieldEdgeRays[] = [];
  for (let f = 0; f < system.fieldY.length; f++) {
    const field = fieldPointObjectField(system, f, ctx.pupil);
    for (let w = 0; w < system.wavelengthsUm.length; w++) {
      const batch = new RayBatch(EDGE_PX.length);
      const { px, py } = launchAimed(system, field, w, EDGE_PX, EDGE_PY, batch, ctx);
      const rec = new TraceRecord(system.surfaces.length, EDGE_PX.length);
      traceBatch(system, batch, w, { record: rec });
      out.push({ field: f, w, batch, rec, px, py });
    }
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
  return traceAdjoint(system, r.rec, { fx: system.fieldX[f], fy: system.fieldY[f], px: r.px, py: r.py, field: f, aimed: system.rayAiming === 'real' }, r.w, { x: sx, y: sy }, params, new Float64Array(params.length), false, at.surface);
}
