/**
 * Lens element outlines from surface profiles: the meridional (r, z) outline of each element, its
 * front surface sag out to its semi-diameter, a flat step out to the element's rim when the two
 * surfaces' semi-diameters differ, the cylindrical edge, and the back surface. Pure geometry, no
 * three.js: used by the 3D solids (lathe), the 2D section view and the canvas fallback.
 */
import type { SurfaceProfile } from '../../../app/contract/studioApi.ts';

export interface ElementOutline {
  /** Index of the element's front surface. */
  front: number;
  /** (r, z) points from the front vertex, around the rim, back to the back vertex (mm). */
  r: number[];
  z: number[];
  /** Rim radius, mm. */
  rim: number;
  material: string;
}

/** The sag z at height r from a sampled profile (linear interpolation; the last sample beyond). */
function zAt(p: SurfaceProfile, r: number): number {
  const n = p.r.length;
  if (n === 0) return p.z0;
  if (r >= p.r[n - 1]) return p.z[n - 1];
  for (let i = 1; i < n; i++) {
    if (p.r[i] >= r) {
      const t = (r - p.r[i - 1]) / (p.r[i] - p.r[i - 1] || 1);
      return p.z[i - 1] + t * (p.z[i] - p.z[i - 1]);
    }
  }
  return p.z[n - 1];
}

/**
 * The glass elements of a lens: every surface followed by glass (not a mirror) together with the
 * next surface. Cemented groups give one element per glass.
 */
export function elementOutlines(profiles: SurfaceProfile[]): ElementOutline[] {
  const out: ElementOutline[] = [];
  for (let i = 0; i + 1 < profiles.length; i++) {
    const a = profiles[i];
    const b = profiles[i + 1];
    if (!a.material || a.isMirror || a.r.length === 0 || b.r.length === 0) continue;
    const rim = Math.max(a.semiDiameter, b.semiDiameter);
    const r: number[] = [];
    const z: number[] = [];
    for (let k = 0; k < a.r.length; k++) {
      r.push(a.r[k]);
      z.push(a.z[k]);
    }
    const zaEdge = zAt(a, a.semiDiameter);
    const zbEdge = zAt(b, b.semiDiameter);
    if (rim > a.semiDiameter + 1e-9) {
      r.push(rim);
      z.push(zaEdge);
    }
    if (rim > b.semiDiameter + 1e-9) {
      r.push(rim);
      z.push(zbEdge);
    }
    for (let k = b.r.length - 1; k >= 0; k--) {
      r.push(b.r[k]);
      z.push(b.z[k]);
    }
    out.push({ front: i, r, z, rim, material: a.material });
  }
  return out;
}

/** Axis-aligned bounds of the profiles and ray points (mm): z range and the largest |y|. */
export function layoutBounds(profiles: SurfaceProfile[], rayPoints: { points: Float64Array; valid: Uint8Array }[]) {
  let zMin = Infinity;
  let zMax = -Infinity;
  let yMax = 0;
  for (const p of profiles) {
    for (let k = 0; k < p.z.length; k++) {
      zMin = Math.min(zMin, p.z[k]);
      zMax = Math.max(zMax, p.z[k]);
    }
    yMax = Math.max(yMax, p.semiDiameter);
  }
  for (const rp of rayPoints) {
    for (let i = 0; i < rp.valid.length; i++) {
      if (!rp.valid[i]) continue;
      const y = rp.points[3 * i + 1];
      const z = rp.points[3 * i + 2];
      if (!Number.isFinite(y) || !Number.isFinite(z)) continue;
      zMin = Math.min(zMin, z);
      zMax = Math.max(zMax, z);
      yMax = Math.max(yMax, Math.abs(y), Math.abs(rp.points[3 * i]));
    }
  }
  if (!Number.isFinite(zMin)) return { zMin: -1, zMax: 1, yMax: 1 };
  return { zMin, zMax, yMax: Math.max(yMax, 1e-3) };
}
