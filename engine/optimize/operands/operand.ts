/**
 * What a merit operand is to the optimizer: a block of weighted residuals with exact Jacobian rows
 * (engine/optimize/problem.ts's least-squares form), evaluated at the lens system's current
 * parameters. Each operand type of the merit spec (engine/io/meritSpecSchema.ts) has one file in
 * this folder exporting an {@link OperandDefinition}, registered in index.ts.
 *
 * Derivatives are partial: every parameter of the list, solved and picked-up ones included, varies
 * alone (the merit problem chains the solved ones, engine/optimize/solveJacobian.ts).
 *
 * Most operands have one value v(θ) (EFL in mm, distortion in %, ...): {@link scalarOperand} makes
 * their block from the value and its exact gradient ∂v/∂θⱼ, with the residual √w·(v − target)
 * (only the violation for 'lower' / 'upper', engine/optimize/meritSpec.ts).
 */
import type { Operand, OperandType } from '../../io/meritSpecSchema.ts';
import type { ParamRef } from '../../optics/params.ts';
import type { LensSystem } from '../../optics/system.ts';
import { operandGoal, operandResidual, operandResidualSlope } from '../meritSpec.ts';

/** Residual of a ray that is lost, mm (per residual, before the weight). */
export const LOST_RAY_RESIDUAL = 1;

/** A block of residuals of the merit function. */
export interface ResidualBlock {
  /** Short label for displays, e.g. "EFL", "RMS f2", "CT s3". */
  readonly label: string;
  /** Number of residuals. */
  readonly count: number;
  readonly target: number;
  readonly weight: number;
  /** 'target' (default), or a bound: 'lower' (value ≥ target), 'upper' (value ≤ target). */
  readonly kind?: 'target' | 'lower' | 'upper';
  /** The merit-spec operand this block is (for a default-merit term, the equivalent operand). */
  readonly source?: Operand;
  /**
   * Writes residuals r[off..off+count) and, when J is given, their rows of J (row-major, one
   * column per parameter; J is zeroed by the caller). May throw for an unbuildable state (the
   * merit problem then penalises the whole evaluation).
   */
  eval(r: Float64Array, J: Float64Array | null, off: number): void;
  /** The operand's value for displays (NaN when undefined). */
  value(): number;
}

/** The operand of the merit spec with type T. */
export type OperandOf<T extends OperandType> = Extract<Operand, { type: T }>;

/** One operand type: how a spec operand becomes a residual block. */
export interface OperandDefinition<T extends OperandType> {
  /** The operand's residual block on `system` for the parameters `params` (read at every eval). */
  block(system: LensSystem, o: OperandOf<T>, params: readonly ParamRef[]): ResidualBlock;
}

/** A single value and, on demand, its exact gradient over the parameters. */
export interface ScalarEvaluation {
  /** The value (mm, unitless, %); NaN when undefined (a lost ray). */
  value: number;
  /** ∂value/∂θⱼ for every parameter (length P); called only when the residual is active. */
  gradient?: () => Float64Array;
}

/** A single-valued operand: its value and exact gradient. */
export interface ScalarOperand<T extends OperandType> {
  label(o: OperandOf<T>): string;
  /**
   * The value at the system's current parameters; with `wantGradient`, also `gradient` (which may
   * share work with the value, e.g. one recorded real-ray trace).
   */
  evaluate(system: LensSystem, o: OperandOf<T>, params: readonly ParamRef[], wantGradient: boolean): ScalarEvaluation;
  /**
   * Residual (before √w) when the value is undefined, e.g. 1000 for a lost chief ray. Without it
   * an undefined value makes the whole evaluation fail (the merit problem penalises it).
   */
  undefinedResidual?: number;
}

/** The residual block of a {@link ScalarOperand}: one residual, one Jacobian row. */
export function scalarOperand<T extends OperandType>(def: ScalarOperand<T>): OperandDefinition<T> {
  return {
    block(system, o, params) {
      const { target, weight, kind } = operandGoal(o);
      const P = params.length;
      return {
        label: def.label(o),
        count: 1,
        target,
        weight,
        kind,
        value: () => def.evaluate(system, o, params, false).value,
        eval(r, J, off) {
          const e = def.evaluate(system, o, params, J !== null);
          if (def.undefinedResidual !== undefined && !Number.isFinite(e.value)) {
            r[off] = Math.sqrt(weight) * def.undefinedResidual;
            return;
          }
          r[off] = operandResidual(e.value, o);
          if (J && e.gradient) {
            const slope = operandResidualSlope(e.value, o);
            if (slope === 0) return;
            const g = e.gradient();
            for (let j = 0; j < P; j++) J[off * P + j] = slope * g[j];
          }
        },
      };
    },
  };
}

/** The gradient of a value from a per-parameter tangent: [d(θ₀), d(θ₁), ...]. */
export function gradientOf(params: readonly ParamRef[], tangent: (p: ParamRef) => number): () => Float64Array {
  return () => Float64Array.from(params, tangent);
}

/** The wavelength index an operand names, or the primary wavelength. */
export function wavelengthOf(system: LensSystem, o: { wavelength?: number | 'all' }): number {
  return typeof o.wavelength === 'number' ? o.wavelength : system.primaryIndex;
}
