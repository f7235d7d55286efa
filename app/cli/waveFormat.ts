/**
 * Command-line side of the wave analyses: the --frequencies parser, a progress bar on stderr, and
 * the readable wavefront / Zernike / Strehl / MTF / encircled-energy report (OpticStudio-like).
 */
import cliProgress from 'cli-progress';
import type { WaveMtfJson, WaveReportJson } from '../../engine/wave/waveReport.ts';
import { zernikeNM } from '../../engine/wave/zernike.ts';
import { CliError } from './errors.ts';
import { num, table } from './format.ts';

/** Parses "5,10,20" into positive finite frequencies (cycles/mm). */
export function parseFrequencies(text: string | undefined): number[] | undefined {
  if (text === undefined) return undefined;
  const parts = text.split(',').map((s) => s.trim());
  const out = parts.map(Number);
  out.forEach((v, i) => {
    if (parts[i] === '' || !Number.isFinite(v) || v < 0) throw new CliError(`--frequencies: "${parts[i]}" is not a frequency ≥ 0 in cycles/mm (expected e.g. 5,10,20,40,80)`, 2);
  });
  if (out.length === 0) throw new CliError('--frequencies: give at least one frequency', 2);
  return out;
}

/** A progress bar on stderr while fields are computed (silent when stderr is not a terminal). */
export function fieldProgress(total: number, label: string): { update(done: number): void; stop(): void } {
  if (!process.stderr.isTTY) return { update() {}, stop() {} };
  const bar = new cliProgress.SingleBar({ stream: process.stderr, format: `${label} [{bar}] {value}/{total} fields`, clearOnComplete: true }, cliProgress.Presets.shades_classic);
  bar.start(total, 0);
  return { update: (d) => bar.update(d), stop: () => bar.stop() };
}

function mtfTable(entries: WaveMtfJson[], fieldLabel: (f: number) => string): string {
  const freqs = entries[0]?.frequencies_cyc_per_mm ?? [];
  const rows: string[][] = [];
  for (const m of entries) {
    rows.push([`${fieldLabel(m.field_index)} T`, ...m.tangential.map((v) => num(v, 4))]);
    rows.push([`${fieldLabel(m.field_index)} S`, ...m.sagittal.map((v) => num(v, 4))]);
    rows.push([`  diffraction limit T/S`, ...m.diffraction_limit_tangential.map((v, i) => `${num(v, 4)}/${num(m.diffraction_limit_sagittal[i], 4)}`)]);
  }
  return table(['field', ...freqs.map((f) => `${f} c/mm`)], rows);
}

/** The readable wave section of `analyze --wave`. */
export function formatWaveReport(r: WaveReportJson, fieldLabel: (f: number) => string): string {
  const out: string[] = [];
  out.push(`Wavefront (OPD about the reference sphere; waves at ${r.wavelength_um} µm; area-weighted)`);
  out.push(
    table(
      ['field', 'RMS (to chief)', 'RMS (to centroid)', 'P-V', 'Strehl (peak)', 'Zernike fit residual'],
      r.fields.map((f) => [fieldLabel(f.field_index), num(f.rms_waves, 5), num(f.rms_piston_tilt_removed_waves, 5), num(f.pv_waves, 5), num(f.strehl, 4), num(f.zernike_residual_rms_waves, 3)]),
    ),
  );
  out.push('');
  out.push('Zernike Fringe coefficients (University of Arizona order, unit peak; waves), |c| ≥ 0.001');
  const rows: string[][] = [];
  for (let j = 0; j < 37; j++) {
    const vals = r.fields.map((f) => f.zernike_fringe[j]);
    if (vals.every((v) => v === undefined || Math.abs(v) < 1e-3)) continue;
    const [n, m] = zernikeNM('fringe', j + 1);
    rows.push([`Z${j + 1} (n=${n}, m=${m})`, ...vals.map((v) => (v !== undefined && Math.abs(v) < 5e-7 ? '0' : num(v ?? null, 5)))]);
  }
  out.push(table(['term', ...r.fields.map((f) => fieldLabel(f.field_index))], rows));
  out.push('');
  out.push('Diffraction MTF (monochromatic; T = frequency along y, S = along x; direction-cosine frequency mapping)');
  out.push(mtfTable(r.mtf, fieldLabel));
  out.push('');
  out.push('Polychromatic diffraction MTF (wavelength weights, about the primary chief ray)');
  out.push(mtfTable(r.mtf_polychromatic, fieldLabel));
  out.push('');
  out.push('Geometric encircled energy (about the primary chief ray; µm)');
  out.push(table(['field', 'r50', 'r80'], r.encircled_energy.map((e) => [fieldLabel(e.field_index), num(e.r50_um, 5), num(e.r80_um, 5)])));
  for (const w of r.warnings) out.push(`warning: ${w}`);
  return out.join('\n');
}
