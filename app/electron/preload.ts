/**
 * Electron preload (sandboxed, context-isolated): exposes the StudioApi methods the UI calls
 * (`RENDERER_METHODS`) as `window.studio` through contextBridge and nothing else (no ipcRenderer,
 * no Node, no `openPath`). The engine's MessagePort arrives from
 * the main process on `studio:port`; calls made before it arrives wait for it. Errors cross the
 * bridge with their StudioError code in the message (app/contract/bridgeErrors.ts).
 *
 * Sandboxed preloads cannot load modules, so this file is bundled into one CommonJS script by
 * app/electron/buildElectron.ts before the window opens.
 */
import { contextBridge, ipcRenderer } from 'electron';
import { RENDERER_METHODS, type StudioApi, type StudioEvent } from '../contract/studioApi.ts';
import { createStudioClient, type StudioClient } from '../contract/studioRpc.ts';
import { messagePortFramePort } from '../contract/studioTransports.ts';
import { toBridgeError } from '../contract/bridgeErrors.ts';

let resolveClient: (c: StudioClient) => void;
const clientReady = new Promise<StudioClient>((resolve) => (resolveClient = resolve));

// One port per page load, from the main process only (a message from anywhere else has no port).
ipcRenderer.once('studio:port', (event) => {
  const port = event.ports[0];
  if (port) resolveClient(createStudioClient(messagePortFramePort(port)));
});

const api: Record<string, unknown> = {};
for (const method of RENDERER_METHODS) {
  api[method] = async (...args: unknown[]) => {
    const client = await clientReady;
    try {
      return await (client[method] as (...a: unknown[]) => Promise<unknown>)(...args);
    } catch (e) {
      throw toBridgeError(e);
    }
  };
}
api.onEvent = (listener: (e: StudioEvent) => void) => {
  let off: (() => void) | null = null;
  let cancelled = false;
  void clientReady.then((c) => {
    if (!cancelled) off = c.onEvent(listener);
  });
  return () => {
    cancelled = true;
    off?.();
  };
};

contextBridge.exposeInMainWorld('studio', api as unknown as StudioApi);
