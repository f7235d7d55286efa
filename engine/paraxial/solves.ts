/**
 * Solves and pickups: parameters computed from the rest of the lens (engine/io/solves.ts for the
 * file format, solveKernels.ts for each kind's formula and partial derivatives).
 *
 * Applying: the solves q = G(θ, q) of a system (engine/optics/systemSolves.ts) are applied in order,
 * sweep after sweep, until a sweep changes nothing (to 1e-14 relative): one sweep settles solves
 * whose inputs come before them, a second confirms it; solves that feed each other (a height solve
 * before the stop moves the pupil that aims its own ray) converge to their fixed point.
 *
 * Differentiating: at the fixed point, dq = (I − ∂G/∂q)⁻¹ ∂G/∂θ dθ (implicit differentiation;
 * forward substitution when the solves do not feed each other). Every derivative in the engine is
 * partial (each parameter varied alone, solved ones included): a caller chains the solved
 * parameters with {@link solveChain}, total_j = ∂_j + Σ_u ∂_{q_u} · D[u][j]. engine/trace/adjoint.ts
 * does so for the parameters not in its list; engine/optimize/solveJacobian.ts for a merit function.
 */
import type { ParamRef } from '../optics/params.ts';
import { getParam, setParam } from '../optics/params.ts';
import type { LensSystem, SystemSolve } from '../optics/system.ts';
import { SystemError } from '../optics/system.ts';
import { solveTangents, solveValue } from './solveKernels.ts';

export { registerRealRaySolver, solveTangents, solveValue, type RealRaySolver } from './solveKernels.ts';

/** Plain sweeps before switching to Newton's method on the solves that still move. */
const SWEEPS = 3;
/** Newton iterations before the solves are declared divergent. */
const NEWTON_STEPS = 50;
/** Relative change below which a solve counts as settled. */
const SETTLED = 1e-14;

const settled = (v: number, old: number) => v === old || Math.abs(v - old) <= SETTLED * Math.max(Math.abs(v), Math.abs(old));

/**
 * Applies the system's solves in place (call after changing parameters). Solves are applied in
 * order, sweep after sweep, until a sweep changes nothing (to 1e-14 relative); solves that feed
 * each other and still move after three sweeps are settled by Newton's method on q − G(θ, q) = 0
 * with the exact Jacobian I − ∂G/∂q (so a fixed point is found even where plain sweeps diverge).
 * @throws SystemError naming the solve when one has no solution or the solves do not settle
 */
export function applySolves(system: LensSystem): void {
  const solves = system.solves;
  if (solves.length === 0) return;
  for (let sweep = 0; sweep < SWEEPS; sweep++) {
    let moved = false;
    for (const s of solves) {
      const v = checked(s, solveValue(system, s));
      const old = getParam(system, s.target);
      if (!settled(v, old)) moved = true;
      if (v !== old) setParam(system, s.target, v);
    }
    if (!moved) return;
  }
  const Q = solves.length;
  const targets: ParamRef[] = solves.map((s) => ({ kind: s.target.kind, surface: s.target.surface }));
  const step = new Float64Array(Q), A = new Float64Array(Q * Q);
  for (let it = 0; it < NEWTON_STEPS; it++) {
    let moved: SystemSolve | null = null;
    solves.forEach((s, u) => {
      const q = getParam(system, s.target);
      const v = checked(s, solveValue(system, s));
      step[u] = v - q;
      if (!settled(v, q)) moved = s;
      const g = solveTangents(system, s, targets);
      for (let k = 0; k < Q; k++) A[u * Q + k] = (u === k ? 1 : 0) - g[k];
    });
    solveInPlace(A, step, Q, 1, solves);
    // The last, tiny step is taken too: Newton's error after it is its square, at round-off.
    solves.forEach((s, u) => setParam(system, s.target, getParam(system, s.target) + step[u]));
    if (!moved) return;
  }
  throw new SystemError(`solves that depend on each other do not settle (${solves.map((s) => s.where).join(', ')}); change or remove one of them`);
}

function checked(s: SystemSolve, v: number): number {
  if (!Number.isFinite(v)) throw new SystemError(`${s.where}: the solve gives ${v}`);
  return v;
}

/** The solved parameters of a system, in the order of its solves. */
export function dependentParams(system: LensSystem): ParamRef[] {
  return system.solves.map((s) => ({ kind: s.target.kind, surface: s.target.surface }));
}

/** The solve that sets parameter p, if any (curvature, thickness or conic). */
export function solveOf(system: LensSystem, p: ParamRef): SystemSolve | undefined {
  return system.solves.find((s) => s.target.kind === p.kind && s.target.surface === p.surface);
}

/** The last thickness's index when a solve sets it (the image distance is solved), else −1. */
export function solvedThicknessSurface(system: LensSystem): number {
  const last = system.surfaces.length - 2;
  return solveOf(system, { kind: 'thickness', surface: last }) ? last : -1;
}

/** How the solved parameters move with a list of parameters. */
export interface SolveChain {
  /** The solved parameters not in the list, in the order of the system's solves. */
  readonly refs: ParamRef[];
  /** D[u·P + j] = d(refs[u])/d(params[j]): total, through every solve in between. */
  readonly D: Float64Array;
}

/**
 * The total derivatives of the solved parameters not listed in `params` with respect to `params`
 * (listed solved parameters count as independent). Cost: one partial tangent of each such solve
 * per parameter; a Q×Q linear solve.
 * @throws SystemError when the solves' linearisation is singular (a solve that cancels itself)
 */
export function solveChain(system: LensSystem, params: readonly ParamRef[]): SolveChain {
  const listed = new Set(params.map((p) => `${p.kind}:${p.surface}`));
  const chained = system.solves.filter((s) => !listed.has(`${s.target.kind}:${s.target.surface}`));
  const Q = chained.length, P = params.length;
  const refs: ParamRef[] = chained.map((s) => ({ kind: s.target.kind, surface: s.target.surface }));
  if (Q === 0) return { refs, D: new Float64Array(0) };
  // A = I − ∂G/∂q (Q×Q), B = ∂G/∂θ (Q×P); D = A⁻¹ B.
  const A = new Float64Array(Q * Q), D = new Float64Array(Q * P);
  const all = [...params, ...refs];
  chained.forEach((s, u) => {
    const g = solveTangents(system, s, all);
    for (let j = 0; j < P; j++) D[u * P + j] = g[j];
    for (let v = 0; v < Q; v++) A[u * Q + v] = (u === v ? 1 : 0) - g[P + v];
  });
  solveInPlace(A, D, Q, P, chained);
  return { refs, D };
}

/** Solves A X = B in place (B becomes X) by Gaussian elimination with partial pivoting. */
function solveInPlace(A: Float64Array, B: Float64Array, n: number, m: number, solves: readonly SystemSolve[]): void {
  for (let k = 0; k < n; k++) {
    let piv = k;
    for (let i = k + 1; i < n; i++) if (Math.abs(A[i * n + k]) > Math.abs(A[piv * n + k])) piv = i;
    if (!(Math.abs(A[piv * n + k]) > 1e-12)) throw new SystemError(`${solves[k].where}: the solves depend on each other in a way that has no unique derivative`);
    if (piv !== k) {
      for (let j = 0; j < n; j++) [A[k * n + j], A[piv * n + j]] = [A[piv * n + j], A[k * n + j]];
      for (let j = 0; j < m; j++) [B[k * m + j], B[piv * m + j]] = [B[piv * m + j], B[k * m + j]];
    }
    for (let i = k + 1; i < n; i++) {
      const f = A[i * n + k] / A[k * n + k];
      if (f === 0) continue;
      for (let j = k; j < n; j++) A[i * n + j] -= f * A[k * n + j];
      for (let j = 0; j < m; j++) B[i * m + j] -= f * B[k * m + j];
    }
  }
  for (let k = n - 1; k >= 0; k--) {
    for (let j = 0; j < m; j++) {
      let v = B[k * m + j];
      for (let i = k + 1; i < n; i++) v -= A[k * n + i] * B[i * m + j];
      B[k * m + j] = v / A[k * n + k];
    }
  }
}

/**
 * Chains partial derivatives: given `partial` over [params…, chain.refs…] (length P + Q), returns
 * the total derivatives over params (length P).
 */
export function chainPartials(partial: ArrayLike<number>, chain: SolveChain, P: number, out = new Float64Array(P)): Float64Array {
  const Q = chain.refs.length;
  for (let j = 0; j < P; j++) {
    let v = partial[j];
    for (let u = 0; u < Q; u++) v += partial[P + u] * chain.D[u * P + j];
    out[j] = v;
  }
  return out;
}
