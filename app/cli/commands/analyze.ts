/**
 * `lens-studio analyze <file> [--glass-dir DIR]... [--wave [--frequencies LIST]] [--json]`: first-order
 * data, spots, Seidel, distortion; with --wave also wavefront, Zernike, Strehl, MTF and encircled energy.
 */
import { terminalJson, writeOut } from '../terminal.ts';
import type { Command } from 'commander';
import { analyze, sanitizeForJson, type AnalysisReport } from '../../../engine/analysis/report.ts';
import { rmsWavefrontError } from '../../../engine/wave/wavefront.ts';
import { waveReport } from '../../../engine/wave/waveReport.ts';
import { fieldProgress, formatWaveReport, parseFrequencies } from '../waveFormat.ts';
import { collect, loadSystemFile, printWarnings } from '../loadLens.ts';
import { num, table } from '../format.ts';

export function register(program: Command): void {
  program
    .command('analyze')
    .description('first-order data, spot diagrams, Seidel sums, distortion and field curvature of a lens')
    .argument('<file>', 'lens file (.json, .zmx, dO .txt)')
    .option('--glass-dir <dir>', 'folder of Zemax AGF catalogs (repeatable)', collect, [])
    .option('--wave', 'add the wave analyses at the primary wavelength (wavefront, Zernike, Strehl, MTF, encircled energy)')
    .option('--frequencies <list>', 'MTF frequencies for --wave, cycles/mm, comma-separated (default 5,10,20,40,80)')
    .option('--json', 'print one JSON object instead of the readable report')
    .action(async (file: string, opts: { glassDir: string[]; json?: boolean; wave?: boolean; frequencies?: string }) => {
      const frequencies = parseFrequencies(opts.frequencies);
      const { system, warnings } = await loadSystemFile(file, opts.glassDir);
      printWarnings(file, warnings);
      const report = analyze(system, { opdRms: rmsWavefrontError });
      printWarnings(file, report.warnings);
      let wave: ReturnType<typeof waveReport> | undefined;
      if (opts.wave) {
        const bar = fieldProgress(system.fieldY.length, 'wave analyses');
        try {
          wave = waveReport(system, { frequencies, onProgress: (d) => bar.update(d) });
        } finally {
          bar.stop();
        }
      }
      if (opts.json) process.stdout.write(`${terminalJson(sanitizeForJson(wave ? { ...report, wave } : report))}\n`);
      else {
        writeOut(`${formatReport(report)}\n`);
        if (wave) {
          const unit = report.fields[0]?.type === 'angle' ? '°' : ' mm';
          writeOut(`\n${formatWaveReport(wave, (f) => `${f + 1}: ${num(report.fields[f].y, 5)}${unit}`)}\n`);
        }
      }
    });
}

/** The readable report. */
export function formatReport(r: AnalysisReport): string {
  const p = r.paraxial;
  const unit = r.fields[0]?.type === 'angle' ? '°' : ' mm';
  const out: string[] = [];
  out.push(`${r.name}`);
  out.push(`wavelengths ${r.wavelengths_um.map((w) => `${w} µm`).join(', ')} (primary ${r.primary_wavelength_um} µm); fields ${r.fields.map((f) => `${num(f.y, 5)}${unit}`).join(', ')} (${r.fields[0]?.type})`);
  out.push('');
  if (p.afocal) out.push(`afocal: EFL —, angular magnification ${num(p.angular_magnification, 6)}× (no focal points; distortion and field curvature not defined)`);
  out.push('First-order data (paraxial, primary wavelength; mm)');
  out.push(
    table(
      ['quantity', 'value'],
      [
        ['EFL  effective focal length', num(p.efl)],
        ['BFL  back focal length', num(p.bfl)],
        ['FFL  front focal length', num(p.ffl)],
        ['F/#  (EFL / EPD)', num(p.fno)],
        ['working F/#', num(p.working_fno)],
        ['EPD  entrance-pupil diameter', num(p.epd)],
        ['EPL  entrance pupil from surface 1', num(p.epl)],
        ['XPD  exit-pupil diameter', num(p.xpd)],
        ['XPL  exit pupil from image', num(p.xpl)],
        ['Lagrange invariant', num(p.invariant)],
        ['paraxial image height', num(p.paraxial_image_height)],
        ['total track', num(p.total_track)],
      ],
    ),
  );
  out.push('');
  out.push('Spot diagrams (hexapolar, 6 rings; chief-ray reference; µm)');
  out.push(
    table(
      ['field', 'λ µm', 'RMS radius', 'GEO radius', 'centroid y mm', 'rays', 'RMS wavefront waves'],
      r.spot.map((s, k) => [
        `${s.field_index + 1}: ${num(r.fields[s.field_index].y, 5)}${unit}`,
        String(s.wavelength_um),
        num(s.rms_radius === null ? null : s.rms_radius * 1000, 5),
        num(s.geo_radius === null ? null : s.geo_radius * 1000, 5),
        num(s.centroid?.[1] ?? null, 7),
        `${s.valid_rays}/${s.total_rays}`,
        num(r.opd_rms_waves[k]?.rms ?? null, 4),
      ]),
    ),
  );
  out.push('');
  out.push("Seidel sums (Welford; mm; S5 > 0 is barrel)");
  out.push(table(['S1 spherical', 'S2 coma', 'S3 astigmatism', 'S4 Petzval', 'S5 distortion'], [[num(r.seidel.S1, 6), num(r.seidel.S2, 6), num(r.seidel.S3, 6), num(r.seidel.S4, 6), num(r.seidel.S5, 6)]]));
  out.push('');
  out.push('At the largest field');
  out.push(
    table(
      ['λ µm', 'f-tan distortion %', 'tangential focus mm', 'sagittal focus mm'],
      r.wavelengths_um.map((w, i) => [String(w), num(r.distortion_percent[i].max_field, 5), num(r.field_curvature[i].tangential, 5), num(r.field_curvature[i].sagittal, 5)]),
    ),
  );
  return out.join('\n');
}
