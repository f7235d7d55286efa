/**
 * Browser-test harness: Debian's Chromium driven by playwright-core against the browser studio
 * (server on 127.0.0.1 + worker-thread engine), with a temporary state folder.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, mkdir } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { startWebStudio, type WebStudio } from '../../app/web/webStudio.ts';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const artifactsDir = path.join(repoRoot, 'test/artifacts');
export const CHROMIUM = process.env.LENS_STUDIO_CHROMIUM ?? '/usr/bin/chromium';

export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  // WebGL without a GPU: SwiftShader (software), which recent Chromium only enables on request.
  '--enable-unsafe-swiftshader',
  '--use-angle=swiftshader',
];

/** The browser studio as `lens-studio studio --web` runs it: its own process, like `npm start`. */
export interface StudioProcess {
  url: string;
  close(): Promise<void>;
}

/**
 * Starts `node bin/lens-studio.js studio --web --port 0 --no-open [lens]` and waits for its URL.
 * @throws Error with the process's output when it does not print a URL within 60 s
 */
export async function startStudioProcess(opts: { lens?: string; stateDir: string }): Promise<StudioProcess> {
  const child = spawn(process.execPath, [path.join(repoRoot, 'bin/lens-studio.js'), 'studio', '--web', '--port', '0', '--no-open', ...(opts.lens ? [opts.lens] : [])], {
    cwd: repoRoot,
    env: { ...process.env, LENS_STUDIO_STATE_DIR: opts.stateDir },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no URL from lens-studio studio within 60 s:\n${output}`)), 60_000);
    const onData = (d: Buffer) => {
      output += d.toString();
      const m = /running at (http:\/\/127\.0\.0\.1:\d+\/\?token=[A-Za-z0-9_-]+)/.exec(output);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`lens-studio studio exited (code ${code}):\n${output}`));
    });
  });
  return {
    url,
    close: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

export interface StudioBrowser {
  studio: WebStudio | StudioProcess;
  browser: Browser;
  page: Page;
  stateDir: string;
  close(): Promise<void>;
}

/**
 * Starts a studio (optionally with a lens) and a Chromium page on it, 1600 × 1000. With
 * `process: true` the studio runs as `lens-studio studio --web` in its own process (as npm start
 * runs it), else in this process.
 */
export async function openStudioInBrowser(opts: { lens?: string; process?: boolean } = {}): Promise<StudioBrowser> {
  const stateDir = await mkdtemp(path.join(os.tmpdir(), 'lens-studio-browser-'));
  await mkdir(artifactsDir, { recursive: true });
  const studio = opts.process
    ? await startStudioProcess({ lens: opts.lens, stateDir })
    : await startWebStudio({ port: 0, stateDir, lens: opts.lens, log: () => {} });
  let browser: Browser | undefined;
  try {
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, headless: true });
    const context = await browser.newContext({ viewport: { width: 1600, height: 1000 }, acceptDownloads: true, deviceScaleFactor: 1 });
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    page.on('console', (m) => {
      if (m.type() === 'error') errors.push(m.text());
    });
    (page as Page & { studioErrors?: string[] }).studioErrors = errors;
    await page.goto(studio.url);
    const b = browser;
    return {
      studio,
      browser: b,
      page,
      stateDir,
      async close() {
        await b.close();
        await studio.close();
      },
    };
  } catch (e) {
    await browser?.close();
    await studio.close();
    throw e;
  }
}

/** Page errors and console errors seen so far. */
export function pageErrors(page: Page): string[] {
  return (page as Page & { studioErrors?: string[] }).studioErrors ?? [];
}

/** Waits until the page shows analysis of at least `revision` in the layout and the spots. */
export async function waitForDrawn(page: Page, revision: number, timeout = 15_000): Promise<void> {
  await page.waitForFunction(
    (rev) => {
      const d = window.__studioPerf?.drawn;
      return !!d && d.layout >= rev && d.spots >= rev;
    },
    revision,
    { timeout },
  );
}

/** The analysis revision the spot diagrams last drew (their data-revision). */
export async function spotsRevision(page: Page): Promise<number> {
  return Number(await page.getByTestId('spots').getAttribute('data-revision'));
}

/**
 * Opens the browser studio on the lens file `lens` (openStudioInBrowser) and waits until the lens
 * data editor shows it and its first analysis is drawn in the layout and the spots. Closes the
 * studio when that does not happen.
 */
export async function openStudioDrawn(lens: string): Promise<StudioBrowser> {
  const sb = await openStudioInBrowser({ lens });
  try {
    const page = sb.page;
    await page.getByTestId('radius-0').waitFor();
    await page.waitForFunction(() => Number(document.querySelector('[data-testid=spots]')?.getAttribute('data-revision')) > 0);
    await waitForDrawn(page, await spotsRevision(page));
    return sb;
  } catch (e) {
    await sb.close();
    throw e;
  }
}

/** A data-* attribute of the element with that test id ('' when absent). */
export async function testIdAttr(page: Page, id: string, name: string): Promise<string> {
  return (await page.getByTestId(id).getAttribute(name)) ?? '';
}

/** Writes a screenshot of the page to test/artifacts/<name>.png. */
export async function screenshot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: path.join(artifactsDir, `${name}.png`) });
}

/**
 * Registers beforeAll/afterAll hooks that open the browser studio on the library Cooke triplet for
 * the enclosing describe block; the returned getter gives the open studio inside the tests.
 */
export function useStudioOnCooke(hooks: { beforeAll: (fn: () => Promise<void>) => void; afterAll: (fn: () => Promise<void>) => void }): () => StudioBrowser {
  let sb: StudioBrowser | undefined;
  hooks.beforeAll(async () => {
    sb = await openStudioInBrowser({ lens: path.join(repoRoot, 'lens-library/cooke-triplet.json') });
  });
  hooks.afterAll(async () => {
    await sb?.close();
  });
  return () => {
    if (!sb) throw new Error('the browser studio is not open (beforeAll failed)');
    return sb;
  };
}
