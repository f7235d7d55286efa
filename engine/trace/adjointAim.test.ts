/**
 * Real ray aiming differentiated implicitly at the converged aim (adjointAim.ts), against central
 * finite differences that re-aim every ray at each perturbed lens. The function differentiated is
 * L = Σ_i (a·x_i + b·y_i + c·l_i + d·m_i + e·opl_i) over the aimed rays at the image, with fixed
 * weights; the parameters move the real pupil, the stop radius and the launch.
 */
import { describe, expect, it } from 'vitest';
import fs from 'node:fs';
import path from 'node:path';
import { parsePrescriptionJson } from '../io/json.ts';
import type { Prescription } from '../io/prescription.ts';
import { GlassLibrary } from '../materials/glassLibrary.ts';
import type { ParamRef } from '../optics/params.ts';
import type { LensSystem } from '../optics/system.ts';
import { buildSystem } from '../paraxial/buildSystem.ts';
import { objectField } from '../paraxial/pupil.ts';
import { applySolves } from '../paraxial/solves.ts';
import { traceAdjoint } from './adjoint.ts';
import { hexapolar } from './pupilSampling.ts';
import { RayBatch } from './rayBatch.ts';
import { launchAimed, launchContext } from './rayAiming.ts';
import { traceRaysWithJacobian } from './rayJacobian.ts';
import { TraceRecord, traceBatch } from './realTrace.ts';
import { richardsonDerivative } from '../../test/helpers/finiteDifference.ts';
import { imageLoss, imageLossWeights } from '../../test/helpers/imageLoss.ts';

const root = path.resolve(import.meta.dirname, '../..');
const lens = (file: string): Prescription => parsePrescriptionJson(fs.readFileSync(path.join(root, 'lens-library', file), 'utf8'));

const pupil = hexapolar(2);
const n = pupil.px.length;
const weights = imageLossWeights(n);

function trace(system: LensSystem, fy: number, w: number, rec?: TraceRecord) {
  const ctx = launchContext(system);
  const b = new RayBatch(n);
  const launched = launchAimed(system, objectField(system, 0, fy, ctx.pupil), w, pupil.px, pupil.py, b, ctx);
  traceBatch(system, b, w, { record: rec });
  return { b, launched };
}

function loss(system: LensSystem, fy: number, w: number): number {
  return imageLoss(trace(system, fy, w).b, weights);
}

function check(system: LensSystem, params: ParamRef[], fy: number, h: (p: ParamRef) => number, relTol: number, w = system.primaryIndex): Float64Array {
  expect(system.rayAiming).toBe('real');
  const rec = new TraceRecord(system.surfaces.length, n);
  const { launched } = trace(system, fy, w, rec);
  const grad = new Float64Array(params.length);
  traceAdjoint(system, rec, { fx: 0, fy, ...launched, aimed: true }, w, weights, params, grad);
  params.forEach((p, j) => {
    const fd = richardsonDerivative(system, p, h(p), () => loss(system, fy, w), applySolves);
    const scale = Math.max(Math.abs(fd), Math.abs(grad[j]), 1e-6);
    expect(Math.abs(grad[j] - fd) / scale, `${p.kind}@${p.surface}: adjoint ${grad[j]} vs FD ${fd}`).toBeLessThan(relTol);
  });
  return grad;
}

const step = (p: ParamRef) => (p.kind === 'curvature' ? 1e-5 : p.kind === 'nd' ? 1e-5 : 1e-4);

describe('real ray aiming: implicit derivative of the converged aim vs re-aimed finite differences', () => {
  it('Cooke triplet (stop inside): curvatures and thicknesses before and after the stop, EPD aperture', () => {
    const system = buildSystem({ ...lens('cooke-triplet.json'), rayAiming: 'real' }, GlassLibrary.builtin());
    const params: ParamRef[] = [];
    for (let s = 0; s < 6; s++) params.push({ kind: 'curvature', surface: s }, { kind: 'thickness', surface: s });
    check(system, params, 20, step, 1e-6);
  });

  it('image F-number aperture (the stop radius moves with the EFL) and another wavelength', () => {
    const p = lens('cooke-triplet.json');
    const system = buildSystem({ ...p, rayAiming: 'real', aperture: { type: 'imageFNumber', value: 5 } }, GlassLibrary.builtin());
    check(system, [0, 2, 4].map((s) => ({ kind: 'curvature' as const, surface: s })), 14, step, 1e-6, 0);
  });

  it('finite object with object NA and object-height field, and a focus solve', () => {
    const p = lens('cooke-triplet.json');
    p.object = { distance: 300 };
    p.fields = { type: 'objectHeight', points: [{ x: 0, y: 0 }, { x: 0, y: 40 }] };
    p.aperture = { type: 'objectNA', value: 0.02 };
    p.imageSolve = 'paraxialFocus';
    const system = buildSystem({ ...p, rayAiming: 'real' }, GlassLibrary.builtin());
    check(system, [{ kind: 'objectDistance', surface: 0 }, { kind: 'curvature', surface: 2 }, { kind: 'thickness', surface: 1 }], 40, step, 1e-6);
  });

  it('the fisheye at 60°, where the real aim is far from the paraxial one', () => {
    const system = buildSystem(lens('fisheye-nikkor-10.5mm.json'), GlassLibrary.builtin());
    check(system, [{ kind: 'curvature', surface: 1 }, { kind: 'thickness', surface: 3 }, { kind: 'nd', surface: 4 }, { kind: 'curvature', surface: 14 }], 60, step, 1e-5);
  });

  it('differs from holding the aim fixed, and per-ray Jacobians (rayJacobian.ts) agree with the summed adjoint', () => {
    const system = buildSystem({ ...lens('cooke-triplet.json'), rayAiming: 'real' }, GlassLibrary.builtin());
    const params: ParamRef[] = [{ kind: 'thickness', surface: 1 }, { kind: 'curvature', surface: 2 }];
    const w = system.primaryIndex;
    const rec = new TraceRecord(system.surfaces.length, n);
    const { launched } = trace(system, 20, w, rec);
    const aimed = traceAdjoint(system, rec, { fx: 0, fy: 20, ...launched, aimed: true }, w, { y: weights.y }, params, new Float64Array(2));
    const fixed = traceAdjoint(system, rec, { fx: 0, fy: 20, ...launched }, w, { y: weights.y }, params, new Float64Array(2));
    expect(Math.abs(aimed[0] - fixed[0])).toBeGreaterThan(1e-3 * Math.abs(aimed[0]));
    const t = traceRaysWithJacobian(system, 2, w, pupil.px, pupil.py, params, true);
    for (let j = 0; j < 2; j++) {
      let sum = 0;
      for (let i = 0; i < n; i++) sum += weights.y[i] * t.jy![i * 2 + j];
      expect(Math.abs(sum - aimed[j])).toBeLessThan(1e-12 * Math.max(1, Math.abs(aimed[j])));
    }
  });
});
