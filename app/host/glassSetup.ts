/**
 * Installs the glass library of the engine host: the user's AGF catalogs (every *.agf of the
 * given folders, catalog name = upper-cased file stem, as Zemax does) in front of the built-in table.
 */
import { GlassLibrary } from '../../engine/materials/glassLibrary.ts';
import { loadGlassDirs } from '../node/glassDir.ts';
import { setGlassLibrary } from './engineIo.ts';

/**
 * Loads the catalogs and installs the library. A folder that cannot be read is reported in the
 * returned warnings and the studio starts with the built-in table (it is a GUI: it must open).
 */
export async function configureGlass(glassDirs: readonly string[]): Promise<string[]> {
  if (!glassDirs.length) {
    setGlassLibrary(GlassLibrary.builtin());
    return [];
  }
  try {
    const catalogs = await loadGlassDirs(glassDirs);
    setGlassLibrary(GlassLibrary.builtin().withCatalogs(catalogs));
    return catalogs.flatMap((c) => c.warnings);
  } catch (e) {
    setGlassLibrary(GlassLibrary.builtin());
    return [`${(e as Error).message} (using the built-in glass table)`];
  }
}
