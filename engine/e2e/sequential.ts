/**
 * Sequential design, the usual alternative to end-to-end design: the lens is optimized by optics
 * alone for the depth range, then a reconstruction is trained on it.
 *
 * The optics criterion is the geometric RMS spot radius about the centroid of every field ×
 * wavelength, summed in quadrature over the object distances:
 *   φ(θ) = Σ_d Σ_f w_f RMS²_{d,f}(θ) / (D Σ_f w_f),
 * each RMS_SPOT evaluated as in engine/optimize/meritProblem.ts (Gaussian quadrature of the pupil,
 * every wavelength with its weight, exact derivatives). One merit problem is built per depth on its
 * own copy of the lens (object distance zᵈ, image distance shared through the variables), and the
 * stacked least-squares problem is minimised by damped least squares (engine/optimize).
 */
import type { LensSystem } from '../optics/system.ts';
import { readParams, writeParams, type ParamRef } from '../optics/params.ts';
import { applySolves } from '../paraxial/solves.ts';
import { dampedLeastSquares } from '../optimize/dampedLeastSquares.ts';
import { buildMeritProblem, type MeritProblem } from '../optimize/meritProblem.ts';
import type { MeritSpec, VariableSpec } from '../io/meritSpecSchema.ts';
import type { LeastSquaresProblem, ProgressEvent, StopReason } from '../optimize/problem.ts';

export interface SequentialOptions {
  /** Damped-least-squares iterations (default 40). */
  iterations?: number;
  /** Gaussian quadrature of the pupil per RMS_SPOT (defaults 6 rings × 12 arms). */
  rings?: number;
  arms?: number;
  signal?: AbortSignal;
  onProgress?: (e: ProgressEvent) => void;
}

export interface SequentialResult {
  /** Optimized variable values (same order as the variables). */
  x: Float64Array;
  params: ParamRef[];
  /** φ before and after (mm²), and the RMS spot (µm) per depth, mean over fields (weighted). */
  initialMerit: number;
  merit: number;
  rmsUm: { initial: number[]; final: number[] };
  iterations: number;
  stopReason: StopReason;
}

/** The merit spec of one depth: RMS_SPOT (centroid) of every field, all wavelengths. */
function depthSpec(system: LensSystem, variables: readonly VariableSpec[], depths: number, rings: number, arms: number): MeritSpec {
  const fw = Array.from(system.fieldWeights);
  const total = fw.reduce((s, v) => s + v, 0) || 1;
  return {
    operands: fw.map((w, f) => ({ type: 'RMS_SPOT' as const, field: f, wavelength: 'all' as const, reference: 'centroid' as const, rings, arms, weight: w / total / depths })),
    variables: variables.map((v) => ({ ...v })),
  };
}

/** Weighted-mean RMS spot (µm) of one depth's problem at x: √(Σ r² · D) since its weights sum to 1/D. */
function rmsUm(p: MeritProblem, x: Float64Array, depths: number): number {
  const { residuals } = p.problem.evaluate(x, false);
  let s = 0;
  for (const r of residuals) s += r * r;
  return 1000 * Math.sqrt(s * depths);
}

/**
 * Optimizes the lens variables for the depth range by optics alone (see the module docs).
 * @param makeSystem a fresh copy of the lens with its object at the given distance (mm, Infinity allowed)
 * @param variables the variables, with bounds (0-based surfaces, as in merit specs)
 * @throws Error for no depths or no variables
 */
export async function sequentialDesign(
  makeSystem: (objectDistanceMm: number) => LensSystem,
  variables: readonly VariableSpec[],
  depthsMm: readonly number[],
  options: SequentialOptions = {},
): Promise<SequentialResult> {
  if (depthsMm.length === 0) throw new Error('sequential design needs at least one object distance');
  if (variables.length === 0) throw new Error('sequential design needs at least one variable');
  const D = depthsMm.length;
  const rings = options.rings ?? 6;
  const arms = options.arms ?? 12;
  const problems = depthsMm.map((z) => {
    const sys = makeSystem(z);
    return buildMeritProblem(sys, depthSpec(sys, variables, D, rings, arms));
  });
  const first = problems[0];
  const n = first.problem.nVariables;
  const m = problems.reduce((s, p) => s + p.problem.nResiduals, 0);
  const r = new Float64Array(m);
  const J = new Float64Array(m * n);
  const stacked: LeastSquaresProblem = {
    nVariables: n,
    nResiduals: m,
    lower: first.problem.lower,
    upper: first.problem.upper,
    scale: first.problem.scale,
    evaluate(x, wantJacobian) {
      let off = 0;
      for (const p of problems) {
        const res = p.problem.evaluate(x, wantJacobian);
        r.set(res.residuals, off);
        if (wantJacobian) J.set(res.jacobian!, off * n);
        off += p.problem.nResiduals;
      }
      return { residuals: r, jacobian: wantJacobian ? J : undefined };
    },
  };
  const x0 = Float64Array.from(first.x0);
  const initial = problems.map((p) => rmsUm(p, x0, D));
  const result = await dampedLeastSquares(stacked, x0, {
    maxIterations: options.iterations ?? 40,
    signal: options.signal,
    onProgress: options.onProgress,
  });
  const final = problems.map((p) => rmsUm(p, result.x, D));
  const params: ParamRef[] = first.variables.map((v) => ({ kind: v.kind, surface: v.surface, index: v.index }));
  return { x: result.x, params, initialMerit: result.initialMerit, merit: result.merit, rmsUm: { initial, final }, iterations: result.iterations, stopReason: result.stopReason };
}

/** Writes a sequential result into a lens (and applies its solves). */
export function applySequential(system: LensSystem, res: SequentialResult): void {
  writeParams(system, res.params, res.x);
  applySolves(system);
}

/** The variable values of a lens, for reports. */
export function readVariables(system: LensSystem, params: readonly ParamRef[]): Float64Array {
  return readParams(system, params);
}
