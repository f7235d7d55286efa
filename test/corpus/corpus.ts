/**
 * Shared setup for the real-corpus tests: the lens files of ../shared/data, the AGF catalogs of
 * ../shared/data/glass in front of the built-in table, and a loader that also builds the system
 * and its first-order data.
 */
import fs from 'node:fs';
import path from 'node:path';
import { firstOrder, type FirstOrderData } from '../../engine/analysis/firstOrder.ts';
import { loadLensBytes } from '../../engine/io/loaders.ts';
import type { Prescription, SurfaceSpec } from '../../engine/io/prescription.ts';
import { GlassLibrary } from '../../engine/materials/glassLibrary.ts';
import { buildSystem } from '../../engine/paraxial/buildSystem.ts';
import { loadGlassDirs } from '../../app/node/glassDir.ts';

export const repoRoot = path.resolve(import.meta.dirname, '../..');
export const dataDir = path.resolve(repoRoot, '../shared/data');
export const glassDir = path.join(dataDir, 'glass');

/** The glass library of the corpus tests: shared AGF catalogs, then the built-in table. */
export async function corpusGlassLibrary(): Promise<GlassLibrary> {
  return GlassLibrary.builtin().withCatalogs(await loadGlassDirs([glassDir]));
}

export interface LoadedCorpusLens {
  prescription: Prescription;
  warnings: string[];
  fo: FirstOrderData;
}

/** Loads a corpus file (by extension), resolving glasses against `library`, and computes first-order data. */
export function loadCorpusLens(file: string, library: GlassLibrary): LoadedCorpusLens {
  const { prescription, warnings } = loadLensBytes(path.basename(file), fs.readFileSync(file), {
    resolveGlass: (name, catalogs) => library.find(name, { catalogOrder: catalogs }) !== undefined,
  });
  return { prescription, warnings, fo: firstOrder(buildSystem(prescription, library)) };
}

/** The medium after a surface (coordinate breaks have none). */
export const materialOf = (s: SurfaceSpec) => ('material' in s ? s.material : undefined);

/** Relative difference |a/b − 1|. */
export const rel = (a: number, b: number) => Math.abs(a / b - 1);
