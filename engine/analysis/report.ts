/**
 * The analysis report of a lens: what `lens-studio analyze --json` prints and the studio shows.
 *
 * Spot radii are referenced to the primary-wavelength chief ray with hexapolar density 6;
 * distortion and field curvature are at the largest field. Lengths in mm. Values that cannot be
 * computed (every ray lost) are null, never NaN: the finished report is checked for NaN anywhere.
 *
 * Afocal systems (a telescope, a window) are reported as such: `paraxial.afocal` is true, EFL, BFL,
 * FFL and F/# are +Infinity (null in JSON, "—" in text), `paraxial.angular_magnification` is given,
 * and distortion and field curvature (which need an image at a finite distance) are null.
 */
import type { LensSystem } from '../optics/system.ts';
import { maxField } from '../optics/system.ts';
import { firstOrder } from './firstOrder.ts';
import { spotDiagram } from './spot.ts';
import { seidelSums } from './seidel.ts';
import { distortionPercent } from './distortion.ts';
import { fieldCurvature } from './fieldCurvature.ts';
import { launchContext } from '../trace/rayAiming.ts';
import { checkGeometry } from './geometryCheck.ts';

export interface AnalysisReport {
  name: string;
  units: 'mm';
  wavelengths_um: number[];
  primary_wavelength_um: number;
  fields: { type: string; x: number; y: number }[];
  paraxial: {
    efl: number; bfl: number; ffl: number; fno: number; epd: number; epl: number; xpd: number; xpl: number; invariant: number;
    total_track: number; paraxial_image_height: number; working_fno: number;
    /** No optical power: EFL, BFL, FFL, F/# are +Infinity. */
    afocal: boolean;
    /** Afocal systems: paraxial angular magnification (image-space over object-space chief-ray angle); else null. */
    angular_magnification: number | null;
  };
  spot: { field_index: number; wavelength_um: number; rms_radius: number | null; geo_radius: number | null; centroid: [number, number] | null; valid_rays: number; total_rays: number }[];
  seidel: { S1: number; S2: number; S3: number; S4: number; S5: number };
  distortion_percent: { wavelength_um: number; max_field: number | null }[];
  field_curvature: { wavelength_um: number; tangential: number | null; sagittal: number | null }[];
  /** RMS wavefront error (waves at that wavelength, area-weighted, piston removed: engine/wave) per
   * field × wavelength; empty unless the caller passes `opdRms`. */
  opd_rms_waves: { field_index: number; wavelength_um: number; rms: number | null }[];
  warnings: string[];
}

const finiteOrNull = (v: number): number | null => (Number.isFinite(v) ? v : null);

export interface ReportOptions {
  /** Fills opd_rms_waves: the RMS wavefront error of a field × wavelength, in waves (the CLI passes
   * engine/wave's `rmsWavefrontError`; analysis/ does not import wave/, which sits above it). */
  opdRms?: (system: LensSystem, fieldIndex: number, wavelengthIndex: number) => number | null;
  /** false leaves opd_rms_waves empty even with opdRms (the studio's live redraw). */
  opd?: boolean;
}

/** Runs the standard analyses on a system. */
export function analyze(system: LensSystem, options: ReportOptions = {}): AnalysisReport {
  const fo = firstOrder(system);
  const ctx = launchContext(system);
  const warnings: string[] = checkGeometry(system);
  const spot: AnalysisReport['spot'] = [];
  for (let f = 0; f < system.fieldY.length; f++) {
    for (let w = 0; w < system.wavelengthsUm.length; w++) {
      const s = spotDiagram(system, f, w, { ctx });
      if (s.validCount < s.x.length) warnings.push(`field ${f + 1}, ${system.wavelengthsUm[w]} µm: ${s.x.length - s.validCount} of ${s.x.length} rays lost`);
      spot.push({ field_index: f, wavelength_um: system.wavelengthsUm[w], rms_radius: s.rmsRadius, geo_radius: s.geoRadius, centroid: s.centroid, valid_rays: s.validCount, total_rays: s.x.length });
    }
  }
  const s = seidelSums(system);
  const fmax = maxField(system);
  const wl = Array.from(system.wavelengthsUm);
  if (fo.afocal) {
    warnings.push('afocal system (no optical power): EFL, BFL, FFL and F/# are not defined; distortion and field curvature need an image at a finite distance');
  }
  const report: AnalysisReport = {
    name: system.name,
    units: 'mm',
    wavelengths_um: wl,
    primary_wavelength_um: system.wavelengthsUm[system.primaryIndex],
    fields: Array.from(system.fieldY, (y, i) => ({ type: system.fieldType, x: system.fieldX[i], y })),
    paraxial: {
      efl: fo.efl, bfl: fo.bfl, ffl: fo.ffl, fno: fo.fno, epd: fo.epd, epl: fo.epl, xpd: fo.xpd, xpl: fo.xpl, invariant: fo.invariant,
      total_track: fo.totalTrack, paraxial_image_height: fo.paraxialImageHeight, working_fno: fo.workingFno,
      afocal: fo.afocal, angular_magnification: fo.angularMagnification,
    },
    spot,
    seidel: { S1: s.S1, S2: s.S2, S3: s.S3, S4: s.S4, S5: s.S5 },
    distortion_percent: wl.map((wum, w) => ({ wavelength_um: wum, max_field: fo.afocal ? null : distortionPercent(system, fmax, w, ctx) })),
    field_curvature: wl.map((wum, w) => (fo.afocal ? { wavelength_um: wum, tangential: null, sagittal: null } : { wavelength_um: wum, ...fieldCurvature(system, fmax, w, ctx) })),
    opd_rms_waves: options.opd === false || !options.opdRms ? [] : spot.map((s) => ({ field_index: s.field_index, wavelength_um: s.wavelength_um, rms: options.opdRms!(system, s.field_index, wl.indexOf(s.wavelength_um)) })),
    warnings,
  };
  // Last line of defence: a value that came out NaN is reported as not computable (null) with a warning.
  const nan = scrubNaN(report);
  if (nan.length > 0) report.warnings.push(`not computable for this system (shown as —): ${nan.join(', ')}`);
  return report;
}

/**
 * Replaces every NaN inside `value` (objects and arrays, in place) by null.
 * @returns the JSON-style paths replaced, e.g. ["seidel.S1"]
 */
export function scrubNaN(value: unknown, path = ''): string[] {
  if (!value || typeof value !== 'object' || ArrayBuffer.isView(value)) return [];
  const out: string[] = [];
  const obj = value as Record<string, unknown>;
  for (const k of Object.keys(obj)) {
    const at = Array.isArray(value) ? `${path}[${k}]` : path ? `${path}.${k}` : k;
    const v = obj[k];
    if (typeof v === 'number' && Number.isNaN(v)) {
      obj[k] = null;
      out.push(at);
    } else out.push(...scrubNaN(v, at));
  }
  return out;
}

/** Replaces non-finite numbers by null (JSON has no NaN/Infinity) — for printing reports. */
export function sanitizeForJson<T>(value: T): T {
  return JSON.parse(JSON.stringify(value, (_k, v) => (typeof v === 'number' ? finiteOrNull(v) : v)));
}
