/**
 * The lens library: every design loads with the built-in glass table alone, and the classic
 * designs reproduce what their sources state — EFL within the source's rounding (meta.eflTolerance,
 * relative; 0.5 % here), F-number, and largest field — with the image near the paraxial focus and
 * no NaN in a full analysis. The three oracle lenses (cooke-triplet, double-gauss, edmund-49-847)
 * are checked number by number in test/oracles.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { firstOrder } from '../engine/analysis/firstOrder.ts';
import { analyze } from '../engine/analysis/report.ts';
import { parsePrescriptionJson } from '../engine/io/json.ts';
import type { Prescription } from '../engine/io/prescription.ts';
import { GlassLibrary } from '../engine/materials/glassLibrary.ts';
import { buildSystem } from '../engine/paraxial/buildSystem.ts';

const dir = import.meta.dirname;
const library = GlassLibrary.builtin();
const load = (file: string): Prescription => parsePrescriptionJson(fs.readFileSync(path.join(dir, file), 'utf8'), file);

/** The classic designs of issue 3 and what each must reproduce (from its meta). */
const classics: Record<string, string> = {
  'tessar.json': 'Tessar',
  'petzval.json': 'Petzval',
  'telephoto.json': 'telephoto',
  'retrofocus-canon-fd-28mm.json': 'reverse telephoto (retrofocus)',
  'wide-angle-canon-serenar-28mm.json': 'wide-angle lens',
  'cemented-achromat.json': 'cemented achromat',
  'telescope-doublet.json': 'air-spaced telescope doublet',
  'thorlabs-la1131.json': 'plano-convex singlet',
  'edmund-32-321.json': 'Edmund 32-321 achromat',
  'field-corrector-5in.json': 'lens with field corrector',
  'edmund-47-728-asphere.json': 'even-asphere singlet',
  'thorlabs-al1815-c.json': 'even-asphere singlet (NIR)',
  'thorlabs-ac254-100-a.json': 'cemented achromat (stock)',
  'cellphone-largan-us11940605-ex2.json': 'cell-phone camera lens, even aspheres (US patent)',
};

describe('lens library', () => {
  const files = fs.readdirSync(dir).filter((f) => f.endsWith('.json')).sort();

  it('holds the classic designs and every file builds with the built-in glass table', () => {
    expect(files.length).toBeGreaterThanOrEqual(15);
    for (const file of Object.keys(classics)) expect(files).toContain(file);
    for (const file of files) {
      const p = load(file);
      expect(() => buildSystem(p, library), file).not.toThrow();
      expect(typeof (p.meta?.source ?? p.source), `${file}: source`).toBe('string');
    }
  });

  for (const [file, kind] of Object.entries(classics)) {
    it(`${file} (${kind}) reproduces its stated EFL, F-number and field`, () => {
      const p = load(file);
      const meta = p.meta as { source: string; statedEfl: number; statedFNumber?: number; statedHalfFieldDeg?: number; eflTolerance: number };
      expect(meta.source.length).toBeGreaterThan(10);
      expect(meta.eflTolerance).toBeLessThanOrEqual(0.005);
      const system = buildSystem(p, library);
      const fo = firstOrder(system);
      expect(Math.abs(fo.efl / meta.statedEfl - 1)).toBeLessThanOrEqual(meta.eflTolerance);
      if (meta.statedFNumber !== undefined) expect(Math.abs(fo.fno / meta.statedFNumber - 1)).toBeLessThanOrEqual(0.005);
      if (meta.statedHalfFieldDeg !== undefined) {
        expect(p.fields.type).toBe('angle');
        expect(Math.max(...p.fields.points.map((f) => f.y))).toBe(meta.statedHalfFieldDeg);
      }
      // A finished design has its image plane at (or within 1 % of EFL of) the paraxial focus.
      expect(Math.abs(fo.bfl - p.surfaces[p.surfaces.length - 1].thickness)).toBeLessThan(0.01 * fo.efl);
      const report = analyze(system);
      for (const s of report.spot) {
        expect(Number.isFinite(s.rms_radius), `${file} spot ${s.field_index}/${s.wavelength_um}`).toBe(true);
        expect(s.valid_rays).toBe(s.total_rays);
      }
    });
  }
});
