/**
 * A real file whose object is imaged through an ideal (PARAXIAL) collimator:
 * DeepLens__zemax_double_gaussian.zmx puts the object at the front focal point of a 100 mm ideal
 * lens, then a Double Gauss. Its wavefront must be the Double Gauss's own with the object at
 * infinity, at the field angles the collimator gives (tan θ = −h/f) — computed here from a second,
 * independent system without the ideal lens. (Before the ideal lens carried its optical path, this
 * file reported 716 waves RMS on axis for an 8 µm spot.)
 */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadSystemFile } from '../../app/cli/loadLens.ts';
import type { Prescription } from '../../engine/io/prescription.ts';
import { buildSystem } from '../../engine/paraxial/buildSystem.ts';
import { hexapolar } from '../../engine/trace/pupilSampling.ts';
import { opdAboutReferenceSphere } from '../../engine/wave/opd.ts';
import { dataDir } from './corpus.ts';

describe('an ideal collimator in a real .zmx file', () => {
  it('DeepLens Double Gauss: OPD through the ideal collimator = OPD of the bare lens at infinity', async () => {
    const { prescription, system, library } = await loadSystemFile(path.join(dataDir, 'zmx', 'DeepLens__zemax_double_gaussian.zmx'));
    const first = prescription.surfaces[0];
    expect(first.type).toBe('paraxial');
    const f = (first as { focalLength: number }).focalLength;
    expect(prescription.fields.type).toBe('objectHeight');
    const bare: Prescription = structuredClone(prescription);
    bare.object = { distance: 'infinity' };
    bare.fields = { type: 'angle', points: prescription.fields.points.map((q) => ({ x: (-Math.atan(q.x / f) * 180) / Math.PI, y: (-Math.atan(q.y / f) * 180) / Math.PI })) };
    // Drop the collimator; pickups name surfaces by number, so resolve them (materials are explicit).
    bare.surfaces = bare.surfaces.slice(1).map((s) => ({ ...s, solves: undefined }));
    const atInfinity = buildSystem(bare, library);
    const { px, py } = hexapolar(6);
    const sx = px.map((v) => 0.98 * v), sy = py.map((v) => 0.98 * v);
    for (let field = 0; field < system.fieldY.length; field++) {
      const a = opdAboutReferenceSphere(system, field, system.primaryIndex, sx, sy);
      const b = opdAboutReferenceSphere(atInfinity, field, atInfinity.primaryIndex, sx, sy);
      let max = 0, err = 0, both = 0;
      for (let i = 0; i < sx.length; i++) {
        if (!a.valid[i] || !b.valid[i]) continue;
        both++;
        max = Math.max(max, Math.abs(b.opd[i]));
        err = Math.max(err, Math.abs(a.opd[i] - b.opd[i]));
      }
      expect(both).toBeGreaterThan(90);
      expect(max).toBeGreaterThan(0.3); // a real lens: a fraction of a wave to waves
      expect(max).toBeLessThan(20);
      expect(err).toBeLessThan(1e-6);
    }
  });
});
