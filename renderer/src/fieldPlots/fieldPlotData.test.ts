import { describe, expect, it } from 'vitest';
import type { FieldPlots } from '../../../app/contract/studioApi.ts';
import { plotCurves, summary, valueRange } from './fieldPlotData.ts';

const fp: FieldPlots = {
  field: { unit: 'deg', values: [0, 10, 20] },
  field_curvature: [
    { wavelength_um: 0.5, tangential_mm: [0.1, 0.05, -0.2], sagittal_mm: [0.1, 0.02, null] },
    { wavelength_um: 0.6, tangential_mm: [0.12, 0.06, -0.1], sagittal_mm: [0.12, 0.04, -0.05] },
  ],
  distortion_percent: [
    { wavelength_um: 0.5, values: [0, -0.3, -1.5] },
    { wavelength_um: 0.6, values: [0, -0.31, -1.52] },
  ],
  lateral_color_mm: [
    { wavelength_um: 0.5, values: [0, 0.001, 0.0025] },
    { wavelength_um: 0.6, values: [0, 0, 0] },
  ],
  longitudinal_aberration: { pupil: [0, 0.5, 1], curves: [{ wavelength_um: 0.5, focus_mm: [0, -0.01, -0.05] }] },
  chromatic_focal_shift: { wavelength_um: [0.5, 0.55, 0.6], focal_shift_mm: [-0.02, 0.001, 0.03] },
};

describe('field plot curves', () => {
  it('orders field curvature T then S per wavelength, sagittal dashed; keeps nulls', () => {
    const c = plotCurves(fp, 'curvature');
    expect(c.curves.map((k) => k.label)).toEqual(['0.5 µm T', '0.5 µm S', '0.6 µm T', '0.6 µm S']);
    expect(c.curves.map((k) => k.dashed)).toEqual([false, true, false, true]);
    expect(c.curves[1].values[2]).toBeNull();
    expect(c.yLabel).toBe('+Y field, °');
  });

  it('gives lateral colour and chromatic focal shift in µm', () => {
    expect(plotCurves(fp, 'lateral').curves[0].values).toEqual([0, 1, 2.5]);
    expect(plotCurves(fp, 'chromatic').curves[0].values).toEqual([-20, 1, 30]);
    expect(plotCurves(fp, 'chromatic').y).toEqual([0.5, 0.55, 0.6]);
  });

  it('value ranges include zero with 5 % margin; flat data get a small symmetric range', () => {
    const [lo, hi] = valueRange(plotCurves(fp, 'distortion').curves);
    expect(hi).toBe(0);
    expect(lo).toBeCloseTo(-1.52 - 0.05 * 1.52, 12);
    expect(valueRange([{ label: '', wavelengthUm: null, dashed: false, values: [0, 0, null] }])).toEqual([-1e-3, 1e-3]);
  });

  it('summarises the largest distortion and lateral colour, the focal shift range and the full-field foci', () => {
    const s = summary(fp, 0.6);
    expect(s.maxDistortionPercent).toBe(1.52);
    expect(s.maxLateralColorUm).toBe(2.5);
    expect(s.focalShiftRangeUm).toBeCloseTo(50, 12);
    expect(s.fullFieldTS).toEqual([-0.1, -0.05]);
  });
});
