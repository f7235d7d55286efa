/**
 * The engine calls the studio host makes to read, build and write lenses, gathered in one place:
 * lens files by extension (.json, .zmx, dO .txt through the engine's loaders, glass names checked
 * against the glass library), building the LensSystem, and .json / .zmx export.
 */
import { loadLensBytes } from '../../engine/io/loaders.ts';
import type { Prescription } from '../../engine/io/prescription.ts';
import { GlassLibrary } from '../../engine/materials/glassLibrary.ts';
import type { LensSystem } from '../../engine/optics/system.ts';
import { buildSystem } from '../../engine/paraxial/buildSystem.ts';
import { encodeLensFile, glassMatchesFor, glassResolverFor } from '../node/lensFile.ts';

let glassLibrary: GlassLibrary = GlassLibrary.builtin();

/** Sets the glass library lenses are built with (the built-in table plus user AGF catalogs). */
export function setGlassLibrary(library: GlassLibrary): void {
  glassLibrary = library;
}

export function getGlassLibrary(): GlassLibrary {
  return glassLibrary;
}

/**
 * Reads a lens file's bytes: `.json` (lens-studio/1), `.zmx` (OpticStudio) or a dO `.txt` lens.
 * @throws Error naming the file and the line or JSON path of the problem
 */
export function loadLensFile(fileName: string, bytes: Uint8Array): { prescription: Prescription; warnings: string[] } {
  // A UTF-8 BOM is legal in a .json file saved by an editor; the JSON parser itself would choke on it.
  const body = /\.json$/i.test(fileName) && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? bytes.subarray(3) : bytes;
  return loadLensBytes(fileName, body, { resolveGlass: glassResolverFor(glassLibrary), glassMatches: glassMatchesFor(glassLibrary) });
}

/**
 * Builds the traceable lens system.
 * @throws SystemError / UnknownGlassError naming the surface or glass
 */
export function buildLensSystem(p: Prescription): LensSystem {
  return buildSystem(p, glassLibrary);
}

/**
 * The prescription as a file of the given extension (".json" UTF-8, ".zmx" UTF-16 LE as
 * OpticStudio writes) and the export warnings (features the format cannot hold).
 */
export function encodeLens(fileName: string, p: Prescription): { bytes: Uint8Array; warnings: string[] } {
  return encodeLensFile(fileName, p, glassLibrary);
}
