/** `lens-studio ray <file> --field HX,HY --pupil PX,PY [--wavelength UM] [--json]`: single-ray report. */
import { terminalJson, writeOut } from '../terminal.ts';
import type { Command } from 'commander';
import { singleRay } from '../../../engine/analysis/singleRay.ts';
import { sanitizeForJson } from '../../../engine/analysis/report.ts';
import { CliError } from '../errors.ts';
import { collect, loadSystemFile, printWarnings } from '../loadLens.ts';
import { num, table } from '../format.ts';

function pair(text: string, what: string): [number, number] {
  const parts = text.split(',').map(Number);
  if (parts.length !== 2 || !parts.every(Number.isFinite)) throw new CliError(`--${what}: expected two numbers "X,Y", got "${text}"`, 2);
  return [parts[0], parts[1]];
}

export function register(program: Command): void {
  program
    .command('ray')
    .description('trace one real ray and print it surface by surface')
    .argument('<file>', 'lens file (.json, .zmx, dO .txt)')
    .option('--field <hx,hy>', 'normalised field coordinates', '0,1')
    .option('--pupil <px,py>', 'normalised pupil coordinates', '0,0')
    .option('--wavelength <um>', 'wavelength in µm (one of the system wavelengths; default primary)')
    .option('--glass-dir <dir>', 'folder of Zemax AGF catalogs (repeatable)', collect, [])
    .option('--json', 'print JSON')
    .action(async (file: string, opts: { field: string; pupil: string; wavelength?: string; glassDir: string[]; json?: boolean }) => {
      const { system, warnings } = await loadSystemFile(file, opts.glassDir);
      printWarnings(file, warnings);
      const [hx, hy] = pair(opts.field, 'field');
      const [px, py] = pair(opts.pupil, 'pupil');
      let w = system.primaryIndex;
      if (opts.wavelength !== undefined) {
        const um = Number(opts.wavelength);
        w = Array.from(system.wavelengthsUm).findIndex((v) => Math.abs(v - um) < 1e-9);
        if (w < 0) throw new CliError(`--wavelength: ${opts.wavelength} µm is not a system wavelength (${Array.from(system.wavelengthsUm).join(', ')})`, 2);
      }
      const r = singleRay(system, hx, hy, px, py, w);
      if (opts.json) {
        process.stdout.write(`${terminalJson(sanitizeForJson(r))}\n`);
        return;
      }
      writeOut(`Real ray: field (${hx}, ${hy}), pupil (${px}, ${py}), ${r.wavelengthUm} µm — ${r.status}${r.lostAtSurface ? ` at surface ${r.lostAtSurface}` : ''}\n`);
      process.stdout.write(
        `${table(
          ['surf', 'x mm', 'y mm', 'z mm', 'L', 'M', 'N', 'AOI °', 'OPL mm'],
          r.rows.map((row) => [String(row.kind === 'image' ? 'IMA' : row.surface), num(row.x, 9), num(row.y, 9), num(row.z, 9), num(row.l, 9), num(row.m, 9), num(row.n, 9), num(row.aoiDeg, 6), num(row.opl, 10)]),
        )}\n`,
      );
    });
}
