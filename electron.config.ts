/**
 * electron-builder configuration: Linux AppImage and deb, macOS dmg, Windows nsis installers.
 * Used by `npm run dist` (app/electron/dist.ts), which first builds the renderer (vite) and the
 * sandboxed preload bundle (esbuild), then calls electron-builder with this object.
 *
 * The app runs its TypeScript through tsx at start (no compile step), so the package ships the
 * sources of app/ and engine/ with tsx, the built renderer and the preload bundle. asar is off:
 * Node's ES module loader (used by tsx) cannot read inside asar archives.
 */

/** The subset of electron-builder's Configuration used here (electron-builder is not a dependency). */
export interface BuilderConfig {
  appId: string;
  productName: string;
  copyright?: string;
  directories: { output: string; buildResources?: string };
  files: string[];
  asar: boolean;
  extraMetadata?: Record<string, unknown>;
  linux: { target: string[]; category: string; maintainer?: string; synopsis?: string };
  deb?: { depends?: string[] };
  mac: { target: string[]; category: string };
  dmg?: Record<string, unknown>;
  win: { target: string[] };
  nsis?: { oneClick: boolean; allowToChangeInstallationDirectory: boolean; perMachine?: boolean };
  fileAssociations?: { ext: string | string[]; name: string; role?: string }[];
}

const config: BuilderConfig = {
  appId: 'org.lensstudio.LensStudio',
  productName: 'Lens Studio',
  copyright: 'MIT License',
  directories: { output: 'dist/installers', buildResources: 'build' },
  files: [
    'package.json',
    'app/**/*',
    'engine/**/*',
    'renderer/dist/**/*',
    'out/electron/preload.cjs',
    'lens-library/**/*',
    'bin/**/*',
    '!**/*.test.ts',
    '!**/*.testProblems.ts',
    '!**/*-fixture.ts',
  ],
  asar: false,
  // Electron starts the bootstrap (JS), which registers tsx and loads app/electron/main.ts.
  extraMetadata: { main: 'app/electron/bootstrap.mjs' },
  linux: { target: ['AppImage', 'deb'], category: 'Science', maintainer: 'Lens Studio', synopsis: 'Optical design studio' },
  deb: { depends: ['libnss3', 'libgtk-3-0', 'libxss1', 'libasound2'] },
  mac: { target: ['dmg'], category: 'public.app-category.developer-tools' },
  win: { target: ['nsis'] },
  nsis: { oneClick: false, allowToChangeInstallationDirectory: true, perMachine: false },
  fileAssociations: [
    { ext: 'zmx', name: 'Zemax OpticStudio lens', role: 'Viewer' },
    { ext: 'json', name: 'Lens Studio prescription', role: 'Editor' },
  ],
};

export default config;
