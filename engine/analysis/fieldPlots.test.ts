/**
 * Field plots against independent computations: the single-field analyses at the largest field,
 * the paraxial lateral colour and focus of each wavelength (first-order data of systems built at
 * those wavelengths), and the on-axis limits.
 */
import { describe, expect, it } from 'vitest';
import { GlassLibrary } from '../materials/glassLibrary.ts';
import { buildSystem } from '../paraxial/buildSystem.ts';
import { imageHeightPerField } from '../paraxial/pupil.ts';
import { cookeTriplet } from '../../test/helpers/solvedLenses.ts';
import { distortionPercent } from './distortion.ts';
import { fieldCurvature } from './fieldCurvature.ts';
import { fieldPlots } from './fieldPlots.ts';
import { firstOrder } from './firstOrder.ts';
import { analyze } from './report.ts';

const glass = GlassLibrary.builtin();

describe('field plots', () => {
  const system = buildSystem(cookeTriplet(), glass);
  const plots = fieldPlots(system, { count: 21 });
  const nw = system.wavelengthsUm.length;

  it('sample the field from the axis to the largest field, with the single-field values at its end', () => {
    expect(plots.field).toEqual({ unit: 'deg', values: Array.from({ length: 21 }, (_, k) => k) });
    for (let w = 0; w < nw; w++) {
      expect(plots.distortion_percent[w].values[20]).toBe(distortionPercent(system, 20, w));
      expect(plots.distortion_percent[w].values[0]).toBe(0);
      const fc = fieldCurvature(system, 20, w);
      expect(plots.field_curvature[w].tangential_mm[20]).toBe(fc.tangential);
      expect(plots.field_curvature[w].sagittal_mm[20]).toBe(fc.sagittal);
      // On axis the tangential and sagittal foci coincide (parabasal rays about the axis).
      expect(Math.abs(plots.field_curvature[w].tangential_mm[0]! - plots.field_curvature[w].sagittal_mm[0]!)).toBeLessThan(1e-6);
    }
  });

  it('lateral colour: zero on axis and at the primary wavelength, the paraxial colour of magnification near the axis', () => {
    const p = system.primaryIndex;
    expect(plots.lateral_color_mm[p].values.every((v) => v === 0)).toBe(true);
    for (let w = 0; w < nw; w++) {
      expect(plots.lateral_color_mm[w].values[0]).toBe(0);
      if (w === p) continue;
      // Near the axis the real chief rays differ as the paraxial image heights per tan θ do, with
      // a third-order remainder: the relative difference grows as θ² (×4 from 1° to 2°).
      const rel = (k: number) => {
        const paraxial = (imageHeightPerField(system, undefined, w) - imageHeightPerField(system, undefined, p)) * Math.tan((k * Math.PI) / 180);
        return plots.lateral_color_mm[w].values[k]! / paraxial - 1;
      };
      expect(Math.abs(rel(1))).toBeLessThan(1e-2);
      expect(Math.abs(rel(2) / rel(1) - 4)).toBeLessThan(0.1);
    }
  });

  it('longitudinal aberration: the paraxial focus F2 of each wavelength at Py = 0, spherical aberration growing as Py²', () => {
    const la = plots.longitudinal_aberration;
    expect(la.pupil[0]).toBe(0);
    expect(la.pupil[20]).toBe(1);
    const fo = firstOrder(system);
    expect(la.curves[system.primaryIndex].focus_mm[0]).toBeCloseTo(fo.F2, 12);
    for (let w = 0; w < nw; w++) {
      const c = la.curves[w].focus_mm as number[];
      // Third-order: (L(ρ) − L(0)) / ρ² is nearly constant for small ρ.
      const a = (c[2] - c[0]) / 0.1 ** 2, b = (c[4] - c[0]) / 0.2 ** 2;
      expect(Math.abs(b / a - 1)).toBeLessThan(0.05);
    }
  });

  it('chromatic focal shift: the paraxial foci of lenses built at those wavelengths, relative to the primary', () => {
    const cfs = plots.chromatic_focal_shift;
    expect(cfs.wavelength_um[0]).toBe(0.48);
    expect(cfs.wavelength_um[20]).toBe(0.65);
    const fo = (lambda: number) => {
      const q = cookeTriplet();
      q.wavelengths = { valuesUm: [lambda], primaryIndex: 0 };
      return firstOrder(buildSystem(q, glass)).F2;
    };
    const f0 = fo(0.55);
    for (const k of [0, 7, 20]) expect(cfs.focal_shift_mm[k]).toBeCloseTo(fo(cfs.wavelength_um[k]) - f0, 12);
  });

  it('are in the report under field_plots (and can be left out)', () => {
    const r = analyze(system, { opd: false });
    expect(r.field_plots?.field.values).toEqual(plots.field.values);
    expect(analyze(system, { opd: false, fieldPlots: false }).field_plots).toBeNull();
  });
});
