/**
 * Optical path difference (wavefront error) over the pupil, in waves at the traced wavelength.
 *
 * Conventions (../shared/oracles/README.md, optiland's defaults): hexapolar sampling with 15 rings;
 * the reference sphere is centred on the real chief ray's image point and passes through the
 * paraxial exit-pupil centre (0, 0, z_image + XPL), so its radius is the distance between the two;
 * each ray's optical path runs from its start (the incoming plane wavefront for an object at
 * infinity, the object point otherwise) to where the ray, followed back from the image plane, meets
 * that sphere; OPD = (OPL_chief − OPL_ray) / λ. RMS = sqrt(mean OPD²), no piston or tilt removed.
 */
import type { LensSystem } from '../optics/system.ts';
import { directionBefore } from '../optics/system.ts';
import { hexapolar } from '../trace/pupilSampling.ts';
import { RayStatus } from '../trace/rayBatch.ts';
import { launchContext, traceField, type LaunchContext } from '../trace/rayGen.ts';
import { firstOrder } from './firstOrder.ts';

export interface WavefrontMap {
  fieldIndex: number;
  wavelengthIndex: number;
  px: Float64Array;
  py: Float64Array;
  /** OPD in waves per pupil sample (0 where the ray is lost). */
  opd: Float64Array;
  valid: Uint8Array;
  /** RMS and peak-to-valley OPD over valid rays, waves; null when the chief ray is lost. */
  rms: number | null;
  pv: number | null;
}

/**
 * Wavefront error of field `fieldIndex` at wavelength index w.
 * @param rings hexapolar rings (15 by default: 721 rays)
 */
export function wavefront(system: LensSystem, fieldIndex: number, w: number, opts: { rings?: number; ctx?: LaunchContext } = {}): WavefrontMap {
  const ctx = opts.ctx ?? launchContext(system);
  const { px, py } = hexapolar(opts.rings ?? 15);
  const n = px.length;
  const fx = system.fieldX[fieldIndex], fy = system.fieldY[fieldIndex];
  const b = traceField(system, fx, fy, w, px, py, ctx);
  const chief = traceField(system, fx, fy, w, [0], [0], ctx);
  const opd = new Float64Array(n);
  const valid = new Uint8Array(n);
  const result: WavefrontMap = { fieldIndex, wavelengthIndex: w, px, py, opd, valid, rms: null, pv: null };
  if (chief.status[0] !== RayStatus.OK) return result;
  const xpl = firstOrder(system).xpl;
  const nImg = system.surfaces[system.surfaces.length - 2].nAfter[w];
  const dir = directionBefore(system, system.surfaces.length - 1);
  // Reference point: the chief ray's intercept; exit pupil at z = XPL along the propagation.
  const cx = chief.x[0], cy = chief.y[0];
  const ez = dir * xpl;
  const R = Math.hypot(cx, cy, ez);
  const side = Math.sign(ez) || -1;
  const pathToSphere = (x: number, y: number, l: number, m: number, nz: number, opl: number): number => {
    const ox = x - cx, oy = y - cy;
    const bq = l * ox + m * oy;
    const c = ox * ox + oy * oy - R * R;
    const disc = bq * bq - c;
    if (disc < 0) return NaN;
    // The root on the exit-pupil side of the image plane (nz·t has the sign of ez).
    const sq = Math.sqrt(disc);
    const t1 = -bq - sq, t2 = -bq + sq;
    const t = Math.sign(nz * t1) === side ? t1 : t2;
    return opl + nImg * t;
  };
  const oplChief = pathToSphere(cx, cy, chief.l[0], chief.m[0], chief.n[0], chief.opl[0]);
  const lambdaMm = system.wavelengthsUm[w] * 1e-3;
  let sum = 0, count = 0, lo = Infinity, hi = -Infinity;
  for (let i = 0; i < n; i++) {
    if (b.status[i] !== RayStatus.OK) continue;
    const o = pathToSphere(b.x[i], b.y[i], b.l[i], b.m[i], b.n[i], b.opl[i]);
    if (!Number.isFinite(o)) continue;
    const v = (oplChief - o) / lambdaMm;
    opd[i] = v;
    valid[i] = 1;
    sum += v * v;
    count++;
    lo = Math.min(lo, v);
    hi = Math.max(hi, v);
  }
  if (count > 0) {
    result.rms = Math.sqrt(sum / count);
    result.pv = hi - lo;
  }
  return result;
}
