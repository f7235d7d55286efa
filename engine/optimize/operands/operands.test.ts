/**
 * Every registered operand's exact Jacobian rows against central finite differences (Richardson
 * extrapolated, at the best of six steps; an entry is compared relative to the largest of itself,
 * 1e-3 of its column's largest and 1e-6 of its row's largest, below which the differences are
 * rounding), on three systems chosen to reach every branch of the derivatives: the Cooke
 * triplet (object at infinity, EPD, angle fields); the same lens at a finite distance with
 * paraxial-image-height fields, an object-NA aperture, a paraxial-focus image solve and no clear
 * apertures (edge heights from the paraxial rays), varying the object distance too; a singlet
 * with a freeform (dO XY polynomial) front and an even-asphere back face; and two lenses with every
 * kind of solve and pickup (test/helpers/solvedLenses.ts), whose solved parameters the Jacobian
 * chains (engine/optimize/solveJacobian.ts), so each row is the total derivative the optimizer uses.
 */
import { describe, expect, it } from 'vitest';
import fs from 'node:fs';
import path from 'node:path';
import type { OperandType } from '../../io/meritSpecSchema.ts';
import type { Prescription } from '../../io/prescription.ts';
import { parsePrescriptionJson } from '../../io/json.ts';
import { GlassLibrary } from '../../materials/glassLibrary.ts';
import { readParams, setParam, type ParamRef } from '../../optics/params.ts';
import type { LensSystem } from '../../optics/system.ts';
import { buildSystem } from '../../paraxial/buildSystem.ts';
import { applySolves } from '../../paraxial/solves.ts';
import { variablesFromSpec } from '../variables.ts';
import { OPERANDS, operandBlock } from './index.ts';
import { chainedParams } from '../solveJacobian.ts';
import { cookeWithSolves, finiteCookeWithSolves } from '../../../test/helpers/solvedLenses.ts';
import type { OperandOf } from './operand.ts';

const root = path.resolve(import.meta.dirname, '../../..');
const cooke = (): Prescription => parsePrescriptionJson(fs.readFileSync(path.join(root, 'lens-library/cooke-triplet.json'), 'utf8'));

interface Case {
  name: string;
  system: () => LensSystem;
  params: (system: LensSystem) => ParamRef[];
  /** Operand samples the case's solves hold constant: their rows must be exactly 0 (checked apart). */
  constant?: (o: OperandOf<OperandType>) => boolean;
}

const curvaturesAndThicknesses = (system: LensSystem): ParamRef[] => {
  const out: ParamRef[] = [];
  for (let s = 0; s < system.surfaces.length - 1; s++) out.push({ kind: 'curvature', surface: s }, { kind: 'thickness', surface: s });
  return out;
};

const CASES: Case[] = [
  {
    name: 'Cooke triplet at infinity',
    system: () => buildSystem(cooke(), GlassLibrary.builtin()),
    params: (system) => [...curvaturesAndThicknesses(system), { kind: 'conic', surface: 2 }],
  },
  {
    name: 'Cooke triplet at 600 mm, image-height fields, object NA, focus solve, no clear apertures',
    system: () => {
      const p = cooke();
      p.object = { distance: 600 };
      p.fields = { type: 'paraxialImageHeight', points: [{ x: 0, y: 0 }, { x: 0, y: 8 }, { x: 0, y: 15 }] };
      p.aperture = { type: 'objectNA', value: 0.01 };
      p.imageSolve = 'paraxialFocus';
      for (const s of p.surfaces) delete s.semiDiameter;
      return buildSystem(p, GlassLibrary.builtin());
    },
    params: (system) => [...curvaturesAndThicknesses(system).filter((p) => p.surface !== 5 || p.kind !== 'thickness'), { kind: 'objectDistance', surface: 0 }],
  },
  {
    name: 'singlet with an XY-polynomial front and an even-asphere back',
    system: () =>
      buildSystem(
        {
          format: 'lens-studio/1',
          name: 'freeform singlet',
          units: 'mm',
          object: { distance: 'infinity' },
          aperture: { type: 'EPD', value: 8 },
          fields: { type: 'angle', points: [{ x: 0, y: 0 }, { x: 0, y: 3 }, { x: 0, y: 5 }] },
          wavelengths: { valuesUm: [0.4861327, 0.5875618, 0.6562725], primaryIndex: 1 },
          surfaces: [
            { type: 'xyPolynomial', b: 0.01, xy: [0, 0, 0, 0.011, 0, 0.01, 0, 0, 0, 0, 2e-5, 0, 0, 0, 1e-5], thickness: 4, material: 'N-BK7', stop: true },
            { type: 'evenAsphere', radius: -60, conic: -1.5, asphere: [0, 1e-5, -2e-7], thickness: 40 },
          ],
        },
        GlassLibrary.builtin(),
      ),
    params: () => [
      { kind: 'xyB', surface: 0 },
      { kind: 'xy', surface: 0, index: 3 },
      { kind: 'xy', surface: 0, index: 5 },
      { kind: 'xy', surface: 0, index: 10 },
      { kind: 'thickness', surface: 0 },
      { kind: 'curvature', surface: 1 },
      { kind: 'conic', surface: 1 },
      { kind: 'asphere', surface: 1, index: 1 },
      { kind: 'thickness', surface: 1 },
    ],
  },
  {
    name: 'Cooke triplet with angle, height, edge-thickness and F-number solves and every pickup',
    system: () => buildSystem(cookeWithSolves(), GlassLibrary.builtin()),
    // The F-number solve on the last surface fixes EFL = F·EPD (EPD given): EFL and F/# cannot move.
    constant: (o) => (o.type === 'EFL' || o.type === 'FNO') && (!('wavelength' in o) || o.wavelength === undefined),
    params: () => [
      { kind: 'curvature', surface: 2 },
      { kind: 'curvature', surface: 3 },
      { kind: 'curvature', surface: 4 },
      { kind: 'thickness', surface: 0 },
      { kind: 'thickness', surface: 2 },
      { kind: 'conic', surface: 2 },
      { kind: 'nd', surface: 0 },
      { kind: 'vd', surface: 0 },
    ],
  },
  {
    name: 'finite-conjugate Cooke triplet whose solves feed each other through the pupil',
    system: () => buildSystem(finiteCookeWithSolves(), GlassLibrary.builtin()),
    // The object distance through these solves is checked in engine/paraxial/solves.test.ts: here
    // the OPD operands' differences at 600 mm resolve it only to ~1e-6 (see STEPS).
    params: () => [
      { kind: 'curvature', surface: 2 },
      { kind: 'curvature', surface: 5 },
      { kind: 'thickness', surface: 0 },
      { kind: 'thickness', surface: 3 },
    ],
  },
];

/** Samples of every operand type (targets away from the values so the residuals are active). */
const SAMPLES: { [T in OperandType]: OperandOf<T>[] } = {
  EFL: [{ type: 'EFL', target: 10 }, { type: 'EFL', wavelength: 0, target: 10, weight: 3 }],
  FNO: [{ type: 'FNO', target: 1 }],
  BFL: [{ type: 'BFL', target: 1 }, { type: 'BFL', wavelength: 2, target: 1 }],
  TOTAL_TRACK: [{ type: 'TOTAL_TRACK', target: 1 }],
  RMS_SPOT: [
    { type: 'RMS_SPOT', field: 2, wavelength: 'all', reference: 'centroid' },
    { type: 'RMS_SPOT', field: 1, reference: 'chief', target: 0.001 },
    { type: 'RMS_SPOT', field: 2, wavelength: 0, rings: 2, arms: 4 },
  ],
  REAL_IMAGE_HEIGHT: [{ type: 'REAL_IMAGE_HEIGHT', field: 2, target: 1 }, { type: 'REAL_IMAGE_HEIGHT', field: 1, wavelength: 0, target: 1 }],
  DISTORTION: [{ type: 'DISTORTION', field: 2, target: -50 }, { type: 'DISTORTION', field: 1, percent: false, wavelength: 2, target: -1 }],
  CENTER_THICKNESS: [{ type: 'CENTER_THICKNESS', surface: 0, target: 0.5 }, { type: 'CENTER_THICKNESS', surface: 1, target: 0.5 }],
  EDGE_THICKNESS: [
    { type: 'EDGE_THICKNESS', surface: 0, target: -5, heightMm: 3 },
    { type: 'EDGE_THICKNESS', surface: 1, target: -5 },
    { type: 'EDGE_THICKNESS', surface: 0, target: -5, heightFrom: 'realRays' },
    { type: 'EDGE_THICKNESS', surface: 1, target: -5, heightFrom: 'realRays' },
  ],
  WAVEFRONT_RMS: [{ type: 'WAVEFRONT_RMS', field: 2 }, { type: 'WAVEFRONT_RMS', field: 1, wavelength: 0, rings: 6, arms: 12, target: 0.01 }],
  ZERNIKE: [{ type: 'ZERNIKE', term: 8, field: 2, target: 5 }, { type: 'ZERNIKE', term: 11, field: 1, basis: 'standard', wavelength: 2, target: 5 }],
};

/**
 * Steps tried for each parameter, in units of its typical magnitude (the optimizers' scales). The
 * step of one whole scale unit is for OPD functionals (WAVEFRONT_RMS, ZERNIKE) with an object
 * 600 mm away: each ray's optical path (~700 mm) carries ~1e-9 wave of rounding, so their
 * object-distance derivatives (~1e-3 wave/mm) need ~1 mm steps to be resolved to 1e-6.
 */
const STEPS = [1, 1e-1, 1e-2, 1e-3, 1e-4, 1e-5];

/**
 * Worst relative error of the block's Jacobian against Richardson-extrapolated central differences,
 * each entry at the step where the two agree best: a wrong derivative disagrees at every step,
 * while a right one agrees to ~1e-8 somewhere between truncation (large steps) and rounding
 * (small steps; a lens parameter's effect on a ray can be 1e-6 of the ray's own size).
 */
function jacobianError(system: LensSystem, params: ParamRef[], o: OperandOf<OperandType>): { worst: number; where: string } {
  const chained = chainedParams(system, params);
  const block = operandBlock(system, o, chained.all);
  const P = params.length, m = block.count;
  const x0 = readParams(system, params);
  const scales = variablesFromSpec(system, params).map((v) => v.scale);
  const set = (j: number, v: number) => {
    setParam(system, params[j], v);
    applySolves(system);
  };
  const residuals = () => {
    const r = new Float64Array(m);
    block.eval(r, null, 0);
    return r;
  };
  const r0 = new Float64Array(m), Jall = new Float64Array(m * chained.all.length);
  block.eval(r0, Jall, 0);
  const J = chained.contract(Jall, m, new Float64Array(m * P));
  const rowMax = Array.from({ length: m }, (_, i) => Math.max(...Array.from({ length: P }, (_, j) => Math.abs(J[i * P + j]))));
  let worst = 0, where = '';
  for (let j = 0; j < P; j++) {
    const at = (v: number) => {
      set(j, v);
      const r = residuals();
      set(j, x0[j]);
      return r;
    };
    let colMax = 0;
    for (let i = 0; i < m; i++) colMax = Math.max(colMax, Math.abs(J[i * P + j]));
    const best = new Float64Array(m).fill(Infinity), bestFd = new Float64Array(m);
    for (const step of STEPS) {
      const h = step * scales[j];
      const rp = at(x0[j] + h), rm = at(x0[j] - h), rp2 = at(x0[j] + h / 2), rm2 = at(x0[j] - h / 2);
      for (let i = 0; i < m; i++) {
        const fd = ((4 * (rp2[i] - rm2[i])) / h - (rp[i] - rm[i]) / (2 * h)) / 3;
        const a = J[i * P + j];
        // Entries far below their column's or row's largest are at the differences' rounding level.
        const err = Math.abs(a - fd) / Math.max(Math.abs(fd), Math.abs(a), 1e-3 * colMax, 1e-6 * rowMax[i]);
        if (err < best[i]) [best[i], bestFd[i]] = [err, fd];
      }
    }
    for (let i = 0; i < m; i++) {
      if (best[i] > worst) [worst, where] = [best[i], `residual ${i}, ${params[j].kind}@${params[j].surface}: ${J[i * P + j]} vs ${bestFd[i]}`];
    }
  }
  return { worst, where };
}

describe('merit operands', () => {
  it('every registered operand type has samples here, and every sample type is registered', () => {
    expect(Object.keys(SAMPLES).sort()).toEqual(Object.keys(OPERANDS).sort());
  });

  for (const c of CASES) {
    describe(c.name, () => {
      if (c.constant) {
        it('operands the solves hold: Jacobian rows exactly 0, finite differences vanishing', () => {
          for (const o of Object.values(SAMPLES).flat().filter(c.constant!)) {
            const system = c.system();
            const params = c.params(system);
            const chained = chainedParams(system, params);
            const block = operandBlock(system, o, chained.all);
            const r0 = new Float64Array(1), Jall = new Float64Array(chained.all.length);
            block.eval(r0, Jall, 0);
            const J = chained.contract(Jall, 1, new Float64Array(params.length));
            const x0 = readParams(system, params);
            const scales = variablesFromSpec(system, params).map((v) => v.scale);
            params.forEach((p, j) => {
              expect(Math.abs(J[j]), `${p.kind}@${p.surface}`).toBeLessThan(1e-12 * Math.abs(r0[0]));
              const at = (v: number) => {
                setParam(system, p, v);
                applySolves(system);
                const r = new Float64Array(1);
                block.eval(r, null, 0);
                setParam(system, p, x0[j]);
                applySolves(system);
                return r[0];
              };
              const h = 1e-3 * scales[j];
              expect(Math.abs(at(x0[j] + h) - at(x0[j] - h)), `${p.kind}@${p.surface}`).toBeLessThan(1e-10 * Math.abs(r0[0]));
            });
          }
        });
      }
      for (const [type, samples] of Object.entries(SAMPLES) as [OperandType, OperandOf<OperandType>[]][]) {
        it(`${type}: exact Jacobian rows match finite differences`, () => {
          for (const o of samples.filter((x) => !c.constant?.(x))) {
            const system = c.system();
            const { worst, where } = jacobianError(system, c.params(system), o);
            expect(worst, `${JSON.stringify(o)}: ${where}`).toBeLessThan(1e-6);
          }
        });
      }
    });
  }
});
