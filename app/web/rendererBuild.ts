/**
 * Builds the studio renderer with vite (in-process) when its output is missing or older than its
 * sources, so `lens-studio studio` works from a fresh clone without a separate build step.
 */
import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** The renderer's source folder and its vite output folder. */
export const RENDERER_DIR = path.join(repoRoot, 'renderer');
export const RENDERER_DIST = path.join(RENDERER_DIR, 'dist');

async function newestMtime(dir: string): Promise<number> {
  let newest = 0;
  let entries: import('node:fs').Dirent[];
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch {
    return 0;
  }
  for (const e of entries) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) newest = Math.max(newest, await newestMtime(p));
    else if (/\.(tsx?|css|html)$/.test(e.name)) newest = Math.max(newest, (await stat(p)).mtimeMs);
  }
  return newest;
}

/** The StudioApi contract the renderer bundles (app/contract/). */
const CONTRACT_DIR = path.join(repoRoot, 'app', 'contract');

/** True when renderer/dist is missing or older than renderer/ sources or the StudioApi contract. */
export async function rendererBuildIsStale(): Promise<boolean> {
  let built: number;
  try {
    built = (await stat(path.join(RENDERER_DIST, 'index.html'))).mtimeMs;
  } catch {
    return true;
  }
  const sources = Math.max(
    await newestMtime(path.join(RENDERER_DIR, 'src')),
    (await stat(path.join(RENDERER_DIR, 'index.html'))).mtimeMs,
    await newestMtime(CONTRACT_DIR),
  );
  return sources > built;
}

/**
 * Runs `vite build` on renderer/vite.config.ts when needed.
 * @param log progress messages (one line each)
 * @returns the output folder
 * @throws Error from vite, with its message, when the build fails
 */
export async function ensureRendererBuilt(log: (line: string) => void = () => {}, force = false): Promise<string> {
  if (!force && !(await rendererBuildIsStale())) return RENDERER_DIST;
  log('building the studio UI (vite)…');
  const t0 = performance.now();
  const { build } = await import('vite');
  await build({ configFile: path.join(RENDERER_DIR, 'vite.config.ts'), logLevel: 'warn' });
  log(`studio UI built in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  return RENDERER_DIST;
}
