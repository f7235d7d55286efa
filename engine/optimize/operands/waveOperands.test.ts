/**
 * The WAVEFRONT_RMS and ZERNIKE merit operands: their Jacobian rows inside the merit problem
 * against finite differences, and an optimization with WAVEFRONT_RMS operands that improves the
 * Strehl ratio of a perturbed Double Gauss.
 */
import { describe, expect, it } from 'vitest';
import fs from 'node:fs';
import path from 'node:path';
import { parsePrescriptionJson } from '../../io/json.ts';
import { GlassLibrary } from '../../materials/glassLibrary.ts';
import type { LensSystem } from '../../optics/system.ts';
import { buildSystem } from '../../paraxial/buildSystem.ts';
import { buildMeritProblem } from '../meritProblem.ts';
import { dampedLeastSquares } from '../dampedLeastSquares.ts';
import { MeritSpec } from '../../io/meritSpecSchema.ts';
import { strehlRatio } from '../../wave/strehl.ts';
import { wavefrontStatistics } from '../../wave/wavefront.ts';

const root = path.resolve(import.meta.dirname, '../../..');
const lens = (file: string): LensSystem => buildSystem(parsePrescriptionJson(fs.readFileSync(path.join(root, 'lens-library', file), 'utf8')), GlassLibrary.builtin());

describe('WAVEFRONT_RMS and ZERNIKE operands', () => {
  it('parse, and reject a Fringe term above 37', () => {
    expect(MeritSpec.safeParse({ operands: [{ type: 'ZERNIKE', term: 40, field: 0 }] }).success).toBe(false);
    expect(MeritSpec.safeParse({ operands: [{ type: 'ZERNIKE', term: 40, field: 0, basis: 'standard' }, { type: 'WAVEFRONT_RMS', field: 1, wavelength: 0 }] }).success).toBe(true);
  });

  it('have Jacobian rows equal to finite differences (curvatures and thicknesses)', () => {
    const system = lens('cooke-triplet.json');
    const spec = MeritSpec.parse({
      operands: [
        { type: 'WAVEFRONT_RMS', field: 2 },
        { type: 'WAVEFRONT_RMS', field: 0, wavelength: 0, target: 0.1, weight: 3 },
        { type: 'ZERNIKE', term: 9, field: 1 },
        { type: 'ZERNIKE', term: 6, field: 2, basis: 'standard', target: 0.05 },
      ],
    });
    const { problem, x0 } = buildMeritProblem(system, spec, ['curvatures', 'thicknesses']);
    const n = problem.nVariables, m = problem.nResiduals;
    const J = Float64Array.from(problem.evaluate(x0, true).jacobian!);
    for (let j = 0; j < n; j++) {
      const h = (problem.scale![j] ?? 1) * 1e-4;
      const x = Float64Array.from(x0);
      const at = (v: number) => {
        x[j] = v;
        return Float64Array.from(problem.evaluate(x, false).residuals);
      };
      const rp = at(x0[j] + h), rm = at(x0[j] - h), rp2 = at(x0[j] + h / 2), rm2 = at(x0[j] - h / 2);
      let colMax = 0;
      for (let i = 0; i < m; i++) colMax = Math.max(colMax, Math.abs(J[i * n + j]));
      for (let i = 0; i < m; i++) {
        const fd = ((4 * (rp2[i] - rm2[i])) / h - (rp[i] - rm[i]) / (2 * h)) / 3;
        const err = Math.abs(J[i * n + j] - fd) / Math.max(Math.abs(fd), 1e-3 * colMax);
        expect(err, `row ${i}, variable ${j}: ${J[i * n + j]} vs ${fd}`).toBeLessThan(1e-5);
      }
    }
  });

  it('an optimization with WAVEFRONT_RMS operands improves a perturbed Double Gauss’s Strehl', async () => {
    const system = lens('double-gauss.json');
    // Perturb: every curvature by +0.5 %.
    for (const s of system.surfaces.slice(0, -1)) s.c *= 1.005;
    const nf = system.fieldY.length, w = system.primaryIndex;
    const strehl = () => Array.from({ length: nf }, (_, f) => strehlRatio(system, f, w).peak!);
    const rms = () => Array.from({ length: nf }, (_, f) => wavefrontStatistics(system, f, w, { refinePv: false }).rms!);
    const s0 = strehl(), r0 = rms();
    const spec = MeritSpec.parse({ operands: Array.from({ length: nf }, (_, f) => ({ type: 'WAVEFRONT_RMS', field: f })) });
    const mp = buildMeritProblem(system, { ...spec, variables: [...system.surfaces.slice(0, -1).flatMap((s, i) => (s.c !== 0 ? [{ kind: 'curvature' as const, surface: i }] : [])), { kind: 'thickness', surface: system.surfaces.length - 2 }] });
    const result = await dampedLeastSquares(mp.problem, mp.x0, { maxIterations: 30 });
    mp.apply(result.x);
    const s1 = strehl(), r1 = rms();
    const mean = (a: number[]) => a.reduce((x, y) => x + y, 0) / a.length;
    expect(mean(r1)).toBeLessThan(0.5 * mean(r0));
    expect(mean(s1)).toBeGreaterThan(2 * mean(s0));
    for (let f = 0; f < nf; f++) expect(s1[f]).toBeGreaterThan(s0[f]);
  });
});
