/**
 * Real rays of one field at one wavelength with their exact per-ray Jacobians: the image-plane
 * intercepts x, y (mm) and ∂x/∂θ_j, ∂y/∂θ_j from one adjoint pass per seed (adjoint.ts), so a
 * Jacobian costs about three forward traces whatever the number of parameters. Ray aiming is
 * differentiated: paraxial aiming through the pupil's tangents, real aiming implicitly at the
 * converged aim (adjointAim.ts).
 */
import type { ParamRef } from '../optics/params.ts';
import type { LensSystem } from '../optics/system.ts';
import { objectField } from '../paraxial/pupil.ts';
import { traceAdjoint } from './adjoint.ts';
import { RayBatch, RayStatus } from './rayBatch.ts';
import { launchAimed, launchContext } from './rayAiming.ts';
import { TraceRecord, traceBatch } from './realTrace.ts';

/** Real rays of one field at one wavelength with per-ray Jacobians of x and y (rays × P, row-major). */
export interface TracedRays {
  /** Image-plane intercepts, mm (meaningless where ok = 0). */
  x: Float64Array;
  y: Float64Array;
  /** 1 where the ray reached the image plane. */
  ok: Uint8Array;
  /** jx[i·P + j] = ∂xᵢ/∂θⱼ (with wantJ). */
  jx?: Float64Array;
  jy?: Float64Array;
}

/**
 * Traces rays of field index f at wavelength index w through normalised pupil points (px, py),
 * with exact per-ray derivatives of the image-plane x and y with respect to `params` when wantJ.
 */
export function traceRaysWithJacobian(system: LensSystem, f: number, w: number, px: Float64Array, py: Float64Array, params: readonly ParamRef[], wantJ: boolean): TracedRays {
  const ctx = launchContext(system);
  const fx = system.fieldX[f], fy = system.fieldY[f];
  const field = objectField(system, fx, fy, ctx.pupil);
  const n = px.length;
  const b = new RayBatch(n);
  const { px: ax, py: ay } = launchAimed(system, field, w, px, py, b, ctx);
  const rec = wantJ ? new TraceRecord(system.surfaces.length, n) : undefined;
  traceBatch(system, b, w, { record: rec });
  const ok = new Uint8Array(n);
  for (let i = 0; i < n; i++) ok[i] = b.status[i] === RayStatus.OK ? 1 : 0;
  const out: TracedRays = { x: Float64Array.from(b.x), y: Float64Array.from(b.y), ok };
  if (wantJ && rec) {
    const P = params.length;
    const ones = new Float64Array(n).fill(1);
    const launch = { fx, fy, px: ax, py: ay, aimed: system.rayAiming === 'real' };
    out.jx = traceAdjoint(system, rec, launch, w, { x: ones }, params, new Float64Array(n * P), true);
    out.jy = traceAdjoint(system, rec, launch, w, { y: ones }, params, new Float64Array(n * P), true);
  }
  return out;
}
