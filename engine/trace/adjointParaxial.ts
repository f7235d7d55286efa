/**
 * Reverse-mode adjoint of the ideal thin lens (Zemax PARAXIAL) for a whole ray batch (see
 * adjoint.ts for the pass and adjointWorkspace.ts for the state). At the plane z = 0 the ray's
 * direction tangents change by −(x, y)/f: T = (l/n − x/f, m/n − y/f, 1), normalised with n's sign,
 * and the optical path gains the ideal lens's term φ (idealLensPath.ts), whose partials enter with the
 * path's adjoint: with respect to the outgoing direction (before the bend's adjoint), the intercept,
 * the incoming direction, f, the indices and the conjugate's vergence v_O (per ray in ws.vOBar; the
 * pass carries it to the parameters through the paraxial axial ray).
 */
import { S_F, S_N1, S_N2, S_T, type AdjointWorkspace } from './adjointWorkspace.ts';
import { IL_F, IL_L, IL_L2, IL_M, IL_M2, IL_N, IL_N1, IL_N2, IL_NN2, IL_SLOTS, IL_VO, IL_X, IL_Y, idealLensPath } from './idealLensPath.ts';

const g = new Float64Array(IL_SLOTS);

/** The adjoint of one paraxial surface for every ray. */
export function paraxialAdjoint(ws: AdjointWorkspace): void {
  const { rec, s, surf, n1, n2, vO, vOBar, AX, AY, AZ, AL, AM, AN, AOPL, live, slotK, slotJ, factor, out, perRay, P, acc, slots } = ws;
  const size = rec.size;
  const off = s * size, off0 = (s - 1) * size;
  const nEntries = slotK.length;
  const f = surf.focalLength;
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
    const X = rec.x[o], Y = rec.y[o];
    const t = rec.t[o];
    // The ideal lens's path: its partials times the path's adjoint (the path is added after the bend).
    idealLensPath(X, Y, dl, dm, dn, rec.l[o], rec.m[o], rec.n[o], f, vO, n1, n2, g);
    al += aopl * g[IL_L2];
    am += aopl * g[IL_M2];
    an += aopl * g[IL_N2];
    let qx = ax + aopl * g[IL_X], qy = ay + aopl * g[IL_Y];
    const qz = az;
    const Tx = dl / dn - X / f, Ty = dm / dn - Y / f;
    const Tn = Math.sqrt(Tx * Tx + Ty * Ty + 1);
    const sg = Math.sign(dn);
    const hx = Tx / Tn, hy = Ty / Tn, hz = 1 / Tn;
    const dot = al * hx + am * hy + an * hz;
    const Tbx = (sg * (al - dot * hx)) / Tn, Tby = (sg * (am - dot * hy)) / Tn;
    const bl = Tbx / dn + aopl * g[IL_L];
    const bm = Tby / dn + aopl * g[IL_M];
    const bn = (-Tbx * dl - Tby * dm) / (dn * dn) + aopl * g[IL_N];
    slots[S_F] += aopl * g[IL_F];
    slots[S_N1] += aopl * g[IL_N1];
    slots[S_N2] += aopl * g[IL_NN2];
    vOBar[i] = aopl * g[IL_VO];
    qx += -Tbx / f;
    qy += -Tby / f;
    slots[S_F] += (Tbx * X + Tby * Y) / (f * f);
    // The plane z = 0: ∇F = (0, 0, 1).
    const tb = qx * dl + qy * dm + qz * dn + aopl * n1;
    slots[S_N1] += aopl * t;
    const Fx = 0, Fy = 0, Fz = 1;
    const k = -tb / (Fx * dl + Fy * dm + Fz * dn);
    ax = qx + k * Fx; ay = qy + k * Fy; az = qz + k * Fz;
    al = bl + t * qx + k * t * Fx; am = bm + t * qy + k * t * Fy; an = bn + t * qz + k * t * Fz;
    if (s > 0) {
      slots[S_T] = -az;
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
