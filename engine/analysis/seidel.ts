/**
 * Seidel aberration sums S1–S5 in Welford's convention (W. T. Welford, Aberrations of Optical
 * Systems, 1986, ch. 8), from the paraxial marginal ray (y, u) and chief ray (ȳ, ū) of the +y field.
 *
 * Per surface, with n, n' the (signed) indices before and after, c the paraxial curvature,
 * A = n(yc + u), Ā = n(ȳc + ū), Δ(x) = x' − x and H the Lagrange invariant:
 *   S1 = −Σ A² y Δ(u/n)   S2 = −Σ A Ā y Δ(u/n)   S3 = −Σ Ā² y Δ(u/n)
 *   S4 = −Σ H² c Δ(1/n)   S5 = Σ (Ā/A)(S3ₖ + S4ₖ)
 * Aspheric surfaces add ΔS1 = 8 ε y⁴ (n' − n), ε the sag's r⁴ coefficient minus c³/8, and ΔS1 times
 * (ȳ/y), (ȳ/y)², (ȳ/y)³ to S2, S3, S5. Units: mm. S5 > 0 means barrel distortion.
 * Coordinate breaks and ideal paraxial surfaces contribute nothing.
 */
import type { LensSystem } from '../optics/system.ts';
import { entrancePupil, maxFieldChiefRayStart } from '../paraxial/pupil.ts';
import { paraxialCurvature, signedIndexAfter, traceParaxial } from '../paraxial/paraxial.ts';
import { marginalRayStart } from '../paraxial/rays.ts';

export interface SeidelSums {
  S1: number;
  S2: number;
  S3: number;
  S4: number;
  S5: number;
  /** Per-surface contributions [surface][S1..S5] (image surface last). */
  perSurface: number[][];
}

/** r⁴ coefficient of a surface's sag (conic plus even-asphere A4), 1/mm³. */
function fourthOrderSag(system: LensSystem, s: number): number {
  const surf = system.surfaces[s];
  if (surf.kind === 'standard') return ((1 + surf.k) * surf.c ** 3) / 8;
  if (surf.kind === 'evenAsphere') return ((1 + surf.k) * surf.c ** 3) / 8 + (surf.asphere.length > 1 ? surf.asphere[1] : 0);
  if (surf.kind === 'xyPolynomial') {
    // Rotationally symmetric part of dO's form along y: z ≈ g + b g², g = a20 y² + a40 y⁴ + ...
    const a2 = surf.xy.length > 3 ? surf.xy[3] : 0;
    const a4 = surf.xy.length > 10 ? surf.xy[10] : 0;
    return a4 + surf.xyB * a2 * a2;
  }
  return 0;
}

/** Seidel sums at wavelength index w (default: primary). */
export function seidelSums(system: LensSystem, w = system.primaryIndex): SeidelSums {
  const pupil = entrancePupil(system);
  const [ym0, num0] = marginalRayStart(system, pupil.epd, pupil.epl, w);
  const [yc0, nuc0] = maxFieldChiefRayStart(system, pupil, w);
  const m = traceParaxial(system, w, ym0, num0);
  const c = traceParaxial(system, w, yc0, nuc0);
  const n0 = system.nObject[w];
  const H = n0 * (yc0 * (num0 / n0) - ym0 * (nuc0 / n0));
  const sums = [0, 0, 0, 0, 0];
  const perSurface: number[][] = [];
  for (let s = 0; s < system.surfaces.length; s++) {
    const surf = system.surfaces[s];
    const row = [0, 0, 0, 0, 0];
    if (surf.kind !== 'coordinateBreak' && surf.kind !== 'paraxial') {
      const n = signedIndexAfter(system, s - 1, w);
      const np = signedIndexAfter(system, s, w);
      const cp = paraxialCurvature(surf);
      const y = m.y[s], u = m.nuBefore[s] / n, up = m.nuAfter[s] / np;
      const yb = c.y[s], ub = c.nuBefore[s] / n;
      const A = n * (y * cp + u);
      const Ab = n * (yb * cp + ub);
      const dun = up / np - u / n;
      row[0] = -A * A * y * dun;
      row[1] = -A * Ab * y * dun;
      row[2] = -Ab * Ab * y * dun;
      row[3] = -H * H * cp * (1 / np - 1 / n);
      row[4] = A !== 0 ? (Ab / A) * (row[2] + row[3]) : 0;
      const eps = fourthOrderSag(system, s) - cp ** 3 / 8;
      if (eps !== 0 && y !== 0) {
        const d1 = 8 * eps * y ** 4 * (np - n);
        const r = yb / y;
        row[0] += d1;
        row[1] += d1 * r;
        row[2] += d1 * r * r;
        row[4] += d1 * r * r * r;
      }
    }
    for (let k = 0; k < 5; k++) sums[k] += row[k];
    perSurface.push(row);
  }
  return { S1: sums[0], S2: sums[1], S3: sums[2], S4: sums[3], S5: sums[4], perSurface };
}
