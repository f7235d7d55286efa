/**
 * `lens-studio psf <file> --field i [--png out.png] [--log] [--polychromatic] [--json]`: the FFT
 * diffraction PSF of one field (engine/wave/psf.ts), its Strehl ratio and diffraction encircled energy.
 */
import { terminalJson, writeOut } from '../terminal.ts';
import type { Command } from 'commander';
import path from 'node:path';
import { diffractionPsf } from '../../../engine/wave/psf.ts';
import { psfEncircledEnergy } from '../../../engine/wave/psfEnergy.ts';
import { strehlRatio } from '../../../engine/wave/strehl.ts';
import { createImage } from '../../../engine/e2e/image.ts';
import { launchContext } from '../../../engine/trace/rayAiming.ts';
import { collect, loadSystemFile, printWarnings } from '../loadLens.ts';
import { CliError } from '../errors.ts';
import { num, table } from '../format.ts';
import { fieldIndex } from './mtf.ts';

export function register(program: Command): void {
  program
    .command('psf')
    .description('diffraction PSF of one field by FFT, with Strehl ratio and encircled energy; optional PNG')
    .argument('<file>', 'lens file (.json, .zmx, dO .txt)')
    .requiredOption('--field <i>', 'field number (1-based)')
    .option('--png <file>', 'write the PSF as a grayscale PNG (peak = white)')
    .option('--log', 'PNG in log scale (4 decades)')
    .option('--polychromatic', 'all wavelengths by their weights (default: the primary wavelength)')
    .option('--pupil-samples <n>', 'pupil samples across the pupil (default 64; grows automatically)')
    .option('--padding <n>', 'FFT grid over pupil grid (default 2)')
    .option('--glass-dir <dir>', 'folder of Zemax AGF catalogs (repeatable)', collect, [])
    .option('--json', 'print one JSON object (with the intensity grid, rows = y)')
    .action(async (file: string, opts: { field: string; png?: string; log?: boolean; polychromatic?: boolean; pupilSamples?: string; padding?: string; glassDir: string[]; json?: boolean }) => {
      const positiveInt = (name: string, v: string | undefined) => {
        if (v === undefined) return undefined;
        const n = Number(v);
        if (!Number.isInteger(n) || n < 1) throw new CliError(`--${name}: "${v}" is not a positive integer`, 2);
        return n;
      };
      const pupilSamples = positiveInt('pupil-samples', opts.pupilSamples);
      const padding = positiveInt('padding', opts.padding);
      if (pupilSamples !== undefined && pupilSamples < 8) throw new CliError('--pupil-samples: at least 8', 2);
      const { system, warnings } = await loadSystemFile(file, opts.glassDir);
      printWarnings(file, warnings);
      const f = fieldIndex(opts.field, system.fieldY.length);
      const ctx = launchContext(system);
      const w = system.primaryIndex;
      const wl = opts.polychromatic ? [w, ...Array.from(system.wavelengthsUm.keys()).filter((i) => i !== w && system.wavelengthWeights[i] > 0)] : [w];
      const psf = diffractionPsf(system, f, { wavelengths: wl, pupilSamples, padding, ctx });
      const mono = opts.polychromatic ? null : strehlRatio(system, f, w, { ctx, psf });
      const undersampled = psf.undersampled || (mono?.undersampled ?? false);
      let peak = 0;
      for (const v of psf.data) peak = Math.max(peak, v);
      const [r50, r80] = undersampled ? [null, null] : psfEncircledEnergy(psf, [0.5, 0.8]);
      const note = undersampled ? [`undersampled: the OPD changes by ${num(psf.maxPhaseStepWaves, 3)} waves between neighbouring pupil samples (> 0.25) at ${psf.pupilSamples} samples across the pupil, and more than 512 would be needed; the PSF would be aliased, so no values are reported`] : [];
      printWarnings(file, note);
      if (opts.png) {
        if (undersampled) throw new CliError(`${opts.png}: not written (the PSF is undersampled, see the warning)`);
        const G = psf.size;
        const img = createImage(G, G, 1);
        for (let i = 0; i < G; i++) {
          for (let j = 0; j < G; j++) {
            const v = psf.data[(G - 1 - i) * G + j] / (peak || 1);
            img.data[i * G + j] = opts.log ? Math.max(0, 1 + Math.log10(Math.max(v, 1e-30)) / 4) : v;
          }
        }
        const { savePng } = await import('../../node/images.ts');
        savePng(path.resolve(opts.png), img, false);
      }
      const json = {
        field_index: f,
        wavelengths_um: wl.map((i) => system.wavelengthsUm[i]),
        size: psf.size,
        pixel_um: psf.pixelUm,
        pupil_samples: psf.pupilSamples,
        padding: psf.padding,
        max_phase_step_waves: psf.maxPhaseStepWaves,
        undersampled,
        centre_mm: psf.centreMm,
        strehl: undersampled ? null : (mono?.peak ?? null),
        strehl_at_chief_ray_point: undersampled ? null : (mono?.atChiefRayPoint ?? null),
        peak_pixel: undersampled ? null : peak,
        encircled_energy: { r50_um: r50, r80_um: r80 },
        intensity: undersampled ? null : Array.from({ length: psf.size }, (_, i) => Array.from(psf.data.subarray(i * psf.size, (i + 1) * psf.size), (v) => Number(v.toPrecision(6)))),
        warnings: note,
      };
      if (opts.json) {
        process.stdout.write(`${terminalJson(json, 0)}\n`);
        return;
      }
      writeOut(`Diffraction PSF of ${system.name}, field ${f + 1} (${wl.map((i) => system.wavelengthsUm[i]).join(', ')} µm)\n`);
      process.stdout.write(
        `${table(['quantity', 'value'], [
          ['grid (pixels)', `${psf.size} × ${psf.size}`],
          ['pixel size (µm)', num(psf.pixelUm, 5)],
          ['pupil samples / padding', `${psf.pupilSamples} / ${psf.padding}`],
          ['max OPD step per pupil sample (waves)', num(psf.maxPhaseStepWaves, 3)],
          ['Strehl ratio (peak)', num(json.strehl, 5)],
          ['Strehl at the chief-ray point', num(json.strehl_at_chief_ray_point, 5)],
          ['diffraction EE r50 / r80 (µm)', `${num(r50, 5)} / ${num(r80, 5)}`],
        ])}\n`,
      );
      if (opts.png) process.stdout.write(`wrote ${opts.png}\n`);
    });
}
