/**
 * Minimal local type declarations for the parts of Electron the shell uses. Electron is an
 * optionalDependency that cannot be downloaded on every machine (CI, these build hosts), so the
 * shell must type-check without it. Kept to the exact signatures of Electron 41's API.
 */
declare module 'electron' {
  import { EventEmitter } from 'node:events';

  interface WebPreferences {
    preload?: string;
    contextIsolation?: boolean;
    sandbox?: boolean;
    nodeIntegration?: boolean;
    nodeIntegrationInWorker?: boolean;
    webSecurity?: boolean;
    allowRunningInsecureContent?: boolean;
    experimentalFeatures?: boolean;
    navigateOnDragDrop?: boolean;
    webviewTag?: boolean;
    spellcheck?: boolean;
  }
  interface BrowserWindowConstructorOptions {
    width?: number;
    height?: number;
    minWidth?: number;
    minHeight?: number;
    title?: string;
    show?: boolean;
    backgroundColor?: string;
    webPreferences?: WebPreferences;
  }
  interface HandlerDetails {
    url: string;
  }
  interface PreventableEvent {
    preventDefault(): void;
  }
  interface WebContents extends EventEmitter {
    postMessage(channel: string, message: unknown, transfer?: MessagePortMain[]): void;
    setWindowOpenHandler(handler: (details: HandlerDetails) => { action: 'allow' | 'deny' }): void;
    reload(): void;
    on(event: 'did-finish-load', listener: () => void): this;
    on(event: 'will-navigate' | 'will-redirect', listener: (event: PreventableEvent, url: string) => void): this;
    on(event: 'will-attach-webview', listener: (event: PreventableEvent, webPreferences: WebPreferences, params: Record<string, string>) => void): this;
    on(event: 'render-process-gone', listener: (event: unknown, details: { reason: string }) => void): this;
  }
  class BrowserWindow extends EventEmitter {
    constructor(options?: BrowserWindowConstructorOptions);
    readonly webContents: WebContents;
    loadFile(filePath: string): Promise<void>;
    loadURL(url: string): Promise<void>;
    show(): void;
    isDestroyed(): boolean;
    once(event: 'ready-to-show', listener: () => void): this;
    on(event: 'closed', listener: () => void): this;
    static getAllWindows(): BrowserWindow[];
  }
  interface MessageEvent {
    data: unknown;
    ports: MessagePortMain[];
  }
  class MessagePortMain extends EventEmitter {
    postMessage(message: unknown, transfer?: MessagePortMain[]): void;
    start(): void;
    close(): void;
    on(event: 'message', listener: (messageEvent: MessageEvent) => void): this;
    on(event: 'close', listener: () => void): this;
  }
  class MessageChannelMain {
    readonly port1: MessagePortMain;
    readonly port2: MessagePortMain;
  }
  interface ForkOptions {
    env?: Record<string, string | undefined>;
    execArgv?: string[];
    cwd?: string;
    stdio?: 'pipe' | 'ignore' | 'inherit' | Array<'pipe' | 'ignore' | 'inherit'>;
    serviceName?: string;
  }
  interface UtilityProcess extends EventEmitter {
    readonly pid: number | undefined;
    postMessage(message: unknown, transfer?: MessagePortMain[]): void;
    kill(): boolean;
    on(event: 'exit', listener: (code: number) => void): this;
    on(event: 'spawn', listener: () => void): this;
  }
  const utilityProcess: {
    fork(modulePath: string, args?: string[], options?: ForkOptions): UtilityProcess;
  };
  interface App extends EventEmitter {
    readonly isPackaged: boolean;
    whenReady(): Promise<void>;
    quit(): void;
    enableSandbox(): void;
    requestSingleInstanceLock(): boolean;
    getPath(name: 'userData' | 'home' | 'documents'): string;
    getAppPath(): string;
    getVersion(): string;
    on(event: 'window-all-closed' | 'before-quit', listener: () => void): this;
    on(event: 'activate', listener: () => void): this;
    on(event: 'second-instance', listener: () => void): this;
    on(event: 'web-contents-created', listener: (event: unknown, contents: WebContents) => void): this;
  }
  const app: App;
  interface CustomScheme {
    scheme: string;
    privileges?: {
      standard?: boolean;
      secure?: boolean;
      bypassCSP?: boolean;
      allowServiceWorkers?: boolean;
      supportFetchAPI?: boolean;
      corsEnabled?: boolean;
      stream?: boolean;
      codeCache?: boolean;
    };
  }
  const protocol: {
    registerSchemesAsPrivileged(customSchemes: CustomScheme[]): void;
    handle(scheme: string, handler: (request: Request) => Response | Promise<Response>): void;
  };
  interface Session {
    setPermissionRequestHandler(handler: ((webContents: WebContents, permission: string, callback: (permissionGranted: boolean) => void, details: unknown) => void) | null): void;
    setPermissionCheckHandler(handler: ((webContents: WebContents | null, permission: string, requestingOrigin: string, details: unknown) => boolean) | null): void;
  }
  const session: {
    readonly defaultSession: Session;
  };
  const dialog: {
    showErrorBox(title: string, content: string): void;
  };
  interface IpcRendererEvent {
    ports: MessagePort[];
  }
  const ipcRenderer: {
    on(channel: string, listener: (event: IpcRendererEvent, ...args: unknown[]) => void): void;
    once(channel: string, listener: (event: IpcRendererEvent, ...args: unknown[]) => void): void;
  };
  const contextBridge: {
    exposeInMainWorld(apiKey: string, api: unknown): void;
  };
  const Menu: {
    setApplicationMenu(menu: null): void;
  };
}
