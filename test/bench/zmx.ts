/**
 * zmx_import_ms: median time to parse the largest .zmx file of ../shared/data/zmx and resolve it
 * (glass names checked against the library during the parse, then the LensSystem built, which
 * resolves every glass to its dispersion). The AGF catalogs of ../shared/data/glass are loaded
 * once beforehand and not timed.
 */
import fs from 'node:fs';
import path from 'node:path';
import { parseZmx } from '../../engine/io/zmx.ts';
import { parseAgf } from '../../engine/materials/agf.ts';
import { GlassLibrary } from '../../engine/materials/glassLibrary.ts';
import { buildSystem } from '../../engine/paraxial/buildSystem.ts';

const dataDir = path.resolve(import.meta.dirname, '../../../shared/data');

/** Median wall time in ms over `runs` parse + resolve passes of the largest corpus .zmx file. */
export function benchZmxImport(runs = 41): number {
  const zmxDir = path.join(dataDir, 'zmx');
  const largest = fs
    .readdirSync(zmxDir)
    .filter((f) => f.toLowerCase().endsWith('.zmx'))
    .map((f) => ({ f, size: fs.statSync(path.join(zmxDir, f)).size }))
    .sort((a, b) => b.size - a.size)[0].f;
  const bytes = fs.readFileSync(path.join(zmxDir, largest));
  const glassDir = path.join(dataDir, 'glass');
  const catalogs = fs
    .readdirSync(glassDir)
    .filter((f) => /\.agf$/i.test(f))
    .sort()
    .map((f) => parseAgf(fs.readFileSync(path.join(glassDir, f)), path.parse(f).name.toUpperCase(), f));
  const library = GlassLibrary.builtin().withCatalogs(catalogs);
  const resolveGlass = (name: string, order: string[]) => library.find(name, { catalogOrder: order }) !== undefined;
  const once = () => buildSystem(parseZmx(bytes, { fileName: largest, resolveGlass }).prescription, library);
  for (let i = 0; i < 5; i++) once();
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    once();
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  return times[times.length >> 1];
}
