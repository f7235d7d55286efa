/**
 * The StudioApi contract of the two lab panels, run inside the shared contract suite over every
 * transport (test/contract/studioContract.ts): deflectometry sessions (simulate, open, previews, calibration
 * with streamed loss, stop, "use fitted lens") and end-to-end training runs (streamed loss / PSNR,
 * PSF grid and restorations, stop). Expected values come from the engine run directly in the test
 * process (session reading, fringe decoding, the simulation's truth lens), never from the host.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { decodeScreenPoints } from '../../engine/deflectometry/fringe.ts';
import { parsePrescriptionJson } from '../../engine/io/json.ts';
import { readCaptureImages, readSession } from '../../app/node/deflectometrySession.ts';
import { StudioError, type CalibrationEvent, type DeflectometrySessionInfo, type E2eEvent, type StudioApi } from '../../app/contract/studioApi.ts';

function runEvents<T extends CalibrationEvent | E2eEvent>(api: StudioApi, type: T['type'], runId: () => string | null, timeoutMs = 90_000): Promise<T[]> {
  return new Promise((resolve, reject) => {
    const seen: T[] = [];
    const timer = setTimeout(() => {
      off();
      reject(new Error(`${type} run did not end in ${timeoutMs} ms`));
    }, timeoutMs);
    const off = api.onEvent((e) => {
      if (e.type !== type) return;
      const ev = e as T;
      const id = runId();
      if (id !== null && ev.runId !== id) return;
      seen.push(ev);
      if (ev.phase === 'finished' || ev.phase === 'stopped' || ev.phase === 'failed') {
        clearTimeout(timer);
        off();
        resolve(seen);
      }
    });
  });
}

async function expectCode(p: Promise<unknown>, code: string, message?: RegExp): Promise<void> {
  const err = await p.then(
    () => new Error('expected a StudioError'),
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(StudioError);
  expect((err as StudioError).code).toBe(code);
  if (message) expect((err as StudioError).message).toMatch(message);
}

/** Registers the lab tests; `getApi` returns the transport's client (set in the suite's beforeAll). */
export function describeLabContract(getApi: () => StudioApi, mode: string): void {
  describe('deflectometry sessions', () => {
    let info: DeflectometrySessionInfo;

    it('simulates a session of the bundled rig and decodes it as the engine does', async () => {
      const api = getApi();
      info = await api.simulateDeflectometrySession({ binning: 32 });
      expect(info.cameras.map((c) => [c.name, c.width, c.height])).toEqual([['camera1', 64, 64], ['camera2', 64, 64]]);
      expect(info.simulated).toBe(true);
      expect(info.frames).toHaveLength(2 * info.periodsPx.length * info.steps);
      expect(await api.recentDeflectometrySessions()).toContain(info.dir);
      // Independent decode of the same folder in this process.
      const session = await readSession(info.dir);
      const cam = session.cameras[1];
      const images = await readCaptureImages(session, cam, 'lens');
      const ref = decodeScreenPoints(images, cam.widthPx, cam.heightPx, session.set, session.rig.screen);
      const c = info.cameras[1];
      expect(c.pixels).toBeInstanceOf(Int32Array);
      expect(Array.from(c.pixels)).toEqual(Array.from(ref.valid.keys()).filter((p) => ref.valid[p]));
      expect(Array.from(c.xMm)).toEqual(Array.from(c.pixels, (p) => ref.xMm[p]));
      expect(Array.from(c.yMm)).toEqual(Array.from(c.pixels, (p) => ref.yMm[p]));
      // An 8-bit preview of frame 5, stretched between the raw image's extremes.
      const img = await api.deflectometryImage(1, 'lens', 5);
      expect(img.pixels).toBeInstanceOf(Uint8Array);
      expect([img.width, img.height, img.pixels.length]).toEqual([64, 64, 64 * 64]);
      expect(img.min).toBe(Math.min(...images[5]));
      expect(img.max).toBe(Math.max(...images[5]));
      const darkest = images[5].indexOf(img.min);
      const brightest = images[5].indexOf(img.max);
      expect([img.pixels[darkest], img.pixels[brightest]]).toEqual([0, 255]);
    });

    it('names what is wrong with a folder that is not a session', async () => {
      const api = getApi();
      if (mode === 'web') {
        // Web mode: only recent, simulated or uploaded folders (test/contract/fileAccess.test.ts).
        await expectCode(api.openDeflectometrySession('/nonexistent/session-42'), 'BAD_REQUEST', /only files you chose/);
        await expectCode(api.openDeflectometrySession(path.dirname(info.dir)), 'BAD_REQUEST', /only files you chose/);
      } else {
        await expectCode(api.openDeflectometrySession('/nonexistent/session-42'), 'BAD_FILE', /session-42: no such session folder/);
        await expectCode(api.openDeflectometrySession(path.dirname(info.dir)), 'BAD_FILE', /session\.json/);
      }
      await expectCode(api.deflectometryImage(0, 'lens', 999), 'BAD_REQUEST', /out of range/);
    });

    it('calibrates from flat surfaces with a falling loss, recovers the simulated lens, and reports an error map the fitted lens reproduces', async () => {
      const api = getApi();
      info = await api.openDeflectometrySession(info.dir);
      let id: string | null = null;
      const ended = runEvents<CalibrationEvent>(api, 'calibration', () => id);
      id = (await api.startCalibration({ start: 'flat' })).runId;
      await expectCode(api.startCalibration({}), 'BUSY');
      const events = await ended;
      const end = events[events.length - 1];
      expect(end.phase).toBe('finished');
      const merits = events.filter((e) => e.phase === 'progress' || e.phase === 'started').map((e) => e.merit);
      expect(merits.length).toBeGreaterThan(3);
      expect(merits[merits.length - 1]).toBeLessThan(1e-3 * merits[0]);
      const r = end.result!;
      const truth = parsePrescriptionJson(await readFile(path.join(info.dir, 'truth-lens.json'), 'utf8'));
      for (const i of [0, 1]) {
        const R = (truth.surfaces[i] as { radius: number }).radius;
        expect(Math.abs((r.prescription.surfaces[i] as { radius: number }).radius / R - 1)).toBeLessThan(1e-3);
      }
      expect(Math.abs(r.prescription.surfaces[0].thickness - truth.surfaces[0].thickness)).toBeLessThan(0.01);
      expect(r.lensRmsUm).toBeLessThan(2);
      for (const c of r.cameras) {
        expect(c.errorMapUm).toBeInstanceOf(Float64Array);
        expect(c.errorMapUm).toHaveLength(c.width * c.height);
        expect(c.pixels.length).toBeGreaterThan(50);
        // Modelled points traced through the fitted lens reproduce the fit's per-pixel residuals.
        c.pixels.forEach((p, i) => {
          const e = Math.hypot(c.measuredXMm[i] - c.modelledXMm[i], c.measuredYMm[i] - c.modelledYMm[i]) * 1000;
          expect(Math.abs(e - c.errorMapUm[p])).toBeLessThan(1e-6);
        });
        const unused = Array.from(c.errorMapUm).filter((v) => Number.isNaN(v)).length;
        expect(unused).toBe(c.width * c.height - c.pixels.length);
      }
    });

    it('"use fitted lens" loads the fit into the editor as one undo step, under a new untitled name', async () => {
      const api = getApi();
      await api.openLibraryLens('cooke-triplet');
      const before = await api.getLens();
      const snap = await api.useFittedLens();
      expect(snap.undoLabel).toBe('Use fitted lens');
      expect(snap.prescription.surfaces).toHaveLength(2);
      expect(snap.prescription.name).toMatch(/LE1234/);
      // Not the replaced lens's file: Save cannot overwrite it (issue 12 item 15).
      expect(snap.fileName).toMatch(/^untitled-\d+\.json$/);
      expect(snap.source).toEqual({ kind: 'new' });
      expect(snap.dirty).toBe(true);
      await expectCode(api.saveLens(), 'BAD_REQUEST', /not opened from disk|export/);
      const again = await api.useFittedLens();
      expect(again.fileName).not.toBe(snap.fileName);
      await api.undo();
      const back = await api.undo();
      expect(back.prescription).toEqual(before.prescription);
      expect(back.fileName).toBe('cooke-triplet.json');
      expect(back.source).toEqual(before.source);
      expect(back.dirty).toBe(false);
      const redone = await api.redo();
      expect(redone.fileName).toBe(snap.fileName);
      expect(redone.source).toEqual({ kind: 'new' });
    });

    it('stops a calibration on request and keeps the best fit so far', async () => {
      const api = getApi();
      let id: string | null = null;
      const ended = runEvents<CalibrationEvent>(api, 'calibration', () => id);
      id = (await api.startCalibration({ start: 'flat', maxIterations: 500 })).runId;
      await api.stopCalibration(id);
      const events = await ended;
      const end = events[events.length - 1];
      expect(end.phase).toBe('stopped');
      expect(end.result!.stopReason).toBe('cancelled');
      expect(end.result!.iterations).toBeLessThan(9);
    });
  });

  describe('end-to-end runs', () => {
    it('trains lens and network for a few steps: loss and PSNR per step, PSF grid and restorations', async () => {
      const api = getApi();
      await api.openLibraryLens('cooke-triplet');
      let id: string | null = null;
      const ended = runEvents<E2eEvent>(api, 'e2e', () => id);
      id = (await api.startE2e({ steps: 3, batch: 1, imagesEvery: 2 })).runId;
      const events = await ended;
      const end = events[events.length - 1];
      expect(end.phase).toBe('finished');
      expect(events[0].phase).toBe('started');
      expect(events[0].backend).toMatch(/TensorFlow\.js backend: (wasm|cpu|tensorflow)/);
      const steps = events.filter((e) => e.phase === 'progress');
      expect(steps.map((e) => e.step)).toEqual([1, 2, 3]);
      for (const e of steps) {
        expect(Number.isFinite(e.loss) && e.loss > 0).toBe(true);
        expect(Number.isFinite(e.psnr)).toBe(true);
      }
      // PSF grid: 3 × 3 PSFs of 15 px, zoom 4, 2 px gaps (engine/imaging/psfImage.ts).
      const grid = end.psfGrid!;
      expect([grid.width, grid.height, grid.channels]).toEqual([3 * 60 + 4 * 2, 3 * 60 + 4 * 2, 4]);
      expect(grid.pixels).toBeInstanceOf(Uint8Array);
      expect(new Set(grid.pixels).size).toBeGreaterThan(10);
      expect(steps.find((e) => e.step === 2)!.psfGrid).toBeDefined();
      expect(end.examples).toHaveLength(3);
      for (const ex of end.examples!) {
        expect([ex.truth.width, ex.blurred.width, ex.restored.width]).toEqual([32, 32, 32]);
        expect(ex.blurred.pixels).not.toEqual(ex.truth.pixels);
      }
      expect(end.perDepth).toHaveLength(1); // the lens's own object distance
      // the trained lens's Wiener bounds, once, before 'finished': one distance, so one filter
      const bounds = events.filter((e) => e.phase === 'bounds');
      expect(bounds).toHaveLength(1);
      expect(events.indexOf(bounds[0])).toBe(events.length - 2);
      const wb = bounds[0].wienerBounds!;
      expect(wb.trueDepth).toHaveLength(1);
      expect(Number.isFinite(wb.trueDepth[0]) && wb.trueDepth[0] > 5).toBe(true);
      expect(Math.abs(wb.trueDepth[0] - wb.depthAveraged[0])).toBeLessThan(1e-9);
    });

    it('"use trained lens" loads the last run\'s lens as one undo step, under a new untitled name', async () => {
      const api = getApi();
      const before = await api.getLens();
      const snap = await api.useTrainedLens();
      expect(snap.undoLabel).toBe('Use trained lens');
      expect(snap.fileName).toMatch(/^untitled-\d+\.json$/);
      expect(snap.source).toEqual({ kind: 'new' });
      // The run varied the curvatures: the trained lens is not the one it started from.
      expect(snap.prescription.surfaces.map((s) => ('radius' in s ? s.radius : null))).not.toEqual(
        before.prescription.surfaces.map((s) => ('radius' in s ? s.radius : null)),
      );
      const back = await api.undo();
      expect(back.fileName).toBe(before.fileName);
      expect(back.prescription).toEqual(before.prescription);
    });

    it('lists the task presets and runs one: the three arms in turn, PSNR per object distance, PSFs through depth', async () => {
      const api = getApi();
      const tasks = await api.listE2eTasks();
      expect(tasks.map((t) => t.name)).toEqual(['edof', 'edof-wide']);
      expect(tasks[0].description).toMatch(/4\.5 m to 8 m/);
      await expectCode(api.startE2e({ task: 'no-such-task' }), 'BAD_REQUEST', /no built-in task "no-such-task"/);
      let id: string | null = null;
      const ended = runEvents<E2eEvent>(api, 'e2e', () => id);
      id = (await api.startE2e({ task: 'edof', steps: 1, batch: 1, recon: 'wiener' })).runId;
      const events = await ended;
      const end = events[events.length - 1];
      expect(end.phase).toBe('finished');
      expect([...new Set(events.map((e) => e.arm))]).toEqual(['nominal', 'sequential', 'joint']);
      expect(end.depthsMm!.map((z) => Math.round(z!))).toEqual([8000, 6698, 5760, 5053, 4500]);
      expect(end.perDepth).toHaveLength(5);
      for (const d of end.perDepth!) expect(Number.isFinite(d.psnr) && Number.isFinite(d.sensorPsnr)).toBe(true);
      // five 41-px PSFs at zoom 2 with 2-px gaps
      expect([end.psfDepth!.width, end.psfDepth!.height]).toEqual([5 * 82 + 6 * 2, 82 + 2 * 2]);
      // "Use trained lens" takes the joint arm's lens: the task's EDOF doublet + plate
      const snap = await api.useTrainedLens();
      expect(snap.prescription.surfaces[0]).toMatchObject({ radius: 62.8 });
      await api.undo();
    });

    it('stops a long run on request and refuses a second run meanwhile', async () => {
      const api = getApi();
      let id: string | null = null;
      const ended = runEvents<E2eEvent>(api, 'e2e', () => id);
      id = (await api.startE2e({ steps: 100_000, batch: 1 })).runId;
      await expectCode(api.startE2e({}), 'BUSY');
      await expectCode(api.startE2e({ patch: 33 }), 'BUSY');
      await api.stopE2e(id);
      const end = (await ended).at(-1)!;
      expect(end.phase).toBe('stopped');
      expect(end.step).toBeLessThan(100_000);
      await expectCode(api.startE2e({ patch: 33 }), 'BAD_REQUEST', /patch: 33 is not a multiple of 2/);
    });
  });
}
