/**
 * Resource limits of the StudioApi (app/contract/apiLimits.ts): every numeric option outside its
 * range is refused with BAD_REQUEST naming the option, before any work; a large analysis hands the
 * host's event loop back between its parts, so another client is answered meanwhile; one client
 * cannot queue unbounded work.
 */
import path from 'node:path';
import { MessageChannel } from 'node:worker_threads';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { StudioError } from '../../app/contract/studioApi.ts';
import { API_LIMITS } from '../../app/contract/apiLimits.ts';
import { createStudioClient, serveStudio, type StudioClient } from '../../app/contract/studioRpc.ts';
import { messagePortFramePort, type MessagePortLike } from '../../app/contract/studioTransports.ts';
import { StudioSession } from '../../app/host/studioSession.ts';
import { repoRoot } from './studioContract.ts';

function connect(session: StudioSession, maxQueued?: number): StudioClient {
  const { port1, port2 } = new MessageChannel();
  serveStudio(session, messagePortFramePort(port1 as unknown as MessagePortLike), { maxQueued });
  return createStudioClient(messagePortFramePort(port2 as unknown as MessagePortLike));
}

async function refused(p: Promise<unknown>, option: string): Promise<void> {
  const e = await p.then(
    () => new Error(`expected ${option} to be refused`),
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(StudioError);
  expect((e as StudioError).code).toBe('BAD_REQUEST');
  expect((e as StudioError).message).toMatch(new RegExp(`^${option}: expected`));
}

describe('StudioApi resource limits', () => {
  let session: StudioSession;
  let a: StudioClient;
  let b: StudioClient;
  beforeAll(async () => {
    session = new StudioSession({ libraryDir: path.join(repoRoot, 'lens-library'), stateDir: null, mode: 'in-process', engineThread: 'main' });
    a = connect(session);
    b = connect(session);
    await a.openLibraryLens('double-gauss');
  });
  afterAll(() => {
    a?.close();
    b?.close();
  });

  it('refuses analysis options outside their ranges, naming the option', async () => {
    await refused(a.analyze({ spotRings: 1_000_000 }), 'spotRings');
    await refused(a.analyze({ spotRings: 0 }), 'spotRings');
    await refused(a.analyze({ spotRings: 2.5 }), 'spotRings');
    await refused(a.analyze({ fanPoints: NaN }), 'fanPoints');
    await refused(a.analyze({ fanPoints: 10_000_000 }), 'fanPoints');
    await refused(a.analyze({ layoutRays: -1 }), 'layoutRays');
    await refused(a.analyze({ layoutRays: '7' as unknown as number }), 'layoutRays');
    await refused(a.analyze({ layoutPlane: 'xy' as '3d' }), 'layoutPlane');
    const max = await a.analyze({ spotRings: API_LIMITS.analyze.spotRings[1], fans: false, layout: false });
    expect(max.spots[0].x.length).toBe(1 + 3 * 40 * 41);
    await refused(a.throughFocusSpots({ steps: API_LIMITS.throughFocus.steps[1] + 1 }), 'throughFocusSpots.steps');
    await refused(a.throughFocusSpots({ spotRings: 0 }), 'throughFocusSpots.spotRings');
    await refused(a.throughFocusSpots({ stepMm: Infinity }), 'throughFocusSpots.stepMm');
  });

  it('refuses run options outside their ranges instead of clamping them', async () => {
    await refused(a.startOptimization({ maxIterations: 1e9, vary: ['curvatures'] }), 'maxIterations');
    await refused(a.startOptimization({ maxIterations: 0, vary: ['curvatures'] }), 'maxIterations');
    await refused(a.startOptimization({ method: 'newton' as 'dls', vary: ['curvatures'] }), 'method');
    await refused(a.simulateDeflectometrySession({ binning: 1 }), 'binning');
    await refused(a.simulateDeflectometrySession({ seed: -3 }), 'seed');
    await refused(a.startE2e({ steps: 1e9 }), 'steps');
    await refused(a.startE2e({ batch: 1000 }), 'batch');
    await refused(a.startE2e({ batch: 0 }), 'batch');
    await refused(a.startE2e({ patch: 8 }), 'patch');
    await refused(a.startE2e({ patch: 4096 }), 'patch');
    await refused(a.startE2e({ steps: 10, warmup: 11 }), 'warmup');
    await refused(a.startE2e({ seed: -1 }), 'seed');
    await refused(a.startE2e({ imagesEvery: 0 }), 'imagesEvery');
    await refused(a.startE2e({ fieldGrid: 100 }), 'fieldGrid');
    await refused(a.startE2e({ psfSize: 1001 }), 'psfSize');
    await refused(a.startE2e({ psfSize: 16 }), 'psfSize');
    await refused(a.startE2e({ task: 'edof', psfSize: 1 }), 'psfSize');
    await refused(a.startE2e({ recon: 'gan' as 'unet' }), 'recon');
    await refused(a.startE2e({ vary: ['radii' as 'curvatures'] }), 'vary\\[0\\]');
    await refused(a.startE2e({ vary: [] }), 'vary');
    await refused(a.edit({ op: 'setSurface', index: 0, field: 'radius', value: 50 }, { coalesceKey: 'k'.repeat(10_000) }), 'coalesceKey');
    const spec = await a.toleranceSpec('defaults');
    await refused(a.startTolerance({ spec, monteCarlo: 1e9 }), 'monteCarlo');
    await refused(a.startTolerance({ spec, seed: 0.5 }), 'seed');
    await refused(a.startTolerance({ spec, threshold: NaN }), 'threshold');
    await refused(a.startRobust({ spec, samples: 0 }), 'samples');
    await refused(a.startRobust({ spec, monteCarlo: 5e6 }), 'monteCarlo');
  });

  it('refuses an oversized lens file before parsing it', async () => {
    const e = await a.openFile('huge.json', new Uint8Array(17 * 1024 * 1024)).catch((err: unknown) => err);
    expect((e as StudioError).code).toBe('BAD_FILE');
    expect((e as StudioError).message).toMatch(/huge\.json: .*more than a lens file may have/);
  });

  it('answers another client while a large analysis runs (time-sliced)', async () => {
    const order: string[] = [];
    const big = a.analyze({ spotRings: 40, fanPoints: 4097, layoutRays: 101 }).then(() => order.push('analysis'));
    const quick = b.hostInfo().then(() => order.push('hostInfo'));
    await Promise.all([big, quick]);
    expect(order).toEqual(['hostInfo', 'analysis']);
  });

  it('refuses requests beyond the queue limit of one client with BUSY', async () => {
    const c = connect(session, 3);
    const calls = Array.from({ length: 8 }, (_, i) => c.analyze({ spotRings: 30 + i, fans: false, layout: false }).then(() => 'ok', (e: StudioError) => e.code));
    const codes = await Promise.all(calls);
    expect(codes.filter((x) => x === 'BUSY').length).toBeGreaterThan(0);
    expect(codes[0]).toBe('ok');
    c.close();
  });
});
