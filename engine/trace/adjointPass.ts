/**
 * One reverse-mode pass over a recorded real-ray trace (adjoint.ts has the method): from the seeded
 * state after surface `fromSurface` (default: the image) back through every surface to the launch,
 * accumulating ∂/∂θ into `out`, and optionally the adjoints of the launch pupil coordinates
 * (P̄x, P̄y per ray), which the differentiation of real ray aiming needs (adjointAim.ts).
 * Derivatives are partial: every parameter of the list varies alone, solved ones included
 * (adjoint.ts chains the solves). A defined field's vignetting factors reshape the launch pupil
 * (rayAiming.ts) when the launch names the field.
 */
import type { LensSystem } from '../optics/system.ts';
import { indexBefore } from '../optics/system.ts';
import type { ParamRef } from '../optics/params.ts';
import { dIndexAfter } from '../optics/params.ts';
import { entrancePupil, fieldPointObjectField, objectField } from '../paraxial/pupil.ts';
import { objectFieldTangent, pupilTangent } from '../paraxial/pupilTangent.ts';
import { dSignedIndexAfter, paraxialTangent } from '../paraxial/paraxialTangent.ts';
import { signedIndexAfter } from '../paraxial/paraxial.ts';
import { axialRayStart, idealLensVergence } from '../paraxial/rays.ts';
import { asphereAdjoint } from './adjointAsphere.ts';
import { conicAdjoint } from './adjointConic.ts';
import { coordinateBreakAdjoint } from './adjointCoordinateBreak.ts';
import { coordinateBreakRotation, rotationDerivatives } from './coordinateBreak.ts';
import { paraxialAdjoint } from './adjointParaxial.ts';
import { S_C, S_COEF, S_DX, S_DY, S_F, S_K, S_N1, S_N2, S_T, S_TX, S_TY, S_TZ, S_XYB, type AdjointWorkspace } from './adjointWorkspace.ts';
import { xyAdjoint } from './adjointXY.ts';
import { RayStatus } from './rayBatch.ts';
import type { TraceRecord } from './realTrace.ts';

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
  /**
   * true when px, py are real aims (rayAiming.ts launchAimed with "rayAiming": "real"): the
   * adjoint then differentiates the aim itself, implicitly at the converged solution (adjointAim.ts).
   */
  aimed?: boolean;
  /**
   * The defined field point the rays were launched for (rayAiming.ts with fieldPointObjectField),
   * whose vignetting factors then reshaped the pupil; absent for rays launched by field value.
   */
  field?: number;
}

/**
 * Carries ∂L/∂v_O of the ideal surface s (per ray) to the parameters: v_O = −Nu/(y N) of the paraxial
 * axial ray arriving at s (paraxial/rays.ts idealLensVergence), differentiated by paraxialTangent.
 */
function conjugateAdjoint(system: LensSystem, s: number, w: number, params: readonly ParamRef[], dD: Float64Array, vOBar: Float64Array, live: Uint8Array, out: Float64Array, perRay: boolean): void {
  const P = params.length;
  const [y0, nu0] = axialRayStart(system, w);
  const N = signedIndexAfter(system, s - 1, w);
  const dv = new Float64Array(P);
  const finiteObject = Number.isFinite(system.objectDistance);
  params.forEach((p, j) => {
    if (paraxiallyInert(p)) return;
    // The object distance's tangent, from the launch tangents the pass already has.
    const dd = finiteObject ? dD[j] : 0;
    const [y, nu, dy, dnu] = paraxialTangent(system, p, w, y0, nu0, dd, 0, s, true);
    const dN = dSignedIndexAfter(system, p, s - 1, w);
    const yN = y * N;
    dv[j] = -dnu / yN + (nu * (dy * N + y * dN)) / (yN * yN);
  });
  let sum = 0;
  for (let i = 0; i < vOBar.length; i++) {
    if (!live[i] || vOBar[i] === 0) continue;
    if (perRay) {
      const base = i * P;
      for (let j = 0; j < P; j++) out[base + j] += vOBar[i] * dv[j];
    } else sum += vOBar[i];
  }
  if (!perRay) for (let j = 0; j < P; j++) out[j] += sum * dv[j];
}

/** True for parameters that leave every paraxial quantity unchanged (see engine/paraxial/). */
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
  /** Parameters acting through the launch (EPD, EPL, field, object distance). */
  launch: number[];
}

function buildSlotMap(system: LensSystem, params: readonly ParamRef[]): SlotMap {
  const ns = system.surfaces.length;
  const perSurface: [number, number][][] = Array.from({ length: ns }, () => []);
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
        if (s + 1 < ns) perSurface[s + 1].push([S_T, j]);
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

/** Options of one pass. */
export interface PassOptions {
  /** The surface whose output state the seeds refer to (default: the image surface). */
  fromSurface?: number;
  /** When given (length 2·rays), receives P̄x at 2i and P̄y at 2i + 1 for every ray. */
  pupilBar?: Float64Array;
}

/**
 * Runs one adjoint pass (adjoint.ts traceAdjoint's meaning of `out`), without the real-aiming term.
 * @param rec the record of a trace that started at surface 0 and reached `fromSurface`
 * @param out length rays·P (perRay) or P; accumulated into
 */
export function adjointPass(
  system: LensSystem,
  rec: TraceRecord,
  launch: LaunchInfo,
  w: number,
  seeds: AdjointSeeds,
  params: readonly ParamRef[],
  out: Float64Array,
  perRay: boolean,
  opts: PassOptions = {},
): Float64Array {
  const ns = system.surfaces.length;
  const size = rec.size;
  const P = params.length;
  const map = buildSlotMap(system, params);
  const maxCoef = Math.max(0, ...system.surfaces.map((s) => Math.max(s.asphere.length, s.xy.length)));
  // Launch tangents per parameter.
  const pupil = entrancePupil(system);
  const field = launch.field !== undefined ? fieldPointObjectField(system, launch.field, pupil) : objectField(system, launch.fx, launch.fy, pupil);
  const vig = field.vignetting;
  const dR = new Float64Array(P), dEPL = new Float64Array(P), dD = new Float64Array(P), dFx = new Float64Array(P), dFy = new Float64Array(P);
  params.forEach((p, j) => {
    // The paraxial model (pupil, field) does not see decenters, tilts, conics or higher-order sag
    // terms: their launch tangents are exactly zero.
    if (paraxiallyInert(p)) return;
    const pt = pupilTangent(system, p, pupil);
    dR[j] = pt.depd / 2;
    dEPL[j] = pt.depl;
    dD[j] = pt.dd;
    [dFx[j], dFy[j]] = objectFieldTangent(system, launch.fx, launch.fy, p, pupil, pt);
  });
  const dnAfter = (j: number, s: number) => dIndexAfter(system, params[j], s, w);

  const seed = (a: ArrayLike<number> | undefined, i: number) => (a ? a[i] : 0);
  const r = pupil.epd / 2;

  // Adjoint state of every ray (structure of arrays), surfaces outer, rays inner.
  const ws: AdjointWorkspace = {
    rec,
    P,
    perRay,
    out,
    AX: new Float64Array(size),
    AY: new Float64Array(size),
    AZ: new Float64Array(size),
    AL: new Float64Array(size),
    AM: new Float64Array(size),
    AN: new Float64Array(size),
    AOPL: new Float64Array(size),
    live: new Uint8Array(size),
    acc: new Float64Array(S_COEF + maxCoef + 1),
    slots: new Float64Array(S_COEF + maxCoef + 1),
    surf: system.surfaces[ns - 1],
    s: ns - 1,
    tPrev: 0,
    n1: 0,
    n2: 0,
    bends: false,
    slotK: new Int32Array(0),
    slotJ: new Int32Array(0),
    factor: new Float64Array(0),
    vO: 0,
    vOBar: new Float64Array(size),
    R: null,
    Dr: null,
  };
  const { AX, AY, AZ, AL, AM, AN, AOPL, live, acc } = ws;
  const from = opts.fromSurface ?? ns - 1;
  for (let i = 0; i < size; i++) {
    // A ray counts when it reached the seeded surface (the image, unless seeded earlier).
    if (rec.status[i] !== RayStatus.OK && !(from < ns - 1 && rec.lostAt[i] > from)) continue;
    AX[i] = seed(seeds.x, i); AY[i] = seed(seeds.y, i); AZ[i] = seed(seeds.z, i);
    AL[i] = seed(seeds.l, i); AM[i] = seed(seeds.m, i); AN[i] = seed(seeds.n, i);
    AOPL[i] = seed(seeds.opl, i);
    live[i] = AX[i] !== 0 || AY[i] !== 0 || AZ[i] !== 0 || AL[i] !== 0 || AM[i] !== 0 || AN[i] !== 0 || AOPL[i] !== 0 ? 1 : 0;
  }

  for (let s = from; s >= 0; s--) {
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
    const cb = surf.kind === 'coordinateBreak';
    const n1 = cb ? 0 : indexBefore(system, s, w);
    const n2 = cb ? 0 : surf.nAfter[w];
    const isImage = s === ns - 1;
    ws.surf = surf;
    ws.s = s;
    ws.tPrev = s > 0 ? system.surfaces[s - 1].thickness : 0;
    ws.n1 = n1;
    ws.n2 = n2;
    ws.bends = surf.kind !== 'paraxial' && !cb && (!isImage || surf.mirror || n1 !== n2);
    ws.slotK = slotK;
    ws.slotJ = slotJ;
    ws.factor = factor;
    ws.R = cb ? coordinateBreakRotation(surf) : null;
    ws.Dr = cb ? rotationDerivatives(surf) : null;
    acc.fill(0);
    switch (surf.kind) {
      case 'standard':
        conicAdjoint(ws);
        break;
      case 'evenAsphere':
        asphereAdjoint(ws);
        break;
      case 'xyPolynomial':
        xyAdjoint(ws);
        break;
      case 'paraxial':
        ws.vO = idealLensVergence(system, s, w);
        ws.vOBar.fill(0);
        paraxialAdjoint(ws);
        if (Number.isFinite(ws.vO)) conjugateAdjoint(system, s, w, params, dD, ws.vOBar, live, out, perRay);
        break;
      case 'coordinateBreak':
        coordinateBreakAdjoint(ws);
        break;
    }
    if (!perRay) for (let e = 0; e < nEntries; e++) out[slotJ[e]] += acc[e];
  }

  // ---- launch: paraxial aiming, field and object distance ----
  const fieldMoves = dFx.some((v) => v !== 0) || dFy.some((v) => v !== 0);
  const launchAcc = new Float64Array(5); // r̄, EPL̄, D̄, f̄x, f̄y
  for (let i = 0; i < size; i++) {
    if (!live[i]) continue;
    const ax = AX[i], ay = AY[i], az = AZ[i], al = AL[i], am = AM[i], an = AN[i];
    let rb = 0, eplb = 0, Db = 0, fxb = 0, fyb = 0, pbx = 0, pby = 0;
    // Through the field's vignetting factors, when it has them: Px' = VDX + Px(1 − VCX), ...
    const Px = vig ? vig.vdx + launch.px[i] * (1 - vig.vcx) : launch.px[i];
    const Py = vig ? vig.vdy + launch.py[i] * (1 - vig.vcy) : launch.py[i];
    if (field.atInfinity) {
      const l0 = rec.l0[i], m0 = rec.m0[i], n0 = rec.n0[i];
      const ex = Px * r, ey = Py * r;
      const proj = ex * l0 + ey * m0;
      const pd = ax * l0 + ay * m0 + az * n0;
      eplb = az;
      pbx = ax - l0 * pd;
      pby = ay - m0 * pd;
      rb = pbx * Px + pby * Py;
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
      pbx = vbx;
      pby = vby;
      rb = vbx * Px + vby * Py;
      fxb = ax - vbx;
      fyb = ay - vby;
      eplb = vbz;
      Db = vbz - az;
    }
    if (opts.pupilBar) {
      // P̄x = r ēx (the pupil point is (Px·r, Py·r)): the factors of Px and Py in r̄ above.
      // (With vignetting, of the launch coordinates before the factors: × (1 − VC).)
      opts.pupilBar[2 * i] = r * pbx * (vig ? 1 - vig.vcx : 1);
      opts.pupilBar[2 * i + 1] = r * pby * (vig ? 1 - vig.vcy : 1);
    }
    if (perRay) {
      const base = i * P;
      for (let j = 0; j < P; j++) out[base + j] += rb * dR[j] + eplb * dEPL[j] + Db * dD[j] + fxb * dFx[j] + fyb * dFy[j];
    } else {
      launchAcc[0] += rb;
      launchAcc[1] += eplb;
      launchAcc[2] += Db;
      launchAcc[3] += fxb;
      launchAcc[4] += fyb;
    }
  }
  if (!perRay) {
    for (let j = 0; j < P; j++) {
      out[j] += launchAcc[0] * dR[j] + launchAcc[1] * dEPL[j] + launchAcc[2] * dD[j] + launchAcc[3] * dFx[j] + launchAcc[4] * dFy[j];
    }
  }
  return out;
}

