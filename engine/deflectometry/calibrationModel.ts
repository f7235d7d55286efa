/**
 * The self-calibration of a deflectometry session as a least-squares problem (the paper's
 * "differentiable refractive deflectometry", Wang, Chen & Heidrich 2021, fitted by damped least
 * squares on the exact Jacobian).
 *
 * Residuals, in mm, two per used camera pixel (x then y on the screen):
 *   lens rows:      P_model(pixel; lens, pose, offset) − P_measured,lens
 *   reference rows: P_direct(pixel) − offset − P_measured,reference
 * where P is the screen point in screen mm (scene.ts). Variables: lens parameters (curvature
 * 1/mm, thickness mm, even-asphere coefficients), the pose (x, y, z in mm, tilts in degrees,
 * pose.ts) and the screen offset (mm).
 *
 * Jacobian (exact, by the chain rule around the tracer's adjoint, engine/trace/adjoint.ts). With
 * the ray leaving the lens at q (lens frame) with direction f, p = T + R q, e = R f, the screen
 * point is X = p_x − p_z e_x / e_z − o_x (and likewise Y), so
 *   ∂X/∂p = (1, 0, −e_x/e_z),  ∂X/∂e = (s, 0, −s e_x/e_z),  s = −p_z / e_z.
 * Those cotangents are the adjoint's seeds (as Rᵀ·, in the image frame); one per-ray adjoint pass
 * per screen axis gives every lens parameter's derivative. The pose enters twice:
 *  - outgoing (p = T + R q, e = R f): ∂X/∂T = ∂X/∂p, ∂X/∂R_ij = (∂X/∂p)_i q_j + (∂X/∂e)_i f_j;
 *  - incoming (o_l = Rᵀ(o − T), d_l = Rᵀ d): a pose change (dT, dR) moves the incoming rays rigidly
 *    in the lens frame, by the rotation −W, W = Rᵀ dR = skew(ω), and the translation −Rᵀ dT. That
 *    equals the fit system's zero coordinate break (fitSystem.ts) changed by tilts ω and decenter
 *    Rᵀ dT; the z part of the translation, moving each ray along z by δ, is the same ray line as
 *    a decenter of (δ l/n, δ m/n). The adjoint's per-ray derivatives with respect to those
 *    coordinate-break parameters therefore give the incoming pose terms exactly.
 * The thicknesses also shift the image frame (q_lens = q_image + Σ t ẑ), which adds ∂X/∂q_z.
 */
import type { ParamRef } from '../optics/params.ts';
import { getParam, setParam } from '../optics/params.ts';
import type { LeastSquaresProblem } from '../optimize/problem.ts';
import { traceAdjoint, type LaunchInfo } from '../trace/adjoint.ts';
import { RayBatch, RayStatus } from '../trace/rayBatch.ts';
import { traceBatch, TraceRecord } from '../trace/realTrace.ts';
import type { RayBundle } from './camera.ts';
import { RIGID_GENERATORS, type FitSystem } from './fitSystem.ts';
import { poseRotation, type LensPose } from './pose.ts';
import { raysToLensFrame } from './scene.ts';

const DEG = Math.PI / 180;

/** One fit variable. */
export type FitVariable =
  | { readonly kind: 'lens'; readonly label: string; readonly param: ParamRef }
  | { readonly kind: 'pose'; readonly label: string; readonly key: keyof LensPose }
  | { readonly kind: 'screen'; readonly label: string; readonly axis: 0 | 1 };

/** The residual rows of one camera. */
export interface CameraRows {
  /** World rays of the lens rows' pixels. */
  readonly lensRays: RayBundle;
  /** Measured screen points of the lens rows, mm (x, y interleaved). */
  readonly lensMeasured: Float64Array;
  /** World screen hits (no offset) of the reference rows' rays, mm (x, y interleaved). */
  readonly referenceDirect: Float64Array;
  /** Measured screen points of the reference rows, mm (x, y interleaved). */
  readonly referenceMeasured: Float64Array;
}

/** Residual assigned to a ray the model loses (miss, TIR) at the current variables, mm. */
export const LOST_RAY_RESIDUAL_MM = 10;

export interface ModelState {
  readonly fit: FitSystem;
  pose: LensPose;
  offset: [number, number];
}

/** Concatenates ray bundles. */
function concatRays(list: readonly RayBundle[]): RayBundle {
  const n = list.reduce((a, r) => a + r.count, 0);
  const out = { count: n, ox: new Float64Array(n), oy: new Float64Array(n), oz: new Float64Array(n), dx: new Float64Array(n), dy: new Float64Array(n), dz: new Float64Array(n) };
  let k = 0;
  for (const r of list) {
    out.ox.set(r.ox, k); out.oy.set(r.oy, k); out.oz.set(r.oz, k);
    out.dx.set(r.dx, k); out.dy.set(r.dy, k); out.dz.set(r.dz, k);
    k += r.count;
  }
  return out;
}

function concatArrays(list: readonly Float64Array[]): Float64Array {
  const out = new Float64Array(list.reduce((a, b) => a + b.length, 0));
  let k = 0;
  for (const a of list) {
    out.set(a, k);
    k += a.length;
  }
  return out;
}

const NG = RIGID_GENERATORS.length;

export class CalibrationModel implements LeastSquaresProblem {
  readonly nVariables: number;
  readonly nResiduals: number;
  readonly lensRays: RayBundle;
  readonly nLensRows: number;
  readonly nReferenceRows: number;
  /** Per lens row: 1 when the model traced it through the lens at the last evaluation. */
  readonly modelValid: Uint8Array;
  /** Per lens row, the modelled screen point at the last evaluation (x, y interleaved; NaN if lost). */
  readonly modelled: Float64Array;
  private readonly lensMeasured: Float64Array;
  private readonly refDirect: Float64Array;
  private readonly refMeasured: Float64Array;
  /** Adjoint parameters: the varied lens parameters, then the rigid-motion generators. */
  private readonly adjointParams: ParamRef[];
  private readonly lensVarIndex: number[];
  private readonly residuals: Float64Array;
  private readonly jacobian: Float64Array;
  private readonly batch: RayBatch;
  private readonly record: TraceRecord;
  private readonly launch: LaunchInfo;
  private readonly imageSurface: number;

  constructor(
    readonly state: ModelState,
    readonly variables: readonly FitVariable[],
    readonly cameras: readonly CameraRows[],
  ) {
    this.nVariables = variables.length;
    this.lensRays = concatRays(cameras.map((c) => c.lensRays));
    const n = this.lensRays.count;
    this.nLensRows = n;
    this.lensMeasured = concatArrays(cameras.map((c) => c.lensMeasured));
    this.refDirect = concatArrays(cameras.map((c) => c.referenceDirect));
    this.refMeasured = concatArrays(cameras.map((c) => c.referenceMeasured));
    this.nReferenceRows = this.refDirect.length / 2;
    this.nResiduals = 2 * (n + this.nReferenceRows);
    this.adjointParams = [];
    this.lensVarIndex = [];
    variables.forEach((v, j) => {
      if (v.kind === 'lens') {
        this.adjointParams.push(v.param);
        this.lensVarIndex.push(j);
      }
    });
    this.adjointParams.push(...RIGID_GENERATORS);
    this.residuals = new Float64Array(this.nResiduals);
    this.jacobian = new Float64Array(this.nResiduals * this.nVariables);
    this.batch = new RayBatch(n);
    const system = state.fit.system;
    this.imageSurface = system.surfaces.length - 1;
    this.record = new TraceRecord(system.surfaces.length, n);
    this.launch = { fx: 0, fy: 0, px: new Float64Array(n), py: new Float64Array(n) };
    this.modelValid = new Uint8Array(n);
    this.modelled = new Float64Array(2 * n);
  }

  /** The current variable vector. */
  read(): Float64Array {
    const { state } = this;
    return Float64Array.from(this.variables, (v) =>
      v.kind === 'lens' ? getParam(state.fit.system, v.param) : v.kind === 'pose' ? state.pose[v.key] : state.offset[v.axis],
    );
  }

  /** Writes a variable vector into the state (system, pose, offset). */
  write(x: ArrayLike<number>): void {
    const { state } = this;
    const pose = { ...state.pose } as { -readonly [K in keyof LensPose]: number };
    this.variables.forEach((v, j) => {
      if (v.kind === 'lens') setParam(state.fit.system, v.param, x[j]);
      else if (v.kind === 'pose') pose[v.key] = x[j];
      else state.offset[v.axis] = x[j];
    });
    state.pose = pose;
  }

  /** z of the image plane in the lens frame: the sum of every thickness before it, mm. */
  private imageZ(): number {
    const surfaces = this.state.fit.system.surfaces;
    let z = 0;
    for (let s = 0; s < this.imageSurface; s++) z += surfaces[s].thickness;
    return z;
  }

  evaluate(x: Float64Array, wantJacobian: boolean): { residuals: Float64Array; jacobian?: Float64Array } {
    this.write(x);
    const { state, residuals: res, jacobian: jac, batch } = this;
    const nv = this.nVariables;
    const [ox, oy] = state.offset;
    const n = this.nLensRows;
    if (wantJacobian) jac.fill(0);
    // Reference rows: the direct screen hit minus the offset.
    const base = 2 * n;
    for (let k = 0; k < this.nReferenceRows; k++) {
      res[base + 2 * k] = this.refDirect[2 * k] - ox - this.refMeasured[2 * k];
      res[base + 2 * k + 1] = this.refDirect[2 * k + 1] - oy - this.refMeasured[2 * k + 1];
    }
    if (wantJacobian) {
      this.variables.forEach((v, j) => {
        if (v.kind !== 'screen') return;
        for (let k = 0; k < this.nReferenceRows; k++) jac[(base + 2 * k + v.axis) * nv + j] = -1;
      });
    }
    if (n === 0) return { residuals: res, jacobian: wantJacobian ? jac : undefined };

    // Lens rows: rays into the lens frame, trace (recorded for the adjoint), back to the world.
    const system = state.fit.system;
    raysToLensFrame(this.lensRays, state.pose, batch);
    // Intermediate lens shapes of the fit may cross at the edge: rays there are traced virtually
    // (not flagged backward), so no measured pixel drops out of the fit mid-way.
    traceBatch(system, batch, 0, { record: wantJacobian ? this.record : undefined, allowBackward: true });
    const r = new Float64Array(9);
    const drx = new Float64Array(9);
    const dry = new Float64Array(9);
    poseRotation(state.pose, r, drx, dry);
    const T = [state.pose.xMm, state.pose.yMm, state.pose.zMm];
    const zImage = this.imageZ();
    // Per ray and screen axis: cotangents of p and e (3 each).
    const gp = new Float64Array(6 * n);
    const ge = new Float64Array(6 * n);
    for (let i = 0; i < n; i++) {
      let lost = batch.status[i] !== RayStatus.OK;
      let X = NaN;
      let Y = NaN;
      if (!lost) {
        const qx = batch.x[i], qy = batch.y[i], qz = batch.z[i] + zImage;
        const fx = batch.l[i], fy = batch.m[i], fz = batch.n[i];
        const px = T[0] + r[0] * qx + r[1] * qy + r[2] * qz;
        const py = T[1] + r[3] * qx + r[4] * qy + r[5] * qz;
        const pz = T[2] + r[6] * qx + r[7] * qy + r[8] * qz;
        const ex = r[0] * fx + r[1] * fy + r[2] * fz;
        const ey = r[3] * fx + r[4] * fy + r[5] * fz;
        const ez = r[6] * fx + r[7] * fy + r[8] * fz;
        const s = -pz / ez;
        // The image plane may lie beyond the screen: any point of the outgoing line will do, as
        // long as the ray travels towards the screen.
        if (ez > 0 && Number.isFinite(s)) {
          X = px + s * ex - ox;
          Y = py + s * ey - oy;
          for (let a = 0; a < 2; a++) {
            const ea = a === 0 ? ex : ey;
            const o = 6 * i + 3 * a;
            gp[o + a] = 1;
            gp[o + 2] = -ea / ez;
            ge[o + a] = s;
            ge[o + 2] = (-s * ea) / ez;
          }
        } else lost = true;
      }
      this.modelValid[i] = lost ? 0 : 1;
      this.modelled[2 * i] = X;
      this.modelled[2 * i + 1] = Y;
      res[2 * i] = lost ? LOST_RAY_RESIDUAL_MM : X - this.lensMeasured[2 * i];
      res[2 * i + 1] = lost ? LOST_RAY_RESIDUAL_MM : Y - this.lensMeasured[2 * i + 1];
    }
    if (!wantJacobian) return { residuals: res };
    this.fillLensJacobian(r, drx, dry, zImage, gp, ge);
    return { residuals: res, jacobian: jac };
  }

  /** The lens rows of the Jacobian (module doc), from the recorded trace. */
  private fillLensJacobian(
    r: Float64Array,
    drx: Float64Array,
    dry: Float64Array,
    zImage: number,
    gp: Float64Array,
    ge: Float64Array,
  ): void {
    const { state, jacobian: jac, batch, record } = this;
    const system = state.fit.system;
    const n = this.nLensRows;
    const nv = this.nVariables;
    const P = this.adjointParams.length;
    const kLens = P - NG;
    const seeds = { x: new Float64Array(n), y: new Float64Array(n), z: new Float64Array(n), l: new Float64Array(n), m: new Float64Array(n), n: new Float64Array(n) };
    const out = new Float64Array(n * P);
    const col = (pred: (v: FitVariable) => boolean): number => this.variables.findIndex(pred);
    const cX = col((v) => v.kind === 'pose' && v.key === 'xMm');
    const cY = col((v) => v.kind === 'pose' && v.key === 'yMm');
    const cZ = col((v) => v.kind === 'pose' && v.key === 'zMm');
    const cTx = col((v) => v.kind === 'pose' && v.key === 'tiltXDeg');
    const cTy = col((v) => v.kind === 'pose' && v.key === 'tiltYDeg');
    const cScreen = [col((v) => v.kind === 'screen' && v.axis === 0), col((v) => v.kind === 'screen' && v.axis === 1)];
    const anyPose = cX >= 0 || cY >= 0 || cZ >= 0 || cTx >= 0 || cTy >= 0;
    // ω (rotation generators) of W = Rᵀ ∂R/∂θ = skew(ω) for the two tilts (radians).
    const omega = (dR: Float64Array): [number, number, number] => {
      const w = (i: number, j: number) => r[i] * dR[j] + r[3 + i] * dR[3 + j] + r[6 + i] * dR[6 + j];
      return [w(2, 1), w(0, 2), w(1, 0)];
    };
    const [wx0, wx1, wx2] = omega(drx);
    const [wy0, wy1, wy2] = omega(dry);
    const thicknessShift = this.adjointParams.slice(0, kLens).map((p) => p.kind === 'thickness' && p.surface < this.imageSurface);
    for (let a = 0; a < 2; a++) {
      for (let i = 0; i < n; i++) {
        const o = 6 * i + 3 * a;
        const valid = this.modelValid[i] === 1;
        // g_q = Rᵀ g_p, g_f = Rᵀ g_e (image-frame axes are the lens-frame axes).
        seeds.x[i] = valid ? r[0] * gp[o] + r[3] * gp[o + 1] + r[6] * gp[o + 2] : 0;
        seeds.y[i] = valid ? r[1] * gp[o] + r[4] * gp[o + 1] + r[7] * gp[o + 2] : 0;
        seeds.z[i] = valid ? r[2] * gp[o] + r[5] * gp[o + 1] + r[8] * gp[o + 2] : 0;
        seeds.l[i] = valid ? r[0] * ge[o] + r[3] * ge[o + 1] + r[6] * ge[o + 2] : 0;
        seeds.m[i] = valid ? r[1] * ge[o] + r[4] * ge[o + 1] + r[7] * ge[o + 2] : 0;
        seeds.n[i] = valid ? r[2] * ge[o] + r[5] * ge[o + 1] + r[8] * ge[o + 2] : 0;
      }
      out.fill(0);
      traceAdjoint(system, record, this.launch, 0, seeds, this.adjointParams, out, true);
      const sc = cScreen[a];
      for (let i = 0; i < n; i++) {
        if (!this.modelValid[i]) continue;
        const row = (2 * i + a) * nv;
        const g = i * P;
        for (let c = 0; c < kLens; c++) jac[row + this.lensVarIndex[c]] = out[g + c] + (thicknessShift[c] ? seeds.z[i] : 0);
        if (sc >= 0) jac[row + sc] = -1;
        if (!anyPose) continue;
        const o = 6 * i + 3 * a;
        const gDecX = out[g + kLens], gDecY = out[g + kLens + 1];
        const gT0 = out[g + kLens + 2], gT1 = out[g + kLens + 3], gT2 = out[g + kLens + 4];
        const l0 = record.l0[i], m0 = record.m0[i], n0 = record.n0[i];
        const gpx = gp[o], gpy = gp[o + 1], gpz = gp[o + 2];
        const gex = ge[o], gey = ge[o + 1], gez = ge[o + 2];
        // Incoming side, translation: dT ↦ decenter Rᵀ dT (x, y); its z part δ = −(Rᵀ dT)_z is
        // the decenter (δ l/n, δ m/n). Rᵀ e_k is row k of R.
        const lx = l0 / n0, my = m0 / n0;
        const inT0 = gDecX * (r[0] - r[2] * lx) + gDecY * (r[1] - r[2] * my);
        const inT1 = gDecX * (r[3] - r[5] * lx) + gDecY * (r[4] - r[5] * my);
        const inT2 = gDecX * (r[6] - r[8] * lx) + gDecY * (r[7] - r[8] * my);
        // Outgoing side, rotation: ∂X/∂R_ij = g_p,i q_j + g_e,i f_j, contracted with ∂R/∂θ.
        const q0 = batch.x[i], q1 = batch.y[i], q2 = batch.z[i] + zImage;
        const f0 = batch.l[i], f1 = batch.m[i], f2 = batch.n[i];
        let tx = 0;
        let ty = 0;
        for (let ii = 0; ii < 3; ii++) {
          const gpi = ii === 0 ? gpx : ii === 1 ? gpy : gpz;
          const gei = ii === 0 ? gex : ii === 1 ? gey : gez;
          const r0 = gpi * q0 + gei * f0, r1 = gpi * q1 + gei * f1, r2 = gpi * q2 + gei * f2;
          const k = 3 * ii;
          tx += r0 * drx[k] + r1 * drx[k + 1] + r2 * drx[k + 2];
          ty += r0 * dry[k] + r1 * dry[k + 1] + r2 * dry[k + 2];
        }
        if (cX >= 0) jac[row + cX] = gpx + inT0;
        if (cY >= 0) jac[row + cY] = gpy + inT1;
        if (cZ >= 0) jac[row + cZ] = gpz + inT2;
        if (cTx >= 0) jac[row + cTx] = (tx + gT0 * wx0 + gT1 * wx1 + gT2 * wx2) * DEG;
        if (cTy >= 0) jac[row + cTy] = (ty + gT0 * wy0 + gT1 * wy1 + gT2 * wy2) * DEG;
      }
    }
  }
}
