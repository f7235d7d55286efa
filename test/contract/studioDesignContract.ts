/**
 * The design side of the StudioApi contract (run for every transport by studioContract.ts): solves
 * and pickups edited as cells (markers, solved values, .zmx round trip), variables with bounds and
 * "vary all", the merit editor's table (targets as typed, the default merit as generated rows), and
 * the words and bound violations of a finished optimization. Expected numbers come from the engine
 * called directly in the test process.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { parsePrescriptionJson } from '../../engine/io/json.ts';
import type { Prescription } from '../../engine/io/prescription.ts';
import { GlassLibrary } from '../../engine/materials/glassLibrary.ts';
import { meritTable } from '../../engine/optimize/meritTable.ts';
import { buildSystem } from '../../engine/paraxial/buildSystem.ts';
import { efl } from '../../engine/analysis/firstOrder.ts';
import { StudioError, type OptimizationEvent, type StudioApi } from '../../app/contract/studioApi.ts';

const repoRoot = path.resolve(import.meta.dirname, '../..');
const reference = (p: Prescription) => buildSystem(p, GlassLibrary.builtin());

async function rejects(promise: Promise<unknown>, code: string, message: RegExp): Promise<void> {
  const err = await promise.then(
    () => new Error('expected a StudioError'),
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(StudioError);
  expect((err as StudioError).code).toBe(code);
  expect((err as StudioError).message).toMatch(message);
}

function runEnd(api: StudioApi, runId: string): Promise<OptimizationEvent> {
  return new Promise((resolve) => {
    const off = api.onEvent((e) => {
      if (e.type === 'optimization' && e.runId === runId && (e.phase === 'finished' || e.phase === 'stopped' || e.phase === 'failed')) {
        off();
        resolve(e);
      }
    });
  });
}

export function describeDesignContract(getApi: () => StudioApi): void {
  describe('lens design: solves, variables, the merit editor', () => {
    let cooke: Prescription;
    beforeAll(async () => {
      cooke = parsePrescriptionJson(await readFile(path.join(repoRoot, 'lens-library/cooke-triplet.json'), 'utf8'));
    });

    it('solves and pickups as cells: markers, solved values that follow edits, no variable on a solved cell, .zmx round trip', async () => {
      const api = getApi();
      await api.openLibraryLens('cooke-triplet');
      let snap = await api.edit({ op: 'setSolve', index: 5, param: 'thickness', solve: { type: 'marginalRayHeight' } });
      const focused = structuredClone(cooke);
      focused.imageSolve = 'paraxialFocus';
      expect(snap.cells[5]).toEqual({ thickness: 'M' });
      expect(snap.prescription.surfaces[5].thickness).toBe(reference(focused).surfaces[5].thickness);
      snap = await api.edit({ op: 'setSolve', index: 4, param: 'radius', solve: { type: 'pickup', surface: 0, scale: -1 } });
      expect(snap.cells[4]).toEqual({ radius: 'P' });
      expect((snap.prescription.surfaces[4] as { radius: number }).radius).toBe(-(cooke.surfaces[0] as { radius: number }).radius);
      snap = await api.edit({ op: 'setSurface', index: 0, field: 'radius', value: 21 });
      expect((snap.prescription.surfaces[4] as { radius: number }).radius).toBe(-21);
      await rejects(api.edit({ op: 'setVariable', index: 4, param: 'radius', on: true }), 'BAD_EDIT', /surface 5 radius is set by a pickup/);
      await rejects(api.edit({ op: 'setSolve', index: 2, param: 'radius', solve: { type: 'pickup', surface: 17 } }), 'BAD_EDIT', /surfaces\[2\]\.solves\.radius\.surface: surface 17 does not exist/);
      // .zmx keeps them (the CURV pickup; the paraxial focus as MAZH 0 0, read back as the image solve).
      const zmx = await api.exportLens('zmx');
      const back = await api.openFile('back.zmx', zmx.bytes);
      expect(back.prescription.surfaces[4].solves).toEqual({ radius: { type: 'pickup', surface: 0, scale: -1 } });
      expect(back.prescription.imageSolve).toBe('paraxialFocus');
      expect(back.cells[4].radius).toBe('P');
      expect(back.cells[5].thickness).toBe('M');
    });

    it('variables: bounds per variable and "vary all", which skips solved cells', async () => {
      const api = getApi();
      await api.openLibraryLens('cooke-triplet');
      await api.edit({ op: 'setSolve', index: 5, param: 'thickness', solve: { type: 'marginalRayHeight' } });
      let snap = await api.edit({ op: 'varyAll', param: 'thickness', on: true });
      expect(snap.undoLabel).toBe('Vary all thicknesses');
      expect(snap.cells.map((c) => c.thickness)).toEqual(['V', 'V', 'V', 'V', 'V', 'M']);
      snap = await api.edit({ op: 'setVariable', index: 1, param: 'thickness', on: true, lower: 2, upper: 8 });
      expect(snap.prescription.surfaces[1].variables).toEqual({ thickness: { lower: 2, upper: 8 } });
      snap = await api.edit({ op: 'varyAll', param: 'radius', on: true });
      expect(snap.cells.every((c) => c.radius === 'V')).toBe(true);
      snap = await api.edit({ op: 'varyAll', param: 'radius', on: false });
      expect(snap.cells.some((c) => c.radius)).toBe(false);
      await rejects(api.edit({ op: 'setVariable', index: 1, param: 'thickness', on: true, lower: NaN }), 'BAD_EDIT', /surface 2 thickness lower bound: NaN/);
    });

    it('the merit editor: targets as typed (the EFL target does not follow edits), the default merit as generated rows', async () => {
      const api = getApi();
      await api.openLibraryLens('cooke-triplet');
      const merit = { operands: [{ type: 'EFL' as const, target: 50 }], defaultMerit: { rings: 2, arms: 4, airEdgeMin: 0.1 } };
      await api.edit({ op: 'setSystem', field: 'merit', value: merit });
      let table = await api.evaluateMerit();
      expect(table).toEqual(meritTable(reference({ ...cooke, merit }), merit));
      expect(table.rows[0]).toMatchObject({ label: 'EFL', target: 50, generated: false });
      expect(table.rows.filter((r) => r.generated).map((r) => r.label).slice(0, 2)).toEqual(['RMS f1 w1', 'RMS f1 w2']);
      expect(table.defaultMerit).toMatchObject({ rings: 2, arms: 4, reference: 'centroid', airEdgeMin: 0.1 });
      expect(table.rows.reduce((a, r) => a + r.contribution, 0)).toBeCloseTo(1, 12);
      // An edit changes the EFL; the target stays what was typed.
      const edited = await api.edit({ op: 'setSurface', index: 0, field: 'radius', value: 23 });
      table = await api.evaluateMerit();
      expect(table.rows[0].target).toBe(50);
      expect(table.rows[0].value).toBe(efl(reference(edited.prescription)));
      // Regenerated from new settings, without touching the saved merit.
      const other = await api.evaluateMerit({ defaultMerit: { rings: 3, arms: 6 } });
      expect(other.rows.every((r) => r.generated)).toBe(true);
      await rejects(api.evaluateMerit({ operands: [{ type: 'EFL', weight: -1 }] }), 'BAD_REQUEST', /merit\.operands\[0\]\.weight/);
      await rejects(api.evaluateMerit({ operands: [{ type: 'RMS_SPOT', field: 9 }] }), 'BAD_REQUEST', /field 9 does not exist/);
    });

    it('a finished optimization says how it went, in words, and lists the bounds it could not meet', async () => {
      const api = getApi();
      await api.openLibraryLens('cooke-triplet');
      await api.edit({ op: 'varyAll', param: 'radius', on: true });
      // Glass centres of 10 mm cannot be met by bending the radii: reported, not hidden.
      const { runId } = await api.startOptimization({ maxIterations: 3, merit: { defaultMerit: { glassMin: 10 } } });
      const end = await runEnd(api, runId);
      expect(end.phase).toBe('finished');
      expect(end.message).toMatch(/^merit \d\.\d\de-?\d+ → \d\.\d\de-?\d+ in \d+ iterations?, (converged|stopped: .+)$/);
      expect(end.stopReason).toBeDefined();
      expect(end.violations?.map((v) => v.name)).toEqual(['CT s1', 'CT s3', 'CT s5']);
      expect(end.violations?.[0]).toMatchObject({ kind: 'lower', bound: 10 });
    });
  });
}
