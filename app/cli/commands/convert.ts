/** `lens-studio convert <in> <out> [--glass-dir DIR]...`: converts a lens file by extension (.json, .zmx, dO .txt → .json, .zmx). */
import path from 'node:path';
import type { Command } from 'commander';
import { writeFileAtomic } from '../../node/atomicWrite.ts';
import { encodeLensFile, readLensFile } from '../../node/lensFile.ts';
import { CliError } from '../errors.ts';
import { collect, printWarnings } from '../loadLens.ts';

export function register(program: Command): void {
  program
    .command('convert')
    .description('convert a lens file: .json, .zmx or dO .txt in; .json or .zmx out (by extension; warnings on stderr)')
    .argument('<in>', 'lens file to read (.json, .zmx, dO .txt)')
    .argument('<out>', 'lens file to write (.json, .zmx); written atomically')
    .option('--glass-dir <dir>', 'folder of Zemax AGF catalogs (repeatable)', collect, [])
    .action(async (input: string, output: string, opts: { glassDir: string[] }) => {
      const outExt = path.extname(output).toLowerCase();
      if (outExt !== '.json' && outExt !== '.zmx') {
        throw new CliError(`${output}: cannot write "${outExt || '(no extension)'}" lens files (supported: .json, .zmx)`, 2);
      }
      let read;
      try {
        read = await readLensFile(input, { glassDirs: opts.glassDir });
      } catch (err) {
        throw new CliError((err as Error).message);
      }
      printWarnings(input, read.warnings);
      let encoded;
      try {
        encoded = encodeLensFile(output, read.prescription, read.library);
      } catch (err) {
        throw new CliError(`${path.basename(output)}: ${(err as Error).message}`);
      }
      printWarnings(output, encoded.warnings);
      try {
        await writeFileAtomic(output, encoded.bytes);
      } catch (err) {
        throw new CliError((err as Error).message);
      }
    });
}
