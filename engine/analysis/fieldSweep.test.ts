/** The field sweep ends at the largest field with the single-field values; barrel distortion grows with field. */
import { describe, expect, it } from 'vitest';
import fs from 'node:fs';
import path from 'node:path';
import { parsePrescriptionJson } from '../io/json.ts';
import { GlassLibrary } from '../materials/glassLibrary.ts';
import { buildSystem } from '../paraxial/buildSystem.ts';
import { distortionPercent } from './distortion.ts';
import { fieldCurvature } from './fieldCurvature.ts';
import { fieldSweep } from './fieldSweep.ts';

const root = path.resolve(import.meta.dirname, '../..');
const dg = () => buildSystem(parsePrescriptionJson(fs.readFileSync(path.join(root, 'lens-library/double-gauss.json'), 'utf8')), GlassLibrary.builtin());

describe('field sweep', () => {
  it('runs from the axis to the largest field with the single-field values', () => {
    const system = dg();
    const w = system.primaryIndex;
    const sweep = fieldSweep(system, w, 11);
    expect(sweep.field[0]).toBe(0);
    expect(sweep.field[10]).toBe(14);
    expect(sweep.distortion[10]).toBe(distortionPercent(system, 14, w));
    expect(sweep.tangential[10]).toBe(fieldCurvature(system, 14, w).tangential);
    expect(sweep.sagittal[10]).toBe(fieldCurvature(system, 14, w).sagittal);
    // Barrel distortion grows with field for this lens (S5 > 0).
    for (let k = 2; k <= 10; k++) expect(sweep.distortion[k]!).toBeLessThan(sweep.distortion[k - 1]!);
  });
});
