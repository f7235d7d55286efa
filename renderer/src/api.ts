/**
 * Connects the renderer to the StudioApi: in Electron, the API the preload exposes on
 * `window.studio` (through contextBridge); in a browser, a WebSocket to the local studio server.
 * Either way the UI sees the same typed StudioApi and nothing else.
 */
import { StudioError, type StudioApi, type StudioErrorCode } from '../../app/contract/studioApi.ts';
import { createStudioClient } from '../../app/contract/studioRpc.ts';
import { webSocketFramePort } from '../../app/contract/studioTransports.ts';
import { restoreBridgeErrors } from '../../app/contract/bridgeErrors.ts';

declare global {
  interface Window {
    /** Set by app/electron/preload.ts in the Electron window. */
    studio?: StudioApi;
  }
}

/** Opens the StudioApi for this window; rejects when the host cannot be reached. */
export async function connectStudio(onClose: () => void): Promise<StudioApi> {
  if (window.studio) return restoreBridgeErrors(window.studio);
  const url = `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/api`;
  const ws = new WebSocket(url);
  await new Promise<void>((resolve, reject) => {
    ws.addEventListener('open', () => resolve(), { once: true });
    ws.addEventListener('error', () => reject(new StudioError('DISCONNECTED', `cannot reach the studio host at ${url}`)), {
      once: true,
    });
  });
  ws.addEventListener('close', onClose);
  return createStudioClient(webSocketFramePort(ws));
}

/** The StudioError code of an error, or INTERNAL. */
export function errorCode(e: unknown): StudioErrorCode {
  return e instanceof StudioError ? e.code : 'INTERNAL';
}

export function errorMessage(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
