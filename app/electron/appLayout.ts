/**
 * Where the Electron app finds its parts, in development (TypeScript run through tsx from the
 * repository) and packaged (an asar archive holding the bundles app/electron/buildElectron.ts
 * makes: out/electron/main.cjs, engineUtility.cjs, preload.cjs, and renderer/dist, lens-library).
 *
 * Electron-free, so it is tested under Node.
 */
import path from 'node:path';
import { pathToFileURL } from 'node:url';

export interface ElectronLayout {
  /** The module `utilityProcess.fork` starts, and the arguments before the options JSON. */
  engineModule: string;
  engineArgs: string[];
  rendererDir: string;
  libraryDir: string;
  /** The bundled preload; null in development, where it is built on start (buildElectron.ts). */
  preload: string | null;
}

/** Bundles inside the package (relative to the app path). */
export const BUNDLE_DIR = 'out/electron';

/**
 * @param packaged `app.isPackaged`
 * @param appPath `app.getAppPath()` (the asar archive when packaged)
 * @param repoRoot the repository root (development)
 */
export function electronLayout(packaged: boolean, appPath: string, repoRoot: string): ElectronLayout {
  if (packaged) {
    return {
      engineModule: path.join(appPath, BUNDLE_DIR, 'engineUtility.cjs'),
      engineArgs: [],
      rendererDir: path.join(appPath, 'renderer', 'dist'),
      libraryDir: path.join(appPath, 'lens-library'),
      preload: path.join(appPath, BUNDLE_DIR, 'preload.cjs'),
    };
  }
  return {
    engineModule: path.join(repoRoot, 'app', 'host', 'tsxBootstrap.mjs'),
    engineArgs: [pathToFileURL(path.join(repoRoot, 'app', 'host', 'engineUtility.ts')).href],
    rendererDir: path.join(repoRoot, 'renderer', 'dist'),
    libraryDir: path.join(repoRoot, 'lens-library'),
    preload: null,
  };
}
