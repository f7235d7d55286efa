/**
 * Bundles the Electron app's scripts with esbuild, into out/electron/:
 *
 * - preload.cjs (always, also in development): a sandboxed preload may `require` only
 *   'electron', so it cannot import the shared TypeScript modules at run time;
 * - main.cjs and engineUtility.cjs (for the package, `npm run dist`): the main process and the
 *   engine utility process as plain CommonJS, so the packaged app runs from an asar archive with
 *   integrity validation and without tsx. `import.meta.url` is defined as the bundle's own file URL.
 *
 * Rebuilt when an output is older than its sources. No source maps unless LENS_STUDIO_SOURCEMAPS.
 */
import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const repoRoot = path.resolve(here, '../..');
export const OUT_DIR = path.join(repoRoot, 'out', 'electron');
const PRELOAD_OUT = path.join(OUT_DIR, 'preload.cjs');
const CONTRACT_DIR = path.resolve(here, '../contract');

/** Packages the bundles load from node_modules at run time (native, or loaded by path). */
export const BUNDLE_EXTERNALS = ['electron', 'vite', 'esbuild', 'tsx', '@tensorflow/tfjs', '@tensorflow/tfjs-node', '@tensorflow/tfjs-node-gpu', '@tensorflow/tfjs-backend-wasm'];

/** The preload's sources: preload.ts and the StudioApi contract (app/contract/) it bundles. */
async function preloadSources(): Promise<string[]> {
  const contract = (await readdir(CONTRACT_DIR)).filter((f) => f.endsWith('.ts')).map((f) => path.join(CONTRACT_DIR, f));
  return [path.join(here, 'preload.ts'), ...contract];
}

async function mtime(file: string): Promise<number> {
  try {
    return (await stat(file)).mtimeMs;
  } catch {
    return 0;
  }
}

const sourcemap = () => (process.env.LENS_STUDIO_SOURCEMAPS ? ('inline' as const) : false);

/**
 * Returns the path of the bundled preload, building it when needed (never in a packaged app,
 * which ships the bundle and not esbuild).
 */
export async function buildPreload(opts: { packaged?: boolean } = {}): Promise<string> {
  const built = await mtime(PRELOAD_OUT);
  if (opts.packaged && built > 0) return PRELOAD_OUT;
  const newest = Math.max(...(await Promise.all((await preloadSources()).map(mtime))));
  if (built > newest) return PRELOAD_OUT;
  const esbuild = await import('esbuild');
  await esbuild.build({
    entryPoints: [path.join(here, 'preload.ts')],
    outfile: PRELOAD_OUT,
    bundle: true,
    format: 'cjs',
    platform: 'browser',
    target: 'chrome130',
    external: ['electron'],
    sourcemap: sourcemap(),
    logLevel: 'warning',
  });
  return PRELOAD_OUT;
}

/**
 * Bundles the main process (app/electron/main.ts) and the engine utility process
 * (app/host/engineUtility.ts) into out/electron/main.cjs and engineUtility.cjs.
 * @returns the two output paths
 * @throws Error from esbuild naming the file and line
 */
export async function buildElectronBundles(outDir = OUT_DIR): Promise<{ main: string; engine: string }> {
  const esbuild = await import('esbuild');
  const out = { main: path.join(outDir, 'main.cjs'), engine: path.join(outDir, 'engineUtility.cjs') };
  const common = {
    bundle: true,
    format: 'cjs' as const,
    platform: 'node' as const,
    target: 'node22',
    external: BUNDLE_EXTERNALS,
    sourcemap: sourcemap(),
    logLevel: 'warning' as const,
    define: { 'import.meta.url': '__bundleUrl' },
    banner: { js: "const __bundleUrl = require('node:url').pathToFileURL(__filename).href;" },
  };
  await esbuild.build({ ...common, entryPoints: [path.join(here, 'main.ts')], outfile: out.main });
  await esbuild.build({ ...common, entryPoints: [path.join(repoRoot, 'app', 'host', 'engineUtility.ts')], outfile: out.engine });
  return out;
}
