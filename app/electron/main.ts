/**
 * Electron main process: one window per launch, the engine in a utility process, nothing else.
 *
 * The window runs the renderer with contextIsolation and sandbox on and no Node integration; its
 * preload exposes the StudioApi through contextBridge. The main process only wires a
 * MessageChannelMain between each window and the engine utility process (app/host/engineUtility.ts),
 * so StudioApi frames flow renderer ↔ engine directly and the main process never runs optics; a
 * long optimization runs in the utility process and never blocks a window.
 *
 * Arguments: [--lens FILE] [--glass-dir DIR]...
 */
import { app, BrowserWindow, Menu, MessageChannelMain, utilityProcess, type UtilityProcess } from 'electron';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { buildPreload } from './buildPreload.ts';
import { ensureRendererBuilt, RENDERER_DIST } from '../web/rendererBuild.ts';
import { DEFAULT_LIBRARY_DIR } from '../web/webStudio.ts';

const here = path.dirname(fileURLToPath(import.meta.url));

function argValues(name: string): string[] {
  const out: string[] = [];
  const argv = process.argv;
  for (let i = 0; i < argv.length - 1; i++) if (argv[i] === name) out.push(argv[i + 1]);
  return out;
}

function startEngine(): UtilityProcess {
  const options = {
    libraryDir: DEFAULT_LIBRARY_DIR,
    stateDir: app.getPath('userData'),
    mode: 'electron',
    version: app.getVersion(),
    glassDirs: argValues('--glass-dir'),
    lens: argValues('--lens')[0],
  };
  return utilityProcess.fork(
    path.join(here, '../host/tsxBootstrap.mjs'),
    [pathToFileURL(path.join(here, '../host/engineUtility.ts')).href, JSON.stringify(options)],
    { serviceName: 'Lens Studio engine', stdio: 'inherit' },
  );
}

function createWindow(engine: UtilityProcess, preload: string, rendererDir: string): BrowserWindow {
  const win = new BrowserWindow({
    width: 1600,
    height: 1000,
    minWidth: 1100,
    minHeight: 700,
    title: 'Lens Studio',
    backgroundColor: '#0f1216',
    show: false,
    webPreferences: { preload, contextIsolation: true, sandbox: true, nodeIntegration: false, spellcheck: false },
  });
  const indexHtml = path.join(rendererDir, 'index.html');
  // A fresh engine connection for every page load (a reload gets a new preload world).
  win.webContents.on('did-finish-load', () => {
    const { port1, port2 } = new MessageChannelMain();
    engine.postMessage({ type: 'connect' }, [port1]);
    win.webContents.postMessage('studio:port', null, [port2]);
  });
  // The studio is one page: no navigation away from it, no new windows.
  win.webContents.on('will-navigate', (event, url) => {
    if (url !== pathToFileURL(indexHtml).href) event.preventDefault();
  });
  win.webContents.setWindowOpenHandler(() => ({ action: 'deny' }));
  win.once('ready-to-show', () => win.show());
  void win.loadFile(indexHtml);
  return win;
}

async function main(): Promise<void> {
  if (!app.requestSingleInstanceLock()) {
    app.quit();
    return;
  }
  const [preload, rendererDir] = app.isPackaged
    ? [await buildPreload({ packaged: true }), RENDERER_DIST]
    : await Promise.all([buildPreload(), ensureRendererBuilt((l) => console.log(`lens-studio: ${l}`))]);
  await app.whenReady();
  Menu.setApplicationMenu(null);
  let engine = startEngine();
  engine.on('exit', (code) => {
    if (code !== 0) console.error(`lens-studio: the engine process exited (code ${code}); restarting it`);
    engine = startEngine();
  });
  createWindow(engine, preload, rendererDir);
  app.on('second-instance', () => BrowserWindow.getAllWindows()[0]?.show());
  app.on('activate', () => {
    if (BrowserWindow.getAllWindows().length === 0) createWindow(engine, preload, rendererDir);
  });
  app.on('window-all-closed', () => {
    engine.kill();
    app.quit();
  });
}

main().catch((e) => {
  console.error(`lens-studio: ${(e as Error).message}`);
  app.quit();
});
