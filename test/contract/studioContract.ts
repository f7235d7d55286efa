/**
 * The StudioApi contract suite, run unchanged against every transport (test/contract/studioApi.test.ts):
 * the in-process IPC stand-in (a MessageChannel, as Electron's MessageChannelMain) and the
 * WebSocket of the browser studio (server + worker-thread engine host). Expected numbers come from
 * the engine called directly in the test process, never from the code under test.
 */
import { readFile, mkdtemp } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { analyze } from '../../engine/analysis/report.ts';
import { spotDiagram } from '../../engine/analysis/spot.ts';
import { rayFan } from '../../engine/analysis/rayFan.ts';
import { parsePrescriptionJson } from '../../engine/io/json.ts';
import type { Prescription } from '../../engine/io/prescription.ts';
import { GlassLibrary } from '../../engine/materials/glassLibrary.ts';
import { buildSystem } from '../../engine/paraxial/buildSystem.ts';
import { StudioError, type OptimizationEvent, type StudioApi, type StudioEvent } from '../../app/contract/studioApi.ts';
import { describeLabContract } from './studioLabContract.ts';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const sharedData = path.resolve(repoRoot, '../shared/data');


export interface TransportUnderTest {
  api: StudioApi;
  /** Sends raw bytes on the transport and returns the decoded reply (for protocol-level checks). */
  close(): Promise<void>;
}

/** Independent reference: the engine run directly on a prescription. */
function reference(p: Prescription) {
  return buildSystem(p, GlassLibrary.builtin());
}

async function expectStudioError(promise: Promise<unknown>, code: string, message?: RegExp): Promise<StudioError> {
  const err = await promise.then(
    () => {
      throw new Error(`expected a StudioError ${code}, got success`);
    },
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(StudioError);
  expect((err as StudioError).code).toBe(code);
  if (message) expect((err as StudioError).message).toMatch(message);
  return err as StudioError;
}

function collectEvents(api: StudioApi): { events: StudioEvent[]; off: () => void } {
  const events: StudioEvent[] = [];
  const off = api.onEvent((e) => events.push(e));
  return { events, off };
}

function waitForRunEnd(api: StudioApi, runId: string, timeoutMs = 60_000): Promise<OptimizationEvent[]> {
  return new Promise((resolve, reject) => {
    const seen: OptimizationEvent[] = [];
    const timer = setTimeout(() => {
      off();
      reject(new Error(`run ${runId} did not end in ${timeoutMs} ms`));
    }, timeoutMs);
    const off = api.onEvent((e) => {
      if (e.type !== 'optimization' || e.runId !== runId) return;
      seen.push(e);
      if (e.phase === 'finished' || e.phase === 'stopped' || e.phase === 'failed') {
        clearTimeout(timer);
        off();
        resolve(seen);
      }
    });
  });
}

/**
 * Registers the contract tests for one transport. `open` starts a fresh host (empty session) with
 * the given state folder and returns a client on it.
 */
export function describeStudioContract(name: string, expectedMode: string, open: (stateDir: string) => Promise<TransportUnderTest>): void {
  describe(`StudioApi contract over ${name}`, () => {
    let t: TransportUnderTest;
    let api: StudioApi;
    let stateDir: string;
    let cooke: Prescription;

    beforeAll(async () => {
      stateDir = await mkdtemp(path.join(os.tmpdir(), 'lens-studio-contract-'));
      t = await open(stateDir);
      api = t.api;
      cooke = parsePrescriptionJson(await readFile(path.join(repoRoot, 'lens-library/cooke-triplet.json'), 'utf8'));
    });
    afterAll(async () => {
      await t?.close();
    });

    it('reports where the engine runs, and has no lens before one is opened', async () => {
      const info = await api.hostInfo();
      expect(info.mode).toBe(expectedMode);
      expect(typeof info.pid).toBe('number');
      await expectStudioError(api.getLens(), 'NOT_FOUND', /no lens/);
    });

    it('lists the library with EFLs the tracer computes', async () => {
      const lib = await api.listLibrary();
      const entry = lib.find((e) => e.id === 'cooke-triplet');
      expect(entry).toBeDefined();
      const { paraxial } = analyze(reference(cooke));
      expect(entry!.efl).toBe(paraxial.efl);
    });

    it('opens a library lens and analyzes it: report, spots, fans, all as the engine computes them', async () => {
      const snap = await api.openLibraryLens('cooke-triplet');
      expect(snap.prescription).toEqual(cooke);
      expect(snap.fileName).toBe('cooke-triplet.json');
      expect(snap.canUndo).toBe(false);
      expect(snap.dirty).toBe(false);
      const bundle = await api.analyze();
      expect(bundle.revision).toBe(snap.revision);
      const sys = reference(cooke);
      expect(bundle.report).toEqual(analyze(sys, { opd: false }));
      expect(bundle.spots).toHaveLength(9);
      const s = bundle.spots.find((x) => x.fieldIndex === 2 && x.wavelengthIndex === 0)!;
      const ref = spotDiagram(sys, 2, 0);
      // Binary arrays travel as binary, bit for bit.
      expect(s.x).toBeInstanceOf(Float64Array);
      expect(s.valid).toBeInstanceOf(Uint8Array);
      expect(Array.from(s.x)).toEqual(Array.from(ref.x));
      expect(Array.from(s.y)).toEqual(Array.from(ref.y));
      expect(s.rmsRadius).toBe(ref.rmsRadius);
      const fan = bundle.fans.find((x) => x.fieldIndex === 1 && x.wavelengthIndex === 1)!;
      const refFan = rayFan(sys, 1, 1);
      expect(fan.pupil).toBeInstanceOf(Float64Array);
      expect(fan.pupil).toHaveLength(257);
      expect(Array.from(fan.tangentialY)).toEqual(Array.from(refFan.tangentialY));
      expect(Array.from(fan.sagittalX)).toEqual(Array.from(refFan.sagittalX));
    });

    it('draws the layout: ray paths of every field and the surface profiles', async () => {
      const b = await api.analyze({ layoutRays: 7 });
      expect(b.errors).toEqual([]);
      const layout = b.layout!;
      expect(layout.rays).toHaveLength(3);
      for (const r of layout.rays) {
        expect(r.points).toBeInstanceOf(Float64Array);
        expect(r.points.length).toBe(r.nRays * r.pointsPerRay * 3);
        expect(r.valid.length).toBe(r.nRays * r.pointsPerRay);
      }
      expect(layout.profiles.filter((p) => p.isStop)).toHaveLength(1);
      expect(layout.profiles.length).toBeGreaterThanOrEqual(cooke.surfaces.length);
    });

    it('NaN and ±Infinity survive the transport both ways', async () => {
      // Into the host: the schema sees a non-finite number (JSON would have turned it into null,
      // which the schema reports differently), and ±Infinity for a radius means a plane.
      const before = await api.getLens();
      await expectStudioError(api.edit({ op: 'setSurface', index: 1, field: 'thickness', value: NaN }), 'BAD_EDIT', /surface 2 thickness: NaN is not/);
      await expectStudioError(api.edit({ op: 'setSurface', index: 1, field: 'conic', value: -Infinity }), 'BAD_EDIT', /surface 2 conic: -Infinity is not/);
      await expectStudioError(api.edit({ op: 'setSurface', index: 0, field: 'asphere', value: [0, Infinity] }), 'BAD_EDIT', /surface 1 asphere: Infinity is not/);
      expect((await api.getLens()).revision).toBe(before.revision);
      const plane = await api.edit({ op: 'setSurface', index: 1, field: 'radius', value: -Infinity });
      expect((plane.prescription.surfaces[1] as { radius: number | null }).radius).toBeNull();
      // Out of the host: a field whose rays are all vignetted has NaN radii and centroid.
      await api.edit({ op: 'setSurface', index: 0, field: 'semiDiameter', value: 0.05 });
      const b = await api.analyze();
      const lost = b.spots.find((s) => s.fieldIndex === 2)!;
      expect(Array.from(lost.valid).every((v) => v === 0)).toBe(true);
      expect(Number.isNaN(lost.rmsRadius)).toBe(true);
      expect(Number.isNaN(lost.centroid[0])).toBe(true);
      await api.undo();
      await api.undo();
      expect((await api.getLens()).prescription).toEqual(cooke);
    });

    it('edits a radius live: new revision, new EFL, one undo step per coalesce key, undo and redo', async () => {
      const { events, off } = collectEvents(api);
      const r0 = (await api.getLens()).revision;
      await api.edit({ op: 'setSurface', index: 0, field: 'radius', value: 21 }, { coalesceKey: 'cell-a' });
      const snap = await api.edit({ op: 'setSurface', index: 0, field: 'radius', value: 20.5 }, { coalesceKey: 'cell-a' });
      expect(snap.revision).toBe(r0 + 2);
      expect(snap.canUndo).toBe(true);
      expect(snap.dirty).toBe(true);
      expect(snap.undoLabel).toBe('Surface 1 radius');
      const edited = structuredClone(cooke);
      (edited.surfaces[0] as { radius: number }).radius = 20.5;
      const b = await api.analyze();
      expect(b.revision).toBe(snap.revision);
      expect(b.report!.paraxial.efl).toBe(analyze(reference(edited)).paraxial.efl);
      expect(b.report!.paraxial.efl).not.toBe(analyze(reference(cooke)).paraxial.efl);
      // Every change is pushed to subscribers.
      const lensEvents = events.filter((e) => e.type === 'lens');
      expect(lensEvents.map((e) => (e.type === 'lens' ? e.snapshot.revision : -1))).toEqual([r0 + 1, r0 + 2]);
      off();
      const undone = await api.undo();
      expect(undone.prescription).toEqual(cooke);
      expect(undone.canUndo).toBe(false);
      expect(undone.dirty).toBe(false);
      const redone = await api.redo();
      expect((redone.prescription.surfaces[0] as { radius: number }).radius).toBe(20.5);
      await api.undo();
      await expectStudioError(api.undo(), 'NOTHING_TO_UNDO');
    });

    it('rejects a bad edit with the surface and field named, and keeps the lens', async () => {
      const before = await api.getLens();
      await expectStudioError(api.edit({ op: 'setSurface', index: 2, field: 'radius', value: 0 }), 'BAD_EDIT', /surface 3 radius/);
      await expectStudioError(api.edit({ op: 'setSurface', index: 2, field: 'material', value: 'NOT-A-GLASS' }), 'BAD_EDIT', /NOT-A-GLASS/);
      await expectStudioError(api.edit({ op: 'setSurface', index: 40, field: 'radius', value: 5 }), 'BAD_EDIT', /out of range/);
      const after = await api.getLens();
      expect(after.revision).toBe(before.revision);
      expect(after.prescription).toEqual(before.prescription);
    });

    it('refuses a malformed file with its name and line, with the previous lens still loaded', async () => {
      const before = await api.getLens();
      const bad = new TextEncoder().encode('{\n  "format": "lens-studio/1",\n  "name": "broken",\n  oops\n}\n');
      await expectStudioError(api.openFile('broken.json', bad), 'BAD_FILE', /broken\.json.*line 4/);
      const zmx = new TextEncoder().encode('VERS 190513\nMODE SEQ\nSURF 0\n  TYPE TOROIDAL\nSURF 1\nSURF 2\n');
      await expectStudioError(api.openFile('bad.zmx', zmx), 'BAD_FILE', /bad\.zmx/);
      const after = await api.getLens();
      expect(after.revision).toBe(before.revision);
      expect(after.fileName).toBe('cooke-triplet.json');
    });

    it('exports JSON that loads back to the same numbers, and .zmx that gives the same first-order data', async () => {
      await api.openLibraryLens('cooke-triplet');
      await api.edit({ op: 'setSurface', index: 3, field: 'radius', value: 20.123456789012345 });
      const current = (await api.getLens()).prescription;
      const json = await api.exportLens('json');
      expect(json.fileName).toBe('cooke-triplet.json');
      expect(json.bytes).toBeInstanceOf(Uint8Array);
      expect(parsePrescriptionJson(new TextDecoder().decode(json.bytes))).toEqual(current);
      const reopened = await api.openFile('exported.json', json.bytes);
      expect(reopened.prescription).toEqual(current);
      // .zmx cannot name the triplet's HIKARI SK16 and SCHOTT F2 under one GCAT (both catalogs hold
      // both names): the export writes F2 as a model glass and says so.
      const lossy = await api.exportLens('zmx');
      expect(lossy.fileName).toBe('exported.zmx');
      expect(lossy.warnings.join('\n')).toMatch(/F2 \(SCHOTT\) shares its name with a glass of another catalog/);
      // A lens of catalog glasses round-trips through .zmx with the same first-order data.
      await api.openLibraryLens('double-gauss');
      const dg = (await api.getLens()).prescription;
      const zmx = await api.exportLens('zmx');
      expect(zmx.warnings).toEqual([]);
      const fromZmx = await api.openFile('roundtrip.zmx', zmx.bytes);
      const efl = analyze(reference(dg)).paraxial.efl;
      const eflZmx = (await api.analyze()).report!.paraxial.efl;
      expect(Math.abs(eflZmx - efl)).toBeLessThanOrEqual(1e-9 * Math.abs(efl));
      expect(fromZmx.prescription.surfaces.length).toBe(dg.surfaces.length);
    });

    it('opens a real OpticStudio file from the corpus', async () => {
      const file = path.join(sharedData, 'zmx/OpticsDatabase__Edmund_32-321.zmx');
      const snap = await api.openFile(path.basename(file), new Uint8Array(await readFile(file)));
      expect(snap.fileName).toBe('OpticsDatabase__Edmund_32-321.zmx');
      const b = await api.analyze();
      expect(b.errors).toEqual([]);
      expect(b.spots).toHaveLength(b.report!.fields.length * b.report!.wavelengths_um.length);
      expect(b.report!.paraxial.efl).toBeGreaterThan(39);
      expect(b.report!.paraxial.efl).toBeLessThan(41);
    });

    it('keeps recent files and reopens them; saves to disk atomically', async () => {
      const recent = await api.recentFiles();
      expect(recent[0].label).toBe('OpticsDatabase__Edmund_32-321.zmx');
      expect(recent.some((r) => r.kind === 'library' && r.label === 'cooke-triplet.json')).toBe(true);
      const lib = recent.find((r) => r.kind === 'library' && r.label === 'cooke-triplet.json')!;
      const snap = await api.openRecent(lib.id);
      expect(snap.prescription).toEqual(cooke);
      await expectStudioError(api.saveLens(), 'BAD_REQUEST', /not opened from disk/);
      const out = path.join(stateDir, 'saved', 'triplet.json');
      if (expectedMode === 'web') {
        // The browser studio names no host path of its own choosing (test/contract/fileAccess.test.ts).
        await expectStudioError(api.saveLens(out), 'BAD_REQUEST', /only files you chose/);
        await expect(readFile(out)).rejects.toThrow(/ENOENT/);
        return;
      }
      const saved = await api.saveLens(out);
      expect(saved.path).toBe(out);
      expect(parsePrescriptionJson(await readFile(out, 'utf8'))).toEqual(cooke);
      const again = await api.getLens();
      expect(again.source).toEqual({ kind: 'path', path: out });
      expect(again.dirty).toBe(false);
    });

    it('optimizes with streamed progress; the merit falls; the result is one undo step', async () => {
      await api.openLibraryLens('cooke-triplet');
      // Perturb: every radius × 1.03, then vary the radii.
      for (let i = 0; i < cooke.surfaces.length; i++) {
        const r = (cooke.surfaces[i] as { radius: number }).radius;
        await api.edit({ op: 'setSurface', index: i, field: 'radius', value: r * 1.03 });
      }
      const flagged = await api.edit({ op: 'setVariables', changes: cooke.surfaces.map((_, index) => ({ index, param: 'radius', on: true })) });
      expect(flagged.undoLabel).toBe('Variables');
      expect(flagged.prescription.surfaces.every((s) => s.variables?.radius === true)).toBe(true);
      const start = await api.getLens();
      const { events, off } = collectEvents(api);
      const { runId } = await api.startOptimization({ maxIterations: 30, merit: { defaultMerit: {}, operands: [{ type: 'EFL', target: 50 }] } });
      const runEvents = await waitForRunEnd(api, runId);
      off();
      const end = runEvents[runEvents.length - 1];
      expect(end.phase).toBe('finished');
      const progress = runEvents.filter((e) => e.phase === 'progress');
      expect(progress.length).toBeGreaterThan(1);
      for (let k = 1; k < progress.length; k++) expect(progress[k].merit).toBeLessThanOrEqual(progress[k - 1].merit);
      expect(end.merit).toBeLessThan(0.1 * end.initialMerit);
      expect(progress[0].operands.some((o) => o.name.startsWith('EFL'))).toBe(true);
      expect(end.variables.map((v) => v.name)).toEqual(['c1', 'c2', 'c3', 'c4', 'c5', 'c6']);
      // The lens followed the run (events) and ends as one undo step.
      expect(events.some((e) => e.type === 'lens')).toBe(true);
      const after = await api.getLens();
      expect(after.revision).toBeGreaterThan(start.revision);
      expect(after.undoLabel).toMatch(/^Optimize/);
      const b = await api.analyze();
      expect(Math.abs(b.report!.paraxial.efl - 50)).toBeLessThan(0.05);
      const back = await api.undo();
      expect(back.prescription).toEqual(start.prescription);
    });

    it('stops a long optimization on request, keeps the best lens, and refuses edits while running', async () => {
      const { runId } = await api.startOptimization({ method: 'adam', maxIterations: 10000, merit: { defaultMerit: { rings: 6, arms: 12 } } });
      const firstProgress = new Promise<void>((resolve) => {
        const off = api.onEvent((e) => {
          if (e.type === 'optimization' && e.runId === runId && e.phase === 'progress' && e.iteration >= 2) {
            off();
            resolve();
          }
        });
      });
      const ended = waitForRunEnd(api, runId);
      await firstProgress;
      await expectStudioError(api.edit({ op: 'setSurface', index: 0, field: 'thickness', value: 3 }), 'BUSY');
      await expectStudioError(api.startOptimization({}), 'BUSY');
      // The host answers analyses while the run goes on.
      const during = await api.analyze();
      expect(during.report).not.toBeNull();
      await api.stopOptimization(runId);
      const events = await ended;
      const end = events[events.length - 1];
      expect(end.phase).toBe('stopped');
      expect(end.iteration).toBeLessThan(100000);
      expect(end.merit).toBeLessThanOrEqual(end.initialMerit);
      // Idle again: edits work.
      await api.edit({ op: 'setSurface', index: 0, field: 'thickness', value: 3.3 });
    });

    it('rejects an optimization with nothing to vary, naming the problem', async () => {
      await api.openLibraryLens('cooke-triplet');
      await expectStudioError(api.startOptimization({ merit: { defaultMerit: {} } }), 'BAD_EDIT', /no variables/);
      await expectStudioError(api.startOptimization({ merit: { operands: [{ type: 'NOPE' }] } }), 'BAD_EDIT', /merit/);
    });

    describeLabContract(() => api, expectedMode);
  });
}
