/**
 * Merit operands and solves. An operand differentiates with respect to a list of parameters, each
 * varied alone (engine/optimize/operands/operand.ts); a solved or picked-up parameter is one of
 * them. The merit problem builds its operands on the variables followed by the solved parameters,
 * then chains the solved columns into the variables' (engine/paraxial/solves.ts `solveChain`):
 *   J_total[:, j] = J[:, j] + Σ_u J[:, P + u] · D[u][j].
 */
import type { ParamRef } from '../optics/params.ts';
import type { LensSystem } from '../optics/system.ts';
import { solveChain } from '../paraxial/solves.ts';

/**
 * Checks that an operand's parameter list holds every solved parameter of the system (operands
 * differentiate partially; without them, a solved parameter's motion would be silently missed).
 * @throws Error naming the first missing one
 */
export function assertSolvedListed(system: LensSystem, params: readonly ParamRef[]): void {
  for (const s of system.solves) {
    if (!params.some((p) => p.kind === s.target.kind && p.surface === s.target.surface)) {
      throw new Error(`operand parameters must include every solved parameter (missing ${s.where}); build them with chainedParams (engine/optimize/solveJacobian.ts)`);
    }
  }
}

export interface ChainedParams {
  /** The parameters operand blocks are built on: the variables, then the solved parameters. */
  readonly all: readonly ParamRef[];
  /** Number of variables (the leading entries of `all`). */
  readonly P: number;
  /**
   * Contracts a row-major Jacobian over `all` (m × (P+Q)) into one over the variables (m × P), at
   * the system's current state (solves applied).
   */
  contract(full: Float64Array, m: number, out: Float64Array): Float64Array;
}

/** The operand parameters of a merit problem over `variables` (see the module doc). */
export function chainedParams(system: LensSystem, variables: readonly ParamRef[]): ChainedParams {
  const P = variables.length;
  const refs = solveChain(system, variables).refs;
  const Q = refs.length;
  const all = [...variables, ...refs];
  return {
    all,
    P,
    contract(full, m, out) {
      if (Q === 0) {
        out.set(full.subarray(0, m * P));
        return out;
      }
      const { D } = solveChain(system, variables);
      const PQ = P + Q;
      for (let i = 0; i < m; i++) {
        for (let j = 0; j < P; j++) {
          let v = full[i * PQ + j];
          for (let u = 0; u < Q; u++) v += full[i * PQ + P + u] * D[u * P + j];
          out[i * P + j] = v;
        }
      }
      return out;
    },
  };
}
