/**
 * Single-ray report: one real ray traced surface by surface.
 *
 * For each surface: the intersection point (local frame, mm), the direction cosines after the
 * surface, the angle of incidence (degrees, between the incoming ray and the surface normal) and
 * the cumulative optical path length from the ray's start (mm). Field in normalised coordinates
 * (Hx, Hy) of the largest field, pupil in normalised (Px, Py).
 */
import type { LensSystem } from '../optics/system.ts';
import { maxField } from '../optics/system.ts';
import { objectField } from '../paraxial/pupil.ts';
import { RAY_STATUS_NAMES, RayBatch, RayStatus } from '../trace/rayBatch.ts';
import { TraceRecord, surfaceNormal, traceBatch } from '../trace/realTrace.ts';
import { launchAimed, launchContext } from '../trace/rayAiming.ts';

export interface SingleRayRow {
  surface: number;
  kind: string;
  x: number;
  y: number;
  z: number;
  l: number;
  m: number;
  n: number;
  aoiDeg: number | null;
  opl: number;
}

export interface SingleRayReport {
  field: [number, number];
  pupil: [number, number];
  wavelengthUm: number;
  status: string;
  lostAtSurface: number | null;
  rows: SingleRayRow[];
}

export function singleRay(system: LensSystem, hx: number, hy: number, px: number, py: number, w = system.primaryIndex): SingleRayReport {
  const ctx = launchContext(system);
  const fmax = maxField(system);
  const field = objectField(system, hx * fmax, hy * fmax, ctx.pupil);
  const b = new RayBatch(1);
  launchAimed(system, field, w, [px], [py], b, ctx);
  let l0 = b.l[0], m0 = b.m[0], n0 = b.n[0];
  const ns = system.surfaces.length;
  const rec = new TraceRecord(ns, 1);
  const opl = new Float64Array(ns);
  // Trace surface by surface to read the cumulative OPL.
  const rows: SingleRayRow[] = [];
  const nrm = new Float64Array(3);
  for (let s = 0; s < ns; s++) {
    traceBatch(system, b, w, { firstSurface: s, lastSurface: s, record: rec });
    opl[s] = b.opl[0];
    if (b.status[0] !== RayStatus.OK && b.lostAt[0] <= s) break;
    const surf = system.surfaces[s];
    let aoi: number | null = null;
    if (surf.kind !== 'coordinateBreak') {
      surfaceNormal(surf, b.x[0], b.y[0], b.z[0], nrm);
      const c = Math.abs(l0 * nrm[0] + m0 * nrm[1] + n0 * nrm[2]);
      aoi = (Math.acos(Math.min(1, c)) * 180) / Math.PI;
    }
    rows.push({ surface: s + 1, kind: s === ns - 1 ? 'image' : surf.kind, x: b.x[0], y: b.y[0], z: b.z[0], l: b.l[0], m: b.m[0], n: b.n[0], aoiDeg: aoi, opl: b.opl[0] });
    l0 = b.l[0];
    m0 = b.m[0];
    n0 = b.n[0];
  }
  const ok = b.status[0] === RayStatus.OK;
  return {
    field: [hx, hy],
    pupil: [px, py],
    wavelengthUm: system.wavelengthsUm[w],
    status: RAY_STATUS_NAMES[b.status[0]],
    lostAtSurface: ok || b.lostAt[0] < 0 ? null : b.lostAt[0] + 1,
    rows,
  };
}
