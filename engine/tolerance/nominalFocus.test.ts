/**
 * withNominalCompensators: a defocused lens comes back focused, its as-designed criterion equal to
 * the compensated one; a lens with an image solve is left alone.
 */
import { describe, expect, it } from 'vitest';
import fs from 'node:fs';
import path from 'node:path';
import { parsePrescriptionJson } from '../io/json.ts';
import { GlassLibrary } from '../materials/glassLibrary.ts';
import { buildSystem } from '../paraxial/buildSystem.ts';
import { defaultToleranceSpec } from './defaults.ts';
import { prepareTolerancing } from './setup.ts';
import { withNominalCompensators } from './nominalFocus.ts';

const root = path.resolve(import.meta.dirname, '../..');
const glass = GlassLibrary.builtin();
const cooke = parsePrescriptionJson(fs.readFileSync(path.join(root, 'lens-library/cooke-triplet.json'), 'utf8'));

describe('withNominalCompensators', () => {
  it('writes the nominal back focus into a defocused lens', () => {
    const last = cooke.surfaces.length - 1;
    const defocused = { ...cooke, imageSolve: 'none' as const, surfaces: cooke.surfaces.map((s, i) => (i === last ? { ...s, thickness: s.thickness + 0.3 } : s)) };
    const spec = defaultToleranceSpec(defocused, buildSystem(defocused, glass));
    const tol = prepareTolerancing(defocused, spec, glass);
    const zero = new Float64Array(tol.model.operands.length);
    const noComp = new Float64Array(tol.model.compensators.length);
    const compensated = tol.evaluator.evaluate(zero).value;
    expect(tol.evaluator.evaluateFixed(zero, noComp)).toBeGreaterThan(2 * compensated);
    const focused = withNominalCompensators(defocused, tol);
    expect(focused.surfaces[last].thickness).toBeCloseTo(defocused.surfaces[last].thickness + tol.evaluator.nominalCompensators()[0], 12);
    expect(defocused.surfaces[last].thickness).toBe(cooke.surfaces[last].thickness + 0.3); // the input is not changed
    const t2 = prepareTolerancing(focused, spec, glass);
    expect(Math.abs(t2.evaluator.evaluateFixed(zero, noComp) - compensated) / compensated).toBeLessThan(1e-9);
  });

  it('leaves a lens with an image solve as it is', () => {
    const solved = { ...cooke, imageSolve: 'paraxialFocus' as const };
    const tol = prepareTolerancing(solved, defaultToleranceSpec(solved, buildSystem(solved, glass)), glass);
    expect(withNominalCompensators(solved, tol)).toBe(solved);
  });
});
