/**
 * The wave-optics tolerancing criteria against independent re-evaluations:
 * - RMS wavefront: on a nominal lens, the field × wavelength quadrature sum of engine/wave's
 *   piston-removed RMS; compensated, a brute force — the perturbed lens written out, read back,
 *   built afresh, its back focus re-optimized by the merit optimizer on WAVEFRONT_RMS operands (a
 *   vector-Jacobian adjoint, not the per-sample Jacobian) — to 1e-9 relative;
 * - MTF: on a nominal lens, 1 − the adaptive MTF of engine/wave/mtf.ts; compensated, a brute force
 *   whose back focus is found by golden-section search on the rebuilt lens's MTF (no derivatives);
 * - both: Jacobians with respect to operands and compensators equal central finite differences.
 */
import { describe, expect, it } from 'vitest';
import fs from 'node:fs';
import path from 'node:path';
import { parsePrescriptionJson, stringifyPrescription } from '../io/json.ts';
import type { Prescription } from '../io/prescription.ts';
import type { ToleranceOperand, ToleranceSpec } from '../io/toleranceSpec.ts';
import { GlassLibrary } from '../materials/glassLibrary.ts';
import { buildSystem } from '../paraxial/buildSystem.ts';
import { getParam, setParam } from '../optics/params.ts';
import { buildMeritProblem } from '../optimize/meritProblem.ts';
import { dampedLeastSquares } from '../optimize/dampedLeastSquares.ts';
import { wavefrontStatistics } from '../wave/wavefront.ts';
import { mtfAtFrequencies } from '../wave/mtf.ts';
import { prepareTolerancing, type CriterionSpec } from './setup.ts';
import { mtfCriterion, wavefrontCriterion } from './waveCriteria.ts';

const root = path.resolve(import.meta.dirname, '../..');
const lens = (name: string): Prescription => parsePrescriptionJson(fs.readFileSync(path.join(root, 'lens-library', `${name}.json`), 'utf8'));
const glass = GlassLibrary.builtin();
const pm = (type: ToleranceOperand['type'], surface: number, limit: number, extra: Partial<ToleranceOperand> = {}): ToleranceOperand => ({ type, surface, min: -limit, max: limit, ...extra });
const spec: ToleranceSpec = {
  testWavelengthUm: 0.6328,
  operands: [pm('TFRN', 2, 3), pm('TTHI', 1, 0.1), pm('TSDY', 4, 0.05), pm('TSTX', 0, 0.1), pm('TEDX', 4, 0.05, { lastSurface: 5 }), pm('TETY', 4, 0.1, { lastSurface: 5 }), pm('TIRR', 3, 1), pm('TSTX', 6, 0.1)],
  compensators: [{ type: 'backFocus' }],
};
const sumSq = (r: Float64Array) => r.reduce((a, v) => a + v * v, 0);
const weights = (p: Prescription) => {
  const s = buildSystem(p, glass);
  const fs_ = s.fieldWeights.reduce((a, v) => a + v, 0), ws = s.wavelengthWeights.reduce((a, v) => a + v, 0);
  return { s, w: (f: number, w: number) => (s.fieldWeights[f] * s.wavelengthWeights[w]) / (fs_ * ws) };
};

/** A perturbation with every operand at a fraction of its limit, alternating signs. */
const perturbation = (limits: [number, number][], k: number) => Float64Array.from(limits, ([, hi], j) => hi * 0.8 * Math.sin(5 * j + 3 * k + 1));

/** Jacobians of linearize against central differences of the residuals. */
function checkJacobians(criterion: CriterionSpec, rel: number) {
  const tol = prepareTolerancing(lens('cooke-triplet'), spec, glass, criterion);
  const { model } = tol;
  const D = model.operands.length;
  const delta = perturbation(tol.limits, 0).map((v) => v / 2);
  const comp = Float64Array.of(0.03);
  const lin = tol.evaluator.linearize(delta, comp);
  const m = lin.r.length;
  const residuals = (d: Float64Array, c: Float64Array) => {
    model.apply(d, c);
    const r = new Float64Array(m);
    tol.criterion.evaluate(model.system, [], r, null);
    return r;
  };
  const check = (jac: Float64Array, K: number, k: number, h: number, bump: (s: number) => [Float64Array, Float64Array], label: string) => {
    const rp = residuals(...bump(h)), rm = residuals(...bump(-h)), rp2 = residuals(...bump(h / 2)), rm2 = residuals(...bump(-h / 2));
    let err = 0, norm = 0;
    for (let i = 0; i < m; i++) {
      const fd = (4 * (rp2[i] - rm2[i]) / h - (rp[i] - rm[i]) / (2 * h)) / 3;
      err = Math.max(err, Math.abs(fd - jac[i * K + k]));
      norm = Math.max(norm, Math.abs(jac[i * K + k]));
    }
    expect(norm, label).toBeGreaterThan(0);
    expect(err / norm, label).toBeLessThan(rel);
  };
  for (let j = 0; j < D; j++) {
    check(lin.jOperands, D, j, 1e-2 * tol.limits[j][1], (s) => {
      const d = Float64Array.from(delta);
      d[j] += s;
      return [d, comp];
    }, model.operands[j].label);
  }
  check(lin.jCompensators, 1, 0, 1e-3, (s) => [delta, Float64Array.of(comp[0] + s)], 'back focus');
}

describe('RMS wavefront criterion', () => {
  it('is the weighted quadrature sum of the piston-removed RMS of engine/wave on a nominal lens', () => {
    for (const name of ['cooke-triplet', 'double-gauss']) {
      const { s, w } = weights(lens(name));
      const c = wavefrontCriterion(s);
      const r = new Float64Array(c.nResiduals);
      c.evaluate(s, [], r, null);
      let ms = 0;
      for (let f = 0; f < s.fieldY.length; f++) for (let k = 0; k < s.wavelengthsUm.length; k++) ms += w(f, k) * wavefrontStatistics(s, f, k, { rings: 12, arms: 24, refinePv: false }).rms! ** 2;
      expect(Math.abs(c.value(sumSq(r)) - Math.sqrt(ms)) / Math.sqrt(ms)).toBeLessThan(1e-12);
    }
  });

  it('compensated, equals a brute-force re-evaluation of the written-out lens (back focus re-optimized on WAVEFRONT_RMS operands) to 1e-9', async () => {
    const tol = prepareTolerancing(lens('cooke-triplet'), spec, glass, { type: 'wavefront' });
    const { model, evaluator } = tol;
    const bf = model.params[model.compensators[0].refs[0]].surface;
    for (let k = 0; k < 2; k++) {
      const delta = perturbation(tol.limits, k);
      const ours = evaluator.evaluate(delta);
      expect(ours.iterations).toBeGreaterThan(0);
      const fresh = parsePrescriptionJson(stringifyPrescription(model.prescription(delta, new Float64Array(1))), 'perturbed.json');
      const { s, w } = weights(fresh);
      const operands = [];
      for (let f = 0; f < s.fieldY.length; f++) for (let j = 0; j < s.wavelengthsUm.length; j++) operands.push({ type: 'WAVEFRONT_RMS' as const, field: f, wavelength: j, rings: 12, arms: 24, target: 0, weight: w(f, j) });
      const mp = buildMeritProblem(s, { operands, variables: [{ kind: 'thickness', surface: bf }] });
      const res = await dampedLeastSquares(mp.problem, mp.x0, { relativeTolerance: 1e-15, maxIterations: 100 });
      const theirs = Math.sqrt(res.merit);
      expect(Math.abs(ours.value - theirs) / theirs).toBeLessThan(1e-9);
      // The perturbation matters: the uncompensated lens is worse, and so is the nominal.
      expect(ours.value).toBeGreaterThan(1.001 * evaluator.evaluate(new Float64Array(delta.length)).value);
    }
  });

  it('Jacobians with respect to operands and compensators equal central finite differences', () => {
    checkJacobians({ type: 'wavefront', rings: 6, arms: 12 }, 1e-6);
  });
});

describe('MTF criterion', () => {
  const nu = 30;
  it('is √(mean of (1 − MTF)²) over fields and azimuths of the adaptive polychromatic MTF on a nominal lens', () => {
    const p = lens('cooke-triplet');
    const s = buildSystem(p, glass);
    const c = mtfCriterion(s, { frequency: nu });
    const r = new Float64Array(c.nResiduals);
    c.evaluate(s, [], r, null);
    const wl = [s.primaryIndex, ...[0, 1, 2].filter((w) => w !== s.primaryIndex)];
    const fsum = s.fieldWeights.reduce((a, v) => a + v, 0);
    let ms = 0;
    for (let f = 0; f < s.fieldY.length; f++) {
      const m = mtfAtFrequencies(s, f, [nu], { wavelengths: wl });
      ms += (s.fieldWeights[f] / fsum) * ((1 - m.tangential[0]!) ** 2 + (1 - m.sagittal[0]!) ** 2) / 2;
    }
    // The adaptive MTF stops where it changes by < 2e-5; the criterion's fixed order is the largest of those.
    expect(Math.abs(c.value(sumSq(r)) - Math.sqrt(ms))).toBeLessThan(3e-5);
    expect(c.value(sumSq(r))).toBeGreaterThan(0.1);
  });

  it('compensated, equals a brute force: the rebuilt lens, its back focus found by golden-section search on the MTF, to 1e-9', () => {
    const tol = prepareTolerancing(lens('cooke-triplet'), spec, glass, { type: 'mtf', frequency: nu, order: 16 });
    const { model, evaluator } = tol;
    const bf = model.params[model.compensators[0].refs[0]].surface;
    const delta = perturbation(tol.limits, 0);
    const ours = evaluator.evaluate(delta);
    const fresh = buildSystem(parsePrescriptionJson(stringifyPrescription(model.prescription(delta, new Float64Array(1))), 'perturbed.json'), new GlassLibrary());
    const crit = mtfCriterion(fresh, { frequency: nu, order: 16 });
    const r = new Float64Array(crit.nResiduals);
    const ref = { kind: 'thickness' as const, surface: bf };
    const t0 = getParam(fresh, ref);
    const at = (dt: number) => {
      setParam(fresh, ref, t0 + dt);
      crit.evaluate(fresh, [], r, null);
      return crit.value(sumSq(r));
    };
    // Bracket downhill from the nominal compensator (where the evaluator starts), then golden sections.
    const c0 = evaluator.nominalCompensators()[0];
    let [a, fa] = [c0, at(c0)], [b, fb] = [c0 + 0.01, at(c0 + 0.01)];
    if (fb > fa) [a, fa, b, fb] = [b, fb, a, fa];
    let [c, fc] = [b + 1.618 * (b - a), at(b + 1.618 * (b - a))];
    while (fc < fb) [a, fa, b, fb, c, fc] = [b, fb, c, fc, c + 1.618 * (c - b), at(c + 1.618 * (c - b))];
    if (a > c) [a, c] = [c, a];
    const g = (Math.sqrt(5) - 1) / 2;
    let lo = a, hi = c;
    let x1 = hi - g * (hi - lo), x2 = lo + g * (hi - lo), f1 = at(x1), f2 = at(x2);
    while (hi - lo > 1e-8) {
      if (f1 < f2) {
        [hi, x2, f2] = [x2, x1, f1];
        x1 = hi - g * (hi - lo);
        f1 = at(x1);
      } else {
        [lo, x1, f1] = [x1, x2, f2];
        x2 = lo + g * (hi - lo);
        f2 = at(x2);
      }
    }
    const theirs = Math.min(f1, f2);
    expect(Math.abs(ours.comp[0] - (lo + hi) / 2)).toBeLessThan(1e-6);
    void fa;
    expect(Math.abs(ours.value - theirs) / theirs).toBeLessThan(1e-9);
    // The perturbation matters (here it happens to help the MTF at 30 cycles/mm of this triplet).
    expect(Math.abs(ours.value / evaluator.evaluate(new Float64Array(delta.length)).value - 1)).toBeGreaterThan(1e-3);
  });

  it('Jacobians with respect to operands and compensators equal central finite differences', () => {
    checkJacobians({ type: 'mtf', frequency: nu, order: 16 }, 1e-6);
  });

  it('refuses a frequency that is not positive and a lens with real ray aiming', () => {
    const s = buildSystem(lens('cooke-triplet'), glass);
    expect(() => mtfCriterion(s, { frequency: 0 })).toThrow(/positive/);
    const real = buildSystem({ ...lens('cooke-triplet'), rayAiming: 'real' }, glass);
    expect(() => mtfCriterion(real, { frequency: 30 })).toThrow(/paraxial ray aiming/);
  });
});
