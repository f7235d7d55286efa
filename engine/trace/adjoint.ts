/**
 * Reverse-mode (adjoint) derivatives of a recorded real-ray trace with respect to lens parameters.
 *
 * Given the adjoints of each ray's final state (x̄, ȳ, z̄, l̄, m̄, n̄, ōpl in the image surface's
 * frame), the pass runs the surfaces backwards: refraction d' = μd + gN (or reflection), the normal
 * N = ±G/|G| from the surface's gradient G, and the intersection. The intersection is
 * differentiated implicitly at the converged root, as dO does: with F(p + t d; θ) = 0,
 *   dt = −(∇F·(dp + t dd) + ∂F/∂θ dθ) / (∇F·d),
 * so Newton iterations are never unrolled. Coordinate breaks, thickness transfers and the
 * paraxial ray aiming (EPD, EPL and field via exact paraxial tangents, engine/optics/pupilTangent)
 * complete the chain. Lost rays contribute nothing. Cost: about one forward trace per seed.
 *
 * Output: with perRay, out[i·P + j] = Σ_seeds ∂(seeded final state of ray i)/∂θ_j; otherwise the
 * sum over rays out[j]. Units follow the parameters (engine/optics/params.ts).
 */
import type { LensSystem, Surface } from '../optics/system.ts';
import { directionBefore, indexBefore } from '../optics/system.ts';
import type { ParamRef } from '../optics/params.ts';
import { dIndexAfter } from '../optics/params.ts';
import { entrancePupil, objectField } from '../optics/pupil.ts';
import { objectFieldTangent, pupilTangent } from '../optics/pupilTangent.ts';
import { dSolvedThickness, solvedThicknessSurface } from '../optics/solves.ts';
import { RayStatus } from './rayBatch.ts';
import { type TraceRecord, coordinateBreakRotation } from './realTrace.ts';
import { xyDegree } from './sag.ts';

/** Adjoints of the final ray state, one entry per ray (omit a component for zero). */
export interface AdjointSeeds {
  x?: ArrayLike<number>;
  y?: ArrayLike<number>;
  z?: ArrayLike<number>;
  l?: ArrayLike<number>;
  m?: ArrayLike<number>;
  n?: ArrayLike<number>;
  opl?: ArrayLike<number>;
}

/** How the traced batch was launched (needed to differentiate paraxial ray aiming). */
export interface LaunchInfo {
  /** Field in system units (degrees or mm) shared by every ray of the batch. */
  fx: number;
  fy: number;
  /** Normalised pupil coordinates actually launched (after real aiming, if any). */
  px: ArrayLike<number>;
  py: ArrayLike<number>;
}

// Local-gradient slots of one surface.
const S_C = 0, S_K = 1, S_XYB = 2, S_N1 = 3, S_N2 = 4, S_F = 5, S_T = 6, S_DX = 7, S_DY = 8, S_TX = 9, S_TY = 10, S_TZ = 11;
const S_COEF = 12; // asphere or XY coefficients start here

/** d(R)/d(angle) for the coordinate-break rotation, by finite composition of analytic factors. */
function rotationDerivatives(surf: Surface): Float64Array[] {
  const ca = Math.cos(surf.tiltX), sa = Math.sin(surf.tiltX);
  const cb = Math.cos(surf.tiltY), sb = Math.sin(surf.tiltY);
  const cg = Math.cos(surf.tiltZ), sg = Math.sin(surf.tiltZ);
  const rx = [1, 0, 0, 0, ca, -sa, 0, sa, ca], drx = [0, 0, 0, 0, -sa, -ca, 0, ca, -sa];
  const ry = [cb, 0, sb, 0, 1, 0, -sb, 0, cb], dry = [-sb, 0, cb, 0, 0, 0, -cb, 0, -sb];
  const rz = [cg, -sg, 0, sg, cg, 0, 0, 0, 1], drz = [-sg, -cg, 0, cg, -sg, 0, 0, 0, 0];
  const mul = (a: number[], b: number[]): number[] => {
    const r = new Array<number>(9);
    for (let i = 0; i < 3; i++) for (let j = 0; j < 3; j++) r[i * 3 + j] = a[i * 3] * b[j] + a[i * 3 + 1] * b[3 + j] + a[i * 3 + 2] * b[6 + j];
    return r;
  };
  if (surf.order === 0) {
    return [Float64Array.from(mul(mul(drx, ry), rz)), Float64Array.from(mul(mul(rx, dry), rz)), Float64Array.from(mul(mul(rx, ry), drz))];
  }
  // R = Rz·Ry·Rx
  return [Float64Array.from(mul(mul(rz, ry), drx)), Float64Array.from(mul(mul(rz, dry), rx)), Float64Array.from(mul(mul(drz, ry), rx))];
}

/** True for parameters that leave every paraxial quantity unchanged (see engine/trace/paraxial.ts). */
function paraxiallyInert(p: ParamRef): boolean {
  switch (p.kind) {
    case 'decenterX':
    case 'decenterY':
    case 'tiltX':
    case 'tiltY':
    case 'tiltZ':
    case 'conic':
    case 'xyB':
      return true;
    case 'xy':
      return p.index !== 3;
    case 'asphere':
      return (p.index ?? 0) !== 0;
    default:
      return false;
  }
}

interface SlotMap {
  /** For each surface, a list of [slot, paramIndex]. */
  perSurface: [number, number][][];
  /** Parameters acting through the launch (EPD, EPL, field, object distance) or solves. */
  launch: number[];
}

function buildSlotMap(system: LensSystem, params: readonly ParamRef[]): SlotMap {
  const ns = system.surfaces.length;
  const perSurface: [number, number][][] = Array.from({ length: ns }, () => []);
  const solved = solvedThicknessSurface(system);
  params.forEach((p, j) => {
    const s = p.surface;
    switch (p.kind) {
      case 'curvature':
        perSurface[s].push([S_C, j]);
        break;
      case 'conic':
        perSurface[s].push([S_K, j]);
        break;
      case 'xyB':
        perSurface[s].push([S_XYB, j]);
        break;
      case 'asphere':
      case 'xy':
        perSurface[s].push([S_COEF + (p.index ?? 0), j]);
        break;
      case 'focalLength':
        perSurface[s].push([S_F, j]);
        break;
      case 'thickness':
        // The transfer into surface s+1 uses thickness s.
        if (s !== solved && s + 1 < ns) perSurface[s + 1].push([S_T, j]);
        break;
      case 'decenterX':
        perSurface[s].push([S_DX, j]);
        break;
      case 'decenterY':
        perSurface[s].push([S_DY, j]);
        break;
      case 'tiltX':
        perSurface[s].push([S_TX, j]);
        break;
      case 'tiltY':
        perSurface[s].push([S_TY, j]);
        break;
      case 'tiltZ':
        perSurface[s].push([S_TZ, j]);
        break;
      case 'nd':
      case 'vd':
        // Indices before and after every surface whose neighbouring medium is this glass.
        for (let k = 0; k < ns; k++) perSurface[k].push([S_N1, j], [S_N2, j]);
        break;
      case 'objectDistance':
        break;
    }
  });
  return { perSurface, launch: params.map((_, j) => j) };
}

/**
 * Runs the adjoint pass. See the module doc for the meaning of `out`.
 * @param rec the record of a trace that started at surface 0 and ended at the image surface
 * @param out length rays·P (perRay) or P; accumulated into (zero it first)
 */
export function traceAdjoint(
  system: LensSystem,
  rec: TraceRecord,
  launch: LaunchInfo,
  w: number,
  seeds: AdjointSeeds,
  params: readonly ParamRef[],
  out: Float64Array,
  perRay = false,
): Float64Array {
  const ns = system.surfaces.length;
  const size = rec.size;
  const P = params.length;
  const map = buildSlotMap(system, params);
  const solved = solvedThicknessSurface(system);
  const maxCoef = Math.max(0, ...system.surfaces.map((s) => Math.max(s.asphere.length, s.xy.length)));
  const slots = new Float64Array(S_COEF + maxCoef + 1);
  const nrmG = new Float64Array(3);
  const g3 = new Float64Array(6);
  // Launch tangents per parameter.
  const pupil = entrancePupil(system);
  const field = objectField(system, launch.fx, launch.fy, pupil);
  const dR = new Float64Array(P), dEPL = new Float64Array(P), dD = new Float64Array(P), dFx = new Float64Array(P), dFy = new Float64Array(P), dTs = new Float64Array(P);
  params.forEach((p, j) => {
    // The paraxial model (pupil, field, solves) does not see decenters, tilts, conics or
    // higher-order sag terms: their launch tangents are exactly zero.
    if (paraxiallyInert(p)) return;
    const pt = pupilTangent(system, p, pupil);
    dR[j] = pt.depd / 2;
    dEPL[j] = pt.depl;
    dD[j] = pt.dd;
    [dFx[j], dFy[j]] = objectFieldTangent(system, launch.fx, launch.fy, p, pupil, pt);
    if (solved >= 0) dTs[j] = dSolvedThickness(system, p);
  });
  const dnAfter = (j: number, s: number) => dIndexAfter(system, params[j], s, w);
  const cbDerivs = system.surfaces.map((s) => (s.kind === 'coordinateBreak' ? rotationDerivatives(s) : null));
  const cbRots = system.surfaces.map((s) => (s.kind === 'coordinateBreak' ? coordinateBreakRotation(s) : null));

  const seed = (a: ArrayLike<number> | undefined, i: number) => (a ? a[i] : 0);
  const r = pupil.epd / 2;

  // Adjoint state of every ray (structure of arrays), surfaces outer, rays inner.
  const AX = new Float64Array(size), AY = new Float64Array(size), AZ = new Float64Array(size);
  const AL = new Float64Array(size), AM = new Float64Array(size), AN = new Float64Array(size);
  const AOPL = new Float64Array(size);
  const TSB = new Float64Array(size); // adjoint of the solved thickness
  const live = new Uint8Array(size);
  for (let i = 0; i < size; i++) {
    if (rec.status[i] !== RayStatus.OK) continue;
    AX[i] = seed(seeds.x, i); AY[i] = seed(seeds.y, i); AZ[i] = seed(seeds.z, i);
    AL[i] = seed(seeds.l, i); AM[i] = seed(seeds.m, i); AN[i] = seed(seeds.n, i);
    AOPL[i] = seed(seeds.opl, i);
    live[i] = AX[i] !== 0 || AY[i] !== 0 || AZ[i] !== 0 || AL[i] !== 0 || AM[i] !== 0 || AN[i] !== 0 || AOPL[i] !== 0 ? 1 : 0;
  }
  const acc = new Float64Array(slots.length);

  for (let s = ns - 1; s >= 0; s--) {
    const surf = system.surfaces[s];
    const entries = map.perSurface[s];
    const nEntries = entries.length;
    // Per-surface constants.
    const slotJ = new Int32Array(nEntries), slotK = new Int32Array(nEntries);
    const factor = new Float64Array(nEntries);
    for (let e = 0; e < nEntries; e++) {
      const [slot, j] = entries[e];
      slotK[e] = slot;
      slotJ[e] = j;
      factor[e] = slot === S_N1 ? dnAfter(j, s - 1) : slot === S_N2 ? (surf.kind === 'coordinateBreak' ? 0 : dnAfter(j, s)) : 1;
    }
    const tPrev = s > 0 ? system.surfaces[s - 1].thickness : 0;
    const off0 = (s - 1) * size;
    const off = s * size;
    const n1 = surf.kind === 'coordinateBreak' ? 0 : indexBefore(system, s, w);
    const n2 = surf.kind === 'coordinateBreak' ? 0 : surf.nAfter[w];
    const isImage = s === ns - 1;
    const bends = surf.kind !== 'paraxial' && surf.kind !== 'coordinateBreak' && (!isImage || surf.mirror || n1 !== n2);
    const mu = n1 / n2;
    const R = cbRots[s];
    const Dr = cbDerivs[s];
    const standard = surf.kind === 'standard';
    acc.fill(0);
    if (surf.kind === 'evenAsphere') {
      asphereAdjoint(surf, rec, s, tPrev, n1, n2, bends, AX, AY, AZ, AL, AM, AN, AOPL, live, TSB, s > 0 && s - 1 === solved, slotK, slotJ, factor, out, perRay, P, acc);
      if (!perRay) for (let e = 0; e < nEntries; e++) out[slotJ[e]] += acc[e];
      continue;
    }
    if (standard) {
      standardAdjoint(surf, rec, s, tPrev, n1, n2, bends, AX, AY, AZ, AL, AM, AN, AOPL, live, TSB, s > 0 && s - 1 === solved, slotK, slotJ, factor, out, perRay, P, acc);
      if (!perRay) for (let e = 0; e < nEntries; e++) out[slotJ[e]] += acc[e];
      continue;
    }
    for (let i = 0; i < size; i++) {
      if (!live[i]) continue;
      let ax = AX[i], ay = AY[i], az = AZ[i], al = AL[i], am = AM[i], an = AN[i];
      const aopl = AOPL[i];
      let px: number, py: number, pz: number, dl: number, dm: number, dn: number;
      if (s === 0) {
        px = rec.x0[i]; py = rec.y0[i]; pz = rec.z0[i]; dl = rec.l0[i]; dm = rec.m0[i]; dn = rec.n0[i];
      } else {
        const q = off0 + i;
        px = rec.x[q]; py = rec.y[q]; pz = rec.z[q] - tPrev;
        dl = rec.l[q]; dm = rec.m[q]; dn = rec.n[q];
      }
      if (nEntries > 0) slots.fill(0);
      if (R && Dr) {
        const pre = surf.order === 0;
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
      } else {
        const o = off + i;
        const X = rec.x[o], Y = rec.y[o], Z = rec.z[o];
        const t = rec.t[o];
        let qx = ax, qy = ay, qz = az;
        let bl = al, bm = am, bn = an;
        if (surf.kind === 'paraxial') {
          const f = surf.focalLength;
          const Tx = dl / dn - X / f, Ty = dm / dn - Y / f;
          const Tn = Math.sqrt(Tx * Tx + Ty * Ty + 1);
          const sg = Math.sign(dn);
          const hx = Tx / Tn, hy = Ty / Tn, hz = 1 / Tn;
          const dot = al * hx + am * hy + an * hz;
          const Tbx = (sg * (al - dot * hx)) / Tn, Tby = (sg * (am - dot * hy)) / Tn;
          bl = Tbx / dn;
          bm = Tby / dn;
          bn = (-Tbx * dl - Tby * dm) / (dn * dn);
          qx += -Tbx / f;
          qy += -Tby / f;
          slots[S_F] += (Tbx * X + Tby * Y) / (f * f);
        } else if (bends) {
          const G = surfaceGradient(surf, X, Y, Z, nrmG, g3);
          bendAdjoint(G[0], G[1], G[2], dl, dm, dn, al, am, an, n1, n2, surf.mirror, bendOut);
          bl = bendOut[0]; bm = bendOut[1]; bn = bendOut[2];
          slots[S_N1] += bendOut[6];
          slots[S_N2] += bendOut[7];
          const qb = gradientAdjoint(surf, X, Y, Z, bendOut[3], bendOut[4], bendOut[5], slots);
          qx += qb[0]; qy += qb[1]; qz += qb[2];
        }
        const tb = qx * dl + qy * dm + qz * dn + aopl * n1;
        slots[S_N1] += aopl * t;
        const F = implicitGradient(surf, X, Y, Z, g3);
        const Fx = F[0], Fy = F[1], Fz = F[2];
        const k = -tb / (Fx * dl + Fy * dm + Fz * dn);
        ax = qx + k * Fx; ay = qy + k * Fy; az = qz + k * Fz;
        al = bl + t * qx + k * t * Fx; am = bm + t * qy + k * t * Fy; an = bn + t * qz + k * t * Fz;
        if (nEntries > 0) implicitParamAdjoint(surf, X, Y, Z, k, slots);
      }
      if (s > 0) {
        slots[S_T] = -az;
        if (s - 1 === solved) TSB[i] += -az;
      }
      AX[i] = ax; AY[i] = ay; AZ[i] = az; AL[i] = al; AM[i] = am; AN[i] = an;
      if (perRay) {
        const base = i * P;
        for (let e = 0; e < nEntries; e++) out[base + slotJ[e]] += slots[slotK[e]] * factor[e];
      } else {
        for (let e = 0; e < nEntries; e++) acc[e] += slots[slotK[e]] * factor[e];
      }
    }
    if (!perRay) for (let e = 0; e < nEntries; e++) out[slotJ[e]] += acc[e];
  }

  // ---- launch: paraxial aiming, field and object distance ----
  const fieldMoves = dFx.some((v) => v !== 0) || dFy.some((v) => v !== 0);
  const launchAcc = new Float64Array(6); // r̄, EPL̄, D̄, f̄x, f̄y, t̄solved
  for (let i = 0; i < size; i++) {
    if (!live[i]) continue;
    const ax = AX[i], ay = AY[i], az = AZ[i], al = AL[i], am = AM[i], an = AN[i];
    let rb = 0, eplb = 0, Db = 0, fxb = 0, fyb = 0;
    const Px = launch.px[i], Py = launch.py[i];
    if (field.atInfinity) {
      const l0 = rec.l0[i], m0 = rec.m0[i], n0 = rec.n0[i];
      const ex = Px * r, ey = Py * r;
      const proj = ex * l0 + ey * m0;
      const pd = ax * l0 + ay * m0 + az * n0;
      eplb = az;
      rb = (ax - l0 * pd) * Px + (ay - m0 * pd) * Py;
      if (fieldMoves) {
        const dbx = al - proj * ax - pd * ex, dby = am - proj * ay - pd * ey, dbz = an - proj * az;
        const vn = Math.sqrt(field.x * field.x + field.y * field.y + 1);
        const dot = dbx * l0 + dby * m0 + dbz * n0;
        fxb = (dbx - dot * l0) / vn;
        fyb = (dby - dot * m0) / vn;
      }
    } else {
      const d = system.objectDistance;
      const vx = Px * r - field.x, vy = Py * r - field.y, vz = pupil.epl + d;
      const vn = Math.sqrt(vx * vx + vy * vy + vz * vz);
      const sg = Math.sign(vz);
      const hx = vx / vn, hy = vy / vn, hz = vz / vn;
      const dot = al * hx + am * hy + an * hz;
      const vbx = (sg * (al - dot * hx)) / vn, vby = (sg * (am - dot * hy)) / vn, vbz = (sg * (an - dot * hz)) / vn;
      rb = vbx * Px + vby * Py;
      fxb = ax - vbx;
      fyb = ay - vby;
      eplb = vbz;
      Db = vbz - az;
    }
    if (perRay) {
      const base = i * P;
      for (let j = 0; j < P; j++) out[base + j] += rb * dR[j] + eplb * dEPL[j] + Db * dD[j] + fxb * dFx[j] + fyb * dFy[j] + TSB[i] * dTs[j];
    } else {
      launchAcc[0] += rb;
      launchAcc[1] += eplb;
      launchAcc[2] += Db;
      launchAcc[3] += fxb;
      launchAcc[4] += fyb;
      launchAcc[5] += TSB[i];
    }
  }
  if (!perRay) {
    for (let j = 0; j < P; j++) {
      out[j] += launchAcc[0] * dR[j] + launchAcc[1] * dEPL[j] + launchAcc[2] * dD[j] + launchAcc[3] * dFx[j] + launchAcc[4] * dFy[j] + launchAcc[5] * dTs[j];
    }
  }
  return out;
}

/**
 * Adjoint of bending a ray at a surface whose unnormalised normal is G (oriented towards +z):
 * N = ±G/|G| (sign so that d·N ≥ 0), refraction d' = μd + gN with g = sqrt(1 − μ²(1 − cos²I)) − μ cos I,
 * or reflection d' = d − 2 cos I N. Given d̄', writes into `out`:
 * [d̄x, d̄y, d̄z, Ḡx, Ḡy, Ḡz, n̄ before, n̄ after].
 */
function bendAdjoint(
  gx: number, gy: number, gz: number,
  dl: number, dm: number, dn: number,
  al: number, am: number, an: number,
  n1: number, n2: number, mirror: boolean,
  out: Float64Array,
): void {
  const gn = Math.sqrt(gx * gx + gy * gy + gz * gz);
  const hx = gx / gn, hy = gy / gn, hz = gz / gn;
  const c0 = dl * hx + dm * hy + dn * hz;
  const sf = c0 < 0 ? -1 : 1;
  const Nx = sf * hx, Ny = sf * hy, Nz = sf * hz;
  const cosI = sf * c0;
  let bl = al, bm = am, bn = an;
  let Nbx: number, Nby: number, Nbz: number, cb: number;
  let n1Bar = 0, n2Bar = 0;
  if (mirror) {
    cb = -2 * (al * Nx + am * Ny + an * Nz);
    Nbx = -2 * cosI * al; Nby = -2 * cosI * am; Nbz = -2 * cosI * an;
  } else {
    const mu = n1 / n2;
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
  out[0] = bl;
  out[1] = bm;
  out[2] = bn;
  out[3] = (hbx - hd * hx) / gn;
  out[4] = (hby - hd * hy) / gn;
  out[5] = (hbz - hd * hz) / gn;
  out[6] = n1Bar;
  out[7] = n2Bar;
}

const bendOut = new Float64Array(8);

/**
 * The adjoint of one sphere / conic / plane surface for every ray (the same arithmetic as the
 * generic path, in a tight loop; bendAdjoint is written out inline here and in asphereAdjoint
 * because the call costs about half again the whole pass on the hot path). Parameter slots: curvature, conic, n before, n after, the
 * preceding thickness.
 */
function standardAdjoint(
  surf: Surface,
  rec: TraceRecord,
  s: number,
  tPrev: number,
  n1: number,
  n2: number,
  bends: boolean,
  AX: Float64Array, AY: Float64Array, AZ: Float64Array, AL: Float64Array, AM: Float64Array, AN: Float64Array,
  AOPL: Float64Array,
  live: Uint8Array,
  TSB: Float64Array,
  prevSolved: boolean,
  slotK: Int32Array,
  slotJ: Int32Array,
  factor: Float64Array,
  out: Float64Array,
  perRay: boolean,
  P: number,
  acc: Float64Array,
): void {
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
    if (prevSolved) TSB[i] -= az;
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

/**
 * The adjoint of one even-asphere surface for every ray. For the sag z = f(r²; c, k, A),
 * D = ∂z/∂(r²), the normal G and the implicit-function gradient ∇F are both (−2Dx, −2Dy, 1).
 */
function asphereAdjoint(
  surf: Surface,
  rec: TraceRecord,
  s: number,
  tPrev: number,
  n1: number,
  n2: number,
  bends: boolean,
  AX: Float64Array, AY: Float64Array, AZ: Float64Array, AL: Float64Array, AM: Float64Array, AN: Float64Array,
  AOPL: Float64Array,
  live: Uint8Array,
  TSB: Float64Array,
  prevSolved: boolean,
  slotK: Int32Array,
  slotJ: Int32Array,
  factor: Float64Array,
  out: Float64Array,
  perRay: boolean,
  P: number,
  acc: Float64Array,
): void {
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
    if (prevSolved) TSB[i] -= az;
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

/**
 * Unnormalised surface normal G (oriented towards +z) at (x, y, z): conic (−cx, −cy, 1 − c(1+k)z),
 * asphere (−2D x, −2D y, 1) with D = dz/d(r²), XY (−g_x, −g_y, 1 − 2bz), plane (0, 0, 1).
 */
function surfaceGradient(surf: Surface, x: number, y: number, z: number, out: Float64Array, g: Float64Array): Float64Array {
  switch (surf.kind) {
    case 'standard':
      out[0] = -surf.c * x;
      out[1] = -surf.c * y;
      out[2] = 1 - surf.c * (1 + surf.k) * z;
      return out;
    case 'evenAsphere': {
      const D = asphereSlope(surf, x * x + y * y, g);
      out[0] = -2 * D * x;
      out[1] = -2 * D * y;
      out[2] = 1;
      return out;
    }
    case 'xyPolynomial':
      xyDerivs(surf.xy, x, y, g);
      out[0] = -g[1];
      out[1] = -g[2];
      out[2] = 1 - 2 * surf.xyB * z;
      return out;
    default:
      out[0] = 0;
      out[1] = 0;
      out[2] = 1;
      return out;
  }
}

/** D = dz/d(r²) of an even asphere; g[3..5] receive dD/dr², dD/dc, dD/dk. */
function asphereSlope(surf: Surface, r2: number, g: Float64Array): number {
  const c = surf.c, kp1 = 1 + surf.k, a = surf.asphere;
  const Q = 1 - kp1 * c * c * r2;
  const sq = Math.sqrt(Q);
  const Q32 = Q * sq;
  let D = c / (2 * sq);
  let dDr2 = (kp1 * c * c * c) / (4 * Q32);
  let pw = 1; // r2^i
  let pwm = 0; // r2^(i−1)
  for (let i = 0; i < a.length; i++) {
    D += (i + 1) * a[i] * pw;
    if (i > 0) dDr2 += (i + 1) * i * a[i] * pwm;
    pwm = pw;
    pw *= r2;
  }
  g[3] = dDr2;
  g[4] = 1 / (2 * sq) + (kp1 * c * c * r2) / (2 * Q32);
  g[5] = (c * c * c * r2) / (4 * Q32);
  return D;
}

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

const qbar = new Float64Array(3);
const scratchA = new Float64Array(6);
const scratchB = new Float64Array(6);

/** Adjoint of G(q; θ): returns q̄ and accumulates surface-parameter slots. */
function gradientAdjoint(surf: Surface, x: number, y: number, z: number, Gx: number, Gy: number, Gz: number, slots: Float64Array): Float64Array {
  qbar[0] = 0;
  qbar[1] = 0;
  qbar[2] = 0;
  switch (surf.kind) {
    case 'standard': {
      const c = surf.c, kp1 = 1 + surf.k;
      qbar[0] = -c * Gx;
      qbar[1] = -c * Gy;
      qbar[2] = -c * kp1 * Gz;
      slots[S_C] += -x * Gx - y * Gy - kp1 * z * Gz;
      slots[S_K] += -c * z * Gz;
      break;
    }
    case 'evenAsphere': {
      const g = scratchA;
      const r2 = x * x + y * y;
      const D = asphereSlope(surf, r2, g);
      const Db = -2 * (Gx * x + Gy * y);
      const r2b = Db * g[3];
      qbar[0] = -2 * D * Gx + 2 * x * r2b;
      qbar[1] = -2 * D * Gy + 2 * y * r2b;
      slots[S_C] += Db * g[4];
      slots[S_K] += Db * g[5];
      for (let i = 0, pw = 1; i < surf.asphere.length; i++, pw *= r2) slots[S_COEF + i] += Db * (i + 1) * pw;
      break;
    }
    case 'xyPolynomial': {
      const g = xyDerivs(surf.xy, x, y, scratchA);
      qbar[0] = -Gx * g[3] - Gy * g[4];
      qbar[1] = -Gx * g[4] - Gy * g[5];
      qbar[2] = -2 * surf.xyB * Gz;
      slots[S_XYB] += -2 * z * Gz;
      const J = xyDegree(surf.xy.length);
      let idx = 0;
      for (let j = 0; j <= J; j++) {
        for (let i = 0; i <= j; i++, idx++) {
          const e = j - i;
          const dgx = i > 0 ? i * x ** (i - 1) * y ** e : 0;
          const dgy = e > 0 ? e * x ** i * y ** (e - 1) : 0;
          slots[S_COEF + idx] += -Gx * dgx - Gy * dgy;
        }
      }
      break;
    }
    default:
      break;
  }
  return qbar;
}

/** ∇F of the implicit surface function F at q (conic: c(r²+(1+k)z²) − 2z; asphere: z − sag; XY: bz² − z + g; plane: z). */
function implicitGradient(surf: Surface, x: number, y: number, z: number, out: Float64Array): Float64Array {
  switch (surf.kind) {
    case 'standard':
      out[0] = 2 * surf.c * x;
      out[1] = 2 * surf.c * y;
      out[2] = 2 * surf.c * (1 + surf.k) * z - 2;
      return out;
    case 'evenAsphere': {
      const D = asphereSlope(surf, x * x + y * y, scratchB);
      out[0] = -2 * D * x;
      out[1] = -2 * D * y;
      out[2] = 1;
      return out;
    }
    case 'xyPolynomial': {
      const g = xyDerivs(surf.xy, x, y, scratchB);
      out[0] = g[1];
      out[1] = g[2];
      out[2] = 2 * surf.xyB * z - 1;
      return out;
    }
    default:
      out[0] = 0;
      out[1] = 0;
      out[2] = 1;
      return out;
  }
}

/** Accumulates k·∂F/∂θ into the slots. */
function implicitParamAdjoint(surf: Surface, x: number, y: number, z: number, k: number, slots: Float64Array): void {
  switch (surf.kind) {
    case 'standard':
      slots[S_C] += k * (x * x + y * y + (1 + surf.k) * z * z);
      slots[S_K] += k * surf.c * z * z;
      break;
    case 'evenAsphere': {
      const c = surf.c, kp1 = 1 + surf.k;
      const r2 = x * x + y * y;
      const Q = 1 - kp1 * c * c * r2;
      const sq = Math.sqrt(Q);
      const u = 1 + sq;
      const dsagdc = r2 / u + (c * r2 * kp1 * c * r2) / (sq * u * u);
      const dsagdk = (c * c * c * r2 * r2) / (2 * sq * u * u);
      slots[S_C] += -k * dsagdc;
      slots[S_K] += -k * dsagdk;
      for (let i = 0, pw = r2; i < surf.asphere.length; i++, pw *= r2) slots[S_COEF + i] += -k * pw;
      break;
    }
    case 'xyPolynomial': {
      slots[S_XYB] += k * z * z;
      const J = xyDegree(surf.xy.length);
      let idx = 0;
      for (let j = 0; j <= J; j++) for (let i = 0; i <= j; i++, idx++) slots[S_COEF + idx] += k * x ** i * y ** (j - i);
      break;
    }
    default:
      break;
  }
}

export { directionBefore };
