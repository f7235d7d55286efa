/**
 * StudioErrors across Electron's contextBridge, which copies only an Error's message across worlds:
 * the preload (app/electron/preload.ts) puts the StudioError code in front of it
 * (`[BAD_FILE] lens.zmx:12: ...`) and the renderer restores it. Part of the contract because both
 * sides use it. Browser-safe.
 */
import { STUDIO_METHODS, StudioError, type StudioApi, type StudioErrorCode } from './studioApi.ts';

const PREFIX = /^\[([A-Z_]+)\] ([\s\S]*)$/;

/** Preload side: the error to throw across the bridge. */
export function toBridgeError(e: unknown): Error {
  if (e instanceof StudioError) return new Error(`[${e.code}] ${e.message}`);
  return new Error(`[INTERNAL] ${e instanceof Error ? e.message : String(e)}`);
}

/** Renderer side: parses a bridged error back into a StudioError. */
export function fromBridgeError(e: unknown): StudioError {
  const message = e instanceof Error ? e.message : String(e);
  // Electron prefixes "Error invoking remote method ...: " on some paths; look for our tag anywhere.
  const at = message.search(/\[[A-Z_]+\] /);
  const m = PREFIX.exec(at >= 0 ? message.slice(at) : message);
  return m ? new StudioError(m[1] as StudioErrorCode, m[2]) : new StudioError('INTERNAL', message);
}

/** Wraps the bridged API so that its rejections are StudioErrors again. */
export function restoreBridgeErrors(raw: StudioApi): StudioApi {
  const api = { onEvent: raw.onEvent.bind(raw) } as Record<string, unknown>;
  for (const m of STUDIO_METHODS) {
    const fn = raw[m] as (...a: unknown[]) => Promise<unknown>;
    api[m] = (...args: unknown[]) =>
      fn(...args).catch((e: unknown) => {
        throw fromBridgeError(e);
      });
  }
  return api as unknown as StudioApi;
}
