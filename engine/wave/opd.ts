/**
 * Optical path difference (OPD) over the pupil about the reference sphere, in waves at the traced
 * wavelength — the core of every wave analysis (wavefront maps, Zernike fits, PSF, MTF, Strehl).
 *
 * Conventions (../shared/oracles/wave/README.md, OpticStudio's):
 * - Pupil points are normalised entrance-pupil coordinates (Px, Py) (the ray-aiming coordinates).
 * - The reference sphere is centred on C, the real chief ray's 3-D intercept with the image surface
 *   at the traced wavelength (on a curved image C has z = sag), and passes through E = (0, 0, ν·XPL)
 *   in the image surface's frame: the paraxial exit-pupil point on the axis (XPL at the primary
 *   wavelength, measured from the image vertex along the propagation direction ν = ±1). R = |E − C|.
 * - Each ray is followed back from its own 3-D intercept with the image surface along its
 *   image-space direction to the sphere, on E's side: t solves |P + t·d − C| = R with
 *   (P + t·d − C)·(E − C) > 0. Its optical path there is OPL_ray + n'·t.
 * - OPD = (OPL_chief − OPL_ray) / λ: positive when the ray reaches the sphere with the shorter path
 *   (the wavefront is ahead of the sphere, towards the image). OPD(chief) = 0; nothing removed.
 * - A ray lost in the lens, or that misses the sphere, is masked (valid = 0, opd = 0), never NaN.
 *   When the chief ray is lost there is no reference: every sample is masked and `sphere` is null.
 *
 * The chief ray is traced as the last ray of the batch (index px.length), so one recorded trace
 * and one adjoint pass serve the whole pupil (engine/wave/opdGradient.ts).
 */
import type { LensSystem } from '../optics/system.ts';
import { directionBefore } from '../optics/system.ts';
import { objectField } from '../paraxial/pupil.ts';
import { nImage } from '../paraxial/pupil.ts';
import { RayBatch, RayStatus } from '../trace/rayBatch.ts';
import { traceBatch, type TraceRecord } from '../trace/realTrace.ts';
import { launchAimed, launchContext, type LaunchContext } from '../trace/rayAiming.ts';
import { firstOrder } from '../analysis/firstOrder.ts';

/** The reference sphere of one field and wavelength, in the image surface's frame (mm). */
export interface ReferenceSphere {
  /** Centre C: the chief ray's intercept with the image surface. */
  cx: number;
  cy: number;
  cz: number;
  /** z of the exit-pupil point E = (0, 0, ez): ν·XPL (minus the focus shift). */
  ez: number;
  /** R = |E − C|, mm. */
  radius: number;
  /** Image-space index n' at the traced wavelength. */
  nImage: number;
  /** Path along the chief ray from C back to the sphere (±R), mm. */
  chiefT: number;
  /** Optical path of the chief ray at the sphere, mm. */
  chiefOpl: number;
}

export interface OpdOptions {
  ctx?: LaunchContext;
  /** Move the image surface by this distance along the propagation direction (through focus), mm. */
  focusShiftMm?: number;
  /** Record the trace (size px.length + 1: the chief ray last) for the adjoint. */
  record?: TraceRecord;
}

/** OPD at pupil samples, with the traced image-space rays (chief ray last). */
export interface OpdSamples {
  fieldIndex: number;
  wavelengthIndex: number;
  px: Float64Array;
  py: Float64Array;
  /** OPD in waves at the traced wavelength per sample; 0 where invalid. */
  opd: Float64Array;
  /** 1 where the ray reached the image and the sphere. */
  valid: Uint8Array;
  validCount: number;
  /** null when the chief ray is lost. */
  sphere: ReferenceSphere | null;
  /** Wavelength in mm. */
  lambdaMm: number;
  /** The traced rays at the image surface (size px.length + 1, chief ray last). */
  rays: RayBatch;
  /** Pupil coordinates actually launched (after real aiming), chief last — for the adjoint. */
  launchPx: Float64Array;
  launchPy: Float64Array;
  /** Per sample: the path t from the image intercept back to the sphere, mm (for the adjoint). */
  t: Float64Array;
}

/**
 * Root of |P + t·d − C| = R on the side of E, or NaN when the ray misses the sphere.
 * (px, py, pz) = P − C; (ex, ey, ez) = E − C; d is a unit vector.
 */
export function sphereRoot(px: number, py: number, pz: number, l: number, m: number, n: number, R: number, ex: number, ey: number, ez: number): number {
  const b = px * l + py * m + pz * n;
  const c0 = px * px + py * py + pz * pz - R * R;
  const disc = b * b - c0;
  if (!(disc >= 0)) return NaN;
  const sq = Math.sqrt(disc);
  const q = b >= 0 ? -(b + sq) : -(b - sq);
  const t1 = q;
  const t2 = q !== 0 ? c0 / q : -q;
  const side = (t: number) => (px + t * l) * ex + (py + t * m) * ey + (pz + t * n) * ez;
  return side(t1) >= side(t2) ? t1 : t2;
}

/**
 * OPD of field `fieldIndex` at wavelength index `w` at normalised pupil points (px, py).
 * @param px, py normalised entrance-pupil coordinates (any pattern), equal lengths
 * @throws SystemError from the paraxial pupil computation for an unbuildable system
 */
export function opdAboutReferenceSphere(system: LensSystem, fieldIndex: number, w: number, px: ArrayLike<number>, py: ArrayLike<number>, opts: OpdOptions = {}): OpdSamples {
  const n = px.length;
  const ctx = opts.ctx ?? launchContext(system);
  const ns = system.surfaces.length;
  const fx = system.fieldX[fieldIndex], fy = system.fieldY[fieldIndex];
  const field = objectField(system, fx, fy, ctx.pupil);
  let lx: Float64Array = new Float64Array(n + 1), ly: Float64Array = new Float64Array(n + 1);
  for (let i = 0; i < n; i++) {
    lx[i] = px[i];
    ly[i] = py[i];
  }
  const b = new RayBatch(n + 1);
  // Real aiming flags rays it cannot aim (AIM_FAILED) instead of launching them unaimed.
  const launched = launchAimed(system, field, w, lx, ly, b, ctx);
  lx = Float64Array.from(launched.px);
  ly = Float64Array.from(launched.py);
  const shift = opts.focusShiftMm ?? 0;
  const dir = directionBefore(system, ns - 1);
  if (shift === 0) traceBatch(system, b, w, { record: opts.record });
  else {
    traceBatch(system, b, w, { record: opts.record, lastSurface: ns - 2 });
    for (let i = 0; i < b.size; i++) b.z[i] -= dir * shift;
    traceBatch(system, b, w, { record: opts.record, firstSurface: ns - 1 });
  }
  const opd = new Float64Array(n);
  const valid = new Uint8Array(n);
  const tArr = new Float64Array(n);
  const lambdaMm = system.wavelengthsUm[w] * 1e-3;
  const out: OpdSamples = {
    fieldIndex, wavelengthIndex: w, px: Float64Array.from(px), py: Float64Array.from(py), opd, valid, validCount: 0,
    sphere: null, lambdaMm, rays: b, launchPx: lx, launchPy: ly, t: tArr,
  };
  const c = n;
  if (b.status[c] !== RayStatus.OK) return out;
  const xpl = firstOrder(system).xpl - shift;
  if (!Number.isFinite(xpl)) return out;
  const cx = b.x[c], cy = b.y[c], cz = b.z[c];
  const ez = dir * xpl;
  const R = Math.hypot(cx, cy, ez - cz);
  const nI = nImage(system, w);
  // The chief ray starts on the sphere's centre: t = ±R, on E's side.
  const chiefT = (b.l[c] * -cx + b.m[c] * -cy + b.n[c] * (ez - cz)) >= 0 ? R : -R;
  const chiefOpl = b.opl[c] + nI * chiefT;
  out.sphere = { cx, cy, cz, ez, radius: R, nImage: nI, chiefT, chiefOpl };
  let count = 0;
  for (let i = 0; i < n; i++) {
    if (b.status[i] !== RayStatus.OK) continue;
    const t = sphereRoot(b.x[i] - cx, b.y[i] - cy, b.z[i] - cz, b.l[i], b.m[i], b.n[i], R, -cx, -cy, ez - cz);
    if (!Number.isFinite(t)) continue;
    tArr[i] = t;
    opd[i] = (chiefOpl - (b.opl[i] + nI * t)) / lambdaMm;
    valid[i] = 1;
    count++;
  }
  out.validCount = count;
  return out;
}
