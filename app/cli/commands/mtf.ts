/** `lens-studio mtf <file> [--frequencies LIST] [--field i] [--json]`: diffraction MTF per field. */
import { terminalJson, writeOut } from '../terminal.ts';
import type { Command } from 'commander';
import { mtfAtFrequencies } from '../../../engine/wave/mtf.ts';
import { DEFAULT_MTF_FREQUENCIES, type WaveMtfJson } from '../../../engine/wave/waveReport.ts';
import { launchContext } from '../../../engine/trace/rayAiming.ts';
import { collect, loadSystemFile, printWarnings } from '../loadLens.ts';
import { CliError } from '../errors.ts';
import { num, table } from '../format.ts';
import { fieldProgress, parseFrequencies } from '../waveFormat.ts';

export function register(program: Command): void {
  program
    .command('mtf')
    .description('diffraction MTF (tangential and sagittal, monochromatic at the primary wavelength and polychromatic) at given frequencies')
    .argument('<file>', 'lens file (.json, .zmx, dO .txt)')
    .option('--frequencies <list>', 'cycles/mm, comma-separated (default 5,10,20,40,80)')
    .option('--field <i>', 'only this field (1-based, as in the report)')
    .option('--glass-dir <dir>', 'folder of Zemax AGF catalogs (repeatable)', collect, [])
    .option('--json', 'print one JSON object')
    .action(async (file: string, opts: { frequencies?: string; field?: string; glassDir: string[]; json?: boolean }) => {
      const freqs = parseFrequencies(opts.frequencies) ?? DEFAULT_MTF_FREQUENCIES;
      const { system, warnings } = await loadSystemFile(file, opts.glassDir);
      printWarnings(file, warnings);
      const nf = system.fieldY.length;
      const fields = opts.field === undefined ? Array.from({ length: nf }, (_, i) => i) : [fieldIndex(opts.field, nf)];
      const ctx = launchContext(system);
      const w = system.primaryIndex;
      const poly = [w, ...Array.from(system.wavelengthsUm.keys()).filter((i) => i !== w && system.wavelengthWeights[i] > 0)];
      const toJson = (f: number, m: ReturnType<typeof mtfAtFrequencies>): WaveMtfJson => ({
        field_index: f, frequencies_cyc_per_mm: m.frequencies, tangential: m.tangential, sagittal: m.sagittal,
        diffraction_limit_tangential: m.diffractionLimitTangential, diffraction_limit_sagittal: m.diffractionLimitSagittal, undersampled: m.undersampled,
      });
      const mono: WaveMtfJson[] = [], polychromatic: WaveMtfJson[] = [];
      const bar = fieldProgress(fields.length, 'MTF');
      try {
        fields.forEach((f, k) => {
          mono.push(toJson(f, mtfAtFrequencies(system, f, freqs, { ctx })));
          polychromatic.push(toJson(f, mtfAtFrequencies(system, f, freqs, { ctx, wavelengths: poly })));
          bar.update(k + 1);
        });
      } finally {
        bar.stop();
      }
      const undersampled = mono.filter((m) => m.undersampled).map((m) => `field ${m.field_index + 1}: the MTF quadrature is undersampled at some frequencies (the phase changes by more than 0.5 wave between nodes); those values are not reported`);
      printWarnings(file, undersampled);
      if (opts.json) {
        process.stdout.write(`${terminalJson({ wavelength_um: system.wavelengthsUm[w], mtf: mono, mtf_polychromatic: polychromatic })}\n`);
        return;
      }
      const rows: string[][] = [];
      for (const [k, m] of mono.entries()) {
        const p = polychromatic[k];
        const label = `${m.field_index + 1}: ${num(system.fieldY[m.field_index], 5)}`;
        rows.push([`${label} T`, ...m.tangential.map((v) => num(v, 4)), ...p.tangential.map((v) => num(v, 4))]);
        rows.push([`${label} S`, ...m.sagittal.map((v) => num(v, 4)), ...p.sagittal.map((v) => num(v, 4))]);
        rows.push(['  diffraction limit T', ...m.diffraction_limit_tangential.map((v) => num(v, 4)), ...p.diffraction_limit_tangential.map((v) => num(v, 4))]);
      }
      writeOut(`Diffraction MTF of ${system.name} (T = frequency along y, S = along x; cycles/mm)\n`);
      writeOut(`${table(['field', ...freqs.map((f) => `${f} @${system.wavelengthsUm[w]}µm`), ...freqs.map((f) => `${f} poly`)], rows)}\n`);
    });
}

/** A 1-based --field value as a 0-based index, or a usage error naming the option. */
export function fieldIndex(text: string, count: number): number {
  const i = Number(text);
  if (!Number.isInteger(i) || i < 1 || i > count) throw new CliError(`--field: "${text}" is not a field number 1…${count}`, 2);
  return i - 1;
}
