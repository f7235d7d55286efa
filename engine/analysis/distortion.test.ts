/**
 * Field curvature and distortion versus field: on axis the parabasal rays cross at the paraxial
 * focus (F2 from the image plane) and distortion is zero; at the largest field the sweep agrees
 * with the single-field functions and with the oracle README's Double Gauss distortion (−1.06 %).
 */
import { describe, expect, it } from 'vitest';
import fs from 'node:fs';
import path from 'node:path';
import { parsePrescriptionJson } from '../io/json.ts';
import { GlassLibrary } from '../materials/glassLibrary.ts';
import { buildSystem } from '../paraxial/buildSystem.ts';
import { distortionPercent, fieldCurvature, fieldSweep } from './distortion.ts';
import { firstOrder } from './firstOrder.ts';

const root = path.resolve(import.meta.dirname, '../..');
const dg = () => buildSystem(parsePrescriptionJson(fs.readFileSync(path.join(root, 'lens-library/double-gauss.json'), 'utf8')), GlassLibrary.builtin());

describe('field curvature and distortion', () => {
  it('on axis: tangential = sagittal focus = the paraxial focus F2, zero distortion', () => {
    const system = dg();
    const f2 = firstOrder(system).F2;
    const fc = fieldCurvature(system, 0, system.primaryIndex);
    expect(Math.abs(fc.tangential! - f2)).toBeLessThan(1e-7);
    expect(Math.abs(fc.sagittal! - f2)).toBeLessThan(1e-7);
    expect(distortionPercent(system, 0, system.primaryIndex)).toBe(0);
  });

  it('the sweep ends at the largest field with the single-field values, and matches the oracle distortion', () => {
    const system = dg();
    const w = system.primaryIndex;
    const sweep = fieldSweep(system, w, 11);
    expect(sweep.field[0]).toBe(0);
    expect(sweep.field[10]).toBe(14);
    expect(sweep.distortion[10]).toBe(distortionPercent(system, 14, w));
    expect(sweep.tangential[10]).toBe(fieldCurvature(system, 14, w).tangential);
    expect(sweep.distortion[10]!).toBeCloseTo(-1.06, 2);
    // Barrel distortion grows with field for this lens (S5 > 0).
    for (let k = 2; k <= 10; k++) expect(sweep.distortion[k]!).toBeLessThan(sweep.distortion[k - 1]!);
  });
});
