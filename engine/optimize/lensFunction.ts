/**
 * Lens functions for the TensorFlow.js bridge (tfBridge.makeLensOp): real-ray image intercepts as
 * a differentiable function of lens parameters, with the vector–Jacobian product from the adjoint.
 */
import type { LensSystem } from '../optics/system.ts';
import { writeParams, readParams, type ParamRef } from '../optics/params.ts';
import { applySolves } from '../paraxial/solves.ts';
import { objectField } from '../paraxial/pupil.ts';
import { RayBatch, RayStatus } from '../trace/rayBatch.ts';
import { TraceRecord, traceBatch } from '../trace/realTrace.ts';
import { launchAimed, launchContext } from '../trace/rayAiming.ts';
import { traceAdjoint } from '../trace/adjoint.ts';
import type { LensFunction } from './tfBridge.ts';

/**
 * Image-plane intercepts of rays of field index f, wavelength index w through pupil points:
 * value = [x₀…x_{n−1}, y₀…y_{n−1}, valid₀…valid_{n−1}] in mm (lost rays: 0 and valid 0; the validity
 * entries have zero gradient). The system is set to `params` on every call and left there.
 */
export function imageIntercepts(system: LensSystem, params: readonly ParamRef[], f: number, w: number, px: Float64Array, py: Float64Array): LensFunction {
  const n = px.length;
  return (values: Float64Array) => {
    writeParams(system, params, values);
    applySolves(system);
    const ctx = launchContext(system);
    const fx = system.fieldX[f], fy = system.fieldY[f];
    const b = new RayBatch(n);
    const launched = launchAimed(system, objectField(system, fx, fy, ctx.pupil), w, px, py, b, ctx);
    const rec = new TraceRecord(system.surfaces.length, n);
    traceBatch(system, b, w, { record: rec });
    const value = new Float64Array(3 * n);
    for (let i = 0; i < n; i++) {
      if (b.status[i] !== RayStatus.OK) continue;
      value[i] = b.x[i];
      value[n + i] = b.y[i];
      value[2 * n + i] = 1;
    }
    return {
      value,
      vjp: (dy: Float64Array) => {
        const g = new Float64Array(params.length);
        traceAdjoint(system, rec, { fx, fy, ...launched, aimed: system.rayAiming === 'real' }, w, { x: dy.subarray(0, n), y: dy.subarray(n, 2 * n) }, params, g);
        return g;
      },
    };
  };
}

export { readParams };
