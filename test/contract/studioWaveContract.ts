/**
 * The StudioApi contract of `analyzeWave` (app/contract/studioWaveApi.ts), run inside the shared
 * contract suite over every transport (test/contract/studioContract.ts). Expected values come from
 * the engine run directly in the test process — `waveReport` is what `lens-studio analyze --wave`
 * prints — never from the host: the refined pass must give the command line's numbers, a live
 * pass must be close to them, undersampled results must be null with a warning, a refined pass
 * must give way to an edit, and the work must run on the host's wave-analysis thread.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { parsePrescriptionJson } from '../../engine/io/json.ts';
import { GlassLibrary } from '../../engine/materials/glassLibrary.ts';
import { buildSystem } from '../../engine/paraxial/buildSystem.ts';
import type { LensSystem } from '../../engine/optics/system.ts';
import { waveReport, type WaveReportJson } from '../../engine/wave/waveReport.ts';
import { diffractionPsf } from '../../engine/wave/psf.ts';
import { psfEncircledEnergy } from '../../engine/wave/psfEnergy.ts';
import { mtfAtFrequencies } from '../../engine/wave/mtf.ts';
import { StudioError, type StudioApi, type WaveBundle, type WaveMtfField } from '../../app/contract/studioApi.ts';
import { API_LIMITS } from '../../app/contract/apiLimits.ts';

const repoRoot = path.resolve(import.meta.dirname, '../..');

async function libraryLens(name: string): Promise<LensSystem> {
  return buildSystem(parsePrescriptionJson(await readFile(path.join(repoRoot, 'lens-library', name), 'utf8')), GlassLibrary.builtin());
}

/** The FFT curve linearly interpolated at f (cycles/mm). */
function curveAt(m: WaveMtfField, values: Float64Array, f: number): number {
  const fr = m.frequencies;
  let k = 1;
  while (k < fr.length - 1 && fr[k] < f) k++;
  const t = (f - fr[k - 1]) / (fr[k] - fr[k - 1]);
  return values[k - 1] + t * (values[k] - values[k - 1]);
}

export function describeWaveContract(getApi: () => StudioApi): void {
  describe('wave analyses (analyzeWave)', () => {
    let cooke: LensSystem;
    let cli: WaveReportJson;

    beforeAll(async () => {
      cooke = await libraryLens('cooke-triplet.json');
      cli = waveReport(cooke);
    });

    it('refined: the MTF, wavefront, Zernike and Strehl numbers of `lens-studio analyze --wave`', async () => {
      const api = getApi();
      const snap = await api.openLibraryLens('cooke-triplet');
      const b = await api.analyzeWave({ quality: 'refined', mtf: {}, wavefront: { fieldIndex: 1 }, psf: { fieldIndex: 1 }, zernike: { fieldIndex: 1, basis: 'standard' } });
      expect(b.revision).toBe(snap.revision);
      expect(b.superseded).toBe(false);
      // Off the host thread: its own wave-analysis thread.
      expect(b.computedOn).toBe('wave-thread');
      expect(b.errors).toEqual([]);
      expect(b.warnings).toEqual(cli.warnings);
      expect(b.primaryWavelengthUm).toBe(cli.wavelength_um);
      const mtf = b.mtf!;
      expect(mtf.polychromatic).toBe(false);
      expect(mtf.fields).toHaveLength(3);
      for (const m of mtf.fields) {
        const ref = cli.mtf[m.fieldIndex];
        expect(m.exact).toEqual({
          frequencies: ref.frequencies_cyc_per_mm,
          tangential: ref.tangential,
          sagittal: ref.sagittal,
          diffractionLimitTangential: ref.diffraction_limit_tangential,
          diffractionLimitSagittal: ref.diffraction_limit_sagittal,
        });
        // The drawn FFT curve (64 pupil samples) agrees with the exact quadrature at its own
        // frequencies (the renderer also draws the exact points on it).
        expect(m.frequencies).toBeInstanceOf(Float64Array);
        expect(m.undersampled).toBe(false);
        const picks = [2, 4, 8, 12];
        const direct = mtfAtFrequencies(cooke, m.fieldIndex, picks.map((k) => m.frequencies[k]));
        picks.forEach((k, i) => {
          expect(Math.abs(m.tangential![k] - direct.tangential[i]!)).toBeLessThan(3e-3);
          expect(Math.abs(m.sagittal![k] - direct.sagittal[i]!)).toBeLessThan(3e-3);
          expect(Math.abs(m.diffractionLimitTangential[k] - direct.diffractionLimitTangential[i])).toBeLessThan(3e-3);
          expect(Math.abs(m.diffractionLimitSagittal[k] - direct.diffractionLimitSagittal[i])).toBeLessThan(3e-3);
        });
        // Between them, linear interpolation stays within 0.02 of the exact values.
        ref.frequencies_cyc_per_mm.forEach((f, i) => expect(Math.abs(curveAt(m, m.tangential!, f) - ref.tangential[i]!)).toBeLessThan(0.02));
        expect(m.tangential![0]).toBeCloseTo(1, 12);
        // The curve reaches the cutoff, where the limit is 0.
        expect(m.frequencies[m.frequencies.length - 1]).toBeGreaterThanOrEqual(m.cutoffTangential * 0.999);
        expect(curveAt(m, m.diffractionLimitTangential, m.cutoffTangential)).toBeLessThan(1e-3);
      }
      const wf = b.wavefront!;
      expect(wf.rmsWaves).toBe(cli.fields[1].rms_waves);
      expect(wf.pvWaves).toBe(cli.fields[1].pv_waves);
      expect(wf.pvRefined).toBe(true);
      expect(wf.size).toBe(64);
      expect(wf.opd).toBeInstanceOf(Float64Array);
      expect(wf.max - wf.min).toBeLessThanOrEqual(wf.pvWaves! + 1e-12);
      expect(wf.max - wf.min).toBeGreaterThan(0.9 * wf.pvWaves!);
      expect(b.zernike!.coefficients).toEqual(cli.fields[1].zernike_standard);
      expect(b.zernike!.nm[3]).toEqual([2, 0]); // Noll j = 4: defocus
      expect(b.zernike!.quadrature).toEqual([32, 64]);
      const psf = b.psf!;
      expect(psf.strehl).toBe(cli.fields[1].strehl);
      // The panel's grid: `lens-studio psf --padding 4` (pixels twice finer than Nyquist).
      const ref = diffractionPsf(cooke, 1, { padding: 4 });
      const [r50, r80] = psfEncircledEnergy(ref, [0.5, 0.8]);
      expect(psf.r50Um).toBe(r50);
      expect(psf.r80Um).toBe(r80);
      expect(psf.gridSize).toBe(ref.size);
      expect(psf.size % 2).toBe(1);
      // The window's centre pixel is the FFT grid's chief-ray pixel (bin 1 here).
      expect(psf.bin).toBe(1);
      const c = (psf.size - 1) / 2;
      expect(psf.data![c * psf.size + c]).toBeCloseTo(ref.data[(ref.size / 2) * ref.size + ref.size / 2], 6);
    });

    it('refined polychromatic MTF: the numbers of `wave.mtf_polychromatic`', async () => {
      const api = getApi();
      await api.openLibraryLens('cooke-triplet');
      const b = await api.analyzeWave({ mtf: { polychromatic: true, frequencies: [10, 40] } });
      expect(b.quality).toBe('refined');
      const r = waveReport(cooke, { frequencies: [10, 40] });
      for (const m of b.mtf!.fields) {
        expect(m.exact!.tangential).toEqual(r.mtf_polychromatic[m.fieldIndex].tangential);
        expect(m.exact!.sagittal).toEqual(r.mtf_polychromatic[m.fieldIndex].sagittal);
        [10, 40].forEach((f, i) => expect(Math.abs(curveAt(m, m.tangential!, f) - m.exact!.tangential[i]!)).toBeLessThan(0.02));
      }
      expect(b.mtf!.wavelengthsUm[0]).toBe(cli.wavelength_um);
    });

    it('live: coarser sampling, close to the refined numbers; through-focus planes as the engine computes them', async () => {
      const api = getApi();
      await api.openLibraryLens('cooke-triplet');
      const b = await api.analyzeWave({ quality: 'live', mtf: {}, wavefront: { fieldIndex: 2 }, zernike: { fieldIndex: 2, basis: 'fringe' }, throughFocus: { frequency: 40 } });
      expect(b.quality).toBe('live');
      // 32 pupil samples, grown where the OPD step needs it (field 2 of the Cooke triplet: 64).
      expect(b.mtf!.fields.map((m) => m.pupilSamples)).toEqual([32, 64, 32]);
      for (const m of b.mtf!.fields) {
        expect(m.exact).toBeNull();
        const ref = cli.mtf[m.fieldIndex];
        // Live curves are a preview: about 10 cycles/mm between points, within 0.05 of the exact values.
        ref.frequencies_cyc_per_mm.forEach((f, i) => expect(Math.abs(curveAt(m, m.tangential!, f) - ref.tangential[i]!)).toBeLessThan(0.05));
      }
      expect(b.wavefront!.rmsWaves).toBe(cli.fields[2].rms_waves);
      expect(b.wavefront!.pvRefined).toBe(false);
      expect(b.wavefront!.pvWaves!).toBeLessThanOrEqual(cli.fields[2].pv_waves!);
      expect(b.wavefront!.pvWaves!).toBeGreaterThan(0.98 * cli.fields[2].pv_waves!);
      const z = b.zernike!;
      expect(z.quadrature).toEqual([16, 32]);
      z.coefficients.forEach((v, j) => expect(Math.abs(v - cli.fields[2].zernike_fringe[j])).toBeLessThan(1e-3));
      const tf = b.throughFocus!;
      expect(tf.shiftsMm).toHaveLength(9);
      // Default range 2.5·N_w/f rounded up: F/5, 40 cycles/mm → 0.3125 → ±0.4 mm.
      expect(tf.shiftsMm[0]).toBeCloseTo(-0.4, 12);
      expect(tf.shiftsMm[8]).toBeCloseTo(0.4, 12);
      const k = 6;
      const direct = mtfAtFrequencies(cooke, 1, [40], { focusShiftMm: tf.shiftsMm[k] });
      expect(tf.fields[1].tangential[k]).toBe(direct.tangential[0]);
      expect(tf.fields[1].sagittal[k]).toBe(direct.sagittal[0]);
      expect(tf.diffractionLimit).toBe(cli.mtf[0].diffraction_limit_tangential[3]);
    });

    it('F/1 singlet: undersampled curves and PSF are null with warnings, never aliased numbers', async () => {
      const api = getApi();
      await api.openLibraryLens('edmund-49-847');
      const b = await api.analyzeWave({ quality: 'refined', mtf: { frequencies: [5, 20] }, psf: { fieldIndex: 0 } });
      const m = b.mtf!.fields[0];
      expect(m.undersampled).toBe(true);
      expect(m.tangential).toBeNull();
      expect(m.sagittal).toBeNull();
      // The exact quadrature reaches the README's 0.078 at 5 cycles/mm; 20 is beyond it.
      expect(Math.abs(m.exact!.tangential[0]! - 0.078)).toBeLessThan(1e-3);
      expect(m.exact!.tangential[1]).toBeNull();
      expect(b.psf!.data).toBeNull();
      expect(b.psf!.strehl).toBeNull();
      expect(b.psf!.undersampled).toBe(true);
      expect(b.warnings.some((w) => /field 1: the MTF curve \(FFT PSF\) is undersampled/.test(w))).toBe(true);
      expect(b.warnings.some((w) => /field 1: the diffraction PSF is undersampled/.test(w))).toBe(true);
      expect(b.warnings.some((w) => /field 1: MTF undersampled at 20 cycles\/mm/.test(w))).toBe(true);
    });

    it('a refined pass gives way to an edit (answered superseded), and edits are served while it runs', async () => {
      const api = getApi();
      await api.openLibraryLens('cooke-triplet');
      const order: string[] = [];
      const wave = api.analyzeWave({ quality: 'refined', mtf: { polychromatic: true }, throughFocus: { frequency: 20 } }).then((b) => {
        order.push('wave');
        return b;
      });
      const snap = await api.edit({ op: 'setSurface', index: 0, field: 'radius', value: 22.2 });
      order.push('edit');
      expect((await api.analyze()).revision).toBe(snap.revision);
      const b = await wave;
      // The edit did not wait for the pass (seconds of work): it was answered between two slices.
      expect(order).toEqual(['edit', 'wave']);
      expect(b.superseded).toBe(true);
      expect(b.revision).toBe(snap.revision - 1);
      expect(b.mtf).toBeNull();
      // A live pass for the new revision answers with it.
      const live = await api.analyzeWave({ quality: 'live', wavefront: { fieldIndex: 0 } });
      expect(live.revision).toBe(snap.revision);
      expect(live.superseded).toBe(false);
    });

    it('bounds the passes running at once (it is served beside the queue): one too many is BUSY', async () => {
      const api = getApi();
      await api.openLibraryLens('cooke-triplet');
      const n = API_LIMITS.wave.passes[1] + 1;
      const answers = await Promise.all(
        Array.from({ length: n }, (_, k) => api.analyzeWave({ quality: 'refined', throughFocus: { frequency: 10 + k } }).then((b) => b, (e: unknown) => e)),
      );
      const busy = answers.filter((a) => a instanceof StudioError && a.code === 'BUSY');
      expect(busy).toHaveLength(1);
      // Each newer request superseded the refined passes before it; the last one ran to the end.
      const done = answers.filter((a) => !(a instanceof StudioError)) as WaveBundle[];
      expect(done.filter((b) => !b.superseded)).toHaveLength(1);
      expect(done[done.length - 1].throughFocus?.frequency).toBe(10 + n - 2);
    });

    it('rejects options out of range, naming the option', async () => {
      const api = getApi();
      await api.openLibraryLens('cooke-triplet');
      const bad = async (options: unknown, message: RegExp) => {
        const err = await api.analyzeWave(options as never).then(() => null, (e: unknown) => e);
        expect(err).toBeInstanceOf(StudioError);
        expect((err as StudioError).code).toBe('BAD_REQUEST');
        expect((err as StudioError).message).toMatch(message);
      };
      await bad({ psf: { fieldIndex: 3 } }, /psf\.fieldIndex must be a field index from 0 to 2 \(the lens has 3 fields\), got 3/);
      await bad({ wavefront: { fieldIndex: 0, wavelengthIndex: -1 } }, /wavefront\.wavelengthIndex/);
      await bad({ zernike: { fieldIndex: 0, basis: 'noll' } }, /zernike\.basis must be "fringe" or "standard"/);
      await bad({ mtf: { frequencies: [10, NaN] } }, /mtf\.frequencies\[1\]/);
      await bad({ throughFocus: { frequency: 0 } }, /throughFocus\.frequency must be a frequency > 0/);
      await bad({ throughFocus: { frequency: 10, halfRangeMm: 1e6 } }, /throughFocus\.halfRangeMm/);
      await bad({ quality: 'fast' }, /quality must be "live" or "refined"/);
    });
  });
}
