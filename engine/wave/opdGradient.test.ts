/**
 * Gradients of the wavefront RMS and of Zernike coefficients (adjoint with OPL seeds) against
 * central finite differences: curvatures, thicknesses (including the image distance, which moves
 * the exit pupil relative to the image), a conic, on a flat and on a curved image; and XPL's tangent.
 */
import { describe, expect, it } from 'vitest';
import fs from 'node:fs';
import path from 'node:path';
import { parsePrescriptionJson } from '../io/json.ts';
import { GlassLibrary } from '../materials/glassLibrary.ts';
import type { LensSystem } from '../optics/system.ts';
import { buildSystem } from '../paraxial/buildSystem.ts';
import type { ParamRef } from '../optics/params.ts';
import { firstOrder } from '../analysis/firstOrder.ts';
import { dExitPupilDistance, exitPupilDistance, opdJacobian, opdVectorJacobianProduct, wavefrontRmsGradient, zernikeGradient } from './opdGradient.ts';
import { opdAboutReferenceSphere } from './opd.ts';
import { TraceRecord } from '../trace/realTrace.ts';
import { richardsonDerivative } from '../../test/helpers/finiteDifference.ts';

const root = path.resolve(import.meta.dirname, '../..');
const cooke = (imageRadius?: number): LensSystem => {
  const p = parsePrescriptionJson(fs.readFileSync(path.join(root, 'lens-library/cooke-triplet.json'), 'utf8'));
  return buildSystem(imageRadius === undefined ? p : { ...p, image: { radius: imageRadius } }, GlassLibrary.builtin());
};

const params: ParamRef[] = [
  ...[0, 1, 2, 3, 4, 5].map((s) => ({ kind: 'curvature' as const, surface: s })),
  { kind: 'thickness', surface: 1 },
  { kind: 'thickness', surface: 3 },
  { kind: 'thickness', surface: 5 },
  { kind: 'conic', surface: 2 },
];
const step = (p: ParamRef) => (p.kind === 'curvature' ? 2e-6 : p.kind === 'conic' ? 1e-3 : 1e-4);

/** Central difference with one Richardson step (error O(h⁴)): the RMS is strongly curved. */
const fd = (system: LensSystem, p: ParamRef, f: () => number) => richardsonDerivative(system, p, step(p), f);

function checkAll(system: LensSystem, what: string, g: Float64Array, value: () => number, rel = 2e-6) {
  const scale = Math.max(...g.map(Math.abs));
  params.forEach((p, j) => {
    const num = fd(system, p, value);
    const err = Math.abs(g[j] - num);
    if (!(err <= rel * scale + 1e-9)) throw new Error(`${what}: ∂/∂${p.kind}${p.surface + 1}: adjoint ${g[j]}, finite difference ${num}`);
  });
}

describe('wave gradients (adjoint vs central finite differences)', () => {
  it('XPL tangent matches finite differences', () => {
    const system = cooke();
    expect(exitPupilDistance(system)).toBeCloseTo(firstOrder(system).xpl, 10);
    for (const p of params) expect(dExitPupilDistance(system, p)).toBeCloseTo(fd(system, p, () => exitPupilDistance(system)), 5);
  });

  for (const [label, radius] of [['flat image', undefined], ['curved image R = −120 mm', -120]] as const) {
    it(`wavefront RMS, every field, ${label}`, () => {
      const system = cooke(radius);
      for (let f = 0; f < 3; f++) {
        const g = wavefrontRmsGradient(system, f, 1, params);
        expect(g.ok).toBe(true);
        checkAll(system, `RMS field ${f + 1}`, g.gradient, () => wavefrontRmsGradient(system, f, 1, []).value);
      }
    });
  }

  it('Zernike coefficients (Fringe defocus, coma, spherical; Noll astigmatism) at 20°, 0.48 µm', () => {
    const system = cooke(-150);
    for (const [basis, term] of [['fringe', 4], ['fringe', 8], ['fringe', 9], ['standard', 6]] as const) {
      const g = zernikeGradient(system, 2, 0, basis, term, params);
      checkAll(system, `${basis} Z${term}`, g.gradient, () => zernikeGradient(system, 2, 0, basis, term, []).value);
    }
  });

  it('per-sample OPD Jacobian (every sample its own row) and the pupil gradient ∂W/∂(Px, Py), finite object too', () => {
    const finite = (): LensSystem => {
      const p = parsePrescriptionJson(fs.readFileSync(path.join(root, 'lens-library/cooke-triplet.json'), 'utf8'));
      return buildSystem({ ...p, object: { distance: 400 }, fields: { type: 'objectHeight', points: [{ x: 0, y: 0 }, { x: 0, y: 60 }] } }, GlassLibrary.builtin());
    };
    for (const [label, system, f] of [['infinite object, 20°', cooke(-150), 2], ['object at 400 mm, 60 mm high', finite(), 1]] as const) {
      const px = Float64Array.from([0.1, -0.6, 0.35, 0.8, -0.2]), py = Float64Array.from([0.7, 0.2, -0.55, -0.3, -0.9]);
      const rec = new TraceRecord(system.surfaces.length, px.length + 1);
      const s = opdAboutReferenceSphere(system, f, 0, px, py, { record: rec });
      expect(s.validCount).toBe(px.length);
      const J = opdJacobian(system, s, rec, params);
      const P = params.length;
      // Σ Ŵ_i J_i is the vector-Jacobian product, and the pupil gradient comes with it.
      const wbar = Float64Array.from([0.3, -1.2, 0.7, 2, -0.4]);
      const pupil = { px: new Float64Array(px.length), py: new Float64Array(px.length) };
      const vjp = opdVectorJacobianProduct(system, s, rec, wbar, params, { pupil });
      params.forEach((_, j) => {
        const sum = wbar.reduce((a, w, i) => a + w * J[i * P + j], 0);
        expect(Math.abs(sum - vjp[j]), `${label}: Σ Ŵ J, parameter ${j}`).toBeLessThan(1e-10 * Math.max(1, Math.abs(vjp[j])));
      });
      for (let i = 0; i < px.length; i++) {
        checkAll(system, `${label}: W${i}`, J.subarray(i * P, (i + 1) * P), () => opdAboutReferenceSphere(system, f, 0, px, py).opd[i]);
        for (const axis of ['x', 'y'] as const) {
          const at = (h: number) => {
            const qx = Float64Array.from(px), qy = Float64Array.from(py);
            (axis === 'x' ? qx : qy)[i] += h;
            return opdAboutReferenceSphere(system, f, 0, qx, qy).opd[i];
          };
          // Paths of ~400 mm in waves of 0.48 µm: a smaller step drowns in rounding.
          const h = 2e-3;
          const num = (4 * ((at(h / 2) - at(-h / 2)) / h) - (at(h) - at(-h)) / (2 * h)) / 3;
          const ours = (axis === 'x' ? pupil.px : pupil.py)[i] / wbar[i];
          expect(Math.abs(ours - num), `${label}: ∂W${i}/∂P${axis}`).toBeLessThan(1e-6 * Math.max(1, Math.abs(num)));
        }
      }
    }
  });
});

