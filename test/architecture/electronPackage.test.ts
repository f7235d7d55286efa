/**
 * The Electron package, checked where Electron cannot run:
 * - the preload exposes exactly the StudioApi methods the renderer calls (RENDERER_METHODS), read
 *   from the renderer's sources, so the page's surface stays minimal;
 * - electron.config.ts: asar on with the fuses set (no RunAsNode, no NODE_OPTIONS, no --inspect,
 *   cookie encryption, asar integrity, app only from asar, no file:// privileges), shipping
 *   bundles and the renderer build but no TypeScript and no source maps;
 * - the main-process and utility-process bundles build with esbuild, need no tsx, and load under
 *   Node up to the point where they need Electron.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import { mkdtemp, readFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import config from '../../electron.config.ts';
import { RENDERER_METHODS, STUDIO_METHODS } from '../../app/contract/studioApi.ts';
import { buildElectronBundles } from '../../app/electron/buildElectron.ts';

const repoRoot = path.resolve(import.meta.dirname, '../..');

function rendererSources(dir = path.join(repoRoot, 'renderer/src')): string {
  let text = '';
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) text += rendererSources(p);
    else if (/\.tsx?$/.test(e.name)) text += fs.readFileSync(p, 'utf8');
  }
  return text;
}

describe('the Electron package', () => {
  it('the preload exposes exactly the methods the renderer calls', () => {
    const src = rendererSources();
    const called = STUDIO_METHODS.filter((m) => new RegExp(`\\.${m}\\(`).test(src));
    expect([...RENDERER_METHODS].sort()).toEqual([...called].sort());
    expect(RENDERER_METHODS).not.toContain('openPath');
    const preload = fs.readFileSync(path.join(repoRoot, 'app/electron/preload.ts'), 'utf8');
    expect(preload).toMatch(/for \(const method of RENDERER_METHODS\)/);
    expect(preload).not.toMatch(/STUDIO_METHODS|exposeInMainWorld\([^)]*ipcRenderer/);
  });

  it('sets the fuses and ships an asar of bundles, no sources, no source maps', () => {
    expect(config.asar).toBe(true);
    expect(config.electronFuses).toEqual({
      runAsNode: false,
      enableCookieEncryption: true,
      enableNodeOptionsEnvironmentVariable: false,
      enableNodeCliInspectArguments: false,
      enableEmbeddedAsarIntegrityValidation: true,
      onlyLoadAppFromAsar: true,
      grantFileProtocolExtraPrivileges: false,
    });
    expect(config.extraMetadata?.main).toBe('out/electron/main.cjs');
    expect(config.files).toEqual(expect.arrayContaining(['out/electron/main.cjs', 'out/electron/engineUtility.cjs', 'out/electron/preload.cjs', '!**/*.map']));
    expect(config.files.some((f) => /^(app|engine)\//.test(f))).toBe(false);
  });

  it('bundles the main and engine processes as CommonJS that need neither tsx nor import.meta', async () => {
    const out = await mkdtemp(path.join(os.tmpdir(), 'lens-studio-electron-'));
    const { main, engine } = await buildElectronBundles(out);
    for (const file of [main, engine]) {
      const text = await readFile(file, 'utf8');
      // (a quoted "import.meta.url" is the define key of buildElectron.ts, bundled into main.cjs)
      expect(text).not.toMatch(/[^"']import\.meta|require\("tsx/);
      expect(text).not.toMatch(/sourceMappingURL/);
    }
    // Under plain Node the engine bundle loads every module, then stops where it needs Electron.
    const run = (file: string) => {
      try {
        execFileSync(process.execPath, [file], { stdio: 'pipe', cwd: repoRoot, env: { ...process.env, NODE_PATH: path.join(repoRoot, 'node_modules') } });
        return '';
      } catch (e) {
        return String((e as { stderr?: Buffer }).stderr ?? e);
      }
    };
    expect(run(engine)).toMatch(/must run in an Electron utility process/);
    expect(run(main)).toMatch(/Cannot find module 'electron'/);
  }, 120_000);
});
