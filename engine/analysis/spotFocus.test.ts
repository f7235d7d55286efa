import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parsePrescriptionJson } from '../io/json.ts';
import type { Prescription } from '../io/prescription.ts';
import { GlassLibrary } from '../materials/glassLibrary.ts';
import { buildSystem } from '../paraxial/buildSystem.ts';
import { spotDiagram } from './spot.ts';
import { airyDiskRadiusMm, rayleighFocusStepMm, throughFocusSpots } from './spotFocus.ts';
import { automaticSemiDiameters } from './layout.ts';
import { RayBatch, RayStatus } from '../trace/rayBatch.ts';
import { launchContext, launchRays } from '../trace/rayAiming.ts';
import { objectField } from '../paraxial/pupil.ts';
import { TraceRecord, traceBatch } from '../trace/realTrace.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const cooke = parsePrescriptionJson(readFileSync(path.join(root, 'lens-library/cooke-triplet.json'), 'utf8'));
const build = (p: Prescription) => buildSystem(p, GlassLibrary.builtin());

describe('Airy disk and Rayleigh focus step', () => {
  it('are 1.22 λ N and 2 λ N² in mm', () => {
    // λ = 0.5876 µm at F/5: 1.22 × 0.5876 × 5 = 3.58436 µm; 2 × 0.5876 × 25 = 29.38 µm.
    expect(airyDiskRadiusMm(0.5876, 5)).toBeCloseTo(3.58436e-3, 15);
    expect(rayleighFocusStepMm(0.5876, 5)).toBeCloseTo(29.38e-3, 15);
  });
  it('are NaN for an afocal system (N infinite) or a bad input, never a number', () => {
    expect(airyDiskRadiusMm(0.55, Infinity)).toBeNaN();
    expect(airyDiskRadiusMm(0.55, 0)).toBeNaN();
    expect(rayleighFocusStepMm(-1, 5)).toBeNaN();
  });
});

describe('throughFocusSpots', () => {
  it('at Δ = 0 is the spot diagram on the image plane', () => {
    const sys = build(cooke);
    for (const f of [0, 2]) {
      const [s0] = throughFocusSpots(sys, f, 0, [0]);
      const ref = spotDiagram(sys, f, 0);
      expect(s0.validCount).toBe(ref.validCount);
      for (let i = 0; i < ref.x.length; i++) {
        expect(s0.x[i]).toBeCloseTo(ref.x[i], 12);
        expect(s0.y[i]).toBeCloseTo(ref.y[i], 12);
      }
      expect(s0.rmsRadius!).toBeCloseTo(ref.rmsRadius!, 12);
    }
  });

  it('equals the spot on an image plane moved by Δ (image space is homogeneous)', () => {
    const sys = build(cooke);
    const deltas = [-0.06, -0.02, 0.03, 0.1];
    const spots = throughFocusSpots(sys, 1, 2, deltas);
    deltas.forEach((d, k) => {
      const moved = structuredClone(cooke);
      moved.surfaces[moved.surfaces.length - 1].thickness += d;
      delete moved.imageSolve;
      const ref = spotDiagram(build(moved), 1, 2);
      expect(spots[k].validCount).toBe(ref.validCount);
      expect(spots[k].rmsRadius!).toBeCloseTo(ref.rmsRadius!, 11);
      expect(spots[k].geoRadius!).toBeCloseTo(ref.geoRadius!, 11);
      for (let i = 0; i < ref.x.length; i += 7) {
        expect(spots[k].x[i]).toBeCloseTo(ref.x[i], 11);
        expect(spots[k].y[i]).toBeCloseTo(ref.y[i], 11);
      }
    });
  });

  it('is smallest near the best focus: the on-axis RMS grows on both sides of its minimum', () => {
    const sys = build(cooke);
    const deltas = Array.from({ length: 41 }, (_, k) => (k - 20) * 0.01);
    const rms = throughFocusSpots(sys, 0, 1, deltas).map((s) => s.rmsRadius!);
    const best = rms.indexOf(Math.min(...rms));
    expect(best).toBeGreaterThan(0);
    expect(best).toBeLessThan(deltas.length - 1);
    expect(rms[0]).toBeGreaterThan(rms[best]);
    expect(rms[rms.length - 1]).toBeGreaterThan(rms[best]);
  });
});

describe('automaticSemiDiameters (OpticStudio-like automatic semi-diameters)', () => {
  it('hold every pupil-edge ray of every field and wavelength, and keep a user-set value', () => {
    const sys = build(cooke);
    const sd = automaticSemiDiameters(sys);
    const S = sys.surfaces.length;
    const n = 72;
    const px = Float64Array.from({ length: n }, (_, k) => Math.cos((2 * Math.PI * k) / n));
    const py = Float64Array.from({ length: n }, (_, k) => Math.sin((2 * Math.PI * k) / n));
    const ctx = launchContext(sys);
    const highest = new Float64Array(S);
    for (let f = 0; f < 3; f++) {
      for (let w = 0; w < 3; w++) {
        const field = objectField(sys, sys.fieldX[f], sys.fieldY[f], ctx.pupil);
        const batch = launchRays(sys, field, px, py, new RayBatch(n), ctx);
        const rec = new TraceRecord(S, n);
        traceBatch(sys, batch, w, { record: rec });
        for (let i = 0; i < n; i++) {
          expect(batch.status[i]).toBe(RayStatus.OK);
          for (let s = 0; s < S; s++) highest[s] = Math.max(highest[s], Math.hypot(rec.x[s * n + i], rec.y[s * n + i]));
        }
      }
    }
    // Denser sampling of the edge finds no ray above the automatic semi-diameter (the meridional
    // edge rays, which set it in a rotationally symmetric lens, are among the 16 azimuths).
    for (let s = 0; s < S; s++) expect(sd[s]).toBeGreaterThanOrEqual(highest[s] - 1e-9);
    for (let s = 0; s < S; s++) expect(sd[s]).toBeLessThan(highest[s] * 1.001);
    const clipped = structuredClone(cooke);
    clipped.surfaces[0].semiDiameter = 7.5;
    expect(automaticSemiDiameters(build(clipped))[0]).toBe(7.5);
    // A user-set semi-diameter smaller than the beam clips it: the automatic value elsewhere shrinks or stays.
    expect(sd[0]).toBeGreaterThan(7.5);
  });
});
