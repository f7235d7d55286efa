import { describe, expect, it } from 'vitest';
import { fromBridgeError, restoreBridgeErrors, toBridgeError } from '../../app/contract/bridgeErrors.ts';
import { STUDIO_METHODS, StudioError, type StudioApi } from '../../app/contract/studioApi.ts';

/** What contextBridge lets through: a plain Error with the message only. */
const acrossBridge = (e: Error) => new Error(e.message);

describe('StudioErrors across the Electron contextBridge', () => {
  it('keeps the code and the whole message (several lines included)', () => {
    const e = fromBridgeError(acrossBridge(toBridgeError(new StudioError('BAD_FILE', 'lens.zmx:12: SURF 3\nTYPE TOROIDAL is not supported'))));
    expect(e).toBeInstanceOf(StudioError);
    expect([e.code, e.message]).toEqual(['BAD_FILE', 'lens.zmx:12: SURF 3\nTYPE TOROIDAL is not supported']);
  });

  it("finds the code behind Electron's own prefix, and calls anything else INTERNAL", () => {
    const prefixed = fromBridgeError(new Error("Error invoking remote method 'x': Error: [BUSY] a run is going on"));
    expect([prefixed.code, prefixed.message]).toEqual(['BUSY', 'a run is going on']);
    const plain = fromBridgeError(acrossBridge(toBridgeError(new TypeError('x is undefined'))));
    expect([plain.code, plain.message]).toEqual(['INTERNAL', 'x is undefined']);
    expect(fromBridgeError('a string').code).toBe('INTERNAL');
  });

  it('restores StudioErrors on every method of a bridged API', async () => {
    const raw: Record<string, unknown> = { onEvent: () => () => {} };
    for (const m of STUDIO_METHODS) raw[m] = async () => Promise.reject(acrossBridge(toBridgeError(new StudioError('NOT_FOUND', `no ${m}`))));
    const api = restoreBridgeErrors(raw as unknown as StudioApi);
    for (const m of STUDIO_METHODS) {
      const err = await (api[m] as () => Promise<unknown>)().catch((e: unknown) => e);
      expect(err).toBeInstanceOf(StudioError);
      expect([(err as StudioError).code, (err as StudioError).message]).toEqual(['NOT_FOUND', `no ${m}`]);
    }
  });
});
