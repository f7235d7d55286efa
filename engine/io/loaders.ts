/**
 * Lens file loaders, chosen by file extension: .json (lens-studio/1), .zmx (Zemax OpticStudio
 * sequential, zmx.ts) and .txt (dO lens files, dO.ts). Further formats register here. Each loader
 * turns bytes into a validated prescription plus warnings.
 */
import { parseDOLens } from './dO.ts';
import type { Prescription } from './prescription.ts';
import { parsePrescriptionJson } from './json.ts';
import { decodeText } from './text.ts';
import { parseZmx } from './zmx.ts';

export interface LoadedLens {
  prescription: Prescription;
  warnings: string[];
}

export interface LoadOptions {
  /** Returns true when a catalog glass can be resolved (used by formats that fall back to model glass). */
  resolveGlass?: (name: string, catalogs: string[]) => boolean;
  /** Every catalog holding a glass name, with its nd, the one a search without GCAT uses first (.zmx warnings). */
  glassMatches?: (name: string) => { catalog: string; nd: number }[];
  /** Unknown keys in a .json lens are errors instead of warnings (`--strict`). */
  strict?: boolean;
}

export type LensLoader = (fileName: string, bytes: Uint8Array, opts: LoadOptions) => LoadedLens;

const loaders = new Map<string, LensLoader>();

/** Registers a loader for a lower-case extension such as ".zmx". */
export function registerLensLoader(extension: string, loader: LensLoader): void {
  loaders.set(extension.toLowerCase(), loader);
}

registerLensLoader('.json', (fileName, bytes, opts) => {
  // Unknown keys (a misspelt "semiDiamter") are warnings naming the closest known key, or errors when strict.
  const warnings: string[] = [];
  return { prescription: parsePrescriptionJson(decodeText(bytes).text, fileName, { strict: opts.strict, warnings }), warnings };
});
registerLensLoader('.zmx', (fileName, bytes, opts) => parseZmx(bytes, { fileName, resolveGlass: opts.resolveGlass, glassMatches: opts.glassMatches }));
registerLensLoader('.txt', (fileName, bytes, opts) => parseDOLens(bytes, { fileName, resolveGlass: opts.resolveGlass }));

/** The extensions a loader is registered for, e.g. [".json", ".zmx", ".txt"]. */
export function lensFileExtensions(): string[] {
  return [...loaders.keys()];
}

/**
 * Loads lens bytes by the file name's extension.
 * @throws Error naming the file for an unknown extension or a malformed file
 */
export function loadLensBytes(fileName: string, bytes: Uint8Array, opts: LoadOptions = {}): LoadedLens {
  const dot = fileName.lastIndexOf('.');
  const ext = dot >= 0 ? fileName.slice(dot).toLowerCase() : '';
  const loader = loaders.get(ext);
  if (!loader) {
    throw new Error(`${fileName}: unsupported lens file type "${ext || '(none)'}" (supported: ${[...loaders.keys()].join(', ')})`);
  }
  return loader(fileName, bytes, opts);
}
