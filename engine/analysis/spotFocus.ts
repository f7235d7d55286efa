/**
 * Spot-diagram companions: the Airy-disk radius drawn over a spot, the Rayleigh focus step, and
 * through-focus spot diagrams.
 *
 * - Airy-disk radius (first dark ring): r = 1.22 λ N_w, with N_w the image-space working F-number
 *   (for an image in air; in a medium of index n′ this is 0.61 λ / NA′ with NA′ = 1 / (2 N_w)).
 *   Born & Wolf, Principles of Optics, §8.5.2; OpticStudio's spot diagram draws the same circle.
 * - Rayleigh depth of focus: ±2 λ N_w² keeps the wavefront within λ/4 of the focused one
 *   (Born & Wolf §8.8.3); `rayleighFocusStepMm` returns that half-depth, the natural step between
 *   through-focus planes.
 * - Through-focus spots: the rays of one field and wavelength traced to the image surface, then
 *   carried in straight lines (image space is homogeneous) to planes normal to the image surface's
 *   local z at z = Δ (mm, + away from the lens for a forward-going beam). On every plane the
 *   reference is the primary-wavelength real chief ray carried the same way, as in
 *   OpticStudio's Through Focus Spot. Lengths in mm; λ in µm.
 */
import type { LensSystem } from '../optics/system.ts';
import { RayBatch, RayStatus } from '../trace/rayBatch.ts';
import { launchContext, traceField, type LaunchContext } from '../trace/rayAiming.ts';
import { pupilPattern, type PupilPattern, type SpotDiagram } from './spot.ts';

/** Airy-disk radius (first zero), mm, for wavelength `wavelengthUm` (µm) and working F-number `workingFNumber`; NaN when N_w is not finite and positive. */
export function airyDiskRadiusMm(wavelengthUm: number, workingFNumber: number): number {
  if (!(workingFNumber > 0) || !Number.isFinite(workingFNumber) || !(wavelengthUm > 0)) return NaN;
  return 1.22 * wavelengthUm * 1e-3 * workingFNumber;
}

/** Rayleigh half depth of focus 2 λ N_w², mm (λ in µm); NaN when N_w is not finite and positive. */
export function rayleighFocusStepMm(wavelengthUm: number, workingFNumber: number): number {
  if (!(workingFNumber > 0) || !Number.isFinite(workingFNumber) || !(wavelengthUm > 0)) return NaN;
  return 2 * wavelengthUm * 1e-3 * workingFNumber * workingFNumber;
}

export interface ThroughFocusOptions {
  pattern?: PupilPattern;
  /** Hexapolar rings (default 6), grid size or random count. */
  density?: number;
  ctx?: LaunchContext;
}

/**
 * Spot diagrams of field `fieldIndex` at wavelength index `w` on the planes z = defocusMm[k]
 * (image-surface local frame). Each result is relative to the primary chief ray on its plane; a ray
 * lost before the image, or parallel to the planes, is invalid on every plane.
 * @returns one SpotDiagram per entry of `defocusMm`, in order
 */
export function throughFocusSpots(system: LensSystem, fieldIndex: number, w: number, defocusMm: readonly number[], opts: ThroughFocusOptions = {}): SpotDiagram[] {
  const ctx = opts.ctx ?? launchContext(system);
  const samples = pupilPattern(opts.pattern, opts.density);
  const fx = system.fieldX[fieldIndex], fy = system.fieldY[fieldIndex];
  const b = traceField(system, fx, fy, w, samples.px, samples.py, ctx, new RayBatch(samples.px.length));
  const chief = traceField(system, fx, fy, system.primaryIndex, [0], [0], ctx, new RayBatch(1));
  const chiefOk = chief.status[0] === RayStatus.OK && Math.abs(chief.n[0]) > 1e-12;
  const n = b.size;
  const usable = new Uint8Array(n);
  for (let i = 0; i < n; i++) usable[i] = b.status[i] === RayStatus.OK && Math.abs(b.n[i]) > 1e-12 ? 1 : 0;
  return defocusMm.map((dz) => {
    const xa = new Float64Array(n);
    const ya = new Float64Array(n);
    let cx = 0, cy = 0, count = 0;
    for (let i = 0; i < n; i++) {
      if (!usable[i]) continue;
      const t = (dz - b.z[i]) / b.n[i];
      xa[i] = b.x[i] + b.l[i] * t;
      ya[i] = b.y[i] + b.m[i] * t;
      cx += xa[i];
      cy += ya[i];
      count++;
    }
    const centroid: [number, number] | null = count > 0 ? [cx / count, cy / count] : null;
    let ref: [number, number];
    if (chiefOk) {
      const t = (dz - chief.z[0]) / chief.n[0];
      ref = [chief.x[0] + chief.l[0] * t, chief.y[0] + chief.m[0] * t];
    } else ref = centroid ?? [0, 0];
    let sum = 0, geo = 0;
    const x = new Float64Array(n);
    const y = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      if (!usable[i]) continue;
      x[i] = xa[i] - ref[0];
      y[i] = ya[i] - ref[1];
      const r2 = x[i] * x[i] + y[i] * y[i];
      sum += r2;
      if (r2 > geo) geo = r2;
    }
    return {
      fieldIndex,
      wavelengthIndex: w,
      x,
      y,
      valid: usable.slice(),
      reference: ref,
      centroid,
      rmsRadius: count > 0 ? Math.sqrt(sum / count) : null,
      geoRadius: count > 0 ? Math.sqrt(geo) : null,
      validCount: count,
    };
  });
}
