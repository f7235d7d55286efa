/** Distortion: zero on axis, and the oracle README's Double Gauss distortion (−1.06 %) at 14°. */
import { describe, expect, it } from 'vitest';
import fs from 'node:fs';
import path from 'node:path';
import { parsePrescriptionJson } from '../io/json.ts';
import { GlassLibrary } from '../materials/glassLibrary.ts';
import { buildSystem } from '../paraxial/buildSystem.ts';
import { distortionPercent } from './distortion.ts';

const root = path.resolve(import.meta.dirname, '../..');
const dg = () => buildSystem(parsePrescriptionJson(fs.readFileSync(path.join(root, 'lens-library/double-gauss.json'), 'utf8')), GlassLibrary.builtin());

describe('distortion', () => {
  it('is zero on axis and matches the oracle at the largest field', () => {
    const system = dg();
    const w = system.primaryIndex;
    expect(distortionPercent(system, 0, w)).toBe(0);
    expect(distortionPercent(system, 14, w)!).toBeCloseTo(-1.06, 2);
  });
});
