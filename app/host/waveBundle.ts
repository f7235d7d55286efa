/**
 * The studio's wave-optics analyses (StudioApi `analyzeWave`, app/contract/studioWaveApi.ts): the
 * engine/wave calls behind the MTF, wavefront, PSF, Zernike and through-focus panels, sampled for
 * a live or a refined pass, with the same calls and sampling as the command line in the refined
 * pass (so its numbers are the CLI's).
 *
 * The work is cut into slices of one engine call each (one field's FFT PSF, one frequency of the
 * exact MTF, one through-focus plane...). It runs on the host's wave-analysis thread
 * (waveWorker.ts); before each slice the event loop gets a turn, so a cancellation message is
 * seen, and `control.cancelled()` abandons the pass (WaveSuperseded). On the host thread itself
 * (the fallback), edits are answered between slices. A part that fails lands in `errors`; undersampled
 * results are null with a warning naming the field, never aliased numbers.
 */
import type { LensSystem } from '../../engine/optics/system.ts';
import { launchContext, type LaunchContext } from '../../engine/trace/rayAiming.ts';
import { firstOrder } from '../../engine/analysis/firstOrder.ts';
import { diffractionPsf, type DiffractionPsf } from '../../engine/wave/psf.ts';
import { fftMtf, mtfAtFrequencies } from '../../engine/wave/mtf.ts';
import { directionCosineScale } from '../../engine/wave/pupilMapping.ts';
import { wavefrontMap, wavefrontStatistics } from '../../engine/wave/wavefront.ts';
import { fitZernike, zernikeNM } from '../../engine/wave/zernike.ts';
import { strehlRatio } from '../../engine/wave/strehl.ts';
import { AFOCAL_WAVE_WARNING } from '../../engine/wave/waveReport.ts';
import { psfEncircledEnergy } from '../../engine/wave/psfEnergy.ts';
import type { WaveBundle, WaveMtfData, WaveMtfField, WavePsfData, WavefrontData, WaveThroughFocusData, WaveZernikeData } from '../contract/studioApi.ts';
import { polychromaticWavelengths, type WaveRequest } from './waveOptions.ts';

/** Thrown inside a pass that `control.cancelled()` abandoned. */
export class WaveSuperseded extends Error {
  override name = 'WaveSuperseded';
}

export interface WaveControl {
  /** Checked between slices; true abandons the pass. */
  cancelled(): boolean;
}

/** Sampling of the two passes (the refined one is the command line's). */
export const WAVE_SAMPLING = {
  live: { pupilSamples: 32, maxPupilSamples: 128, zernike: [16, 32] as [number, number], focusPlanes: 9 },
  refined: { pupilSamples: 64, maxPupilSamples: 512, zernike: [32, 64] as [number, number], focusPlanes: 21 },
} as const;
/**
 * The PSF is drawn from an FFT with padding 4 (pixels of λ/(8·NA), twice finer than Nyquist, so
 * the drawn image is smooth; `lens-studio psf --padding 4` gives the same grid), in a window of
 * 3 × the radius of 95 % of the energy (the faint wings a log scale shows; at most the FFT grid),
 * at least 8 Airy radii, at most 255 bins a side.
 */
const PSF_PADDING = 4;
const PSF_WINDOW = { energy: 0.95, margin: 3, minAiry: 8, maxBins: 255 } as const;

const tick = () => new Promise<void>((resolve) => setImmediate(resolve));
const describe = (e: unknown) => (e instanceof Error ? e.message : String(e));

/** The smallest round number (1, 1.5, 2, 2.5, 3, 4, 5, 6, 8 × 10^k) ≥ v. */
function roundUp(v: number): number {
  const e = Math.floor(Math.log10(v));
  for (const m of [1, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10]) if (m * 10 ** e >= v * (1 - 1e-12)) return Number((m * 10 ** e).toPrecision(12));
  return 10 ** (e + 1);
}

/**
 * Computes the parts of `request` for `system` (lens revision `revision`).
 * @throws WaveSuperseded when `control.cancelled()` turns true between slices
 */
export async function computeWaveBundle(system: LensSystem, revision: number, request: WaveRequest, control: WaveControl): Promise<WaveBundle> {
  const out: WaveBundle = {
    revision, quality: request.quality, superseded: false, primaryWavelengthUm: system.wavelengthsUm[system.primaryIndex],
    mtf: null, wavefront: null, psf: null, zernike: null, throughFocus: null, warnings: [], errors: [], timingsMs: {}, computedOn: 'host-thread',
  };
  const slice = async () => {
    await tick();
    if (control.cancelled()) throw new WaveSuperseded('superseded');
  };
  let ctx: LaunchContext;
  try {
    ctx = launchContext(system);
  } catch (e) {
    out.errors.push(`entrance pupil: ${describe(e)}`);
    return out;
  }
  const run = async <T,>(name: string, fn: () => Promise<T>): Promise<T | null> => {
    const t0 = performance.now();
    try {
      return await fn();
    } catch (e) {
      if (e instanceof WaveSuperseded) throw e;
      out.errors.push(`${name}: ${describe(e)}`);
      return null;
    } finally {
      out.timingsMs[name] = performance.now() - t0;
    }
  };
  const env: Env = { system, ctx, request, slice, warn: (w) => out.warnings.push(w) };
  if (request.mtf) out.mtf = await run('mtf', () => mtfPart(env));
  if (request.wavefront) out.wavefront = await run('wavefront', () => wavefrontPart(env));
  if (request.psf) out.psf = await run('psf', () => psfPart(env));
  if (request.zernike) out.zernike = await run('zernike', () => zernikePart(env));
  if (request.throughFocus) out.throughFocus = await run('throughFocus', () => throughFocusPart(env));
  return out;
}

interface Env {
  system: LensSystem;
  ctx: LaunchContext;
  request: WaveRequest;
  slice: () => Promise<void>;
  warn: (w: string) => void;
}

const refined = (env: Env) => env.request.quality === 'refined';

function undersampledNote(env: Env, f: number, what: string, psf: DiffractionPsf): string {
  const maxN = WAVE_SAMPLING[env.request.quality].maxPupilSamples;
  const live = env.request.quality === 'live' ? ` in the live pass (the refined pass goes to ${WAVE_SAMPLING.refined.maxPupilSamples})` : '';
  return `field ${f + 1}: the ${what} is undersampled (OPD step ${psf.maxPhaseStepWaves.toPrecision(3)} waves between neighbouring pupil samples at ${psf.pupilSamples} samples; the limit 0.25 needs more than ${maxN}${live}): not shown`;
}

async function mtfPart(env: Env): Promise<WaveMtfData> {
  const { system, ctx, slice } = env;
  const req = env.request.mtf!;
  const wl = req.polychromatic ? polychromaticWavelengths(system) : [system.primaryIndex];
  const { pupilSamples, maxPupilSamples } = WAVE_SAMPLING[env.request.quality];
  const fields: WaveMtfField[] = [];
  for (let f = 0; f < system.fieldY.length; f++) {
    await slice();
    // Polychromatic: pixels at the Nyquist limit of every wavelength (padding 2), so the curve
    // reaches the shortest wavelength's cutoff without aliasing.
    let pixelUm: number | undefined;
    if (wl.length > 1) {
      pixelUm = Math.min(...wl.map((w) => {
        const a = directionCosineScale(system, f, w, ctx);
        return (system.wavelengthsUm[w] / (4 * Math.max(Math.abs(a.aS), Math.abs(a.aT))));
      }));
    }
    const psf = diffractionPsf(system, f, { wavelengths: wl, pupilSamples, maxPupilSamples, diffractionLimited: true, pixelUm, ctx });
    const curve = fftMtf(psf);
    const limit = fftMtf({ ...psf, data: psf.diffractionLimitedData!, undersampled: false });
    if (psf.undersampled) env.warn(undersampledNote(env, f, 'MTF curve (FFT PSF)', psf));
    const lambdaMm = system.wavelengthsUm[wl[0]] * 1e-3;
    const [aS, aT] = psf.scales[0];
    fields.push({
      fieldIndex: f,
      frequencies: curve.frequencies,
      tangential: psf.undersampled ? null : curve.tangential,
      sagittal: psf.undersampled ? null : curve.sagittal,
      diffractionLimitTangential: limit.tangential,
      diffractionLimitSagittal: limit.sagittal,
      cutoffTangential: (2 * Math.abs(aT)) / lambdaMm,
      cutoffSagittal: (2 * Math.abs(aS)) / lambdaMm,
      pupilSamples: psf.pupilSamples,
      maxPhaseStepWaves: psf.maxPhaseStepWaves,
      undersampled: psf.undersampled,
      exact: null,
    });
  }
  if (refined(env)) {
    for (const m of fields) {
      const exact: NonNullable<WaveMtfField['exact']> = { frequencies: req.frequencies, tangential: [], sagittal: [], diffractionLimitTangential: [], diffractionLimitSagittal: [] };
      for (const freq of req.frequencies) {
        await slice();
        // One frequency per slice; the same call (and so the same numbers) as `analyze --wave`.
        const r = mtfAtFrequencies(system, m.fieldIndex, [freq], { ctx, wavelengths: wl });
        exact.tangential.push(r.tangential[0]);
        exact.sagittal.push(r.sagittal[0]);
        exact.diffractionLimitTangential.push(r.diffractionLimitTangential[0]);
        exact.diffractionLimitSagittal.push(r.diffractionLimitSagittal[0]);
      }
      const missing = req.frequencies.filter((_, i) => exact.tangential[i] === null || exact.sagittal[i] === null);
      if (missing.length) env.warn(`field ${m.fieldIndex + 1}: ${wl.length > 1 ? 'polychromatic ' : ''}MTF undersampled at ${missing.join(', ')} cycles/mm (the pupil autocorrelation's phase changes by more than 0.5 wave between quadrature nodes): not reported`);
      m.exact = exact;
    }
  }
  return { polychromatic: wl.length > 1, wavelengthsUm: wl.map((w) => system.wavelengthsUm[w]), fields };
}

async function wavefrontPart(env: Env): Promise<WavefrontData> {
  const { system, ctx, slice } = env;
  const { fieldIndex: f, wavelengthIndex: w } = env.request.wavefront!;
  await slice();
  const map = wavefrontMap(system, f, w, 64, ctx);
  await slice();
  const st = wavefrontStatistics(system, f, w, { ctx, refinePv: refined(env) });
  if (firstOrder(system).afocal) env.warn(AFOCAL_WAVE_WARNING);
  if (st.rms === null) env.warn(`field ${f + 1}: the chief ray or every ray is lost; no wavefront`);
  else if (st.transmittedFraction < 0.999) env.warn(`field ${f + 1}: the pupil is vignetted (${(100 * st.transmittedFraction).toFixed(1)} % transmitted): its MTF and Strehl are accurate to about ±0.005`);
  return {
    fieldIndex: f, wavelengthIndex: w, wavelengthUm: system.wavelengthsUm[w], size: map.size, opd: map.opd, valid: map.valid, min: map.min, max: map.max,
    rmsWaves: st.rms, rmsPistonTiltWaves: st.rmsPistonTilt, pvWaves: st.pv, pvRefined: refined(env), transmittedFraction: st.transmittedFraction,
  };
}

async function psfPart(env: Env): Promise<WavePsfData> {
  const { system, ctx, slice } = env;
  const { fieldIndex: f, polychromatic } = env.request.psf!;
  const s = WAVE_SAMPLING[env.request.quality];
  const wl = polychromatic ? polychromaticWavelengths(system) : [system.primaryIndex];
  await slice();
  const psf = diffractionPsf(system, f, { wavelengths: wl, pupilSamples: s.pupilSamples, maxPupilSamples: s.maxPupilSamples, padding: PSF_PADDING, ctx });
  let strehl: number | null = null;
  let undersampled = psf.undersampled;
  if (refined(env) && !polychromatic && !undersampled) {
    await slice();
    const sr = strehlRatio(system, f, wl[0], { ctx, psf });
    undersampled = sr.undersampled;
    strehl = sr.undersampled ? null : sr.peak;
  }
  const [aS, aT] = psf.scales[0];
  const airyRadiusUm = (0.61 * system.wavelengthsUm[wl[0]]) / ((Math.abs(aS) + Math.abs(aT)) / 2);
  const G = psf.size;
  const base: WavePsfData = {
    fieldIndex: f, polychromatic, wavelengthsUm: wl.map((w) => system.wavelengthsUm[w]), size: 0, pixelUm: psf.pixelUm, bin: 1, data: null,
    gridSize: G, gridPixelUm: psf.pixelUm, pupilSamples: psf.pupilSamples, padding: psf.padding, maxPhaseStepWaves: psf.maxPhaseStepWaves,
    undersampled, peak: null, strehl, r50Um: null, r80Um: null, airyRadiusUm,
  };
  if (undersampled) {
    env.warn(psf.undersampled ? undersampledNote(env, f, 'diffraction PSF', psf) : `field ${f + 1}: the Strehl quadrature is undersampled (more than 0.5 wave between nodes): the PSF is not shown`);
    return base;
  }
  await slice();
  const fractions = refined(env) ? [0.5, 0.8, PSF_WINDOW.energy] : [PSF_WINDOW.energy];
  const radii = psfEncircledEnergy(psf, fractions);
  if (refined(env)) [base.r50Um, base.r80Um] = radii;
  let peak = 0;
  for (const v of psf.data) peak = Math.max(peak, v);
  base.peak = peak;
  // The window: odd bins of odd width b, the centre bin on the chief-ray pixel G/2.
  const p = psf.pixelUm;
  const halfPx = Math.min(G / 2 - 1, Math.max(Math.ceil((PSF_WINDOW.margin * radii[radii.length - 1]) / p), Math.ceil((PSF_WINDOW.minAiry * airyRadiusUm) / p)));
  let b = Math.max(1, Math.ceil((2 * halfPx + 1) / PSF_WINDOW.maxBins));
  if (b % 2 === 0) b++;
  const k = Math.max(1, Math.floor((halfPx - (b - 1) / 2) / b));
  const size = 2 * k + 1;
  const first = G / 2 - k * b - (b - 1) / 2;
  const data = new Float32Array(size * size);
  for (let bi = 0; bi < size; bi++) {
    for (let bj = 0; bj < size; bj++) {
      let sum = 0;
      for (let u = 0; u < b; u++) {
        const i = first + bi * b + u;
        if (i < 0 || i >= G) continue;
        for (let v = 0; v < b; v++) {
          const j = first + bj * b + v;
          if (j >= 0 && j < G) sum += psf.data[i * G + j];
        }
      }
      data[bi * size + bj] = sum / (b * b);
    }
  }
  return { ...base, size, bin: b, pixelUm: p * b, data };
}

async function zernikePart(env: Env): Promise<WaveZernikeData> {
  const { system, ctx, slice } = env;
  const { fieldIndex: f, wavelengthIndex: w, basis } = env.request.zernike!;
  const [rings, arms] = WAVE_SAMPLING[env.request.quality].zernike;
  await slice();
  const st = wavefrontStatistics(system, f, w, { ctx, rings, arms, refinePv: false });
  if (st.rms === null) throw new Error(`field ${f + 1}: the chief ray or every ray is lost; no wavefront to fit`);
  const q = st.quadrature;
  const weights = Float64Array.from(q.weight, (v, k) => (st.samples.valid[k] ? v : 0));
  await slice();
  const fit = fitZernike(basis, 37, q.px, q.py, st.samples.opd, weights);
  return {
    fieldIndex: f, wavelengthIndex: w, wavelengthUm: system.wavelengthsUm[w], basis, coefficients: Array.from(fit.coefficients),
    nm: Array.from({ length: 37 }, (_, j) => zernikeNM(basis, j + 1)), residualRmsWaves: fit.residualRms, quadrature: [rings, arms],
  };
}

async function throughFocusPart(env: Env): Promise<WaveThroughFocusData> {
  const { system, ctx, slice } = env;
  const req = env.request.throughFocus!;
  const wl = req.polychromatic ? polychromaticWavelengths(system) : [system.primaryIndex];
  let half = req.halfRangeMm;
  if (half === null) {
    const nw = Math.abs(firstOrder(system).workingFno);
    half = roundUp((2.5 * (Number.isFinite(nw) && nw > 0 ? nw : 5)) / req.frequency);
  }
  const planes = WAVE_SAMPLING[env.request.quality].focusPlanes;
  const shiftsMm = Array.from({ length: planes }, (_, i) => -half + (2 * half * i) / (planes - 1));
  const fields: WaveThroughFocusData['fields'] = [];
  let diffractionLimit: number | null = null;
  for (let f = 0; f < system.fieldY.length; f++) {
    const tangential: (number | null)[] = [], sagittal: (number | null)[] = [];
    for (const dz of shiftsMm) {
      await slice();
      // One plane per slice: what engine/wave/mtf.ts `throughFocusMtf` computes for each shift.
      const r = mtfAtFrequencies(system, f, [req.frequency], { wavelengths: wl, ctx, focusShiftMm: dz });
      tangential.push(r.tangential[0]);
      sagittal.push(r.sagittal[0]);
      // The limit (W = 0) does not depend on focus.
      if (f === 0) diffractionLimit = r.diffractionLimitTangential[0];
    }
    const missing = tangential.filter((v) => v === null).length + sagittal.filter((v) => v === null).length;
    if (missing) env.warn(`field ${f + 1}: through-focus MTF undersampled at ${missing} of ${2 * planes} points (more than 0.5 wave between quadrature nodes): not drawn there`);
    fields.push({ fieldIndex: f, tangential, sagittal });
  }
  return { frequency: req.frequency, polychromatic: wl.length > 1, shiftsMm, fields, diffractionLimit };
}
