/**
 * The compensated criterion against brute force: the perturbed lens is written out as a JSON
 * prescription, read back, built afresh, its back focus re-optimized by the merit-function
 * optimizer (engine/optimize) on the default merit's RMS spot, and the two criteria must agree to
 * 1e-9 relative. Also: the exact refocus equals damped least squares, and the Jacobians with
 * respect to operands and compensators equal central finite differences.
 */
import { describe, expect, it } from 'vitest';
import fs from 'node:fs';
import path from 'node:path';
import { parsePrescriptionJson, stringifyPrescription } from '../io/json.ts';
import type { Prescription } from '../io/prescription.ts';
import type { ToleranceOperand, ToleranceSpec } from '../io/toleranceSpec.ts';
import { GlassLibrary } from '../materials/glassLibrary.ts';
import { buildSystem } from '../paraxial/buildSystem.ts';
import { buildMeritProblem } from '../optimize/meritProblem.ts';
import { dampedLeastSquares } from '../optimize/dampedLeastSquares.ts';
import { prepareTolerancing } from './setup.ts';

const root = path.resolve(import.meta.dirname, '../..');
const lens = (name: string): Prescription => parsePrescriptionJson(fs.readFileSync(path.join(root, 'lens-library', `${name}.json`), 'utf8'));
const glass = GlassLibrary.builtin();
const pm = (type: ToleranceOperand['type'], surface: number, limit: number, extra: Partial<ToleranceOperand> = {}): ToleranceOperand => ({ type, surface, min: -limit, max: limit, ...extra });

/** One operand of every kind on the Cooke triplet (limits a few times the default, to see them). */
const cookeSpec: ToleranceSpec = {
  testWavelengthUm: 0.6328,
  operands: [
    pm('TRAD', 0, 0.3),
    pm('TFRN', 2, 3),
    pm('TTHI', 1, 0.1),
    pm('TSDX', 2, 0.05),
    pm('TSDY', 4, 0.05),
    pm('TSTX', 0, 0.1),
    pm('TSTY', 5, 0.1),
    pm('TEDX', 4, 0.05, { lastSurface: 5 }),
    pm('TEDY', 4, 0.05, { lastSurface: 5 }),
    pm('TETX', 4, 0.1, { lastSurface: 5 }),
    pm('TETY', 4, 0.1, { lastSurface: 5 }),
    pm('TTHI', 4, 0.1),
    pm('TIND', 2, 0.003),
    pm('TABB', 0, 2),
    pm('TIRR', 3, 1),
    pm('TSTX', 6, 0.1),
  ],
  compensators: [{ type: 'backFocus' }],
};

/** Brute force: write the lens out, read it back, re-optimize its back focus with DLS. */
async function bruteForce(p: Prescription, backFocusSurface: number): Promise<number> {
  const fresh = parsePrescriptionJson(stringifyPrescription(p), 'perturbed.json');
  const system = buildSystem(fresh, new GlassLibrary());
  const mp = buildMeritProblem(system, { defaultMerit: { reference: 'centroid', symmetry: 'none' }, variables: [{ kind: 'thickness', surface: backFocusSurface }] });
  const res = await dampedLeastSquares(mp.problem, mp.x0, { relativeTolerance: 1e-15, maxIterations: 100 });
  return Math.sqrt(res.merit);
}

describe('compensated criterion', () => {
  it('equals a brute-force re-evaluation of the written-out lens, back focus re-optimized, to 1e-9 relative', async () => {
    const tol = prepareTolerancing(lens('cooke-triplet'), cookeSpec, glass);
    const { model, evaluator } = tol;
    const bf = model.params[model.compensators[0].refs[0]].surface;
    const D = model.operands.length;
    const zeroComp = new Float64Array(1);
    const check = async (delta: Float64Array) => {
      const ours = evaluator.evaluate(delta).value;
      const theirs = await bruteForce(model.prescription(delta, zeroComp), bf);
      expect(Math.abs(ours - theirs) / theirs).toBeLessThan(1e-9);
      return ours;
    };
    const nominal = await check(new Float64Array(D));
    for (let j = 0; j < D; j++) {
      for (const v of tol.limits[j]) {
        const delta = new Float64Array(D);
        delta[j] = v;
        const value = await check(delta);
        // Every operand must actually change the criterion (else the comparison proves little).
        expect(Math.abs(value - nominal) / nominal, model.operands[j].label).toBeGreaterThan(1e-6);
      }
    }
    // All operands at once.
    await check(Float64Array.from(tol.limits, ([, hi], j) => (j % 2 ? hi : -hi) * 0.7));
  });

  it('exact refocus (one trace) equals damped least squares on the back focus', () => {
    const fast = prepareTolerancing(lens('cooke-triplet'), cookeSpec, glass);
    const slow = prepareTolerancing(lens('cooke-triplet'), cookeSpec, glass, { type: 'rms-spot' }, { generic: true });
    const D = fast.model.operands.length;
    for (let k = 0; k < 4; k++) {
      const delta = Float64Array.from(fast.limits, ([, hi], j) => hi * Math.sin(7 * j + 3 * k + 1));
      const a = fast.evaluator.evaluate(delta);
      const b = slow.evaluator.evaluate(delta);
      expect(a.value).toBeCloseTo(b.value, 15);
      expect(Math.abs(a.value - b.value) / b.value).toBeLessThan(1e-11);
      expect(a.comp[0]).toBeCloseTo(b.comp[0], 8);
      expect(b.iterations).toBeGreaterThan(0);
    }
    expect(D).toBe(16);
  });

  it('compensates with several compensators, one of them a pickup inside an element (gradient zero at the result)', () => {
    const spec: ToleranceSpec = { ...cookeSpec, compensators: [{ type: 'backFocus' }, { type: 'TTHI', surface: 4 }, { type: 'TSDY', surface: 2 }] };
    const tol = prepareTolerancing(lens('cooke-triplet'), spec, glass);
    const delta = Float64Array.from(tol.limits, ([, hi], j) => hi * Math.cos(5 * j));
    const res = tol.evaluator.evaluate(delta);
    const { r, jCompensators } = tol.evaluator.linearize(delta, res.comp);
    const C = 3;
    let gnorm = 0, jnorm = 0, rnorm = 0;
    for (let c = 0; c < C; c++) {
      let g = 0, jj = 0;
      for (let i = 0; i < r.length; i++) {
        g += jCompensators[i * C + c] * r[i];
        jj += jCompensators[i * C + c] ** 2;
      }
      gnorm = Math.max(gnorm, Math.abs(g) / Math.sqrt(jj));
      jnorm = Math.max(jnorm, jj);
    }
    for (const v of r) rnorm += v * v;
    expect(gnorm / Math.sqrt(rnorm)).toBeLessThan(1e-6);
    expect(res.value).toBeLessThan(tol.evaluator.evaluate(delta, [0, 0, 0]).value);
    expect(jnorm).toBeGreaterThan(0);
  });

  it('Jacobians with respect to operands and compensators equal central finite differences', () => {
    const spec: ToleranceSpec = { ...cookeSpec, compensators: [{ type: 'backFocus' }, { type: 'TETX', surface: 0, lastSurface: 0 }] };
    const tol = prepareTolerancing(lens('cooke-triplet'), spec, glass);
    const { model, criterion } = tol;
    const D = model.operands.length, C = 2;
    const delta = Float64Array.from(tol.limits, ([, hi], j) => 0.5 * hi * Math.sin(3 * j + 1));
    const comp = Float64Array.of(-0.05, 0.02);
    const lin = tol.evaluator.linearize(delta, comp);
    const m = lin.r.length;
    const residuals = (d: Float64Array, c: Float64Array) => {
      model.apply(d, c);
      const r = new Float64Array(m);
      criterion.evaluate(model.system, [], r, null);
      return r;
    };
    const check = (jac: Float64Array, K: number, k: number, h: number, bump: (s: number) => [Float64Array, Float64Array], label: string) => {
      const rp = residuals(...bump(h)), rm = residuals(...bump(-h));
      let err = 0, norm = 0;
      for (let i = 0; i < m; i++) {
        const fd = (rp[i] - rm[i]) / (2 * h);
        err = Math.max(err, Math.abs(fd - jac[i * K + k]));
        norm = Math.max(norm, Math.abs(jac[i * K + k]));
      }
      expect(norm, label).toBeGreaterThan(0);
      expect(err / norm, label).toBeLessThan(2e-6);
    };
    for (let j = 0; j < D; j++) {
      const h = 1e-3 * tol.limits[j][1];
      check(lin.jOperands, D, j, h, (s) => {
        const d = Float64Array.from(delta);
        d[j] += s;
        return [d, comp];
      }, model.operands[j].label);
    }
    for (let c = 0; c < C; c++) {
      check(lin.jCompensators, C, c, 1e-4, (s) => {
        const cc = Float64Array.from(comp);
        cc[c] += s;
        return [delta, cc];
      }, model.compensators[c].label);
    }
  });
});
