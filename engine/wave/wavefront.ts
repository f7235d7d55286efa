/**
 * Wavefront error statistics and maps of one field at one wavelength, in waves at that wavelength.
 *
 * Definitions (../shared/oracles/wave/README.md; OpticStudio's "RMS (to chief)" / "(to centroid)"):
 * - ⟨·⟩ is the area mean over the unit pupil, (1/π)∫·dA, by Gauss–Legendre × uniform-θ quadrature
 *   (engine/wave/quadrature.ts) on the OPD of engine/wave/opd.ts. Lost rays are masked: the mean
 *   is over the transmitted part of the pupil (weights renormalised).
 * - `rms` = √⟨(W − ⟨W⟩)²⟩ (piston removed); `rmsPistonTilt` removes the least-squares a + b·Px + c·Py;
 *   `rmsRaw` = √⟨W²⟩ (nothing removed); `mean` = ⟨W⟩.
 * - `pv` = max W − min W over the pupil, nothing removed: the best quadrature nodes are refined by a
 *   projected pattern search on real rays (to 1e-8 in pupil units), so the extremes are not limited
 *   to the sample points.
 * The map is an N × N grid of cell centres, x_j = −1 + (2j + 1)/N (row = Py, column = Px), masked
 * outside the pupil and where rays are lost.
 */
import type { LensSystem } from '../optics/system.ts';
import { launchContext, type LaunchContext } from '../trace/rayAiming.ts';
import { opdAboutReferenceSphere, type OpdSamples } from './opd.ts';
import { diskQuadrature, type PupilQuadrature } from './quadrature.ts';

export interface WavefrontStatistics {
  fieldIndex: number;
  wavelengthIndex: number;
  /** null when the chief ray is lost or no ray reaches the image. */
  mean: number | null;
  rms: number | null;
  rmsPistonTilt: number | null;
  rmsRaw: number | null;
  pv: number | null;
  /** Fraction of the pupil area whose rays reach the image (1 when unvignetted). */
  transmittedFraction: number;
  quadrature: PupilQuadrature;
  samples: OpdSamples;
}

export interface WavefrontOptions {
  /** Gauss–Legendre rings (default 32) and angles (default 64). */
  rings?: number;
  arms?: number;
  ctx?: LaunchContext;
  focusShiftMm?: number;
  /** Refine P-V on real rays (default true). */
  refinePv?: boolean;
}

/** Area-weighted statistics of W over the valid quadrature nodes. */
export function weightedStatistics(W: ArrayLike<number>, valid: ArrayLike<number>, q: PupilQuadrature): { mean: number; rms: number; rmsRaw: number; rmsPistonTilt: number; area: number } | null {
  let s0 = 0, s1 = 0, s2 = 0;
  // Normal equations of a + b x + c y (3 × 3, weighted).
  let sx = 0, sy = 0, sxx = 0, syy = 0, sxy = 0, sw = 0, swx = 0, swy = 0;
  for (let k = 0; k < W.length; k++) {
    if (!valid[k]) continue;
    const w = q.weight[k], x = q.px[k], y = q.py[k], v = W[k];
    s0 += w;
    s1 += w * v;
    s2 += w * v * v;
    sx += w * x; sy += w * y; sxx += w * x * x; syy += w * y * y; sxy += w * x * y;
    sw += w * v; swx += w * v * x; swy += w * v * y;
  }
  if (!(s0 > 0)) return null;
  const mean = s1 / s0;
  const varP = Math.max(0, s2 / s0 - mean * mean);
  // Solve [[s0 sx sy][sx sxx sxy][sy sxy syy]] [a b c] = [sw swx swy].
  const M = [s0, sx, sy, sx, sxx, sxy, sy, sxy, syy];
  const det = M[0] * (M[4] * M[8] - M[5] * M[7]) - M[1] * (M[3] * M[8] - M[5] * M[6]) + M[2] * (M[3] * M[7] - M[4] * M[6]);
  let rmsPistonTilt = Math.sqrt(varP);
  if (Math.abs(det) > 1e-14 * s0 * s0 * s0) {
    const r = [sw, swx, swy];
    const solveCol = (c: number) => {
      const A = M.slice();
      for (let i = 0; i < 3; i++) A[i * 3 + c] = r[i];
      return (A[0] * (A[4] * A[8] - A[5] * A[7]) - A[1] * (A[3] * A[8] - A[5] * A[6]) + A[2] * (A[3] * A[7] - A[4] * A[6])) / det;
    };
    const a = solveCol(0), b = solveCol(1), c = solveCol(2);
    let e = 0;
    for (let k = 0; k < W.length; k++) {
      if (!valid[k]) continue;
      e += q.weight[k] * (W[k] - a - b * q.px[k] - c * q.py[k]) ** 2;
    }
    rmsPistonTilt = Math.sqrt(e / s0);
  }
  return { mean, rms: Math.sqrt(varP), rmsRaw: Math.sqrt(s2 / s0), rmsPistonTilt, area: s0 };
}

/**
 * Wavefront statistics of field f at wavelength index w.
 * @throws SystemError for an unbuildable system
 */
export function wavefrontStatistics(system: LensSystem, f: number, w: number, opts: WavefrontOptions = {}): WavefrontStatistics {
  const ctx = opts.ctx ?? launchContext(system);
  const q = diskQuadrature(opts.rings ?? 32, opts.arms ?? 64);
  const samples = opdAboutReferenceSphere(system, f, w, q.px, q.py, { ctx, focusShiftMm: opts.focusShiftMm });
  const st = weightedStatistics(samples.opd, samples.valid, q);
  const out: WavefrontStatistics = {
    fieldIndex: f, wavelengthIndex: w, mean: null, rms: null, rmsPistonTilt: null, rmsRaw: null, pv: null,
    transmittedFraction: st ? st.area : 0, quadrature: q, samples,
  };
  if (!st || !samples.sphere) return out;
  out.mean = st.mean;
  out.rms = st.rms;
  out.rmsPistonTilt = st.rmsPistonTilt;
  out.rmsRaw = st.rmsRaw;
  out.pv = opts.refinePv === false ? sampledPv(samples) : refinedPv(system, f, w, samples, ctx, opts.focusShiftMm ?? 0);
  return out;
}

function sampledPv(s: OpdSamples): number {
  let lo = Infinity, hi = -Infinity;
  for (let k = 0; k < s.opd.length; k++) {
    if (!s.valid[k]) continue;
    lo = Math.min(lo, s.opd[k]);
    hi = Math.max(hi, s.opd[k]);
  }
  return hi - lo;
}

/** The starting nodes of the extreme search: the best few distinct local extremes of the samples. */
function startPoints(s: OpdSamples, sign: number, count: number): number[] {
  const order = Array.from(s.opd.keys()).filter((k) => s.valid[k]).sort((a, b) => sign * (s.opd[b] - s.opd[a]));
  const picked: number[] = [];
  for (const k of order) {
    if (picked.every((p) => Math.hypot(s.px[p] - s.px[k], s.py[p] - s.py[k]) > 0.3)) picked.push(k);
    if (picked.length >= count) break;
  }
  return picked;
}

/** max W − min W with each extreme refined by a projected pattern search on real rays. */
function refinedPv(system: LensSystem, f: number, w: number, s: OpdSamples, ctx: LaunchContext, focusShiftMm: number): number {
  const evalAt = (xs: number[], ys: number[]) => {
    const r = opdAboutReferenceSphere(system, f, w, xs, ys, { ctx, focusShiftMm });
    return xs.map((_, i) => (r.valid[i] ? r.opd[i] : NaN));
  };
  const project = (x: number, y: number): [number, number] => {
    const r = Math.hypot(x, y);
    return r > 1 ? [x / r, y / r] : [x, y];
  };
  const extreme = (sign: number): number => {
    let best = -Infinity;
    for (const k0 of startPoints(s, sign, 3)) {
      let x = s.px[k0], y = s.py[k0], v = sign * s.opd[k0];
      let h = 0.05;
      while (h > 1e-8) {
        const xs: number[] = [], ys: number[] = [];
        for (const [dx, dy] of [[1, 0], [-1, 0], [0, 1], [0, -1], [1, 1], [1, -1], [-1, 1], [-1, -1]]) {
          const [a, b] = project(x + dx * h, y + dy * h);
          xs.push(a);
          ys.push(b);
        }
        const vals = evalAt(xs, ys);
        let bi = -1, bv = v;
        vals.forEach((val, i) => {
          if (Number.isFinite(val) && sign * val > bv) {
            bv = sign * val;
            bi = i;
          }
        });
        if (bi >= 0) {
          x = xs[bi];
          y = ys[bi];
          v = bv;
        } else h /= 2;
      }
      best = Math.max(best, v);
    }
    return sign * best;
  };
  return extreme(1) - extreme(-1);
}

/** OPD on an N × N grid of cell centres over [−1, 1]² (row = Py, column = Px), masked. */
export interface WavefrontMap {
  size: number;
  /** Waves, row-major; 0 where masked. */
  opd: Float64Array;
  /** 1 inside the pupil where the ray reaches the image. */
  valid: Uint8Array;
  /** Waves: min and max of the valid map values (for a colour scale). */
  min: number;
  max: number;
}

/** The wavefront map of field f at wavelength index w on an N × N grid (default 64). */
export function wavefrontMap(system: LensSystem, f: number, w: number, size = 64, ctx?: LaunchContext): WavefrontMap {
  const px: number[] = [], py: number[] = [], idx: number[] = [];
  for (let i = 0; i < size; i++) {
    for (let j = 0; j < size; j++) {
      const x = -1 + (2 * j + 1) / size, y = -1 + (2 * i + 1) / size;
      if (x * x + y * y <= 1) {
        px.push(x);
        py.push(y);
        idx.push(i * size + j);
      }
    }
  }
  const s = opdAboutReferenceSphere(system, f, w, px, py, { ctx });
  const opd = new Float64Array(size * size), valid = new Uint8Array(size * size);
  let min = Infinity, max = -Infinity;
  idx.forEach((g, k) => {
    if (!s.valid[k]) return;
    opd[g] = s.opd[k];
    valid[g] = 1;
    min = Math.min(min, s.opd[k]);
    max = Math.max(max, s.opd[k]);
  });
  return { size, opd, valid, min: Number.isFinite(min) ? min : 0, max: Number.isFinite(max) ? max : 0 };
}

/**
 * RMS wavefront error (piston removed, area-weighted; OpticStudio's "RMS (to chief)") of field f at
 * wavelength index w, waves; null when the chief ray is lost or no ray reaches the image.
 */
export function rmsWavefrontError(system: LensSystem, f: number, w: number): number | null {
  return wavefrontStatistics(system, f, w, { refinePv: false }).rms;
}
