/**
 * Electron main process: one window per launch, the engine in a utility process, nothing else.
 *
 * The window runs the renderer with contextIsolation and sandbox on and no Node integration; its
 * preload exposes the StudioApi methods the UI calls through contextBridge. The main process only
 * wires a MessageChannelMain between each window and the engine utility process
 * (app/host/engineUtility.ts), so StudioApi frames flow renderer ↔ engine directly and the main
 * process never runs optics; a long optimization runs in the utility process and never blocks a
 * window.
 *
 * Hardening (decisions in security.ts, tested there): the renderer is served from `app://studio/`
 * (a privileged custom scheme, not file://) with the CSP as a response header; every permission
 * request is denied; navigation, redirects, new windows and <webview> are refused; every renderer
 * is sandboxed. The engine is supervised (engineSupervisor.ts): every window follows the current
 * engine process, a restarted engine gets the same exit handling, nothing restarts while quitting.
 * Fuses and the asar archive are set in the package build (electron.config.ts).
 *
 * Arguments: [--lens FILE] [--glass-dir DIR]...
 */
import { app, BrowserWindow, dialog, Menu, MessageChannelMain, protocol, session, utilityProcess, type UtilityProcess, type WebContents } from 'electron';
import { readFile, realpath } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { electronLayout } from './appLayout.ts';
import { EngineSupervisor } from './engineSupervisor.ts';
import { APP_SCHEME, APP_SCHEME_PRIVILEGES, appHeaders, isStudioPage, permissionAllowed, resolveAppRequest, STUDIO_URL } from './security.ts';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

function argValues(name: string): string[] {
  const out: string[] = [];
  const argv = process.argv;
  for (let i = 0; i < argv.length - 1; i++) if (argv[i] === name) out.push(argv[i + 1]);
  return out;
}

// Must run before `ready`: app:// is a secure standard origin for the renderer.
protocol.registerSchemesAsPrivileged([{ scheme: APP_SCHEME, privileges: { ...APP_SCHEME_PRIVILEGES } }]);
app.enableSandbox();

/** Serves app://studio/… from the renderer build, with the CSP header; nothing else. */
function serveRenderer(rendererDir: string): void {
  const root = realpath(rendererDir).catch(() => path.resolve(rendererDir));
  protocol.handle(APP_SCHEME, async (request) => {
    const r = resolveAppRequest(rendererDir, request.url);
    if (!r.ok) return new Response(null, { status: r.status, headers: r.headers });
    try {
      const [real, realRoot] = await Promise.all([realpath(r.file), root]);
      if (!real.startsWith(realRoot + path.sep)) return new Response(null, { status: 403, headers: appHeaders() });
      return new Response(new Uint8Array(await readFile(real)), { status: 200, headers: r.headers });
    } catch {
      return new Response(null, { status: 404, headers: appHeaders() });
    }
  });
}

/** The rules every web contents of the app obeys (windows, and anything they might try to open). */
function harden(contents: WebContents): void {
  contents.on('will-navigate', (event, url) => {
    if (!isStudioPage(url)) event.preventDefault();
  });
  contents.on('will-redirect', (event, url) => {
    if (!isStudioPage(url)) event.preventDefault();
  });
  contents.on('will-attach-webview', (event) => event.preventDefault());
  contents.setWindowOpenHandler(() => ({ action: 'deny' }));
}

function createWindow(engines: EngineSupervisor<UtilityProcess>, preload: string): BrowserWindow {
  const win = new BrowserWindow({
    width: 1600,
    height: 1000,
    minWidth: 1100,
    minHeight: 700,
    title: 'Lens Studio',
    backgroundColor: '#0f1216',
    show: false,
    webPreferences: {
      preload,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      experimentalFeatures: false,
      navigateOnDragDrop: false,
      webviewTag: false,
      spellcheck: false,
    },
  });
  // A fresh connection to the *current* engine on every page load (a reload gets a new preload
  // world; after an engine restart the main process reloads the window).
  win.webContents.on('did-finish-load', () => {
    const { port1, port2 } = new MessageChannelMain();
    if (engines.connect(port1)) win.webContents.postMessage('studio:port', null, [port2]);
  });
  win.once('ready-to-show', () => win.show());
  void win.loadURL(STUDIO_URL);
  return win;
}

async function main(): Promise<void> {
  if (!app.requestSingleInstanceLock()) {
    app.quit();
    return;
  }
  const layout = electronLayout(app.isPackaged, app.getAppPath(), repoRoot);
  let preload: string;
  if (layout.preload) {
    preload = layout.preload;
  } else {
    const [{ buildPreload }, { ensureRendererBuilt }] = await Promise.all([import('./buildElectron.ts'), import('../web/rendererBuild.ts')]);
    [preload] = await Promise.all([buildPreload(), ensureRendererBuilt((l) => console.log(`lens-studio: ${l}`))]);
  }
  await app.whenReady();
  Menu.setApplicationMenu(null);
  session.defaultSession.setPermissionRequestHandler((_wc, permission, callback) => callback(permissionAllowed(permission)));
  session.defaultSession.setPermissionCheckHandler((_wc, permission) => permissionAllowed(permission));
  app.on('web-contents-created', (_event, contents) => harden(contents));
  serveRenderer(layout.rendererDir);

  const options = {
    libraryDir: layout.libraryDir,
    stateDir: app.getPath('userData'),
    mode: 'electron',
    version: app.getVersion(),
    glassDirs: argValues('--glass-dir'),
    lens: argValues('--lens')[0],
  };
  const engines = new EngineSupervisor<UtilityProcess>({
    fork: () => utilityProcess.fork(layout.engineModule, [...layout.engineArgs, JSON.stringify(options)], { serviceName: 'Lens Studio engine', stdio: 'inherit' }),
    // Every window reconnects to the new engine (its session starts afresh: the start-up lens).
    onRestart: () => {
      for (const w of BrowserWindow.getAllWindows()) if (!w.isDestroyed()) w.webContents.reload();
    },
    onGiveUp: (code) => {
      dialog.showErrorBox('Lens Studio', `The engine process keeps stopping (exit code ${code}). Save your work by exporting it, then restart Lens Studio.`);
    },
    log: (line) => console.error(`lens-studio: ${line}`),
  });
  app.on('before-quit', () => engines.quit());
  createWindow(engines, preload);
  app.on('second-instance', () => BrowserWindow.getAllWindows()[0]?.show());
  app.on('activate', () => {
    if (BrowserWindow.getAllWindows().length === 0 && !engines.isQuitting) createWindow(engines, preload);
  });
  app.on('window-all-closed', () => app.quit());
}

main().catch((e) => {
  console.error(`lens-studio: ${(e as Error).message}`);
  app.quit();
});
