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
import { getParam, setParam, type ParamRef } from '../optics/params.ts';
import { firstOrder } from '../analysis/firstOrder.ts';
import { dExitPupilDistance, exitPupilDistance, wavefrontRmsGradient, zernikeGradient } from './opdGradient.ts';

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
function fd(system: LensSystem, p: ParamRef, f: () => number): number {
  const v0 = getParam(system, p);
  const central = (h: number) => {
    setParam(system, p, v0 + h);
    const a = f();
    setParam(system, p, v0 - h);
    const b = f();
    setParam(system, p, v0);
    return (a - b) / (2 * h);
  };
  const h = step(p);
  return (4 * central(h / 2) - central(h)) / 3;
}

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
});
