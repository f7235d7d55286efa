/**
 * A lens merit function as a least-squares problem with an exact Jacobian.
 *
 * Solved and picked-up parameters move with the variables: the operands are differentiated over
 * both and the solves chain them (solveJacobian.ts).
 *
 * The residuals are the blocks of the spec's operands (one file per operand type in operands/,
 * registered in operands/index.ts), of the default merit (defaultMerit.ts) and of the glass-region
 * penalty (glassRegionPenalty.ts), in that order. Each evaluation writes x into the system, applies
 * its solves and evaluates every block; a block that throws or a non-finite residual makes the
 * whole evaluation a penalty (every residual 1000) with a zero Jacobian, so an optimizer step into
 * an unbuildable lens is rejected rather than crashing.
 */
import type { Prescription } from '../io/prescription.ts';
import type { MeritSpec } from '../io/meritSpecSchema.ts';
import { paramLabel, readParams, writeParams, type ParamRef } from '../optics/params.ts';
import type { LensSystem } from '../optics/system.ts';
import { writeBack } from '../optics/writeBack.ts';
import { applySolves } from '../paraxial/solves.ts';
import { defaultMeritBlocks } from './defaultMerit.ts';
import type { GlassHull } from './glassChoice.ts';
import { glassRegionBlocks } from './glassRegionPenalty.ts';
import { chainedParams } from './solveJacobian.ts';
import { applyCentreThicknessBounds, boundViolations, edgeThicknessProjection, type BoundViolation } from './thicknessBounds.ts';
import { operandBlock } from './operands/index.ts';
import type { ResidualBlock } from './operands/operand.ts';
import type { LeastSquaresProblem, OperandValue } from './problem.ts';
import { variablesFromFlags, variablesFromGroups, variablesFromSpec, type Variable } from './variables.ts';

/**
 * A lens merit function ready for the optimizers (dampedLeastSquares, adam) and their runners:
 * the least-squares problem over the variables, the start point, and the way back to a
 * prescription. The one shape every merit problem has (the lens merit below, e2e lens penalties,
 * the command line's and the studio's optimization runs).
 */
export interface MeritProblem {
  /** Residuals and exact Jacobian of the merit over the variables. */
  problem: LeastSquaresProblem;
  /** The lens parameters that vary, in x's order, with bounds and scales. */
  variables: readonly Variable[];
  /** The variables' current values in the lens (the start point). */
  x0: Float64Array;
  /** Writes x into the system (and solves) and returns the updated prescription. */
  apply(x: Float64Array): Prescription;
  /** Operand values at x, for progress displays and reports. */
  operands(x: Float64Array): OperandValue[];
  /** The bound operands ('lower' / 'upper') that the lens at x violates: shown in red. */
  violations(x: Float64Array): BoundViolation[];
}

export interface MeritProblemOptions {
  /** Keep model glasses inside this region of the glass map (a penalty residual per glass). */
  glassHull?: GlassHull;
  /** Weight of the glass-region penalty (default 1, per unit of scaled glass-map distance). */
  glassHullWeight?: number;
}

/**
 * Builds the least-squares problem of a lens and a merit spec.
 * @param vary `--vary` groups; when absent, the spec's `variables`, else the prescription's flags
 * @throws Error when there are no variables or an index does not exist
 */
export function buildMeritProblem(system: LensSystem, spec: MeritSpec, vary?: readonly string[], options: MeritProblemOptions = {}): MeritProblem {
  const variables = vary && vary.length > 0 ? variablesFromGroups(system, vary) : spec.variables ? variablesFromSpec(system, spec.variables) : variablesFromFlags(system);
  if (variables.length === 0) throw new Error('nothing to optimize: no variables (use --vary, merit.variables or surface variable flags)');
  // The default merit's centre-thickness bounds become the thickness variables' own bounds.
  applyCentreThicknessBounds(system, spec, variables);
  const params: ParamRef[] = variables.map((v) => ({ kind: v.kind, surface: v.surface, index: v.index }));
  const P = params.length;
  // Operands differentiate over the variables and the solved parameters; the solves chain them.
  const chained = chainedParams(system, params);
  const all = chained.all;
  const blocks: ResidualBlock[] = [];
  for (const o of spec.operands ?? []) blocks.push(operandBlock(system, o, all));
  if (spec.defaultMerit) blocks.push(...defaultMeritBlocks(system, spec, all));
  if (options.glassHull) blocks.push(...glassRegionBlocks(system, all, options.glassHull, options.glassHullWeight ?? 1));
  const m = blocks.reduce((a, b) => a + b.count, 0);
  const r = new Float64Array(m);
  const J = new Float64Array(m * P);
  const Jall = all.length === P ? J : new Float64Array(m * all.length);
  const x0 = readParams(system, params);
  const fail = (rr: Float64Array) => rr.fill(1e3);

  const problem: LeastSquaresProblem = {
    nVariables: P,
    nResiduals: m,
    lower: Float64Array.from(variables, (v) => v.lower),
    upper: Float64Array.from(variables, (v) => v.upper),
    scale: Float64Array.from(variables, (v) => v.scale),
    project: edgeThicknessProjection(system, spec, variables, all),
    evaluate(x, wantJacobian) {
      writeParams(system, params, x);
      applySolves(system);
      r.fill(0);
      if (wantJacobian) Jall.fill(0);
      try {
        let off = 0;
        for (const b of blocks) {
          b.eval(r, wantJacobian ? Jall : null, off);
          off += b.count;
        }
        for (let i = 0; i < m; i++) if (!Number.isFinite(r[i])) throw new Error('non-finite residual');
        if (wantJacobian) {
          if (Jall !== J) chained.contract(Jall, m, J);
          for (let i = 0; i < J.length; i++) if (!Number.isFinite(J[i])) J[i] = 0;
        }
      } catch {
        fail(r);
        if (wantJacobian) J.fill(0);
      }
      return { residuals: r, jacobian: wantJacobian ? J : undefined };
    },
    describeOperands(x) {
      return describe(x);
    },
  };
  const describe = (x: Float64Array): OperandValue[] => {
    problem.evaluate(x, false);
    const total = r.reduce((a, v) => a + v * v, 0) || 1;
    let off = 0;
    return blocks.map((b) => {
      let sum = 0;
      for (let i = 0; i < b.count; i++) sum += r[off + i] ** 2;
      off += b.count;
      let value = NaN;
      try {
        value = b.value();
      } catch {
        value = NaN;
      }
      return { label: b.label, value, target: b.target, weight: b.weight, contribution: sum / total };
    });
  };
  return {
    problem,
    variables,
    x0,
    apply(x) {
      writeParams(system, params, x);
      applySolves(system);
      return writeBack(system);
    },
    operands: describe,
    violations(x) {
      problem.evaluate(x, false);
      return boundViolations(blocks);
    },
  };
}

export type { BoundViolation };

export { paramLabel };
