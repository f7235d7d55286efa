/**
 * Reverse-mode adjoint of the even-asphere surface for a whole ray batch (see adjoint.ts for the
 * pass and adjointWorkspace.ts for the state).
 */
import { S_C, S_COEF, S_K, S_N1, S_N2, S_T, type AdjointWorkspace } from './adjointWorkspace.ts';

/**
 * The adjoint of one even-asphere surface for every ray. For the sag z = f(r²; c, k, A),
 * D = ∂z/∂(r²), the normal G and the implicit-function gradient ∇F are both (−2Dx, −2Dy, 1).
 */
export function asphereAdjoint(ws: AdjointWorkspace): void {
  const { rec, s, surf, n1, n2, bends, AX, AY, AZ, AL, AM, AN, AOPL, live, slotK, slotJ, factor, out, perRay, P, acc } = ws;
  const size = rec.size;
  const c = surf.c, kp1 = 1 + surf.k, a = surf.asphere, na = a.length;
  const mu = n1 / n2;
  const mirror = surf.mirror;
  const off = s * size, off0 = (s - 1) * size;
  const nE = slotK.length;
  const slot = new Float64Array(S_COEF + na + 1);
  for (let i = 0; i < size; i++) {
    if (!live[i]) continue;
    const al = AL[i], am = AM[i], an = AN[i];
    const aopl = AOPL[i];
    let dl: number, dm: number, dn: number;
    if (s === 0) {
      dl = rec.l0[i]; dm = rec.m0[i]; dn = rec.n0[i];
    } else {
      const q = off0 + i;
      dl = rec.l[q]; dm = rec.m[q]; dn = rec.n[q];
    }
    const o = off + i;
    const X = rec.x[o], Y = rec.y[o], Z = rec.z[o];
    const t = rec.t[o];
    const r2 = X * X + Y * Y;
    // D and its partials.
    const Q = 1 - kp1 * c * c * r2;
    const sq = Math.sqrt(Q);
    const Q32 = Q * sq;
    let D = c / (2 * sq);
    let dDr2 = (kp1 * c * c * c) / (4 * Q32);
    for (let j = 0, pw = 1, pwm = 0; j < na; j++) {
      D += (j + 1) * a[j] * pw;
      if (j > 0) dDr2 += (j + 1) * j * a[j] * pwm;
      pwm = pw;
      pw *= r2;
    }
    const dDc = 1 / (2 * sq) + (kp1 * c * c * r2) / (2 * Q32);
    const dDk = (c * c * c * r2) / (4 * Q32);
    const gx = -2 * D * X, gy = -2 * D * Y, gz = 1;
    let qx = AX[i], qy = AY[i], qz = AZ[i];
    let bl = al, bm = am, bn = an;
    let n1Bar = 0, n2Bar = 0, Db = 0;
    if (bends) {
      const gn = Math.sqrt(gx * gx + gy * gy + gz * gz);
      const hx = gx / gn, hy = gy / gn, hz = gz / gn;
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
        n1Bar = mub / n2;
        n2Bar = (-mub * n1) / (n2 * n2);
      }
      bl += cb * Nx; bm += cb * Ny; bn += cb * Nz;
      Nbx += cb * dl; Nby += cb * dm; Nbz += cb * dn;
      const hbx = sf * Nbx, hby = sf * Nby, hbz = sf * Nbz;
      const hd = hbx * hx + hby * hy + hbz * hz;
      const Gx = (hbx - hd * hx) / gn, Gy = (hby - hd * hy) / gn;
      Db = -2 * (Gx * X + Gy * Y);
      const r2b = Db * dDr2;
      qx += -2 * D * Gx + 2 * X * r2b;
      qy += -2 * D * Gy + 2 * Y * r2b;
    }
    const tb = qx * dl + qy * dm + qz * dn + aopl * n1;
    n1Bar += aopl * t;
    const k = -tb / (gx * dl + gy * dm + gz * dn);
    const ax = qx + k * gx, ay = qy + k * gy, az = qz + k * gz;
    AX[i] = ax; AY[i] = ay; AZ[i] = az;
    AL[i] = bl + t * qx + k * t * gx; AM[i] = bm + t * qy + k * t * gy; AN[i] = bn + t * qz + k * t * gz;
    if (nE > 0) {
      const u = 1 + sq;
      const dsagdc = r2 / u + (c * r2 * kp1 * c * r2) / (sq * u * u);
      const dsagdk = (c * c * c * r2 * r2) / (2 * sq * u * u);
      slot[S_C] = Db * dDc - k * dsagdc;
      slot[S_K] = Db * dDk - k * dsagdk;
      for (let j = 0, pw = 1; j < na; j++, pw *= r2) slot[S_COEF + j] = Db * (j + 1) * pw - k * pw * r2;
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
