/**
 * Reverse-mode adjoint of the sphere / conic / plane surface for a whole ray batch (see adjoint.ts
 * for the pass and adjointWorkspace.ts for the state).
 */
import { S_C, S_COEF, S_K, S_N1, S_N2, S_T, type AdjointWorkspace } from './adjointWorkspace.ts';

/**
 * The adjoint of one sphere / conic / plane surface (kind 'standard') for every ray, in a tight
 * loop: the conic F = c(r² + (1+k)z²) − 2z = 0, normal G = (−cx, −cy, 1 − c(1+k)z), and
 * adjointWorkspace.ts's bendAdjoint written out inline (the call costs about half again the whole
 * pass). Parameter slots: curvature, conic, n before, n after, the preceding thickness.
 */
export function conicAdjoint(ws: AdjointWorkspace): void {
  const { rec, s, surf, n1, n2, bends, AX, AY, AZ, AL, AM, AN, AOPL, live, slotK, slotJ, factor, out, perRay, P, acc } = ws;
  const size = rec.size;
  const cc = surf.c, kp1 = 1 + surf.k;
  const mu = n1 / n2;
  const invN2 = 1 / n2;
  const mirror = surf.mirror;
  const off = s * size, off0 = (s - 1) * size;
  const nE = slotK.length;
  const slot = new Float64Array(S_COEF);
  const recX = rec.x, recY = rec.y, recZ = rec.z, recL = rec.l, recM = rec.m, recN = rec.n, recT = rec.t;
  for (let i = 0; i < size; i++) {
    if (!live[i]) continue;
    let ax = AX[i], ay = AY[i], az = AZ[i], al = AL[i], am = AM[i], an = AN[i];
    const aopl = AOPL[i];
    let dl: number, dm: number, dn: number;
    if (s === 0) {
      dl = rec.l0[i]; dm = rec.m0[i]; dn = rec.n0[i];
    } else {
      const q = off0 + i;
      dl = recL[q]; dm = recM[q]; dn = recN[q];
    }
    const o = off + i;
    const X = recX[o], Y = recY[o], Z = recZ[o];
    const t = recT[o];
    let qx = ax, qy = ay, qz = az;
    let bl = al, bm = am, bn = an;
    let cBar = 0, kBar = 0, n1Bar = 0, n2Bar = 0;
    if (bends) {
      const gx = -cc * X, gy = -cc * Y, gz = 1 - cc * kp1 * Z;
      const ig = 1 / Math.sqrt(gx * gx + gy * gy + gz * gz);
      const hx = gx * ig, hy = gy * ig, hz = gz * ig;
      const c0 = dl * hx + dm * hy + dn * hz;
      const sf = c0 < 0 ? -1 : 1;
      const Nx = sf * hx, Ny = sf * hy, Nz = sf * hz;
      const cosI = sf * c0;
      let Nbx: number, Nby: number, Nbz: number, cb: number;
      if (mirror) {
        cb = -2 * (al * Nx + am * Ny + an * Nz);
        Nbx = -2 * cosI * al; Nby = -2 * cosI * am; Nbz = -2 * cosI * an;
      } else {
        const rad = 1 - mu * mu * (1 - cosI * cosI);
        const sr = Math.sqrt(rad);
        const g = sr - mu * cosI;
        bl = mu * al; bm = mu * am; bn = mu * an;
        Nbx = g * al; Nby = g * am; Nbz = g * an;
        const gb = al * Nx + am * Ny + an * Nz;
        const radb = gb / (2 * sr);
        const mub = al * dl + am * dm + an * dn - gb * cosI + radb * (-2 * mu * (1 - cosI * cosI));
        cb = -gb * mu + radb * (2 * mu * mu * cosI);
        n1Bar = mub * invN2;
        n2Bar = -mub * mu * invN2;
      }
      bl += cb * Nx; bm += cb * Ny; bn += cb * Nz;
      Nbx += cb * dl; Nby += cb * dm; Nbz += cb * dn;
      const hbx = sf * Nbx, hby = sf * Nby, hbz = sf * Nbz;
      const hd = hbx * hx + hby * hy + hbz * hz;
      const Gx = (hbx - hd * hx) * ig, Gy = (hby - hd * hy) * ig, Gz = (hbz - hd * hz) * ig;
      qx += -cc * Gx;
      qy += -cc * Gy;
      qz += -cc * kp1 * Gz;
      cBar = -X * Gx - Y * Gy - kp1 * Z * Gz;
      kBar = -cc * Z * Gz;
    }
    const tb = qx * dl + qy * dm + qz * dn + aopl * n1;
    n1Bar += aopl * t;
    const Fx = 2 * cc * X, Fy = 2 * cc * Y, Fz = 2 * cc * kp1 * Z - 2;
    const k = -tb / (Fx * dl + Fy * dm + Fz * dn);
    ax = qx + k * Fx; ay = qy + k * Fy; az = qz + k * Fz;
    AX[i] = ax; AY[i] = ay; AZ[i] = az;
    AL[i] = bl + t * qx + k * t * Fx; AM[i] = bm + t * qy + k * t * Fy; AN[i] = bn + t * qz + k * t * Fz;
    if (nE > 0) {
      slot[S_C] = cBar + k * (X * X + Y * Y + kp1 * Z * Z);
      slot[S_K] = kBar + k * cc * Z * Z;
      slot[S_N1] = n1Bar;
      slot[S_N2] = n2Bar;
      slot[S_T] = -az;
      if (perRay) {
        const base = i * P;
        for (let e = 0; e < nE; e++) out[base + slotJ[e]] += slot[slotK[e]] * factor[e];
      } else {
        for (let e = 0; e < nE; e++) acc[e] += slot[slotK[e]] * factor[e];
      }
    }
  }
}
