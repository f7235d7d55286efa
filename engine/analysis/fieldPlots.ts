/**
 * Field plots, as OpticStudio's analyses of the same names, for every wavelength; what
 * `lens-studio analyze --json` prints under `field_plots` and the studio draws. Lengths in mm.
 *
 * Along the field (y from 0 to the largest field, `count` points; fieldSweep.ts):
 * - field curvature: the tangential and sagittal (Coddington) foci, mm from the image plane
 *   (fieldCurvature.ts);
 * - f-tan distortion, % (distortion.ts);
 * - lateral colour: y_chief(λ) − y_chief(primary λ) of the real chief ray on the image surface.
 * Over the pupil and the spectrum:
 * - longitudinal aberration: where the real on-axis ray of pupil coordinate Py (0 … 1, meridional)
 *   crosses the axis, measured from the image plane along the light (+ beyond it); at Py = 0 the
 *   paraxial focus of that wavelength;
 * - chromatic focal shift: the paraxial focus of the axial object point at each wavelength (from
 *   the shortest to the longest defined wavelength, `count` points), relative to the primary
 *   wavelength's, mm; the indices come from each surface's glass at that wavelength.
 * Values that cannot be computed (a lost ray, a ray parallel to the axis) are null.
 */
import type { LensSystem } from '../optics/system.ts';
import { directionBefore } from '../optics/system.ts';
import { paraxialAtImage, signedIndexAfter } from '../paraxial/paraxial.ts';
import { axialRayStart } from '../paraxial/rays.ts';
import { RayStatus } from '../trace/rayBatch.ts';
import { launchContext, traceField, type LaunchContext } from '../trace/rayAiming.ts';
import { fieldSweep } from './fieldSweep.ts';

export interface FieldPlots {
  /** The y field values sampled, in the system's field unit (degrees, or mm for heights). */
  field: { unit: 'deg' | 'mm'; values: number[] };
  field_curvature: { wavelength_um: number; tangential_mm: (number | null)[]; sagittal_mm: (number | null)[] }[];
  distortion_percent: { wavelength_um: number; values: (number | null)[] }[];
  /** y_chief(λ) − y_chief(primary), mm, per sampled field. */
  lateral_color_mm: { wavelength_um: number; values: (number | null)[] }[];
  longitudinal_aberration: { pupil: number[]; curves: { wavelength_um: number; focus_mm: (number | null)[] }[] };
  chromatic_focal_shift: { wavelength_um: number[]; focal_shift_mm: (number | null)[] };
}

export interface FieldPlotOptions {
  /** Samples along the field, the pupil and the spectrum (default 21, at least 2). */
  count?: number;
  ctx?: LaunchContext;
}

const finiteOrNull = (v: number): number | null => (Number.isFinite(v) ? v : null);

/**
 * The paraxial focus of the axial object point at wavelength index w of `system`, mm from the image
 * plane along the light (+ beyond it); null for an afocal system.
 */
function paraxialFocus(system: LensSystem, w: number): number | null {
  const last = system.surfaces.length - 2;
  const [y, nu] = paraxialAtImage(system, w, ...axialRayStart(system, w));
  return nu === 0 ? null : finiteOrNull((-y * signedIndexAfter(system, last, w)) / nu);
}

/** The system with its indices at other wavelengths (µm), for paraxial traces only. */
function atWavelengths(system: LensSystem, lambdas: readonly number[]): LensSystem {
  const idx = (m: { index(l: number): number }) => Float64Array.from(lambdas, (l) => m.index(l));
  return {
    ...system,
    wavelengthsUm: Float64Array.from(lambdas),
    wavelengthWeights: Float64Array.from(lambdas, () => 1),
    primaryIndex: 0,
    nObject: idx(system.objectMaterial),
    surfaces: system.surfaces.map((s) => ({ ...s, nAfter: idx(s.material) })),
  };
}

/** Computes the field plots of a system. */
export function fieldPlots(system: LensSystem, options: FieldPlotOptions = {}): FieldPlots {
  const count = Math.max(2, Math.floor(options.count ?? 21));
  const ctx = options.ctx ?? launchContext(system);
  const nw = system.wavelengthsUm.length;
  const wl = Array.from(system.wavelengthsUm);
  const sweeps = wl.map((_, w) => fieldSweep(system, w, count, ctx));
  const fields = sweeps[0].field;

  // Lateral colour: the real chief ray at each wavelength against the primary's.
  const chiefY = (fy: number, w: number): number | null => {
    const b = traceField(system, 0, fy, w, [0], [0], ctx);
    return b.status[0] === RayStatus.OK ? b.y[0] : null;
  };
  const primaryY = fields.map((fy) => chiefY(fy, system.primaryIndex));
  const lateral = wl.map((wum, w) => ({
    wavelength_um: wum,
    values: fields.map((fy, k) => {
      const y = w === system.primaryIndex ? primaryY[k] : chiefY(fy, w);
      return y === null || primaryY[k] === null ? null : y - primaryY[k]!;
    }),
  }));

  // Longitudinal aberration: axis crossings of the on-axis real rays over the pupil.
  const pupil = Array.from({ length: count }, (_, k) => k / (count - 1));
  const dir = directionBefore(system, system.surfaces.length - 1);
  const curves = wl.map((wum, w) => {
    const b = traceField(system, 0, 0, w, pupil.map(() => 0), pupil, ctx);
    const focus = pupil.map((py, k) => {
      if (py === 0) return paraxialFocus(system, w);
      if (b.status[k] !== RayStatus.OK || b.m[k] === 0) return null;
      return finiteOrNull(dir * (b.z[k] - (b.y[k] * b.n[k]) / b.m[k]));
    });
    return { wavelength_um: wum, focus_mm: focus };
  });

  // Chromatic focal shift over the spectrum of the defined wavelengths.
  const lo = Math.min(...wl), hi = Math.max(...wl);
  const lambdas = nw > 1 ? Array.from({ length: count }, (_, k) => lo + ((hi - lo) * k) / (count - 1)) : [wl[0]];
  const spectral = atWavelengths(system, [wl[system.primaryIndex], ...lambdas]);
  const f0 = paraxialFocus(spectral, 0);
  const shift = lambdas.map((_, k) => {
    const f = paraxialFocus(spectral, k + 1);
    return f === null || f0 === null ? null : f - f0;
  });

  return {
    field: { unit: system.fieldType === 'angle' ? 'deg' : 'mm', values: fields },
    field_curvature: wl.map((wum, w) => ({ wavelength_um: wum, tangential_mm: sweeps[w].tangential, sagittal_mm: sweeps[w].sagittal })),
    distortion_percent: wl.map((wum, w) => ({ wavelength_um: wum, values: sweeps[w].distortion })),
    lateral_color_mm: lateral,
    longitudinal_aberration: { pupil, curves },
    chromatic_focal_shift: { wavelength_um: lambdas, focal_shift_mm: shift },
  };
}
