/**
 * The MTF at one frequency with its exact gradient (engine/wave/mtfGradient.ts): the value equals
 * the adaptive MTF of engine/wave/mtf.ts, and the gradient equals central finite differences for
 * curvatures, thicknesses (the image distance too), a conic, and a decenter and tilt
 * (a perturbed lens is not symmetric), tangential and sagittal, monochromatic and polychromatic;
 * the quadrature's node derivatives equal finite differences.
 */
import { describe, expect, it } from 'vitest';
import fs from 'node:fs';
import path from 'node:path';
import { parsePrescriptionJson } from '../io/json.ts';
import { GlassLibrary } from '../materials/glassLibrary.ts';
import type { LensSystem } from '../optics/system.ts';
import { buildSystem } from '../paraxial/buildSystem.ts';
import type { ParamRef } from '../optics/params.ts';
import { mtfAtFrequencies } from './mtf.ts';
import { mtfWithGradient } from './mtfGradient.ts';
import { lensQuadrature, lensQuadratureTangent } from './quadrature.ts';
import { richardsonDerivative } from '../../test/helpers/finiteDifference.ts';

const root = path.resolve(import.meta.dirname, '../..');
/** The Cooke triplet with its second lens decentred and tilted (coordinate breaks around it). */
function cooke(): LensSystem {
  const p = parsePrescriptionJson(fs.readFileSync(path.join(root, 'lens-library/cooke-triplet.json'), 'utf8'));
  const s = p.surfaces;
  const surfaces = [s[0], s[1], { type: 'coordinateBreak' as const, decenterY: 0.02, tiltX: 0.05, thickness: 0 }, s[2], s[3], { type: 'coordinateBreak' as const, decenterY: -0.02, tiltX: -0.05, order: 1 as const, thickness: 0 }, ...s.slice(4)];
  return buildSystem({ ...p, surfaces }, GlassLibrary.builtin());
}

const params: ParamRef[] = [
  { kind: 'curvature', surface: 0 },
  { kind: 'curvature', surface: 4 },
  { kind: 'thickness', surface: 1 },
  { kind: 'thickness', surface: 7 },
  { kind: 'conic', surface: 3 },
  { kind: 'decenterY', surface: 2 },
  { kind: 'tiltX', surface: 2 },
  { kind: 'thickness', surface: 3 },
];
const step = (p: ParamRef) => (p.kind === 'curvature' ? 1e-6 : p.kind === 'thickness' || p.kind === 'decenterY' ? 1e-4 : p.kind === 'tiltX' ? 1e-5 : 1e-3);

const fd = (system: LensSystem, p: ParamRef, f: () => number) => richardsonDerivative(system, p, step(p), f);

describe('MTF gradient', () => {
  it('the quadrature nodes and weights move with Δ as lensQuadratureTangent says', () => {
    const n = 6, d = 0.7, h = 1e-6;
    const t = lensQuadratureTangent(d, n);
    const a = lensQuadrature(d + h, n), b = lensQuadrature(d - h, n);
    for (let k = 0; k < 2 * n * n; k++) {
      expect(t.dpx[k]).toBeCloseTo((a.px[k] - b.px[k]) / (2 * h), 8);
      expect(t.dpy[k]).toBeCloseTo((a.py[k] - b.py[k]) / (2 * h), 8);
      expect(t.dweight[k]).toBeCloseTo((a.weight[k] - b.weight[k]) / (2 * h), 8);
    }
  });

  for (const [axis, wl, freq] of [['tangential', [1], 40], ['sagittal', [1], 40], ['tangential', [1, 0, 2], 25], ['sagittal', [1, 0, 2], 60]] as const) {
    it(`${axis}, ${wl.length > 1 ? 'polychromatic' : 'monochromatic'}, ${freq} cycles/mm at 20°: the value of mtf.ts, the gradient of finite differences`, () => {
      const system = cooke();
      const f = 2;
      const order = 32;
      const g = mtfWithGradient(system, f, freq, axis, wl, order, params);
      const ref = mtfAtFrequencies(system, f, [freq], { wavelengths: [...wl] });
      const adaptive = (axis === 'tangential' ? ref.tangential : ref.sagittal)[0]!;
      expect(Math.abs(g.value - adaptive)).toBeLessThan(1e-4);
      expect(g.value).toBeGreaterThan(0.05);
      expect(g.value).toBeLessThan(0.95);
      const scale = Math.max(...g.gradient.map(Math.abs));
      params.forEach((p, j) => {
        const num = fd(system, p, () => mtfWithGradient(system, f, freq, axis, wl, order, []).value);
        expect(Math.abs(g.gradient[j] - num), `∂MTF/∂${p.kind} ${p.surface}: adjoint ${g.gradient[j]}, finite difference ${num}`).toBeLessThan(1e-6 * scale + 1e-9);
      });
    });
  }
});
