/**
 * Reading a lens file from disk for the command line: bytes → prescription (by extension) →
 * LensSystem, with the user's AGF folders in front of the built-in glass table.
 */
import { writeErr } from './terminal.ts';
import fs from 'node:fs/promises';
import path from 'node:path';
import { loadLensBytes } from '../../engine/io/loaders.ts';
import type { Prescription } from '../../engine/io/prescription.ts';
import { GlassLibrary } from '../../engine/materials/glassLibrary.ts';
import type { LensSystem } from '../../engine/optics/system.ts';
import { buildSystem } from '../../engine/paraxial/buildSystem.ts';
import { glassMatchesFor, glassResolverFor } from '../node/lensFile.ts';
import { glassRangeWarnings } from '../../engine/optics/glassRange.ts';
import { CliError } from './errors.ts';

let strict = false;

/** `--strict`: unknown keys in JSON inputs (lens, merit spec, rig, session) are errors, not warnings. */
export function setStrictInputs(on: boolean): void {
  strict = on;
}

/** True under `--strict`. */
export function strictInputs(): boolean {
  return strict;
}

export interface LoadedSystem {
  prescription: Prescription;
  system: LensSystem;
  library: GlassLibrary;
  warnings: string[];
}

/**
 * Loads the glass library: AGF catalogs from the given folders, then the built-in table. The
 * catalogs' warnings (an empty or non-AGF file, entries skipped or rejected) go to stderr.
 */
export async function loadGlassLibrary(glassDirs: string[] = []): Promise<GlassLibrary> {
  if (glassDirs.length === 0) return GlassLibrary.builtin();
  const { loadGlassDirs } = await import('../node/glassDir.ts');
  const catalogs = await loadGlassDirs(glassDirs);
  for (const c of catalogs) for (const w of c.warnings) writeErr(`warning: ${w}\n`);
  return GlassLibrary.builtin().withCatalogs(catalogs);
}

/**
 * Reads, parses and builds a lens file; warnings are returned (the caller prints them to stderr):
 * the reader's (unknown keys, .zmx substitutions) and wavelengths outside a glass's catalogued range.
 */
export async function loadSystemFile(file: string, glassDirs: string[] = []): Promise<LoadedSystem> {
  let bytes: Uint8Array;
  try {
    bytes = await fs.readFile(file);
  } catch (err) {
    throw new CliError(`${file}: cannot read (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
  }
  const library = await loadGlassLibrary(glassDirs);
  const { prescription, warnings } = loadLensBytes(path.basename(file), bytes, {
    resolveGlass: glassResolverFor(library),
    glassMatches: glassMatchesFor(library),
    strict,
  });
  try {
    const system = buildSystem(prescription, library);
    return { prescription, system, library, warnings: [...warnings, ...glassRangeWarnings(system)] };
  } catch (err) {
    throw new CliError(`${path.basename(file)}: ${(err as Error).message}`);
  }
}

/** Prints warnings to stderr, one per line. */
export function printWarnings(file: string, warnings: string[]): void {
  for (const w of warnings) writeErr(`warning: ${path.basename(file)}: ${w}\n`);
}

/** Commander helper: collects a repeatable option into an array. */
export function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}
