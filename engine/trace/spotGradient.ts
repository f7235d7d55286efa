/**
 * The centroid RMS spot radius² of one field and wavelength and its exact gradient with respect to
 * lens parameters, in one forward trace (recorded) plus one adjoint pass. With N valid rays and
 * centroid (x̄, ȳ), L = (1/N) Σ (xᵢ − x̄)² + (yᵢ − ȳ)², and ∂L/∂xᵢ = 2 (xᵢ − x̄)/N (the centroid's
 * own variation cancels because Σ (xᵢ − x̄) = 0). mm², and mm² per parameter unit.
 */
import type { LensSystem } from '../optics/system.ts';
import type { ParamRef } from '../optics/params.ts';
import { objectField } from '../paraxial/pupil.ts';
import { RayBatch, RayStatus } from './rayBatch.ts';
import { TraceRecord, traceBatch } from './realTrace.ts';
import { launchAimed, launchContext } from './rayAiming.ts';
import { traceAdjoint } from './adjoint.ts';

export interface SpotGradient {
  /** Centroid RMS spot radius squared, mm². */
  value: number;
  gradient: Float64Array;
  validRays: number;
}

let cached: TraceRecord | null = null;

/** A trace record of the given shape, reused between calls (the record is large: 7·S·N doubles). */
export function reusableRecord(surfaces: number, size: number): TraceRecord {
  if (!cached || cached.surfaces !== surfaces || cached.size !== size) cached = new TraceRecord(surfaces, size);
  return cached;
}

/** Normalised pupil points of an n×n grid inside the unit circle (cell centres). */
export function gridOnPupil(n: number): { px: Float64Array; py: Float64Array } {
  const xs: number[] = [];
  const ys: number[] = [];
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      const x = -1 + (2 * j + 1) / n, y = -1 + (2 * i + 1) / n;
      if (x * x + y * y <= 1) {
        xs.push(x);
        ys.push(y);
      }
    }
  }
  return { px: Float64Array.from(xs), py: Float64Array.from(ys) };
}

/** Traces field f at wavelength w through the pupil points; with `withGradient`, differentiates. */
export function spotGradient(system: LensSystem, f: number, w: number, px: Float64Array, py: Float64Array, params: readonly ParamRef[], withGradient: boolean): SpotGradient {
  const n = px.length;
  const ctx = launchContext(system);
  const fx = system.fieldX[f], fy = system.fieldY[f];
  const b = new RayBatch(n);
  const launched = launchAimed(system, objectField(system, fx, fy, ctx.pupil), w, px, py, b, ctx);
  const rec = withGradient ? reusableRecord(system.surfaces.length, n) : undefined;
  traceBatch(system, b, w, { record: rec });
  let cx = 0, cy = 0, N = 0;
  for (let i = 0; i < n; i++) {
    if (b.status[i] !== RayStatus.OK) continue;
    cx += b.x[i];
    cy += b.y[i];
    N++;
  }
  const gradient = new Float64Array(params.length);
  if (N === 0) return { value: 0, gradient, validRays: 0 };
  cx /= N;
  cy /= N;
  let L = 0;
  const sx = new Float64Array(n), sy = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    if (b.status[i] !== RayStatus.OK) continue;
    const dx = b.x[i] - cx, dy = b.y[i] - cy;
    L += dx * dx + dy * dy;
    sx[i] = (2 * dx) / N;
    sy[i] = (2 * dy) / N;
  }
  if (rec) traceAdjoint(system, rec, { fx, fy, ...launched, aimed: system.rayAiming === 'real' }, w, { x: sx, y: sy }, params, gradient);
  return { value: L / N, gradient, validRays: N };
}
