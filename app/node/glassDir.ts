/**
 * Loading user glass catalogs from disk: every `*.agf` / `*.AGF` file of the given folders.
 * Each file becomes one catalog named after its stem, upper-cased ("schott.agf" → SCHOTT).
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import { decodeAgfText, parseAgfText } from '../../engine/materials/agf.ts';
import { GlassCatalog } from '../../engine/materials/catalog.ts';

/**
 * Reads the AGF catalogs of each folder (files in name order; folders in the order given).
 * A path to a single .agf file is accepted too.
 * @returns the catalogs, in that order (search order when no catalog order is given)
 * @throws Error naming the folder or file: unreadable, no .agf file in it, or a malformed catalog
 *   (with the line and record, from the AGF parser)
 */
export async function loadGlassDirs(dirs: readonly string[]): Promise<GlassCatalog[]> {
  const catalogs: GlassCatalog[] = [];
  for (const dir of dirs) {
    for (const file of await agfFiles(dir)) catalogs.push(await loadAgfFile(file));
  }
  return catalogs;
}

/**
 * Parses one AGF file into a catalog named after its upper-cased stem. A file with no NM record
 * (empty, or not an AGF catalog at all) gives an empty catalog whose `warnings` say so, rather
 * than an error: one stray file must not stop the others from loading.
 */
export async function loadAgfFile(file: string): Promise<GlassCatalog> {
  let bytes: Uint8Array;
  try {
    bytes = await fs.readFile(file);
  } catch (err) {
    throw new Error(`glass catalog ${file}: cannot read (${errorCode(err)})`);
  }
  const name = path.parse(file).name.toUpperCase();
  const text = decodeAgfText(bytes);
  if (!/^[ \t]*NM\b/im.test(text)) {
    const what = text.trim() === '' ? 'is empty' : 'has no glass in it (not an AGF catalog?)';
    return new GlassCatalog(name, [], { source: file, warnings: [`glass catalog ${file} ${what}; ignored`] });
  }
  try {
    return parseAgfText(text, name, file);
  } catch (err) {
    throw new Error(`${file}: ${(err as Error).message}`);
  }
}

async function agfFiles(dir: string): Promise<string[]> {
  let stat;
  try {
    stat = await fs.stat(dir);
  } catch (err) {
    throw new Error(`glass folder ${dir}: cannot read (${errorCode(err)})`);
  }
  if (stat.isFile()) {
    if (!/\.agf$/i.test(dir)) throw new Error(`glass folder ${dir}: is a file, not a folder or an .agf catalog`);
    return [dir];
  }
  let names: string[];
  try {
    names = await fs.readdir(dir);
  } catch (err) {
    throw new Error(`glass folder ${dir}: cannot read (${errorCode(err)})`);
  }
  const files = names.filter((n) => /\.agf$/i.test(n)).sort();
  if (files.length === 0) throw new Error(`glass folder ${dir}: no .agf catalog in it`);
  return files.map((n) => path.join(dir, n));
}

function errorCode(err: unknown): string {
  return (err as NodeJS.ErrnoException).code ?? (err as Error).message;
}
