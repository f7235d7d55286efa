/**
 * Reverse-mode adjoint of dO's XY-polynomial surface for a whole ray batch (see adjoint.ts for the
 * pass and adjointWorkspace.ts for the state). The surface is F = b z² − z + g(x, y) = 0 with
 * g = Σ a_{j,i} x^i y^(j−i); its normal (oriented towards +z) is G = (−g_x, −g_y, 1 − 2bz), and
 * ∇F = (g_x, g_y, 2bz − 1). The intersection is differentiated implicitly at the converged root.
 */
import { bendAdjoint, S_COEF, S_N1, S_N2, S_T, S_XYB, type AdjointWorkspace } from './adjointWorkspace.ts';
import { xyDegree } from './sag.ts';

/** g, g_x, g_y, g_xx, g_xy, g_yy of the XY polynomial into out[0..5]. */
function xyDerivs(a: Float64Array, x: number, y: number, out: Float64Array): Float64Array {
  out.fill(0);
  const J = xyDegree(a.length);
  // xp[p + 2] = x^p for p ≥ 0 (0 for p < 0), likewise yp: no pow calls in the loop.
  xp[0] = xp[1] = yp[0] = yp[1] = 0;
  xp[2] = yp[2] = 1;
  for (let p = 1; p <= J; p++) {
    xp[p + 2] = xp[p + 1] * x;
    yp[p + 2] = yp[p + 1] * y;
  }
  let idx = 0;
  for (let j = 0; j <= J; j++) {
    for (let i = 0; i <= j; i++, idx++) {
      const c = a[idx];
      if (c === 0) continue;
      const e = j - i;
      out[0] += c * xp[i + 2] * yp[e + 2];
      out[1] += c * i * xp[i + 1] * yp[e + 2];
      out[2] += c * e * xp[i + 2] * yp[e + 1];
      out[3] += c * i * (i - 1) * xp[i] * yp[e + 2];
      out[4] += c * i * e * xp[i + 1] * yp[e + 1];
      out[5] += c * e * (e - 1) * xp[i + 2] * yp[e];
    }
  }
  return out;
}

const xp = new Float64Array(34);
const yp = new Float64Array(34);

const bendOut = new Float64Array(8);
const gG = new Float64Array(6);
const gA = new Float64Array(6);
const gF = new Float64Array(6);

/** The adjoint of one XY-polynomial surface for every ray. */
export function xyAdjoint(ws: AdjointWorkspace): void {
  const { rec, s, surf, n1, n2, bends, AX, AY, AZ, AL, AM, AN, AOPL, live, TSB, prevSolved, slotK, slotJ, factor, out, perRay, P, acc, slots } = ws;
  const size = rec.size;
  const off = s * size, off0 = (s - 1) * size;
  const nEntries = slotK.length;
  const b = surf.xyB, coef = surf.xy, J = xyDegree(coef.length);
  for (let i = 0; i < size; i++) {
    if (!live[i]) continue;
    let ax = AX[i], ay = AY[i], az = AZ[i], al = AL[i], am = AM[i], an = AN[i];
    const aopl = AOPL[i];
    let dl: number, dm: number, dn: number;
    if (s === 0) {
      dl = rec.l0[i]; dm = rec.m0[i]; dn = rec.n0[i];
    } else {
      const q = off0 + i;
      dl = rec.l[q]; dm = rec.m[q]; dn = rec.n[q];
    }
    if (nEntries > 0) slots.fill(0);
    const o = off + i;
    const X = rec.x[o], Y = rec.y[o], Z = rec.z[o];
    const t = rec.t[o];
    let qx = ax, qy = ay, qz = az;
    let bl = al, bm = am, bn = an;
    if (bends) {
      const gn = xyDerivs(coef, X, Y, gG);
      bendAdjoint(-gn[1], -gn[2], 1 - 2 * b * Z, dl, dm, dn, al, am, an, n1, n2, surf.mirror, bendOut);
      bl = bendOut[0]; bm = bendOut[1]; bn = bendOut[2];
      slots[S_N1] += bendOut[6];
      slots[S_N2] += bendOut[7];
      // Adjoint of G(q; θ): q̄ and the surface-parameter slots.
      const Gx = bendOut[3], Gy = bendOut[4], Gz = bendOut[5];
      const g = xyDerivs(coef, X, Y, gA);
      qx += -Gx * g[3] - Gy * g[4];
      qy += -Gx * g[4] - Gy * g[5];
      qz += -2 * b * Gz;
      slots[S_XYB] += -2 * Z * Gz;
      let idx = 0;
      for (let j = 0; j <= J; j++) {
        for (let ii = 0; ii <= j; ii++, idx++) {
          const e = j - ii;
          const dgx = ii > 0 ? ii * X ** (ii - 1) * Y ** e : 0;
          const dgy = e > 0 ? e * X ** ii * Y ** (e - 1) : 0;
          slots[S_COEF + idx] += -Gx * dgx - Gy * dgy;
        }
      }
    }
    const tb = qx * dl + qy * dm + qz * dn + aopl * n1;
    slots[S_N1] += aopl * t;
    const F = xyDerivs(coef, X, Y, gF);
    const Fx = F[1], Fy = F[2], Fz = 2 * b * Z - 1;
    const k = -tb / (Fx * dl + Fy * dm + Fz * dn);
    ax = qx + k * Fx; ay = qy + k * Fy; az = qz + k * Fz;
    al = bl + t * qx + k * t * Fx; am = bm + t * qy + k * t * Fy; an = bn + t * qz + k * t * Fz;
    if (nEntries > 0) {
      // k·∂F/∂θ.
      slots[S_XYB] += k * Z * Z;
      let idx = 0;
      for (let j = 0; j <= J; j++) for (let ii = 0; ii <= j; ii++, idx++) slots[S_COEF + idx] += k * X ** ii * Y ** (j - ii);
    }
    if (s > 0) {
      slots[S_T] = -az;
      if (prevSolved) TSB[i] += -az;
    }
    AX[i] = ax; AY[i] = ay; AZ[i] = az; AL[i] = al; AM[i] = am; AN[i] = an;
    if (perRay) {
      const base = i * P;
      for (let e = 0; e < nEntries; e++) out[base + slotJ[e]] += slots[slotK[e]] * factor[e];
    } else {
      for (let e = 0; e < nEntries; e++) acc[e] += slots[slotK[e]] * factor[e];
    }
  }
}
