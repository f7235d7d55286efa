/**
 * electron-builder configuration: Linux AppImage and deb, macOS dmg, Windows nsis installers.
 * Used by `npm run dist` (app/electron/dist.ts), which first builds the renderer (vite) and the
 * sandboxed preload bundle (esbuild), then calls electron-builder with this object.
 *
 * The package ships bundles, not TypeScript: out/electron/main.cjs, engineUtility.cjs and
 * preload.cjs (app/electron/buildElectron.ts), the built renderer (no source maps) and the lens
 * library, all inside an asar archive whose integrity Electron checks at start. Electron fuses
 * (flipped by electron-builder before signing) turn off what the app never uses: running the binary
 * as plain Node (ELECTRON_RUN_AS_NODE), NODE_OPTIONS, --inspect; cookies are encrypted; the app is
 * loaded only from the asar archive; file:// gets no extra privileges (the renderer is app://).
 */

/** The subset of electron-builder's Configuration used here (electron-builder is not a dependency). */
export interface BuilderConfig {
  appId: string;
  productName: string;
  copyright?: string;
  directories: { output: string; buildResources?: string };
  files: string[];
  asar: boolean;
  asarUnpack?: string[];
  /** electron-builder's FuseOptionsV1 (@electron/fuses). */
  electronFuses: {
    runAsNode: boolean;
    enableCookieEncryption: boolean;
    enableNodeOptionsEnvironmentVariable: boolean;
    enableNodeCliInspectArguments: boolean;
    enableEmbeddedAsarIntegrityValidation: boolean;
    onlyLoadAppFromAsar: boolean;
    loadBrowserProcessSpecificV8Snapshot?: boolean;
    grantFileProtocolExtraPrivileges: boolean;
  };
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
  files: ['package.json', 'out/electron/main.cjs', 'out/electron/engineUtility.cjs', 'out/electron/preload.cjs', 'renderer/dist/**/*', '!**/*.map', 'lens-library/**/*'],
  asar: true,
  // Native TensorFlow bindings and the wasm backend's binaries are loaded by path: keep them outside the archive.
  asarUnpack: ['node_modules/@tensorflow/tfjs-node*/**', 'node_modules/@tensorflow/tfjs-backend-wasm/dist/*.wasm'],
  electronFuses: {
    runAsNode: false,
    enableCookieEncryption: true,
    enableNodeOptionsEnvironmentVariable: false,
    enableNodeCliInspectArguments: false,
    enableEmbeddedAsarIntegrityValidation: true,
    onlyLoadAppFromAsar: true,
    grantFileProtocolExtraPrivileges: false,
  },
  // The packaged app starts the bundled main process (no tsx).
  extraMetadata: { main: 'out/electron/main.cjs' },
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
