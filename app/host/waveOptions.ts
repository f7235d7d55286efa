/**
 * Checks the options of `analyzeWave` (app/contract/studioWaveApi.ts) against the lens and fills
 * in the defaults, so the computation (waveBundle.ts) sees only valid, complete requests. A client
 * cannot ask for unbounded work: frequencies, ranges and counts are bounded.
 */
import type { LensSystem } from '../../engine/optics/system.ts';
import { DEFAULT_MTF_FREQUENCIES } from '../../engine/wave/waveReport.ts';
import { StudioError, type WaveAnalysisOptions, type WaveQuality, type ZernikeBasisName } from '../contract/studioApi.ts';
import { API_LIMITS } from '../contract/apiLimits.ts';

/** A request with every default filled in and every index checked. */
export interface WaveRequest {
  quality: WaveQuality;
  mtf: { polychromatic: boolean; frequencies: number[] } | null;
  wavefront: { fieldIndex: number; wavelengthIndex: number } | null;
  psf: { fieldIndex: number; polychromatic: boolean } | null;
  zernike: { fieldIndex: number; wavelengthIndex: number; basis: ZernikeBasisName } | null;
  /** halfRangeMm null: the default range, which needs the first-order data (waveBundle.ts). */
  throughFocus: { frequency: number; polychromatic: boolean; halfRangeMm: number | null } | null;
}

const WAVE_LIMITS = {
  frequencies: API_LIMITS.wave.frequencies[1],
  maxFrequency: API_LIMITS.wave.frequency[1],
  minHalfRangeMm: API_LIMITS.wave.halfRangeMm[0],
  maxHalfRangeMm: API_LIMITS.wave.halfRangeMm[1],
};

function bad(message: string): never {
  throw new StudioError('BAD_REQUEST', `analyzeWave: ${message}`);
}

function isObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

function part(options: Record<string, unknown>, name: string): Record<string, unknown> | null {
  const v = options[name];
  if (v === undefined || v === null) return null;
  if (!isObject(v)) bad(`${name} must be an object`);
  return v;
}

function index(v: unknown, name: string, count: number, what: string, fallback?: number): number {
  if (v === undefined && fallback !== undefined) return fallback;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v >= count) {
    bad(`${name} must be a ${what} index from 0 to ${count - 1} (the lens has ${count} ${what}s), got ${JSON.stringify(v)}`);
  }
  return v;
}

function flag(v: unknown, name: string): boolean {
  if (v === undefined) return false;
  if (typeof v !== 'boolean') bad(`${name} must be true or false, got ${JSON.stringify(v)}`);
  return v;
}

function frequency(v: unknown, name: string, allowZero: boolean): number {
  if (typeof v !== 'number' || !Number.isFinite(v) || v < 0 || (!allowZero && v === 0) || v > WAVE_LIMITS.maxFrequency) {
    bad(`${name} must be a frequency ${allowZero ? '≥ 0' : '> 0'} and ≤ ${WAVE_LIMITS.maxFrequency} cycles/mm, got ${JSON.stringify(v)}`);
  }
  return v;
}

/**
 * The checked request.
 * @throws StudioError BAD_REQUEST naming the option that is wrong
 */
export function normalizeWaveOptions(raw: unknown, system: LensSystem): WaveRequest {
  if (raw === undefined) raw = {};
  if (!isObject(raw)) bad('options must be an object');
  const nf = system.fieldY.length;
  const nw = system.wavelengthsUm.length;
  const quality = raw.quality ?? 'refined';
  if (quality !== 'live' && quality !== 'refined') bad(`quality must be "live" or "refined", got ${JSON.stringify(raw.quality)}`);
  const out: WaveRequest = { quality, mtf: null, wavefront: null, psf: null, zernike: null, throughFocus: null };

  const mtf = part(raw, 'mtf');
  if (mtf) {
    let frequencies = DEFAULT_MTF_FREQUENCIES;
    if (mtf.frequencies !== undefined) {
      if (!Array.isArray(mtf.frequencies) || mtf.frequencies.length < 1 || mtf.frequencies.length > WAVE_LIMITS.frequencies) {
        bad(`mtf.frequencies must be a list of 1 to ${WAVE_LIMITS.frequencies} frequencies (cycles/mm)`);
      }
      frequencies = mtf.frequencies.map((f, i) => frequency(f, `mtf.frequencies[${i}]`, true));
    }
    out.mtf = { polychromatic: flag(mtf.polychromatic, 'mtf.polychromatic'), frequencies: [...frequencies] };
  }
  const wf = part(raw, 'wavefront');
  if (wf) {
    out.wavefront = {
      fieldIndex: index(wf.fieldIndex, 'wavefront.fieldIndex', nf, 'field'),
      wavelengthIndex: index(wf.wavelengthIndex, 'wavefront.wavelengthIndex', nw, 'wavelength', system.primaryIndex),
    };
  }
  const psf = part(raw, 'psf');
  if (psf) out.psf = { fieldIndex: index(psf.fieldIndex, 'psf.fieldIndex', nf, 'field'), polychromatic: flag(psf.polychromatic, 'psf.polychromatic') };
  const z = part(raw, 'zernike');
  if (z) {
    if (z.basis !== 'fringe' && z.basis !== 'standard') bad(`zernike.basis must be "fringe" or "standard", got ${JSON.stringify(z.basis)}`);
    out.zernike = {
      fieldIndex: index(z.fieldIndex, 'zernike.fieldIndex', nf, 'field'),
      wavelengthIndex: index(z.wavelengthIndex, 'zernike.wavelengthIndex', nw, 'wavelength', system.primaryIndex),
      basis: z.basis,
    };
  }
  const tf = part(raw, 'throughFocus');
  if (tf) {
    let halfRangeMm: number | null = null;
    if (tf.halfRangeMm !== undefined) {
      const h = tf.halfRangeMm;
      if (typeof h !== 'number' || !Number.isFinite(h) || h < WAVE_LIMITS.minHalfRangeMm || h > WAVE_LIMITS.maxHalfRangeMm) {
        bad(`throughFocus.halfRangeMm must be a length from ${WAVE_LIMITS.minHalfRangeMm} to ${WAVE_LIMITS.maxHalfRangeMm} mm, got ${JSON.stringify(h)}`);
      }
      halfRangeMm = h;
    }
    out.throughFocus = { frequency: frequency(tf.frequency, 'throughFocus.frequency', false), polychromatic: flag(tf.polychromatic, 'throughFocus.polychromatic'), halfRangeMm };
  }
  return out;
}

/** The wavelengths of a polychromatic analysis, as the command line: the primary first, then every other one of weight > 0. */
export function polychromaticWavelengths(system: LensSystem): number[] {
  const w = system.primaryIndex;
  return [w, ...Array.from(system.wavelengthsUm.keys()).filter((i) => i !== w && system.wavelengthWeights[i] > 0)];
}
