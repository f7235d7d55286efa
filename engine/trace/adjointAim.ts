/**
 * The derivative of real ray aiming (realAim.ts), by implicit differentiation at the converged aim.
 *
 * A real aim u = (Px, Py) solves g(u, θ) = s(u, θ) − T(θ) = 0, with s the ray's (x, y) on the stop
 * and T = P_req·r_stop(θ) its target (r_stop the paraxial stop radius, realAim.ts). With F the
 * seeded output and J = ∂s/∂u (2×2 per ray),
 *   dF/dθ = ∂F/∂θ|_u − λᵀ (∂s/∂θ|_u − ∂T/∂θ),   λ = J⁻ᵀ ∂F/∂u,
 * so the aim's iterations are never unrolled. ∂F/∂u comes from the main pass (its pupil
 * adjoints); J from two adjoint passes seeded at the stop (x̄ = 1, then ȳ = 1); −λᵀ ∂s/∂θ from one
 * more pass seeded at the stop with −λ (it includes the launch's own motion with θ); ∂T/∂θ from
 * the paraxial tangent of the marginal ray's stop height. T itself is read from the recorded stop
 * intercept (equal to the target within the aim's 1e-10 mm tolerance).
 */
import type { ParamRef } from '../optics/params.ts';
import type { LensSystem } from '../optics/system.ts';
import { paraxialHeightAt } from '../paraxial/paraxial.ts';
import { paraxialTangent } from '../paraxial/paraxialTangent.ts';
import { entrancePupil } from '../paraxial/pupil.ts';
import { pupilTangent } from '../paraxial/pupilTangent.ts';
import { marginalRayStart, marginalRayStartTangent } from '../paraxial/rays.ts';
import { adjointPass, type LaunchInfo } from './adjointPass.ts';
import { RayStatus } from './rayBatch.ts';
import type { TraceRecord } from './realTrace.ts';

/** d r_stop / dθ_j for every parameter, and r_stop's sign (r_stop = |y_marginal at the stop|). */
function stopRadiusTangents(system: LensSystem, params: readonly ParamRef[]): { y: number; dy: Float64Array } {
  const w0 = system.primaryIndex;
  const pupil = entrancePupil(system);
  const [y0, nu0] = marginalRayStart(system, pupil.epd, pupil.epl, w0);
  const y = paraxialHeightAt(system, w0, y0, nu0, system.stopIndex);
  const dy = Float64Array.from(params, (p) => {
    const [dy0, dnu0] = marginalRayStartTangent(system, pupil.epd, pupil.epl, w0, pupilTangent(system, p, pupil));
    return paraxialTangent(system, p, w0, y0, nu0, dy0, dnu0, system.stopIndex, true)[2];
  });
  return { y, dy };
}

/**
 * Adds the real-aiming term to `out` (see the module doc).
 * @param pupilBar ∂F/∂(Px, Py) per ray from the main pass (length 2·rays)
 */
export function aimAdjoint(
  system: LensSystem,
  rec: TraceRecord,
  launch: LaunchInfo,
  w: number,
  pupilBar: Float64Array,
  params: readonly ParamRef[],
  out: Float64Array,
  perRay: boolean,
): Float64Array {
  const n = rec.size;
  const stop = system.stopIndex;
  const P = params.length;
  const plain: LaunchInfo = { fx: launch.fx, fy: launch.fy, px: launch.px, py: launch.py };
  const none: ParamRef[] = [];
  // J = ∂(x, y)_stop/∂(Px, Py): rows from passes seeded with x̄ = 1 and ȳ = 1 at the stop.
  const ones = new Float64Array(n).fill(1);
  const jx = new Float64Array(2 * n), jy = new Float64Array(2 * n);
  adjointPass(system, rec, plain, w, { x: ones }, none, new Float64Array(0), false, { fromSurface: stop, pupilBar: jx });
  adjointPass(system, rec, plain, w, { y: ones }, none, new Float64Array(0), false, { fromSurface: stop, pupilBar: jy });
  const lx = new Float64Array(n), ly = new Float64Array(n);
  let any = false;
  for (let i = 0; i < n; i++) {
    if (rec.status[i] !== RayStatus.OK) continue;
    const fx = pupilBar[2 * i], fy = pupilBar[2 * i + 1];
    if (fx === 0 && fy === 0) continue;
    const j11 = jx[2 * i], j12 = jx[2 * i + 1], j21 = jy[2 * i], j22 = jy[2 * i + 1];
    const det = j11 * j22 - j12 * j21;
    if (!(Math.abs(det) > 0)) continue;
    // λ = J⁻ᵀ (fx, fy).
    lx[i] = (j22 * fx - j21 * fy) / det;
    ly[i] = (-j12 * fx + j11 * fy) / det;
    any = true;
  }
  if (!any || P === 0) return out;
  // −λᵀ ∂s/∂θ: one pass seeded with −λ at the stop.
  const mlx = lx.map((v) => -v), mly = ly.map((v) => -v);
  adjointPass(system, rec, plain, w, { x: mlx, y: mly }, params, out, perRay, { fromSurface: stop });
  // +λᵀ ∂T/∂θ, T = (x, y)_stop: ∂T/∂θ = T · (∂r_stop/∂θ) / r_stop.
  const { y, dy } = stopRadiusTangents(system, params);
  const off = stop * n;
  for (let i = 0; i < n; i++) {
    if (lx[i] === 0 && ly[i] === 0) continue;
    const k = (lx[i] * rec.x[off + i] + ly[i] * rec.y[off + i]) / y;
    for (let j = 0; j < P; j++) {
      if (perRay) out[i * P + j] += k * dy[j];
      else out[j] += k * dy[j];
    }
  }
  return out;
}
