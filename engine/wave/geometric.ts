/**
 * Geometric image-quality measures from real-ray intercepts: geometric MTF and geometric
 * encircled / ensquared energy (OpticStudio's "Geometric MTF" and "Geometric Encircled Energy").
 *
 * - Geometric MTF (../shared/oracles/wave/README.md): |(1/π)∫exp(2πi f·y(u)) d²u| for tangential
 *   (x(u) for sagittal), y(u) the image intercept of the ray through pupil point u, by the area
 *   quadrature of engine/wave/quadrature.ts (order doubled until it changes by < 1e-5), times the
 *   diffraction-limited MTF with cutoff 1/(λ·F/#), F/# = EFL/EPD (paraxial, as OpticStudio's
 *   "scale by diffraction limit"; `scale: 'none'` leaves it out).
 * - Encircled energy: the fraction of the transmitted pupil area whose rays land within r of the
 *   reference point (the chief ray or the centroid), all rays weighted equally per pupil area. On a
 *   polar grid (uniform in ρ, including 0 and 1; uniform in θ), the distance is interpolated
 *   linearly along each radius so the fraction is a continuous function of r; the radius of a
 *   fraction is found by bisection. Ensquared energy uses max(|Δx|, |Δy|) (half-width).
 */
import type { LensSystem } from '../optics/system.ts';
import { RayStatus } from '../trace/rayBatch.ts';
import { launchContext, traceField, type LaunchContext } from '../trace/rayAiming.ts';
import { firstOrder } from '../analysis/firstOrder.ts';
import { diskQuadrature } from './quadrature.ts';
import { diffractionLimitedMtf } from './pupilMapping.ts';

export interface GeometricMtfResult {
  frequencies: number[];
  tangential: number[];
  sagittal: number[];
  /** Diffraction-limited scale factor applied (1 for scale 'none'). */
  scaleFactor: number[];
}

/** Geometric MTF of field f at wavelength index w (default primary) at the frequencies (cycles/mm). */
export function geometricMtf(system: LensSystem, f: number, frequencies: number[], opts: { wavelength?: number; scale?: 'paraxial' | 'none'; ctx?: LaunchContext } = {}): GeometricMtfResult {
  const ctx = opts.ctx ?? launchContext(system);
  const w = opts.wavelength ?? system.primaryIndex;
  const levels: [number, number][] = [[32, 64], [48, 96], [64, 128], [96, 192], [128, 256]];
  const lambda = system.wavelengthsUm[w] * 1e-3;
  const fo = firstOrder(system);
  const cutoff = 1 / (lambda * Math.abs(fo.fno));
  const scaleFactor = frequencies.map((fr) => (opts.scale === 'none' ? 1 : diffractionLimitedMtf(fr / cutoff)));
  let prev: { t: number[]; s: number[] } | null = null;
  for (const [nr, na] of levels) {
    const q = diskQuadrature(nr, na);
    const b = traceField(system, system.fieldX[f], system.fieldY[f], w, q.px, q.py, ctx);
    let area = 0;
    for (let k = 0; k < q.weight.length; k++) if (b.status[k] === RayStatus.OK) area += q.weight[k];
    const ft = (coord: Float64Array, fr: number) => {
      let re = 0, im = 0;
      for (let k = 0; k < q.weight.length; k++) {
        if (b.status[k] !== RayStatus.OK) continue;
        const ph = 2 * Math.PI * fr * coord[k];
        re += q.weight[k] * Math.cos(ph);
        im += q.weight[k] * Math.sin(ph);
      }
      return area > 0 ? Math.hypot(re, im) / area : 0;
    };
    const t = frequencies.map((fr, i) => ft(b.y, fr) * scaleFactor[i]);
    const s = frequencies.map((fr, i) => ft(b.x, fr) * scaleFactor[i]);
    const done = prev !== null && t.every((v, i) => Math.abs(v - prev!.t[i]) < 1e-5) && s.every((v, i) => Math.abs(v - prev!.s[i]) < 1e-5);
    prev = { t, s };
    if (done) break;
  }
  return { frequencies, tangential: prev!.t, sagittal: prev!.s, scaleFactor };
}

export interface EncircledEnergyResult {
  /** The requested fractions and their radii (encircled) or half-widths (ensquared), mm; null when
   * no ray reaches the image. */
  fractions: number[];
  radiiMm: (number | null)[];
  /** The reference point (x, y) on the image surface, mm. */
  centreMm: [number, number] | null;
}

/**
 * Geometric encircled (or ensquared) energy radii of field f at wavelength index w (default
 * primary) about the primary-wavelength chief ray (default) or the ray centroid.
 * @param rings, arms polar grid (default 400 × 512)
 */
export function geometricEncircledEnergy(
  system: LensSystem,
  f: number,
  fractions: number[],
  opts: { wavelength?: number; reference?: 'chief' | 'centroid'; shape?: 'circle' | 'square'; rings?: number; arms?: number; ctx?: LaunchContext } = {},
): EncircledEnergyResult {
  const ctx = opts.ctx ?? launchContext(system);
  const w = opts.wavelength ?? system.primaryIndex;
  const nr = opts.rings ?? 200, na = opts.arms ?? 256;
  const px = new Float64Array((nr + 1) * na), py = new Float64Array((nr + 1) * na);
  for (let j = 0; j < na; j++) {
    const th = (2 * Math.PI * (j + 0.5)) / na;
    for (let i = 0; i <= nr; i++) {
      px[j * (nr + 1) + i] = (i / nr) * Math.cos(th);
      py[j * (nr + 1) + i] = (i / nr) * Math.sin(th);
    }
  }
  const b = traceField(system, system.fieldX[f], system.fieldY[f], w, px, py, ctx);
  const ok = (k: number) => b.status[k] === RayStatus.OK;
  let cx: number, cy: number;
  if ((opts.reference ?? 'chief') === 'chief') {
    const c = traceField(system, system.fieldX[f], system.fieldY[f], system.primaryIndex, [0], [0], ctx);
    if (c.status[0] !== RayStatus.OK) return { fractions, radiiMm: fractions.map(() => null), centreMm: null };
    cx = c.x[0];
    cy = c.y[0];
  } else {
    // Area-weighted centroid (trapezoid in ρ with weight ρ).
    let sx = 0, sy = 0, s0 = 0;
    for (let k = 0; k < px.length; k++) {
      if (!ok(k)) continue;
      const i = k % (nr + 1);
      const wq = i === 0 ? 0 : (i / nr) * (i === nr ? 0.5 : 1);
      sx += wq * b.x[k];
      sy += wq * b.y[k];
      s0 += wq;
    }
    if (s0 === 0) return { fractions, radiiMm: fractions.map(() => null), centreMm: null };
    cx = sx / s0;
    cy = sy / s0;
  }
  const square = opts.shape === 'square';
  const dist = new Float64Array(px.length);
  let dmax = 0;
  for (let k = 0; k < px.length; k++) {
    if (!ok(k)) {
      dist[k] = Infinity;
      continue;
    }
    const dx = b.x[k] - cx, dy = b.y[k] - cy;
    dist[k] = square ? Math.max(Math.abs(dx), Math.abs(dy)) : Math.hypot(dx, dy);
    dmax = Math.max(dmax, dist[k]);
  }
  const h = 1 / nr;
  /** Area fraction (of the unit disk) with distance ≤ r, d linear in ρ on each interval. */
  const inside = (r: number): number => {
    let sum = 0;
    for (let j = 0; j < na; j++) {
      const base = j * (nr + 1);
      for (let i = 0; i < nr; i++) {
        const d0 = dist[base + i], d1 = dist[base + i + 1];
        const a = i * h, c = a + h;
        if (d0 === Infinity || d1 === Infinity) {
          // Half an interval per transmitted end.
          const m = (a + c) / 2;
          if (d0 !== Infinity && d0 <= r) sum += (m * m - a * a) / 2;
          if (d1 !== Infinity && d1 <= r) sum += (c * c - m * m) / 2;
          continue;
        }
        if (d0 <= r && d1 <= r) sum += (c * c - a * a) / 2;
        else if (d0 <= r || d1 <= r) {
          const t = (r - d0) / (d1 - d0);
          const x = a + t * h;
          sum += d0 <= r ? (x * x - a * a) / 2 : (c * c - x * x) / 2;
        }
      }
    }
    return (sum * 2) / na; // (1/π)·Σ (2π/na)·∫ρdρ
  };
  const total = inside(Infinity);
  if (!(total > 0)) return { fractions, radiiMm: fractions.map(() => null), centreMm: [cx, cy] };
  const radiiMm = fractions.map((p) => {
    let lo = 0, hi = dmax;
    for (let it = 0; it < 60; it++) {
      const mid = (lo + hi) / 2;
      if (inside(mid) / total >= p) hi = mid;
      else lo = mid;
    }
    return hi;
  });
  return { fractions, radiiMm, centreMm: [cx, cy] };
}
