/**
 * The browser studio, assembled: the engine host in a worker thread, the local server on
 * 127.0.0.1, and optionally a lens opened at start. Used by `lens-studio studio --web` and by the
 * browser tests.
 */
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { WorkerEngineHost } from '../host/workerHost.ts';
import { startStudioServer, type StudioServer } from './server.ts';
import { ensureRendererBuilt } from './rendererBuild.ts';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

export const DEFAULT_LIBRARY_DIR = path.join(repoRoot, 'lens-library');

/** Where recent files are kept: $LENS_STUDIO_STATE_DIR, else $XDG_CONFIG_HOME/lens-studio, else ~/.config/lens-studio. */
export function defaultStateDir(): string {
  if (process.env.LENS_STUDIO_STATE_DIR) return process.env.LENS_STUDIO_STATE_DIR;
  const base = process.env.XDG_CONFIG_HOME || (process.platform === 'win32' ? process.env.APPDATA : undefined) || path.join(os.homedir(), '.config');
  return path.join(base ?? os.homedir(), 'lens-studio');
}

export interface WebStudioOptions {
  port?: number;
  /** A lens file to open at start (.json, .zmx, .txt). */
  lens?: string;
  libraryDir?: string;
  stateDir?: string | null;
  glassDirs?: string[];
  log?: (line: string) => void;
  /** Serve source maps (default: $LENS_STUDIO_SOURCEMAPS set). */
  sourceMaps?: boolean;
}

export interface WebStudio {
  /** The page with its launch token: http://127.0.0.1:PORT/?token=… */
  url: string;
  server: StudioServer;
  host: WorkerEngineHost;
  close(): Promise<void>;
}

/**
 * Starts the browser studio.
 * @throws Error when the port is taken (EADDRINUSE), the UI cannot be built, or the lens cannot be opened
 */
export async function startWebStudio(options: WebStudioOptions = {}): Promise<WebStudio> {
  const log = options.log ?? (() => {});
  const rendererDir = await ensureRendererBuilt(log);
  const host = new WorkerEngineHost({
    libraryDir: options.libraryDir ?? DEFAULT_LIBRARY_DIR,
    stateDir: options.stateDir === undefined ? defaultStateDir() : options.stateDir,
    mode: 'web',
    version: process.env.npm_package_version ?? '0.1.0',
    glassDirs: options.glassDirs ?? [],
    ...(options.lens && { startupLens: path.resolve(options.lens) }),
  });
  let server: StudioServer | undefined;
  try {
    await host.ready;
    server = await startStudioServer({
      rendererDir,
      connectEngine: () => host.connect(),
      port: options.port ?? 0,
      sourceMaps: options.sourceMaps ?? !!process.env.LENS_STUDIO_SOURCEMAPS,
    });
  } catch (e) {
    await host.close();
    throw e;
  }
  const s = server;
  return {
    url: s.url,
    server: s,
    host,
    async close() {
      await s.close();
      await host.close();
    },
  };
}
