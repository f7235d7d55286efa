/**
 * Test helper: the scalar the real-ray adjoint tests differentiate,
 *   L = Σ_i (a_i·x_i + b_i·y_i + c_i·l_i + d_i·m_i + e_i·opl_i)
 * over the rays at the image (x, y in mm, direction cosines l, m, optical path opl in mm), with
 * fixed, varied weights. The weights are also the adjoint's seeds, as traceAdjoint takes them.
 */
import { expect } from 'vitest';
import { RayStatus, type RayBatch } from '../../engine/trace/rayBatch.ts';

/** Per-ray weights of x, y, l, m and opl in L; each of length n. */
export interface ImageLossWeights {
  x: Float64Array;
  y: Float64Array;
  l: Float64Array;
  m: Float64Array;
  opl: Float64Array;
}

/** Fixed weights for n rays: smooth in the ray index, of both signs, none the same. */
export function imageLossWeights(n: number): ImageLossWeights {
  return {
    x: Float64Array.from({ length: n }, (_, i) => Math.sin(i + 1)),
    y: Float64Array.from({ length: n }, (_, i) => Math.cos(2 * i + 1)),
    l: Float64Array.from({ length: n }, (_, i) => 0.3 * Math.sin(3 * i)),
    m: Float64Array.from({ length: n }, (_, i) => 0.2 * Math.cos(5 * i)),
    opl: Float64Array.from({ length: n }, (_, i) => 0.1 * Math.sin(7 * i + 2)),
  };
}

/** L of a traced batch of `w.x.length` rays; expects every ray to have reached the image (RayStatus.OK). */
export function imageLoss(b: RayBatch, w: ImageLossWeights): number {
  let L = 0;
  for (let i = 0; i < w.x.length; i++) {
    expect(b.status[i]).toBe(RayStatus.OK);
    L += w.x[i] * b.x[i] + w.y[i] * b.y[i] + w.l[i] * b.l[i] + w.m[i] * b.m[i] + w.opl[i] * b.opl[i];
  }
  return L;
}
