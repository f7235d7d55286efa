/**
 * `npm run dist`: builds the installers with electron-builder (electron.config.ts): Linux AppImage
 * and deb, macOS dmg, Windows nsis (each on its own OS, as electron-builder requires). First the
 * renderer (vite) and the three bundles (buildElectron.ts: preload, main, engine utility process),
 * which the asar archive holds instead of TypeScript sources.
 * Needs the optional `electron` package and `electron-builder` (not a dependency: install it with
 * `npm install --no-save electron-builder` first). Not run in CI.
 */
import config from '../../electron.config.ts';
import { buildElectronBundles, buildPreload } from './buildElectron.ts';
import { ensureRendererBuilt } from '../web/rendererBuild.ts';

async function main(): Promise<void> {
  let builder: { build(opts: { config: unknown; publish?: string }): Promise<string[]> };
  try {
    builder = (await import('electron-builder' as string)) as typeof builder;
  } catch {
    throw new Error('electron-builder is not installed: run `npm install --no-save electron-builder`, then `npm run dist`');
  }
  await ensureRendererBuilt((l) => console.log(l), true);
  await buildPreload();
  await buildElectronBundles();
  const files = await builder.build({ config, publish: 'never' });
  for (const f of files) console.log(f);
}

main().catch((e) => {
  console.error(`lens-studio dist: ${(e as Error).message}`);
  process.exitCode = 1;
});
