/**
 * Lens files on disk (Node side): read .json / .zmx / dO .txt into a prescription, write a
 * prescription as .json or .zmx atomically (app/node/atomicWrite.ts).
 *
 * Glass names in .zmx and dO files are checked against the glass library (the AGF folders given,
 * then the built-in table), so a glass found nowhere falls back to the file's own nd/Vd with a
 * warning instead of failing later.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { stringifyPrescription } from '../../engine/io/json.ts';
import { loadLensBytes } from '../../engine/io/loaders.ts';
import type { Prescription } from '../../engine/io/prescription.ts';
import { encodeUtf16Le } from '../../engine/io/text.ts';
import { writeZmx } from '../../engine/io/zmxWrite.ts';
import { GlassLibrary } from '../../engine/materials/glassLibrary.ts';
import { LAMBDA_D_UM } from '../../engine/materials/material.ts';
import { buildSystem } from '../../engine/paraxial/buildSystem.ts';
import { writeFileAtomic } from './atomicWrite.ts';
import { loadGlassDirs } from './glassDir.ts';

export interface LensFileOptions {
  /** Folders (or .agf files) of Zemax glass catalogs, searched before the built-in table. */
  glassDirs?: string[];
  /** A glass library already loaded (takes precedence over glassDirs). */
  library?: GlassLibrary;
  /** Unknown keys in a .json lens are errors instead of warnings. */
  strict?: boolean;
}

export interface ReadLensResult {
  prescription: Prescription;
  /** One line per warning, each naming the file and line. */
  warnings: string[];
  /** The glass library the names were checked against. */
  library: GlassLibrary;
}

/** The glass library for the given options: user AGF catalogs, then the built-in table. */
export async function glassLibraryFor(opts: LensFileOptions = {}): Promise<GlassLibrary> {
  if (opts.library) return opts.library;
  const dirs = opts.glassDirs ?? [];
  return dirs.length ? GlassLibrary.builtin().withCatalogs(await loadGlassDirs(dirs)) : GlassLibrary.builtin();
}

/** `resolveGlass` for the lens-file parsers: is the name in the library (GCAT order first)? */
export function glassResolverFor(library: GlassLibrary): (name: string, catalogs: string[]) => boolean {
  return (name, catalogs) => library.find(name, { catalogOrder: catalogs }) !== undefined;
}

/** `glassMatches` for the .zmx reader: every catalog holding the name, the one a plain search finds first. */
export function glassMatchesFor(library: GlassLibrary): (name: string) => { catalog: string; nd: number }[] {
  return (name) => {
    const first = library.find(name);
    if (!first) return [];
    const out = [{ catalog: first.catalog, nd: first.index(LAMBDA_D_UM) }];
    for (const c of library.catalogs()) {
      if (out.some((o) => o.catalog.toUpperCase() === c.name.toUpperCase())) continue;
      const g = c.get(name);
      if (g) out.push({ catalog: c.name, nd: g.index(LAMBDA_D_UM) });
    }
    return out;
  };
}

/**
 * Reads a lens file, choosing the format by extension (.json, .zmx, .txt).
 * @throws Error naming the file: unreadable, unknown extension, or the parser's error (with line)
 */
export async function readLensFile(file: string, opts: LensFileOptions = {}): Promise<ReadLensResult> {
  let bytes: Uint8Array;
  try {
    bytes = await readFile(file);
  } catch (err) {
    throw new Error(`${file}: cannot read (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
  }
  const library = await glassLibraryFor(opts);
  const { prescription, warnings } = loadLensBytes(path.basename(file), bytes, { resolveGlass: glassResolverFor(library), glassMatches: glassMatchesFor(library), strict: opts.strict });
  return { prescription, warnings, library };
}

/**
 * The bytes of a prescription in the format of `file`'s extension: .json (UTF-8) or .zmx
 * (UTF-16 LE with BOM, as OpticStudio writes). For .zmx, glasses are resolved in the library (GCAT
 * lists the catalogs used; glasses from no catalog become model glasses, with a warning) and a
 * paraxial-focus image solve is written with its solved thickness.
 * @returns the bytes and the warnings (features the format cannot hold)
 * @throws Error for another extension, or a prescription feature the format cannot express
 */
export function encodeLensFile(file: string, p: Prescription, library: GlassLibrary): { bytes: Uint8Array; warnings: string[] } {
  const ext = path.extname(file).toLowerCase();
  if (ext === '.json') return { bytes: new TextEncoder().encode(stringifyPrescription(p)), warnings: [] };
  if (ext === '.zmx') {
    const warnings: string[] = [];
    let solvedLastThickness: number | undefined;
    if (p.imageSolve === 'paraxialFocus') {
      try {
        solvedLastThickness = buildSystem(p, library).surfaces[p.surfaces.length - 1].thickness;
      } catch (err) {
        warnings.push(`the paraxial-focus solve could not be evaluated (${(err as Error).message}); the last thickness is written as given, with the solve`);
      }
    }
    const text = writeZmx(p, { warnings, glassLibrary: library, solvedLastThickness });
    return { bytes: encodeUtf16Le(text), warnings };
  }
  throw new Error(`${file}: cannot write "${ext || '(no extension)'}" lens files (supported: .json, .zmx)`);
}

/**
 * Writes a prescription as .json or .zmx by `file`'s extension, atomically (never half-written).
 * @returns the warnings (features the format cannot hold)
 */
export async function writeLensFile(file: string, p: Prescription, opts: LensFileOptions = {}): Promise<string[]> {
  const { bytes, warnings } = encodeLensFile(file, p, await glassLibraryFor(opts));
  await writeFileAtomic(file, bytes);
  return warnings;
}
