/**
 * Bundles app/electron/preload.ts into one CommonJS script (out/electron/preload.cjs) with esbuild:
 * a sandboxed preload may `require` only 'electron', so it cannot import the shared TypeScript
 * modules at run time. Rebuilt when the output is older than its sources.
 */
import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const OUT = path.resolve(here, '../../out/electron/preload.cjs');
const CONTRACT_DIR = path.resolve(here, '../contract');

/** The preload's sources: preload.ts and the StudioApi contract (app/contract/) it bundles. */
async function sources(): Promise<string[]> {
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

/**
 * Returns the path of the bundled preload, building it when needed (never in a packaged app,
 * which ships the bundle and not esbuild).
 */
export async function buildPreload(opts: { packaged?: boolean } = {}): Promise<string> {
  const built = await mtime(OUT);
  if (opts.packaged && built > 0) return OUT;
  const newest = Math.max(...(await Promise.all((await sources()).map(mtime))));
  if (built > newest) return OUT;
  const esbuild = await import('esbuild');
  await esbuild.build({
    entryPoints: [path.join(here, 'preload.ts')],
    outfile: OUT,
    bundle: true,
    format: 'cjs',
    platform: 'browser',
    target: 'chrome130',
    external: ['electron'],
    sourcemap: 'inline',
    logLevel: 'warning',
  });
  return OUT;
}
