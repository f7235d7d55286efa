/**
 * The real-ray adjoint against central finite differences, per parameter kind and surface type.
 * The function differentiated is L = Σ_i (a·x_i + b·y_i + c·l_i + d·m_i + e·opl_i) over valid rays
 * at the image, with fixed random weights, for a full-field bundle.
 */
import { describe, expect, it } from 'vitest';
import fs from 'node:fs';
import path from 'node:path';
import { parsePrescriptionJson } from '../io/json.ts';
import type { Prescription } from '../io/prescription.ts';
import { GlassLibrary } from '../materials/glassLibrary.ts';
import type { LensSystem } from '../optics/system.ts';
import { buildSystem } from '../paraxial/buildSystem.ts';
import type { ParamRef } from '../optics/params.ts';
import { applySolves } from '../paraxial/solves.ts';
import { RayBatch } from './rayBatch.ts';
import { TraceRecord, traceBatch } from './realTrace.ts';
import { launchContext, launchRays } from './rayAiming.ts';
import { objectField } from '../paraxial/pupil.ts';
import { hexapolar } from './pupilSampling.ts';
import { traceAdjoint } from './adjoint.ts';
import { cookeWithSolves } from '../../test/helpers/solvedLenses.ts';
import { richardsonDerivative } from '../../test/helpers/finiteDifference.ts';
import { imageLoss, imageLossWeights } from '../../test/helpers/imageLoss.ts';

const root = path.resolve(import.meta.dirname, '../..');
const cooke = (): Prescription => parsePrescriptionJson(fs.readFileSync(path.join(root, 'lens-library/cooke-triplet.json'), 'utf8'));

const pupil = hexapolar(3);
const n = pupil.px.length;
const weights = imageLossWeights(n);

function trace(system: LensSystem, fy: number, rec?: TraceRecord): RayBatch {
  const ctx = launchContext(system);
  const b = new RayBatch(n);
  launchRays(system, objectField(system, 0, fy, ctx.pupil), pupil.px, pupil.py, b, ctx);
  return traceBatch(system, b, 0, { record: rec });
}

function loss(system: LensSystem, fy: number): number {
  return imageLoss(trace(system, fy), weights);
}

/** A finite-difference step that moves the rays by roughly 1e-4 mm for each parameter kind. */
function step(p: ParamRef): number {
  switch (p.kind) {
    case 'curvature':
      return 1e-5;
    case 'asphere':
      return 1e-5 / 25 ** ((p.index ?? 0) + 1);
    case 'xy': {
      const j = Math.round((Math.sqrt(8 * (p.index ?? 0) + 1) - 1) / 2 - 0.5 + 0.5);
      return 1e-4 / 5 ** Math.max(j, 1);
    }
    case 'xyB':
      return 1e-5;
    case 'conic':
      return 1e-2;
    case 'tiltX':
    case 'tiltY':
    case 'tiltZ':
      return 1e-5;
    case 'nd':
      return 1e-5;
    case 'vd':
      return 1e-3;
    default:
      return 1e-4;
  }
}

function check(system: LensSystem, params: ParamRef[], fy: number, relTol = 1e-6) {
  const rec = new TraceRecord(system.surfaces.length, n);
  trace(system, fy, rec);
  const grad = new Float64Array(params.length);
  traceAdjoint(system, rec, { fx: 0, fy, px: pupil.px, py: pupil.py }, 0, weights, params, grad);
  params.forEach((p, j) => {
    // Central differences with one Richardson extrapolation: error O(h⁴).
    const fd = richardsonDerivative(system, p, step(p), () => loss(system, fy), applySolves);
    const scale = Math.max(Math.abs(fd), Math.abs(grad[j]), 1e-6);
    expect(Math.abs(grad[j] - fd) / scale, `${p.kind}@${p.surface}: adjoint ${grad[j]} vs FD ${fd}`).toBeLessThan(relTol);
  });
}

describe('real-ray adjoint vs central finite differences', () => {
  it('curvature and thickness (spheres, EPD aperture, paraxial aiming through a moving pupil)', () => {
    const system = buildSystem(cooke(), GlassLibrary.builtin());
    const params: ParamRef[] = [];
    for (let s = 0; s < 6; s++) params.push({ kind: 'curvature', surface: s }, { kind: 'thickness', surface: s });
    check(system, params, 20);
  });

  it('conic constants and a plane surface (c = 0)', () => {
    const p = cooke();
    (p.surfaces[1] as { conic?: number }).conic = -0.8;
    (p.surfaces[4] as { conic?: number }).conic = 1.5;
    p.surfaces[3] = { ...(p.surfaces[3] as object), radius: null } as Prescription['surfaces'][number];
    const system = buildSystem(p, GlassLibrary.builtin());
    check(system, [{ kind: 'conic', surface: 1 }, { kind: 'conic', surface: 4 }, { kind: 'curvature', surface: 3 }, { kind: 'conic', surface: 0 }], 14);
  });

  it('even-asphere coefficients (Newton intersection, implicit differentiation)', () => {
    const p = cooke();
    p.surfaces[4] = { type: 'evenAsphere', radius: 79.6836, conic: -2, asphere: [1e-4, -2e-6, 3e-8, -1e-10], thickness: 2.95208, material: (p.surfaces[4] as { material?: never }).material };
    const system = buildSystem(p, GlassLibrary.builtin());
    const params: ParamRef[] = [0, 1, 2, 3].map((i) => ({ kind: 'asphere', surface: 4, index: i }));
    params.push({ kind: 'curvature', surface: 4 }, { kind: 'conic', surface: 4 });
    check(system, params, 20);
  });

  it('XY polynomial coefficients and b', () => {
    const p = cooke();
    const xy = new Array(15).fill(0);
    xy[3] = 0.5 / 79.6836; // y²
    xy[5] = 0.5 / 79.6836; // x²
    xy[4] = 1e-4; // xy
    xy[8] = 2e-5; // x² y
    xy[10] = 1e-6; // y⁴
    p.surfaces[4] = { type: 'xyPolynomial', b: 0.004, xy, thickness: 2.95208, material: (p.surfaces[4] as { material?: never }).material };
    const system = buildSystem(p, GlassLibrary.builtin());
    const params: ParamRef[] = [3, 4, 5, 8, 10, 1].map((i) => ({ kind: 'xy', surface: 4, index: i }));
    params.push({ kind: 'xyB', surface: 4 });
    check(system, params, 14);
  });

  it('decenter and tilt of a coordinate break (both orders)', () => {
    const p = cooke();
    p.surfaces.splice(4, 0, { type: 'coordinateBreak', decenterX: 0.2, decenterY: -0.1, tiltX: 1.5, tiltY: -0.7, tiltZ: 10, thickness: 0 });
    p.surfaces.splice(7, 0, { type: 'coordinateBreak', decenterX: -0.05, tiltX: -1, tiltY: 0.4, tiltZ: 5, order: 1, thickness: 0 });
    const system = buildSystem(p, GlassLibrary.builtin());
    const params: ParamRef[] = [];
    for (const s of [4, 7]) for (const kind of ['decenterX', 'decenterY', 'tiltX', 'tiltY', 'tiltZ'] as const) params.push({ kind, surface: s });
    check(system, params, 20);
  });

  it('model glass nd and Vd', () => {
    const p = cooke();
    (p.surfaces[2] as { material: unknown }).material = { model: { nd: 1.62, vd: 36.4 } };
    const system = buildSystem(p, GlassLibrary.builtin());
    check(system, [{ kind: 'nd', surface: 2 }, { kind: 'vd', surface: 2 }], 20);
  });

  it('finite object: object distance, object-height field, object NA, image solve', () => {
    const p = cooke();
    p.object = { distance: 300 };
    p.fields = { type: 'objectHeight', points: [{ x: 0, y: 0 }, { x: 0, y: 40 }] };
    p.aperture = { type: 'objectNA', value: 0.02 };
    p.imageSolve = 'paraxialFocus';
    const system = buildSystem(p, GlassLibrary.builtin());
    check(system, [{ kind: 'objectDistance', surface: 0 }, { kind: 'curvature', surface: 2 }, { kind: 'thickness', surface: 1 }], 40);
  });

  it('through solves and pickups of every kind (the solved parameters chained, not listed)', () => {
    const system = buildSystem(cookeWithSolves(), GlassLibrary.builtin());
    check(system, [{ kind: 'curvature', surface: 2 }, { kind: 'curvature', surface: 4 }, { kind: 'thickness', surface: 0 }, { kind: 'conic', surface: 2 }, { kind: 'nd', surface: 0 }], 20);
  });

  it('image F-number aperture and paraxial image-height fields', () => {
    const p = cooke();
    p.aperture = { type: 'imageFNumber', value: 5 };
    p.fields = { type: 'paraxialImageHeight', points: [{ x: 0, y: 0 }, { x: 0, y: 15 }] };
    const system = buildSystem(p, GlassLibrary.builtin());
    check(system, [0, 1, 2, 3].map((s) => ({ kind: 'curvature' as const, surface: s })), 15);
  });

  it('a mirror (folded path, negative thickness)', () => {
    const p: Prescription = {
      format: 'lens-studio/1', name: 'mirror', units: 'mm', object: { distance: 'infinity' },
      aperture: { type: 'EPD', value: 20 }, fields: { type: 'angle', points: [{ x: 0, y: 0 }, { x: 0, y: 1 }] },
      wavelengths: { valuesUm: [0.55], primaryIndex: 0 },
      surfaces: [
        { type: 'standard', radius: null, thickness: 50, stop: true },
        { type: 'standard', radius: -200, conic: -0.5, thickness: -90, material: 'MIRROR' },
      ],
    };
    const system = buildSystem(p, GlassLibrary.builtin());
    check(system, [{ kind: 'curvature', surface: 1 }, { kind: 'conic', surface: 1 }, { kind: 'thickness', surface: 0 }, { kind: 'thickness', surface: 1 }], 1);
  });

  it('an ideal paraxial lens (focal length) behind a real singlet', () => {
    const p: Prescription = {
      format: 'lens-studio/1', name: 'paraxial + singlet', units: 'mm', object: { distance: 'infinity' },
      aperture: { type: 'EPD', value: 10 }, fields: { type: 'angle', points: [{ x: 0, y: 0 }, { x: 0, y: 3 }] },
      wavelengths: { valuesUm: [0.55], primaryIndex: 0 },
      surfaces: [
        { type: 'standard', radius: 60, thickness: 4, material: 'N-BK7', stop: true },
        { type: 'standard', radius: -80, thickness: 5 },
        { type: 'paraxial', focalLength: 200, thickness: 40 },
      ],
    };
    const system = buildSystem(p, GlassLibrary.builtin());
    check(system, [{ kind: 'focalLength', surface: 2 }, { kind: 'thickness', surface: 1 }, { kind: 'curvature', surface: 0 }, { kind: 'curvature', surface: 1 }], 3);
  });

  it('an ideal lens at a finite conjugate (its optical path depends on the object distance and on the upstream optics)', () => {
    const p: Prescription = {
      format: 'lens-studio/1', name: 'singlet + ideal lens, finite object', units: 'mm', object: { distance: 180 },
      aperture: { type: 'EPD', value: 10 }, fields: { type: 'objectHeight', points: [{ x: 0, y: 0 }, { x: 0, y: 6 }] },
      wavelengths: { valuesUm: [0.55], primaryIndex: 0 },
      surfaces: [
        { type: 'standard', radius: 70, thickness: 4, material: 'N-BK7', stop: true },
        { type: 'standard', radius: -90, thickness: 6 },
        { type: 'paraxial', focalLength: 120, thickness: 50 },
      ],
    };
    const system = buildSystem(p, GlassLibrary.builtin());
    check(system, [{ kind: 'objectDistance', surface: 0 }, { kind: 'focalLength', surface: 2 }, { kind: 'thickness', surface: 1 }, { kind: 'curvature', surface: 0 }, { kind: 'curvature', surface: 1 }], 6);
  });
});
