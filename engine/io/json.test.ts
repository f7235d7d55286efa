/** JSON prescriptions: load → save → load is lossless; bad input names the JSON path. */
import { describe, expect, it } from 'vitest';
import fs from 'node:fs';
import path from 'node:path';
import { parsePrescriptionJson, stringifyPrescription, PrescriptionError } from './json.ts';

const root = path.resolve(import.meta.dirname, '../..');
const libraryFiles = fs.readdirSync(path.join(root, 'lens-library')).filter((f) => f.endsWith('.json'));

describe('JSON prescriptions', () => {
  it.each(libraryFiles)('%s: load → save → load keeps every value', (f) => {
    const text = fs.readFileSync(path.join(root, 'lens-library', f), 'utf8');
    const a = parsePrescriptionJson(text, f);
    const b = parsePrescriptionJson(stringifyPrescription(a), f);
    expect(b).toEqual(a);
    expect(stringifyPrescription(b)).toBe(stringifyPrescription(a));
  });

  it('reports malformed JSON with its line and column', () => {
    expect(() => parsePrescriptionJson('{\n  "format": "lens-studio/1",\n  "name": ,\n}', 'x.json')).toThrow(
      'x.json: malformed JSON at line 3, column 11: unexpected ","',
    );
  });

  it('reports a wrong field with its JSON path, and every problem in `issues`', () => {
    const p = JSON.parse(fs.readFileSync(path.join(root, 'lens-library/cooke-triplet.json'), 'utf8'));
    p.surfaces[3].thickness = 'thick';
    p.wavelengths.valuesUm[0] = -1;
    try {
      parsePrescriptionJson(JSON.stringify(p), 'c.json');
      throw new Error('no error');
    } catch (err) {
      expect(err).toBeInstanceOf(PrescriptionError);
      const e = err as PrescriptionError;
      expect(e.message).toMatch(/^c\.json: /);
      expect(e.issues).toContain('surfaces[3].thickness: expected a number');
      expect(e.issues.some((i) => i.startsWith('wavelengths.valuesUm[0]:'))).toBe(true);
    }
  });

  it('rejects another format version and radius 0', () => {
    expect(() => parsePrescriptionJson('{"format":"lens-studio/9"}', 'v.json')).toThrow(/format: expected "lens-studio\/1"/);
    const p = JSON.parse(fs.readFileSync(path.join(root, 'lens-library/cooke-triplet.json'), 'utf8'));
    p.surfaces[0].radius = 0;
    expect(() => parsePrescriptionJson(JSON.stringify(p), 'r.json')).toThrow(/surfaces\[0\]\.radius: radius 0 is not a surface/);
  });
});
