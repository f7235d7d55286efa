import { describe, expect, it } from 'vitest';
import fs from 'node:fs';
import path from 'node:path';
import { parsePrescriptionJson } from '../io/json.ts';
import { GlassLibrary } from '../materials/glassLibrary.ts';
import { buildSystem } from '../paraxial/buildSystem.ts';
import { checkGeometry } from './geometryCheck.ts';

const root = path.resolve(import.meta.dirname, '../..');
const cooke = () => parsePrescriptionJson(fs.readFileSync(path.join(root, 'lens-library/cooke-triplet.json'), 'utf8'));

describe('checkGeometry', () => {
  it('finds nothing wrong with the library lenses', () => {
    for (const f of ['cooke-triplet.json', 'double-gauss.json', 'edmund-49-847.json']) {
      const p = parsePrescriptionJson(fs.readFileSync(path.join(root, 'lens-library', f), 'utf8'));
      expect(checkGeometry(buildSystem(p, GlassLibrary.builtin()))).toEqual([]);
    }
  });
  it('names the thickness when surfaces cross on the axis', () => {
    const p = cooke();
    p.surfaces[1].thickness = -1;
    expect(checkGeometry(buildSystem(p, GlassLibrary.builtin()))).toEqual([expect.stringMatching(/^surfaces\[1\]\.thickness: surfaces 2 and 3 cross on the axis/)]);
  });
  it('names the thickness when a biconvex element is too thin for its clear aperture (edge crossing)', () => {
    const p = cooke();
    p.surfaces[0].thickness = 0.5;
    p.surfaces[0].semiDiameter = 8;
    const problems = checkGeometry(buildSystem(p, GlassLibrary.builtin()));
    expect(problems[0]).toMatch(/^surfaces\[0\]\.thickness: surfaces 1 and 2 cross at h = 8\.000 mm/);
  });
});

describe('checkGeometry and stop planes', () => {
  it('accepts a stop plane that lies inside the first element (negative stop thickness, as in phone lenses)', () => {
    const p = cooke();
    p.surfaces.unshift({ type: 'standard', radius: null, thickness: -0.3, stop: true });
    for (const surf of p.surfaces.slice(1)) delete surf.stop;
    const problems = checkGeometry(buildSystem(p, GlassLibrary.builtin()));
    expect(problems).toEqual([]);
  });
});
