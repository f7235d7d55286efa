/**
 * Batched real ray aiming (realAim.ts rule 3, batchAim.ts) against the sequential per-ray aims
 * (aimRays with `sequential: true`, the method before batching) for the same targets, on the 170°
 * fisheye of the lens library: the same rays aimed, at the same launch points to 1e-9 (both are
 * converged to |g| < 1e-10 mm and polished to round-off), including rays the batched Newton
 * misses and the continuations then aim, and rays no real ray can reach (ok = 0 both ways).
 */
import { describe, expect, it } from 'vitest';
import fs from 'node:fs';
import path from 'node:path';
import { parsePrescriptionJson } from '../io/json.ts';
import { GlassLibrary } from '../materials/glassLibrary.ts';
import type { LensSystem } from '../optics/system.ts';
import { buildSystem } from '../paraxial/buildSystem.ts';
import { gridPupil, hexapolar, type PupilSamples } from './pupilSampling.ts';
import { compareAims } from '../../test/helpers/compareAims.ts';

const root = path.resolve(import.meta.dirname, '../..');
const fisheye = (fNumber: number): LensSystem =>
  buildSystem({ ...parsePrescriptionJson(fs.readFileSync(path.join(root, 'lens-library/fisheye-nikkor-10.5mm.json'), 'utf8')), aperture: { type: 'imageFNumber', value: fNumber } }, GlassLibrary.builtin());

describe('batched real ray aiming equals the sequential per-ray aims', () => {
  it('fisheye at F/5.6, 60°, 32×32 pupil grid: every ray aimed, nearly all by the batch', () => {
    const r = compareAims(fisheye(5.6), 0, 60, gridPupil(32));
    expect(r.failed).toBe(0);
    expect(r.fallback).toBe(0);
    expect(r.batched).toBeGreaterThan(10 * r.seeds);
  });

  it('fisheye at F/2.88 near the edge of the field: rays the batch misses are aimed by the continuations, unreachable ones fail both ways', () => {
    const cases: [number, PupilSamples][] = [[75, gridPupil(16)], [80, gridPupil(16)], [85, hexapolar(6)], [85, hexapolar(10)]];
    let fallback = 0;
    for (const [fy, pupil] of cases) {
      const r = compareAims(fisheye(2.88), 0, fy, pupil);
      if (fy >= 80) expect(r.failed, `${fy}°`).toBeGreaterThan(0);
      expect(r.fallback, `${fy}°`).toBeGreaterThan(0);
      fallback += r.fallback;
    }
    expect(fallback).toBeGreaterThan(0);
  });

  it('off the y axis (x and y field), where the pupil has no symmetry', () => {
    const r = compareAims(fisheye(5.6), 40, 50, hexapolar(8));
    expect(r.failed).toBe(0);
  });
});
