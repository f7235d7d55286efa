/**
 * `lens-studio studio [lens] [--web] [--port N] [--no-open] [--glass-dir DIR]...`: opens the studio.
 *
 * Without --web it starts the Electron window (app/electron/main.ts). Where Electron cannot start
 * (not installed, as it is an optional dependency; no display; it exits at once), it says why and
 * serves the browser studio on 127.0.0.1 instead, printing the URL, and opens the default browser
 * unless --no-open. It runs until Ctrl-C.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Command } from 'commander';
import { CliError } from '../errors.ts';
import { startWebStudio, type WebStudio } from '../../web/webStudio.ts';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const DEFAULT_PORT = 5178;

interface StudioOptions {
  web?: boolean;
  port?: string;
  open: boolean;
  glassDir?: string[];
}

/** The Electron binary, or why there is none. */
export function findElectron(): { binary: string } | { reason: string } {
  let binary: unknown;
  try {
    binary = createRequire(import.meta.url)('electron');
  } catch {
    return { reason: 'Electron is not installed (it is an optional dependency)' };
  }
  if (typeof binary !== 'string' || !existsSync(binary)) return { reason: 'the electron package has no binary (its download failed)' };
  if (process.platform === 'linux' && !process.env.DISPLAY && !process.env.WAYLAND_DISPLAY) {
    return { reason: 'there is no display (neither DISPLAY nor WAYLAND_DISPLAY is set)' };
  }
  return { binary };
}

/**
 * Starts the Electron window; resolves to the child process once it runs (it has not exited
 * within 4 s), or to the reason it could not start.
 */
function startElectron(binary: string, lens: string | undefined, glassDirs: string[]): Promise<{ child: ChildProcess } | { reason: string }> {
  const args = [path.join(repoRoot, 'app/electron/bootstrap.mjs'), ...(lens ? ['--lens', lens] : []), ...glassDirs.flatMap((d) => ['--glass-dir', d])];
  const child = spawn(binary, args, { stdio: ['ignore', 'inherit', 'pipe'], env: { ...process.env, ELECTRON_ENABLE_LOGGING: '1' } });
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => {
    stderr += d.toString();
    process.stderr.write(d);
  });
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve({ child }), 4000);
    child.once('error', (e) => {
      clearTimeout(timer);
      resolve({ reason: `Electron failed to start (${e.message})` });
    });
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      const last = stderr.trim().split('\n').pop() ?? '';
      resolve({ reason: `Electron exited at once (${signal ?? `code ${code}`}${last ? `: ${last.slice(0, 160)}` : ''})` });
    });
  });
}

/** Opens a URL in the default browser; failures are reported, not fatal. */
function openBrowser(url: string): void {
  const cmd = process.platform === 'darwin' ? 'open' : process.platform === 'win32' ? 'cmd' : 'xdg-open';
  const args = process.platform === 'win32' ? ['/c', 'start', '', url] : [url];
  try {
    const p = spawn(cmd, args, { stdio: 'ignore', detached: true });
    p.once('error', () => process.stderr.write(`lens-studio: could not open a browser; open ${url} yourself\n`));
    p.unref();
  } catch {
    process.stderr.write(`lens-studio: could not open a browser; open ${url} yourself\n`);
  }
}

function parsePort(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const n = Number(text);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new CliError(`--port: expected a port number 0-65535, got "${text}"`, 2);
  return n;
}

async function serveWeb(lens: string | undefined, opts: StudioOptions): Promise<WebStudio> {
  const port = parsePort(opts.port);
  const log = (line: string) => process.stderr.write(`lens-studio: ${line}\n`);
  const common = { lens, glassDirs: opts.glassDir ?? [], log };
  try {
    return await startWebStudio({ ...common, port: port ?? DEFAULT_PORT });
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE' && port === undefined) return startWebStudio({ ...common, port: 0 });
    if (code === 'EADDRINUSE') throw new CliError(`--port ${port}: the port is in use (try another, or 0 for any free port)`);
    throw new CliError((e as Error).message);
  }
}

function waitForSignal(): Promise<void> {
  return new Promise((resolve) => {
    const done = () => resolve();
    process.once('SIGINT', done);
    process.once('SIGTERM', done);
  });
}

export function register(program: Command): void {
  program
    .command('studio')
    .description('open the studio: the Electron window, or the browser studio on 127.0.0.1 where Electron cannot start')
    .argument('[lens]', 'a lens to open (.json, .zmx or dO .txt)')
    .option('--web', 'serve the browser studio (do not try Electron)')
    .option('--port <n>', `port of the browser studio (default ${DEFAULT_PORT}, or any free port when taken; 0 = any)`)
    .option('--no-open', 'do not open a browser')
    .option('--glass-dir <dir>', 'a folder of Zemax AGF glass catalogs (repeatable)', (v: string, prev: string[] = []) => [...prev, v])
    .action(async (lensArg: string | undefined, opts: StudioOptions) => {
      const lens = lensArg ? path.resolve(lensArg) : undefined;
      if (lens && !existsSync(lens)) throw new CliError(`${lensArg}: no such file`);
      if (!opts.web) {
        const found = findElectron();
        const started = 'binary' in found ? await startElectron(found.binary, lens, opts.glassDir ?? []) : found;
        if ('child' in started) {
          const child = started.child;
          await new Promise<void>((resolve) => child.once('exit', () => resolve()));
          return;
        }
        process.stderr.write(`lens-studio: ${started.reason}; serving the browser studio instead.\n`);
      }
      const studio = await serveWeb(lens, opts);
      process.stdout.write(`Lens Studio is running at ${studio.url}  (Ctrl-C to stop)\n`);
      if (opts.open) openBrowser(studio.url);
      await waitForSignal();
      if (process.env.LENS_STUDIO_DEBUG) process.stderr.write('lens-studio: stopping\n');
      await studio.close();
      if (process.env.LENS_STUDIO_DEBUG) process.stderr.write('lens-studio: stopped\n');
    });
}
