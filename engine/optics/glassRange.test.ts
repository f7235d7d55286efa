import { describe, expect, it } from 'vitest';
import { validatePrescription } from '../io/json.ts';
import { GlassLibrary } from '../materials/glassLibrary.ts';
import { buildSystem } from '../paraxial/buildSystem.ts';
import { glassRangeWarnings } from './glassRange.ts';

const lens = (valuesUm: number[], second: unknown = 'N-SF5') =>
  buildSystem(
    validatePrescription({
      format: 'lens-studio/1',
      name: 'doublet',
      units: 'mm',
      object: { distance: 'infinity' },
      aperture: { type: 'EPD', value: 10 },
      fields: { type: 'angle', points: [{ x: 0, y: 0 }] },
      wavelengths: { valuesUm, primaryIndex: 0 },
      surfaces: [
        { type: 'standard', radius: 60, thickness: 4, material: 'N-BK7', stop: true },
        { type: 'standard', radius: -40, thickness: 2, material: second },
        { type: 'standard', radius: -200, thickness: 2, material: 'N-BK7' },
        { type: 'standard', radius: null, thickness: 90 },
      ],
    }),
    GlassLibrary.builtin(),
  );

describe('glass range warnings', () => {
  it('none in the visible', () => {
    expect(glassRangeWarnings(lens([0.4861327, 0.5875618, 0.6562725]))).toEqual([]);
  });

  it('one per glass, naming its catalog, where it is used and the wavelengths outside its LD range', () => {
    const system = lens([0.5875618, 2.8, 3.2]);
    const bk7 = GlassLibrary.builtin().resolve('N-BK7') as { rangeUm?: readonly [number, number] };
    const [lo, hi] = bk7.rangeUm!;
    expect(hi).toBeLessThan(2.8);
    const w = glassRangeWarnings(system);
    expect(w[0]).toBe(`N-BK7 (SCHOTT) at surfaces[0], surfaces[2]: 2.8, 3.2 µm are outside its catalogued range ${lo}–${hi} µm`);
    expect(w[1]).toMatch(/^N-SF5 \(SCHOTT\) at surfaces\[1\]: 2\.8, 3\.2 µm are outside/);
    // Another wavelength set (a deflectometry rig's), and model glasses, which have no range.
    expect(glassRangeWarnings(system, [0.562])).toEqual([]);
    expect(glassRangeWarnings(lens([0.5875618, 2.8], { model: { nd: 1.6, vd: 40 } })).map((x) => x.split(' ')[0])).toEqual(['N-BK7']);
  });
});
