/**
 * The default merit's thickness bounds, kept rather than merely penalised:
 * - a centre-thickness bound (glassMin/Max, airMin/Max) on a thickness that varies becomes a bound
 *   of that variable, which the optimizers never leave (dampedLeastSquares.ts, adam.ts);
 * - a minimum edge thickness (glassEdgeMin, airEdgeMin), measured at the real semi-diameters
 *   (EDGE_THICKNESS with heightFrom "realRays", defaultMerit.ts), is a boundary operand and, when
 *   the thickness varies, also a projection: after every step that thickness is raised (within its
 *   own bounds) until the edge is at its bound, so no accepted lens has a knife edge there.
 * Bounds on fixed thicknesses stay boundary operands; {@link boundViolations} reports what is still
 * violated at the end. Surfaces after a mirror (negative thicknesses), coordinate breaks and
 * mirrors get no bounds, as in defaultMerit.ts.
 */
import type { MeritSpec } from '../io/meritSpecSchema.ts';
import { writeParams, type ParamRef } from '../optics/params.ts';
import type { LensSystem } from '../optics/system.ts';
import { applySolves } from '../paraxial/solves.ts';
import { resolveDefaultMerit } from './meritSpec.ts';
import { operandBlock } from './operands/index.ts';
import type { ResidualBlock } from './operands/operand.ts';
import type { Variable } from './variables.ts';

/** Whether surface s's thickness gets the default merit's bounds, and which (glass or air). */
function boundedGap(system: LensSystem, s: number): 'glass' | 'air' | null {
  const surf = system.surfaces[s];
  if (surf.kind === 'coordinateBreak' || surf.mirror || surf.direction < 0) return null;
  return surf.material.name !== 'AIR' ? 'glass' : 'air';
}

/** Narrows the bounds of the thickness variables to the default merit's centre-thickness bounds (in place). */
export function applyCentreThicknessBounds(system: LensSystem, spec: MeritSpec, variables: Variable[]): void {
  if (!spec.defaultMerit) return;
  const d = resolveDefaultMerit(spec.defaultMerit);
  for (const v of variables) {
    if (v.kind !== 'thickness' || v.surface > system.surfaces.length - 2) continue;
    const gap = boundedGap(system, v.surface);
    if (!gap) continue;
    const lo = gap === 'glass' ? d.glassMin : d.airMin, hi = gap === 'glass' ? d.glassMax : d.airMax;
    const lower = lo === undefined ? v.lower : Math.max(v.lower, lo);
    const upper = hi === undefined ? v.upper : Math.min(v.upper, hi);
    if (lower <= upper) [v.lower, v.upper] = [lower, upper];
  }
}

/**
 * The projection of the default merit's edge-thickness bounds onto the thickness variables, or
 * undefined when none applies. `params` are the merit problem's operand parameters (variables
 * first, then solved ones).
 */
export function edgeThicknessProjection(system: LensSystem, spec: MeritSpec, variables: readonly Variable[], params: readonly ParamRef[]): ((x: Float64Array) => void) | undefined {
  if (!spec.defaultMerit) return undefined;
  const d = resolveDefaultMerit(spec.defaultMerit);
  const edges: { j: number; min: number; block: ResidualBlock }[] = [];
  const last = system.surfaces.length - 2;
  variables.forEach((v, j) => {
    if (v.kind !== 'thickness' || v.surface >= last) return;
    const gap = boundedGap(system, v.surface);
    const min = gap === 'glass' ? d.glassEdgeMin : gap === 'air' ? d.airEdgeMin : undefined;
    if (min === undefined) return;
    edges.push({ j, min, block: operandBlock(system, { type: 'EDGE_THICKNESS', surface: v.surface, target: min, kind: 'lower', heightFrom: 'realRays' }, params) });
  });
  if (edges.length === 0) return undefined;
  const varied = params.slice(0, variables.length);
  return (x) => {
    for (const e of edges) {
      const { j, min } = e;
      const at = (t: number): number => {
        x[j] = t;
        writeParams(system, varied, x);
        try {
          applySolves(system);
          return e.block.value();
        } catch {
          return NaN;
        }
      };
      // Secant steps on ET(t) = min (ET grows about one for one with t; the edge height moves too),
      // aiming a hair above the bound and stopping at the first thickness that meets it.
      const goal = min + 1e-12 * Math.max(1, Math.abs(min));
      let t0 = x[j], e0 = at(t0);
      if (!Number.isFinite(e0) || e0 >= min) {
        x[j] = t0;
        continue;
      }
      let slope = 1;
      for (let it = 0; it < 20; it++) {
        const t1 = Math.min(t0 + (goal - e0) / slope, variables[j].upper);
        if (!(t1 > t0)) break;
        const e1 = at(t1);
        if (!Number.isFinite(e1)) {
          x[j] = t0;
          break;
        }
        if (e1 >= min) break;
        if (e1 !== e0) slope = Math.max((e1 - e0) / (t1 - t0), 1e-3);
        [t0, e0] = [t1, e1];
      }
    }
  };
}

/** A bound (a 'lower' or 'upper' operand) that the lens does not meet. */
export interface BoundViolation {
  /** The operand's label, e.g. "ET s3". */
  label: string;
  value: number;
  /** The bound (the operand's target). */
  bound: number;
  kind: 'lower' | 'upper';
}

/** The bound operands of `blocks` violated at the system's current state (beyond 1e-9 relative). */
export function boundViolations(blocks: readonly ResidualBlock[]): BoundViolation[] {
  const out: BoundViolation[] = [];
  for (const b of blocks) {
    if (b.kind !== 'lower' && b.kind !== 'upper') continue;
    let v: number;
    try {
      v = b.value();
    } catch {
      continue;
    }
    const tol = 1e-9 * Math.max(1, Math.abs(b.target));
    if ((b.kind === 'lower' && v < b.target - tol) || (b.kind === 'upper' && v > b.target + tol) || !Number.isFinite(v)) {
      out.push({ label: b.label, value: v, bound: b.target, kind: b.kind });
    }
  }
  return out;
}
