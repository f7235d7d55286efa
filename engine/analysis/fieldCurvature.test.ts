/** Field curvature: on axis the parabasal rays cross at the paraxial focus (F2 from the image plane). */
import { describe, expect, it } from 'vitest';
import fs from 'node:fs';
import path from 'node:path';
import { parsePrescriptionJson } from '../io/json.ts';
import { GlassLibrary } from '../materials/glassLibrary.ts';
import { buildSystem } from '../paraxial/buildSystem.ts';
import { fieldCurvature } from './fieldCurvature.ts';
import { firstOrder } from './firstOrder.ts';

const root = path.resolve(import.meta.dirname, '../..');
const dg = () => buildSystem(parsePrescriptionJson(fs.readFileSync(path.join(root, 'lens-library/double-gauss.json'), 'utf8')), GlassLibrary.builtin());

describe('field curvature', () => {
  it('on axis: tangential = sagittal focus = the paraxial focus F2', () => {
    const system = dg();
    const f2 = firstOrder(system).F2;
    const fc = fieldCurvature(system, 0, system.primaryIndex);
    expect(Math.abs(fc.tangential! - f2)).toBeLessThan(1e-7);
    expect(Math.abs(fc.sagittal! - f2)).toBeLessThan(1e-7);
  });
});
