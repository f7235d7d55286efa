/**
 * Glass as an optimization variable: catalog glasses become model glasses (nd, Vd) that vary
 * continuously inside the catalogs' glass region, then each is replaced by the nearest catalog
 * glass and the lens is re-optimized with the glass fixed.
 *
 * Nearest: smallest (Δnd / 0.01)² + (ΔVd / 1)² over glasses of the chosen catalogs whose
 * computed nd and Vd are known (1 Vd unit weighs as 0.01 in nd, the usual glass-map scaling).
 * Glass region: the convex hull of the chosen catalogs' glasses on the glass map, in the scaled
 * coordinates (u, v) = (Vd, nd / 0.01); a model glass outside it pays a penalty equal to its
 * distance from the hull (glassRegionPenalty), and the nd–Vd box bounds the variables.
 */
import type { Prescription } from '../io/prescription.ts';
import type { GlassLibrary } from '../materials/glassLibrary.ts';
import type { CatalogGlass } from '../materials/catalog.ts';
import { abbeNumber, LAMBDA_D_UM } from '../materials/material.ts';

export interface GlassRegion {
  ndMin: number;
  ndMax: number;
  vdMin: number;
  vdMax: number;
}

export interface Substitution {
  surface: number;
  from: { nd: number; vd: number };
  to: { name: string; catalog: string; nd: number; vd: number };
}

function candidates(library: GlassLibrary, catalogs: readonly string[]): { glass: CatalogGlass; nd: number; vd: number }[] {
  const wanted = new Set(catalogs.map((c) => c.toUpperCase()));
  const out: { glass: CatalogGlass; nd: number; vd: number }[] = [];
  for (const cat of library.catalogs()) {
    if (wanted.size > 0 && !wanted.has(cat.name)) continue;
    for (const g of cat.glasses) {
      try {
        const nd = g.index(LAMBDA_D_UM);
        const vd = abbeNumber(g);
        if (Number.isFinite(nd) && Number.isFinite(vd) && vd > 0) out.push({ glass: g, nd, vd });
      } catch {
        // a glass without a valid index in the visible is not a candidate
      }
    }
  }
  return out;
}

/** The nd–Vd box of the chosen catalogs (all catalogs when none is named). */
export function glassRegion(library: GlassLibrary, catalogs: readonly string[]): GlassRegion {
  const c = candidates(library, catalogs);
  if (c.length === 0) throw new Error(`no glass with a valid index in catalogs ${catalogs.join(', ') || '(all)'}`);
  return {
    ndMin: Math.min(...c.map((g) => g.nd)),
    ndMax: Math.max(...c.map((g) => g.nd)),
    vdMin: Math.min(...c.map((g) => g.vd)),
    vdMax: Math.max(...c.map((g) => g.vd)),
  };
}

/**
 * Replaces every catalog glass (not air, not mirrors) by a model glass with the same nd and Vd.
 * @returns the new prescription; surfaces keep the original name in the model's `name`
 */
export function toModelGlasses(p: Prescription, library: GlassLibrary): Prescription {
  const out = structuredClone(p);
  out.surfaces.forEach((s, i) => {
    if (!('material' in s) || s.material === undefined || s.material === null) return;
    if (typeof s.material === 'string' && ['AIR', 'MIRROR', 'VACUUM'].includes(s.material.toUpperCase())) return;
    if (typeof s.material === 'object' && 'model' in s.material) return;
    const m = library.resolve(s.material, p.glassCatalogs ?? []);
    if (m.name === 'AIR') return;
    const nd = m.index(LAMBDA_D_UM);
    (out.surfaces[i] as { material?: unknown }).material = { model: { nd, vd: abbeNumber(m) }, name: m.name };
  });
  return out;
}

/** Replaces every model glass by the nearest glass of the chosen catalogs. */
export function substituteNearestGlasses(p: Prescription, library: GlassLibrary, catalogs: readonly string[]): { prescription: Prescription; substitutions: Substitution[] } {
  const cands = candidates(library, catalogs);
  if (cands.length === 0) throw new Error(`no glass with a valid index in catalogs ${catalogs.join(', ') || '(all)'}`);
  const out = structuredClone(p);
  const substitutions: Substitution[] = [];
  out.surfaces.forEach((s, i) => {
    if (!('material' in s) || !s.material || typeof s.material !== 'object' || !('model' in s.material)) return;
    const { nd, vd } = s.material.model;
    let best = cands[0];
    let bestD = Infinity;
    for (const c of cands) {
      const d = ((c.nd - nd) / 0.01) ** 2 + (c.vd - vd) ** 2;
      if (d < bestD) {
        bestD = d;
        best = c;
      }
    }
    (out.surfaces[i] as { material?: unknown }).material = { name: best.glass.name, catalog: best.glass.catalog };
    substitutions.push({ surface: i, from: { nd, vd }, to: { name: best.glass.name, catalog: best.glass.catalog ?? '', nd: best.nd, vd: best.vd } });
  });
  return { prescription: out, substitutions };
}

/** A convex polygon on the scaled glass map (u = Vd, v = nd / 0.01), counter-clockwise. */
export type GlassHull = [number, number][];

/** Convex hull (Andrew's monotone chain) of the chosen catalogs' glasses on the scaled glass map. */
export function glassHull(library: GlassLibrary, catalogs: readonly string[]): GlassHull {
  const pts = candidates(library, catalogs)
    .map((c) => [c.vd, c.nd / 0.01] as [number, number])
    .sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  const cross = (o: number[], a: number[], b: number[]) => (a[0] - o[0]) * (b[1] - o[1]) - (a[1] - o[1]) * (b[0] - o[0]);
  const lower: [number, number][] = [];
  for (const p of pts) {
    while (lower.length >= 2 && cross(lower[lower.length - 2], lower[lower.length - 1], p) <= 0) lower.pop();
    lower.push(p);
  }
  const upper: [number, number][] = [];
  for (let i = pts.length - 1; i >= 0; i--) {
    const p = pts[i];
    while (upper.length >= 2 && cross(upper[upper.length - 2], upper[upper.length - 1], p) <= 0) upper.pop();
    upper.push(p);
  }
  return lower.slice(0, -1).concat(upper.slice(0, -1));
}

/**
 * Distance of (u, v) outside a convex counter-clockwise hull (0 inside) and its gradient (du, dv).
 */
export function hullDistance(hull: GlassHull, u: number, v: number): { d: number; du: number; dv: number } {
  let inside = true;
  let best = { d: Infinity, du: 0, dv: 0 };
  for (let i = 0; i < hull.length; i++) {
    const [ax, ay] = hull[i];
    const [bx, by] = hull[(i + 1) % hull.length];
    const ex = bx - ax, ey = by - ay;
    if (ex * (v - ay) - ey * (u - ax) < 0) inside = false;
    const len2 = ex * ex + ey * ey;
    const t = len2 > 0 ? Math.max(0, Math.min(1, ((u - ax) * ex + (v - ay) * ey) / len2)) : 0;
    const px = ax + t * ex, py = ay + t * ey;
    const d = Math.hypot(u - px, v - py);
    if (d < best.d) best = { d, du: d > 0 ? (u - px) / d : 0, dv: d > 0 ? (v - py) / d : 0 };
  }
  return inside ? { d: 0, du: 0, dv: 0 } : best;
}
