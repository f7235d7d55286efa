/**
 * Reverse-mode adjoint of a coordinate break for a whole ray batch (see adjoint.ts for the pass
 * and adjointWorkspace.ts for the state): the state is decentred and rotated, p' = R(p − D) (order
 * 0) or p' = R p − D (order 1), d' = R d, so p̄ = Rᵀ p̄', d̄ = Rᵀ d̄', D̄ = −p̄ (in the frame where D
 * applies) and the tilt slots get Σ (u ⊗ p̄' + d ⊗ d̄') : ∂R/∂angle.
 */
import { S_DX, S_DY, S_T, S_TX, type AdjointWorkspace } from './adjointWorkspace.ts';

/** The adjoint of one coordinate break for every ray (ws.R and ws.Dr set). */
export function coordinateBreakAdjoint(ws: AdjointWorkspace): void {
  const { rec, s, surf, tPrev, AX, AY, AZ, AL, AM, AN, live, slotK, slotJ, factor, out, perRay, P, acc, slots } = ws;
  const R = ws.R!, Dr = ws.Dr!;
  const size = rec.size;
  const off0 = (s - 1) * size;
  const nEntries = slotK.length;
  const pre = surf.order === 0;
  for (let i = 0; i < size; i++) {
    if (!live[i]) continue;
    let ax = AX[i], ay = AY[i], az = AZ[i], al = AL[i], am = AM[i], an = AN[i];
    let px: number, py: number, pz: number, dl: number, dm: number, dn: number;
    if (s === 0) {
      px = rec.x0[i]; py = rec.y0[i]; pz = rec.z0[i]; dl = rec.l0[i]; dm = rec.m0[i]; dn = rec.n0[i];
    } else {
      const q = off0 + i;
      px = rec.x[q]; py = rec.y[q]; pz = rec.z[q] - tPrev;
      dl = rec.l[q]; dm = rec.m[q]; dn = rec.n[q];
    }
    if (nEntries > 0) slots.fill(0);
    const ux = pre ? px - surf.decenterX : px, uy = pre ? py - surf.decenterY : py, uz = pz;
    const bx = R[0] * ax + R[1] * ay + R[2] * az;
    const by = R[3] * ax + R[4] * ay + R[5] * az;
    const bz = R[6] * ax + R[7] * ay + R[8] * az;
    const cl = R[0] * al + R[1] * am + R[2] * an;
    const cm = R[3] * al + R[4] * am + R[5] * an;
    const cn = R[6] * al + R[7] * am + R[8] * an;
    if (nEntries > 0) {
      slots[S_DX] = pre ? -bx : -ax;
      slots[S_DY] = pre ? -by : -ay;
      const uu0 = ux, uu1 = uy, uu2 = uz;
      for (let a = 0; a < 3; a++) {
        const D = Dr[a];
        let sum = 0;
        sum += (uu0 * ax + dl * al) * D[0] + (uu0 * ay + dl * am) * D[1] + (uu0 * az + dl * an) * D[2];
        sum += (uu1 * ax + dm * al) * D[3] + (uu1 * ay + dm * am) * D[4] + (uu1 * az + dm * an) * D[5];
        sum += (uu2 * ax + dn * al) * D[6] + (uu2 * ay + dn * am) * D[7] + (uu2 * az + dn * an) * D[8];
        slots[S_TX + a] = sum;
      }
    }
    ax = bx; ay = by; az = bz; al = cl; am = cm; an = cn;
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
