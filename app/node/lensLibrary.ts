/**
 * The lens library (lens-library/*.json): classic designs as JSON prescriptions, each with its
 * source and stated EFL / F-number / field in `meta` (statedEfl in mm, statedFNumber,
 * statedHalfFieldDeg). This is what the studio's "open" dialog shows first.
 */
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { firstOrder } from '../../engine/analysis/firstOrder.ts';
import { parsePrescriptionJson } from '../../engine/io/json.ts';
import type { Prescription } from '../../engine/io/prescription.ts';
import { GlassLibrary } from '../../engine/materials/glassLibrary.ts';
import { buildSystem } from '../../engine/paraxial/buildSystem.ts';

/** The repository's lens-library folder. */
export const LENS_LIBRARY_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../lens-library');

export interface LibraryEntry {
  /** File name inside the library folder, e.g. "tessar.json". */
  file: string;
  name: string;
  /** Paraxial EFL at the primary wavelength, mm (null when the system cannot be built). */
  efl: number | null;
  /** EFL / EPD (null when the system cannot be built). */
  fno: number | null;
  /** The largest field: its type and value (degrees for angles, mm for heights). */
  field: { type: Prescription['fields']['type']; max: number };
  /** Where the prescription comes from (patent, textbook and page, catalog). */
  source: string;
  /** The stated values kept in meta, when present. */
  stated: { efl?: number; fNumber?: number; halfFieldDeg?: number };
  /** Why EFL / F# are null, when they are. */
  error?: string;
}

/**
 * Lists the library: every *.json prescription of `dir`, sorted by file name, with first-order
 * data computed by the tracer (built-in glass table, or `library` when given).
 * @throws Error naming the file for a library file that is not a valid prescription
 */
export async function listLensLibrary(dir = LENS_LIBRARY_DIR, library = GlassLibrary.builtin()): Promise<LibraryEntry[]> {
  const files = (await readdir(dir)).filter((f) => f.toLowerCase().endsWith('.json')).sort();
  const out: LibraryEntry[] = [];
  for (const file of files) {
    const p = parsePrescriptionJson(await readFile(path.join(dir, file), 'utf8'), file);
    const meta = (p.meta ?? {}) as Record<string, unknown>;
    const numberOr = (v: unknown) => (typeof v === 'number' ? v : undefined);
    const max = Math.max(...p.fields.points.map((f) => Math.hypot(f.x, f.y)));
    const entry: LibraryEntry = {
      file,
      name: p.name,
      efl: null,
      fno: null,
      field: { type: p.fields.type, max },
      source: typeof meta.source === 'string' ? meta.source : (p.source ?? ''),
      stated: { efl: numberOr(meta.statedEfl), fNumber: numberOr(meta.statedFNumber), halfFieldDeg: numberOr(meta.statedHalfFieldDeg) },
    };
    try {
      const fo = firstOrder(buildSystem(p, library));
      entry.efl = fo.efl;
      entry.fno = fo.fno;
    } catch (err) {
      entry.error = (err as Error).message;
    }
    out.push(entry);
  }
  return out;
}
