/**
 * `lens-studio convert <in> <out> [--glass-dir DIR]...`: converts a lens file by extension (.json,
 * .zmx, dO .txt → .json, .zmx).
 *
 * Keys of a .json input that the format does not know (a misspelt `semiDiamter`) are never dropped
 * silently: a .json output keeps them under `meta.unknownKeys` (by JSON path), a .zmx output, which
 * cannot hold them, is refused; with `--strict` the input itself is refused.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Command } from 'commander';
import { formatPath, parseJsonText } from '../../../engine/io/jsonText.ts';
import { PrescriptionError } from '../../../engine/io/json.ts';
import { Prescription } from '../../../engine/io/prescription.ts';
import { decodeText } from '../../../engine/io/text.ts';
import { describeUnknownKey, findUnknownKeys } from '../../../engine/io/unknownKeys.ts';
import { writeFileAtomic } from '../../node/atomicWrite.ts';
import { encodeLensFile, readLensFile } from '../../node/lensFile.ts';
import { CliError } from '../errors.ts';
import { collect, printWarnings, strictInputs } from '../loadLens.ts';

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
        read = await readLensFile(input, { glassDirs: opts.glassDir, strict: strictInputs() });
      } catch (err) {
        throw new CliError((err as Error).message);
      }
      printWarnings(input, read.warnings);
      if (path.extname(input).toLowerCase() === '.json') {
        const raw = parseJsonText(decodeText(await readFile(input)).text, path.basename(input), PrescriptionError);
        const unknown = findUnknownKeys(Prescription, raw);
        if (unknown.length > 0 && outExt === '.zmx') {
          throw new CliError(
            `${path.basename(input)}: ${unknown.map(describeUnknownKey).join('; ')}: a .zmx file cannot keep unknown keys (fix them, or convert to .json, which keeps them under meta.unknownKeys)`,
          );
        }
        if (unknown.length > 0) {
          const kept = Object.fromEntries(unknown.map((u) => [formatPath(u.path), u.value]));
          const before = read.prescription.meta?.unknownKeys;
          read.prescription = {
            ...read.prescription,
            meta: { ...read.prescription.meta, unknownKeys: { ...(typeof before === 'object' && before !== null ? before : {}), ...kept } },
          };
          printWarnings(output, [`kept ${unknown.length} unknown key${unknown.length > 1 ? 's' : ''} under meta.unknownKeys`]);
        }
      }
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
