/**
 * What a merit spec (engine/io/meritSpecSchema.ts) means: the default merit's defaults, and how
 * an operand's value becomes a residual.
 *
 * Each operand has a target, a weight w ≥ 0 (default 1) and a kind (default 'target'):
 *   'target' contributes √w·(value − target),
 *   'lower'  contributes √w·min(0, value − target)   (value ≥ target wanted),
 *   'upper'  contributes √w·max(0, value − target)   (value ≤ target wanted),
 * to the residuals r, and the merit is Σ r² (engine/optimize/problem.ts). Operands that expand to
 * several residuals (RMS_SPOT: one per pupil ray) share the operand's weight so that their Σ r²
 * equals w·(RMS spot radius)² for target 0.
 *
 * `defaultMerit` adds OpticStudio's default merit function: the RMS spot radius (chief-ray or
 * centroid reference) of every field × wavelength, weighted by the field and wavelength weights,
 * sampled with Gaussian quadrature in rings and arms (engine/optimize/pupilQuadrature.ts), plus
 * boundary operands on the centre and edge thicknesses of glass and air.
 */
import type { DefaultMerit, Operand } from '../io/meritSpecSchema.ts';

/** The default merit's settings with every default filled in. */
export interface ResolvedDefaultMerit {
  criterion: 'rmsSpot';
  reference: 'chief' | 'centroid';
  rings: number;
  arms: number;
  symmetry: 'auto' | 'none';
  weight: number;
  glassMin?: number;
  glassMax?: number;
  glassEdgeMin?: number;
  airMin?: number;
  airMax?: number;
  airEdgeMin?: number;
  boundaryWeight: number;
}

/** Fills the documented defaults into a default-merit spec (3 rings, 6 arms, centroid, weight 1). */
export function resolveDefaultMerit(d: DefaultMerit = {}): ResolvedDefaultMerit {
  return {
    ...d,
    criterion: 'rmsSpot',
    reference: d.reference ?? 'centroid',
    rings: d.rings ?? 3,
    arms: d.arms ?? 6,
    symmetry: d.symmetry ?? 'auto',
    weight: d.weight ?? 1,
    boundaryWeight: d.boundaryWeight ?? 1,
  };
}

/** An operand's target, weight and kind with the defaults (0, 1, 'target') filled in. */
export function operandGoal(o: Operand): { target: number; weight: number; kind: 'target' | 'lower' | 'upper' } {
  return { target: o.target ?? 0, weight: o.weight ?? 1, kind: o.kind ?? 'target' };
}

/**
 * The weighted residual of a single-valued operand: √w·(value − target) for 'target', and only
 * the violation for 'lower' / 'upper' (0 when satisfied). Its derivative with respect to the value
 * is {@link operandResidualSlope}.
 */
export function operandResidual(value: number, o: Operand): number {
  const { target, weight, kind } = operandGoal(o);
  const d = value - target;
  const sw = Math.sqrt(weight);
  if (kind === 'lower') return d < 0 ? sw * d : 0;
  if (kind === 'upper') return d > 0 ? sw * d : 0;
  return sw * d;
}

/** ∂(operandResidual)/∂value: √w where the residual is active, 0 where a bound is satisfied. */
export function operandResidualSlope(value: number, o: Operand): number {
  const { target, weight, kind } = operandGoal(o);
  const d = value - target;
  if ((kind === 'lower' && d >= 0) || (kind === 'upper' && d <= 0)) return 0;
  return Math.sqrt(weight);
}
