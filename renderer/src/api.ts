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

const TOKEN_KEY = 'lens-studio-token';

/**
 * The launch token of the browser studio: from the address (`?token=…` as `lens-studio studio --web`
 * prints it, or `#token=…`), then kept for this tab in sessionStorage so a reload still connects,
 * and taken out of the address bar (so it does not show in a screenshot or a shared screen).
 */
export function launchToken(): string | null {
  const query = new URLSearchParams(location.search);
  const hash = new URLSearchParams(location.hash.replace(/^#/, ''));
  const fromUrl = query.get('token') ?? hash.get('token');
  if (fromUrl) {
    try {
      sessionStorage.setItem(TOKEN_KEY, fromUrl);
    } catch {
      // storage disabled: the token lives only in this page
    }
    query.delete('token');
    const rest = query.toString();
    history.replaceState(null, '', `${location.pathname}${rest ? `?${rest}` : ''}`);
    return fromUrl;
  }
  try {
    return sessionStorage.getItem(TOKEN_KEY);
  } catch {
    return null;
  }
}

/** Opens the StudioApi for this window; rejects when the host cannot be reached. */
export async function connectStudio(onClose: () => void): Promise<StudioApi> {
  if (window.studio) return restoreBridgeErrors(window.studio);
  const token = launchToken();
  if (!token) {
    throw new StudioError('DISCONNECTED', 'This page needs the address with its token that `lens-studio studio --web` printed (http://127.0.0.1:PORT/?token=…).');
  }
  const base = `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/api`;
  const ws = new WebSocket(`${base}?token=${encodeURIComponent(token)}`);
  await new Promise<void>((resolve, reject) => {
    ws.addEventListener('open', () => resolve(), { once: true });
    ws.addEventListener(
      'error',
      () => reject(new StudioError('DISCONNECTED', `cannot reach the studio host at ${base} (or the token is not this launch's: open the address \`lens-studio studio --web\` printed)`)),
      { once: true },
    );
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
