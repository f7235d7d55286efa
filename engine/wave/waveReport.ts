/**
 * The `wave` object of `lens-studio analyze --wave --json` (issue 14; keys are a public contract),
 * at the primary wavelength, with the definitions of ../shared/oracles/wave/README.md:
 * - fields[k]: `rms_waves` RMS about the area mean (piston removed), `pv_waves` max − min,
 *   `zernike_fringe` Fringe/UA Z1…Z37 (unit peak), `zernike_standard` Noll j = 1…37 (unit RMS),
 *   `strehl` the PSF peak over the aberration-free peak (null when undersampled).
 * - mtf[k]: monochromatic diffraction MTF at the requested frequencies (cycles/mm, direction-cosine
 *   mapping, evaluated exactly — not interpolated), T = frequency along y, S = along x, and the
 *   per-field diffraction limits; values null where undersampled.
 * - mtf_polychromatic[k]: |Σ_λ w_λ OTF_λ e^{−2πi f (c_λ − c_primary)}| / Σ w_λ (engine/wave/mtf.ts).
 * - encircled_energy[k]: geometric 50 % / 80 % radii about the primary chief ray, µm.
 * Extra keys (not in the list, never renamed): `warnings`, per field
 * `rms_piston_tilt_removed_waves` and `zernike_residual_rms_waves`, per MTF entry `undersampled`.
 */
import type { LensSystem } from '../optics/system.ts';
import { launchContext } from '../trace/rayAiming.ts';
import { wavefrontStatistics } from './wavefront.ts';
import { fitZernike } from './zernike.ts';
import { diffractionPsf } from './psf.ts';
import { strehlRatio } from './strehl.ts';
import { mtfAtFrequencies } from './mtf.ts';
import { geometricEncircledEnergy } from './geometric.ts';
import { firstOrder } from '../analysis/firstOrder.ts';

export const DEFAULT_MTF_FREQUENCIES = [5, 10, 20, 40, 80];

export interface WaveFieldJson {
  field_index: number;
  rms_waves: number | null;
  pv_waves: number | null;
  zernike_fringe: number[];
  zernike_standard: number[];
  strehl: number | null;
  rms_piston_tilt_removed_waves: number | null;
  zernike_residual_rms_waves: number | null;
}

export interface WaveMtfJson {
  field_index: number;
  frequencies_cyc_per_mm: number[];
  tangential: (number | null)[];
  sagittal: (number | null)[];
  diffraction_limit_tangential: number[];
  diffraction_limit_sagittal: number[];
  undersampled: boolean;
}

export interface WaveReportJson {
  wavelength_um: number;
  fields: WaveFieldJson[];
  mtf: WaveMtfJson[];
  mtf_polychromatic: WaveMtfJson[];
  encircled_energy: { field_index: number; r50_um: number | null; r80_um: number | null }[];
  warnings: string[];
}

export interface WaveReportOptions {
  frequencies?: number[];
  /** Called after each field with (done, total). */
  onProgress?: (done: number, total: number) => void;
  /** Checked between fields; when it returns true the report stops with an Error('cancelled'). */
  cancelled?: () => boolean;
}

const mtfJson = (f: number, m: ReturnType<typeof mtfAtFrequencies>): WaveMtfJson => ({
  field_index: f,
  frequencies_cyc_per_mm: m.frequencies,
  tangential: m.tangential,
  sagittal: m.sagittal,
  diffraction_limit_tangential: m.diffractionLimitTangential,
  diffraction_limit_sagittal: m.diffractionLimitSagittal,
  undersampled: m.undersampled,
});

/**
 * Computes the wave report of every field at the primary wavelength.
 * @throws RangeError for a non-positive or non-finite frequency; Error('cancelled')
 */
/** Said by every wave analysis of an afocal system (a known limit). */
export const AFOCAL_WAVE_WARNING =
  "the system is afocal: the OPD is taken about a reference sphere through the paraxial exit pupil centred on the chief ray's image point, not about a plane wave (afocal image space is not supported by the wave analyses yet), so a collimated output shows as defocus";

export function waveReport(system: LensSystem, opts: WaveReportOptions = {}): WaveReportJson {
  const freqs = opts.frequencies ?? DEFAULT_MTF_FREQUENCIES;
  for (const f of freqs) if (!(Number.isFinite(f) && f >= 0)) throw new RangeError(`frequency ${f}: expected a number ≥ 0 (cycles/mm)`);
  const ctx = launchContext(system);
  const w = system.primaryIndex;
  const all = Array.from(system.wavelengthsUm, (_, i) => i).filter((i) => system.wavelengthWeights[i] > 0);
  const poly = [w, ...all.filter((i) => i !== w)];
  const out: WaveReportJson = { wavelength_um: system.wavelengthsUm[w], fields: [], mtf: [], mtf_polychromatic: [], encircled_energy: [], warnings: [] };
  if (firstOrder(system).afocal) out.warnings.push(AFOCAL_WAVE_WARNING);
  const nf = system.fieldY.length;
  for (let f = 0; f < nf; f++) {
    if (opts.cancelled?.()) throw new Error('cancelled');
    const label = `field ${f + 1}`;
    const st = wavefrontStatistics(system, f, w, { ctx });
    const q = st.quadrature, s = st.samples;
    const weights = Float64Array.from(q.weight, (v, k) => (s.valid[k] ? v : 0));
    let zf: number[] = [], zs: number[] = [], residual: number | null = null;
    if (st.rms !== null) {
      try {
        const fr = fitZernike('fringe', 37, q.px, q.py, s.opd, weights);
        zf = Array.from(fr.coefficients);
        zs = Array.from(fitZernike('standard', 37, q.px, q.py, s.opd, weights).coefficients);
        residual = fr.residualRms;
      } catch (err) {
        out.warnings.push(`${label}: Zernike fit failed (${(err as Error).message})`);
      }
    } else out.warnings.push(`${label}: the chief ray or every ray is lost; no wavefront`);
    if (st.transmittedFraction < 0.999 && st.transmittedFraction > 0) out.warnings.push(`${label}: the pupil is vignetted (${(100 * st.transmittedFraction).toFixed(1)} % transmitted): its MTF and Strehl are accurate to about ±0.005 (the pupil quadrature's edge)`);
    let strehl: number | null = null;
    if (st.rms !== null) {
      const psf = diffractionPsf(system, f, { ctx });
      const sr = strehlRatio(system, f, w, { ctx, psf });
      strehl = sr.peak;
      if (psf.undersampled) {
        strehl = null;
        out.warnings.push(`${label}: the diffraction PSF is undersampled (OPD step ${psf.maxPhaseStepWaves.toPrecision(3)} waves between neighbouring pupil samples at ${psf.pupilSamples} samples; the limit 0.25 would need more than 512): Strehl not reported`);
      } else if (sr.undersampled) {
        strehl = null;
        out.warnings.push(`${label}: the Strehl quadrature is undersampled (OPD step ${sr.maxPhaseStepWaves.toPrecision(3)} waves between nodes): Strehl not reported`);
      }
    }
    out.fields.push({
      field_index: f, rms_waves: st.rms, pv_waves: st.pv, zernike_fringe: zf, zernike_standard: zs, strehl,
      rms_piston_tilt_removed_waves: st.rmsPistonTilt, zernike_residual_rms_waves: residual,
    });
    const m = mtfAtFrequencies(system, f, freqs, { ctx });
    const mp = mtfAtFrequencies(system, f, freqs, { ctx, wavelengths: poly });
    out.mtf.push(mtfJson(f, m));
    out.mtf_polychromatic.push(mtfJson(f, mp));
    for (const [what, r] of [['MTF', m], ['polychromatic MTF', mp]] as const) {
      const missing = freqs.filter((_, i) => r.tangential[i] === null || r.sagittal[i] === null);
      if (missing.length > 0) out.warnings.push(`${label}: ${what} undersampled at ${missing.join(', ')} cycles/mm (the pupil autocorrelation's phase changes by more than 0.5 wave between quadrature nodes): not reported`);
    }
    const ee = geometricEncircledEnergy(system, f, [0.5, 0.8], { ctx });
    out.encircled_energy.push({ field_index: f, r50_um: ee.radiiMm[0] === null ? null : ee.radiiMm[0] * 1e3, r80_um: ee.radiiMm[1] === null ? null : ee.radiiMm[1] * 1e3 });
    opts.onProgress?.(f + 1, nf);
  }
  return out;
}
