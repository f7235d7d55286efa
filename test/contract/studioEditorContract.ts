/**
 * The StudioApi contract of what the studio's editor and plots need beyond the basics (issue 12
 * item 13, issue 16 items 8, 10, 11), run inside the shared contract suite over every transport:
 * opening a lens keeps the undo history, the Airy radius of every spot, the semi-diameters shown
 * in the lens data editor, through-focus spot diagrams and the glass map. Expected values come
 * from the engine called directly in the test process.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { firstOrder } from '../../engine/analysis/firstOrder.ts';
import { automaticSemiDiameters } from '../../engine/analysis/layout.ts';
import { spotDiagram } from '../../engine/analysis/spot.ts';
import { throughFocusSpots } from '../../engine/analysis/spotFocus.ts';
import { parsePrescriptionJson } from '../../engine/io/json.ts';
import { GlassLibrary } from '../../engine/materials/glassLibrary.ts';
import { LAMBDA_D_UM } from '../../engine/materials/material.ts';
import { buildSystem } from '../../engine/paraxial/buildSystem.ts';
import { StudioError, type StudioApi } from '../../app/contract/studioApi.ts';

const repoRoot = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../..');

async function expectBadRequest(p: Promise<unknown>, message: RegExp): Promise<void> {
  const err = await p.then(() => new Error('expected a StudioError'), (e: unknown) => e);
  expect(err).toBeInstanceOf(StudioError);
  expect((err as StudioError).code).toBe('BAD_REQUEST');
  expect((err as StudioError).message).toMatch(message);
}

export function describeEditorContract(getApi: () => StudioApi): void {
  describe('editor and plot details: undo across opening, Airy disk, semi-diameters, through-focus spots, glass map', () => {
    const cookeFile = path.join(repoRoot, 'lens-library/cooke-triplet.json');
    const load = async () => parsePrescriptionJson(await readFile(cookeFile, 'utf8'));

    it('keeps the undo history when another lens is opened: undo brings back the edited lens, name and all', async () => {
      const api = getApi();
      await api.openLibraryLens('cooke-triplet');
      const edited = await api.edit({ op: 'setSurface', index: 0, field: 'radius', value: 23 });
      expect(edited.dirty).toBe(true);
      const other = await api.openLibraryLens('double-gauss');
      expect(other.fileName).toBe('double-gauss.json');
      expect(other.dirty).toBe(false);
      expect(other.undoLabel).toBe('Open double-gauss.json');
      const back = await api.undo();
      expect(back.fileName).toBe('cooke-triplet.json');
      expect(back.source).toEqual({ kind: 'library', id: 'cooke-triplet' });
      expect(back.prescription).toEqual(edited.prescription);
      expect(back.dirty).toBe(true);
      expect(back.undoLabel).toBe('Surface 1 radius');
      const fresh = await api.undo();
      expect(fresh.prescription).toEqual(await load());
      expect(fresh.dirty).toBe(false);
      await api.redo();
      const again = await api.redo();
      expect(again.fileName).toBe('double-gauss.json');
      expect(again.prescription).toEqual(other.prescription);
    });

    it('gives every spot its Airy radius 1.22 λ N_w and the layout the automatic semi-diameters', async () => {
      const api = getApi();
      await api.openLibraryLens('cooke-triplet');
      const cooke = await load();
      cooke.surfaces[2].semiDiameter = 4.25;
      const snap = await api.edit({ op: 'setSurface', index: 2, field: 'semiDiameter', value: 4.25 });
      const bundle = await api.analyze({ layoutRays: 9 });
      expect(bundle.revision).toBe(snap.revision);
      const sys = buildSystem(cooke, GlassLibrary.builtin());
      const nw = firstOrder(sys).workingFno;
      for (const s of bundle.spots) expect(s.airyRadius).toBeCloseTo(1.22 * s.wavelengthUm * 1e-3 * nw, 14);
      const sd = automaticSemiDiameters(sys);
      expect(bundle.layout!.semiDiameters).toHaveLength(cooke.surfaces.length + 1);
      bundle.layout!.semiDiameters.forEach((v, i) => expect(v).toBeCloseTo(sd[i], 12));
      expect(bundle.layout!.semiDiameters[2]).toBe(4.25);
      await api.undo();
    });

    it('computes through-focus spots on planes −2Δ … +2Δ, Δ the Rayleigh step 2 λ N_w² by default', async () => {
      const api = getApi();
      const tf = await api.throughFocusSpots();
      const sys = buildSystem(await load(), GlassLibrary.builtin());
      const nw = firstOrder(sys).workingFno;
      const step = 2 * sys.wavelengthsUm[sys.primaryIndex] * 1e-3 * nw * nw;
      expect(tf.stepMm).toBeCloseTo(step, 15);
      expect(tf.defocusMm).toEqual([-2, -1, 0, 1, 2].map((k) => k * tf.stepMm));
      expect(tf.spots).toHaveLength(5 * 3 * 3);
      expect(tf.errors).toEqual([]);
      const inFocus = tf.spots.find((s) => s.focusIndex === 2 && s.fieldIndex === 1 && s.wavelengthIndex === 0)!;
      const ref = spotDiagram(sys, 1, 0);
      expect(Array.from(inFocus.x)).toEqual(Array.from(ref.x).map((v, i) => (ref.valid[i] ? expect.closeTo(v, 12) : 0)));
      const far = tf.spots.find((s) => s.focusIndex === 4 && s.fieldIndex === 2 && s.wavelengthIndex === 2)!;
      const [engine] = throughFocusSpots(sys, 2, 2, [2 * step]);
      expect(far.rmsRadius).toBeCloseTo(engine.rmsRadius!, 12);
      const custom = await api.throughFocusSpots({ stepMm: 0.05, steps: 1, spotRings: 3 });
      expect(custom.defocusMm).toEqual([-0.05, 0, 0.05]);
      expect(custom.spots[0].x.length).toBe(1 + 6 * (1 + 2 + 3));
      await expectBadRequest(api.throughFocusSpots({ steps: 50 }), /throughFocusSpots.steps: expected a whole number from 1 to 5, got 50/);
      await expectBadRequest(api.throughFocusSpots({ stepMm: -1 }), /stepMm/);
      await expectBadRequest(api.throughFocusSpots({ spotRings: 1e9 }), /spotRings/);
    });

    it('lists the glass map of the catalogs with the lens glasses at their nd and Vd', async () => {
      const api = getApi();
      const map = await api.glassMap();
      const bk7 = map.glasses.find((g) => g.catalog === 'SCHOTT' && g.name === 'N-BK7')!;
      expect([bk7.nd, bk7.vd]).toEqual([1.5168, 64.17]);
      expect(map.glasses.length).toBeGreaterThan(50);
      const sys = buildSystem(await load(), GlassLibrary.builtin());
      expect(map.lens.map((g) => g.surfaceIndex)).toEqual([0, 2, 4]);
      for (const g of map.lens) expect(g.nd).toBeCloseTo(sys.surfaces[g.surfaceIndex].material.index(LAMBDA_D_UM), 14);
      expect(map.lens[1].glass).toBe('F2');
    });
  });
}
