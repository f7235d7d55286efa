/**
 * The five field plots as drawable curves, laid out as OpticStudio draws them: the independent
 * variable (field, pupil coordinate, wavelength) on the vertical axis, the aberration on the
 * horizontal axis. Units as OpticStudio's: field curvature and longitudinal aberration in mm,
 * distortion in %, lateral colour and chromatic focal shift in µm (the engine's mm × 1000).
 * Values the engine could not compute (null) stay null: the line has a gap there.
 */
import type { FieldPlots } from '../../../app/contract/studioApi.ts';

export type FieldPlotId = 'curvature' | 'distortion' | 'lateral' | 'longitudinal' | 'chromatic';

export interface Curve {
  label: string;
  /** Wavelength of the curve, µm (its colour), or null for a single black/white curve. */
  wavelengthUm: number | null;
  dashed: boolean;
  values: (number | null)[];
}

export interface PlotCurves {
  id: FieldPlotId;
  title: string;
  /** The independent variable (drawn vertically), ascending. */
  y: number[];
  yLabel: string;
  /** The aberration axis (drawn horizontally). */
  xLabel: string;
  curves: Curve[];
}

const toUm = (v: number | null): number | null => (v === null ? null : v * 1000);

/** The curves of plot `id` from the engine's field plots. */
export function plotCurves(fp: FieldPlots, id: FieldPlotId): PlotCurves {
  const field = fp.field.values;
  const fieldLabel = fp.field.unit === 'deg' ? '+Y field, °' : '+Y field height, mm';
  switch (id) {
    case 'curvature':
      return {
        id,
        title: 'Field curvature',
        y: field,
        yLabel: fieldLabel,
        xLabel: 'focus shift, mm',
        curves: fp.field_curvature.flatMap((c) => [
          { label: `${c.wavelength_um} µm T`, wavelengthUm: c.wavelength_um, dashed: false, values: c.tangential_mm },
          { label: `${c.wavelength_um} µm S`, wavelengthUm: c.wavelength_um, dashed: true, values: c.sagittal_mm },
        ]),
      };
    case 'distortion':
      return {
        id,
        title: 'F-tan(θ) distortion',
        y: field,
        yLabel: fieldLabel,
        xLabel: 'distortion, %',
        curves: fp.distortion_percent.map((c) => ({ label: `${c.wavelength_um} µm`, wavelengthUm: c.wavelength_um, dashed: false, values: c.values })),
      };
    case 'lateral':
      return {
        id,
        title: 'Lateral colour',
        y: field,
        yLabel: fieldLabel,
        xLabel: 'y chief(λ) − y chief(primary), µm',
        curves: fp.lateral_color_mm.map((c) => ({ label: `${c.wavelength_um} µm`, wavelengthUm: c.wavelength_um, dashed: false, values: c.values.map(toUm) })),
      };
    case 'longitudinal':
      return {
        id,
        title: 'Longitudinal aberration',
        y: fp.longitudinal_aberration.pupil,
        yLabel: 'pupil Py',
        xLabel: 'focus shift, mm',
        curves: fp.longitudinal_aberration.curves.map((c) => ({ label: `${c.wavelength_um} µm`, wavelengthUm: c.wavelength_um, dashed: false, values: c.focus_mm })),
      };
    case 'chromatic':
      return {
        id,
        title: 'Chromatic focal shift',
        y: fp.chromatic_focal_shift.wavelength_um,
        yLabel: 'wavelength, µm',
        xLabel: 'focal shift, µm',
        curves: [{ label: 'paraxial focus', wavelengthUm: null, dashed: false, values: fp.chromatic_focal_shift.focal_shift_mm.map(toUm) }],
      };
  }
}

/** Smallest and largest finite value of the curves, with 0 included (the reference line). */
export function valueRange(curves: Curve[]): [number, number] {
  let lo = 0, hi = 0;
  for (const c of curves) {
    for (const v of c.values) {
      if (v === null || !Number.isFinite(v)) continue;
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
  }
  if (hi - lo < 1e-12) return [-1e-3, 1e-3];
  const pad = 0.05 * (hi - lo);
  return [lo < 0 ? lo - pad : 0, hi > 0 ? hi + pad : 0];
}

/** Largest |value| of the curves (null when none is finite). */
export function maxAbs(curves: Curve[]): number | null {
  let m: number | null = null;
  for (const c of curves) for (const v of c.values) if (v !== null && Number.isFinite(v)) m = Math.max(m ?? 0, Math.abs(v));
  return m;
}

/**
 * The summary numbers OpticStudio prints with these plots: the largest |distortion| (%), the
 * largest |lateral colour| (µm), the chromatic focal shift range (µm) and the tangential and
 * sagittal focus shifts at the largest field at the primary wavelength `primaryUm` (mm).
 */
export function summary(fp: FieldPlots, primaryUm: number): { maxDistortionPercent: number | null; maxLateralColorUm: number | null; focalShiftRangeUm: number | null; fullFieldTS: [number | null, number | null] } {
  const fs = fp.chromatic_focal_shift.focal_shift_mm.filter((v): v is number => v !== null);
  const primary = fp.field_curvature.find((c) => c.wavelength_um === primaryUm) ?? fp.field_curvature[0];
  const last = fp.field.values.length - 1;
  return {
    maxDistortionPercent: maxAbs(plotCurves(fp, 'distortion').curves),
    maxLateralColorUm: maxAbs(plotCurves(fp, 'lateral').curves),
    focalShiftRangeUm: fs.length ? (Math.max(...fs) - Math.min(...fs)) * 1000 : null,
    fullFieldTS: [primary?.tangential_mm[last] ?? null, primary?.sagittal_mm[last] ?? null],
  };
}
