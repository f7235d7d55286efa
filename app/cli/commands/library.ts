/** `lens-studio library [--json]`: the lens library with name, file, EFL, F#, field and source. */
import { terminalJson, writeOut } from '../terminal.ts';
import type { Command } from 'commander';
import { LENS_LIBRARY_DIR, listLensLibrary } from '../../node/lensLibrary.ts';
import { num, table } from '../format.ts';

export function register(program: Command): void {
  program
    .command('library')
    .description('list the lens library (classic designs in lens-library/): name, file, EFL, F#, field, source')
    .option('--json', 'print one JSON array')
    .action(async (opts: { json?: boolean }) => {
      const entries = await listLensLibrary();
      if (opts.json) {
        process.stdout.write(`${terminalJson(entries)}\n`);
        return;
      }
      const rows = entries.map((e) => [
        e.name,
        e.file,
        num(e.efl, 6),
        num(e.fno, 4),
        `${num(e.field.max, 4)}${e.field.type === 'angle' ? '°' : ' mm'}`,
        e.source.length > 70 ? `${e.source.slice(0, 69)}…` : e.source,
      ]);
      writeOut(`${table(['name', 'file', 'EFL mm', 'F/#', 'field', 'source'], rows)}\n`);
      writeOut(`(${entries.length} designs in ${LENS_LIBRARY_DIR})\n`);
    });
}
