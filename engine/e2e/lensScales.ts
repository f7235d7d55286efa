/**
 * Lens-variable step sizes and lens penalties for end-to-end runs.
 *
 * Focus scales: the change of each variable that moves the paraxial focus by 1 mm (|∂δ/∂θ|⁻¹ by
 * central differences, δ = BFL − last thickness at the primary wavelength). Curvatures of a 50 mm
 * lens move the focus by ~EFL² Δc, so equal steps in c would defocus the lens long before they
 * improve it; scaled steps move every variable's focus effect equally. Variables that do not move
 * the focus fall back to curvature 0.01 mm⁻¹, thickness 1 mm, others as engine/optimize/variables.ts.
 *
 * Penalties (a merit spec for engine/optimize/meritProblem.ts): the EFL held at its initial value
 * and centre-thickness bounds on glass and air.
 */
import type { LensSystem } from '../optics/system.ts';
import { readParams, writeParams, type ParamRef } from '../optics/params.ts';
import { applySolves } from '../paraxial/solves.ts';
import { firstOrder } from '../analysis/firstOrder.ts';
import type { MeritSpec } from '../io/meritSpecSchema.ts';
import type { Variable } from '../optimize/variables.ts';

export interface LensPenaltyOptions {
  /** Weight of (EFL − EFL₀)² in mm² (default 0.1). */
  eflWeight: number;
  /** Weight of each violated thickness bound, per mm² (default 1). */
  boundaryWeight: number;
  /** Centre-thickness bounds, mm (defaults 1, 2 × the thickest glass, 0.1). */
  glassMin?: number;
  glassMax?: number;
  airMin?: number;
}

function fallbackScale(v: Variable): number {
  if (v.kind === 'curvature') return 0.01;
  if (v.kind === 'thickness') return 1;
  return v.scale;
}

/**
 * Per-variable scales: the change of each variable that moves the paraxial focus by 1 mm
 * (|∂δ/∂θ|⁻¹ by central differences, δ = BFL − last thickness), or the fallback scale when the
 * variable does not move the focus. The system is restored.
 */
export function focusScales(system: LensSystem, variables: readonly Variable[]): Float64Array {
  const params: ParamRef[] = variables.map((v) => ({ kind: v.kind, surface: v.surface, index: v.index }));
  const x0 = readParams(system, params);
  const last = system.surfaces.length - 2;
  const defocus = () => firstOrder(system).bfl - system.surfaces[last].thickness;
  const out = new Float64Array(variables.length);
  variables.forEach((v, j) => {
    const h = 1e-6 * fallbackScale(v);
    const at = (d: number) => {
      const x = Float64Array.from(x0);
      x[j] += d;
      writeParams(system, params, x);
      applySolves(system);
      return defocus();
    };
    const slope = (at(h) - at(-h)) / (2 * h);
    out[j] = Number.isFinite(slope) && Math.abs(slope) > 1e-9 ? 1 / Math.abs(slope) : fallbackScale(v);
  });
  writeParams(system, params, x0);
  applySolves(system);
  return out;
}

/** The merit spec of the lens penalties (EFL target + centre-thickness bounds). */
export function penaltySpec(system: LensSystem, variables: readonly Variable[], p: LensPenaltyOptions): MeritSpec {
  const efl = firstOrder(system).efl;
  let thickest = 0;
  for (let s = 0; s < system.surfaces.length - 1; s++) {
    if (system.surfaces[s].material.name !== 'AIR' && !system.surfaces[s].mirror) thickest = Math.max(thickest, Math.abs(system.surfaces[s].thickness));
  }
  return {
    operands: [{ type: 'EFL', target: efl, weight: p.eflWeight }],
    defaultMerit: {
      weight: 0,
      glassMin: p.glassMin ?? 1,
      glassMax: p.glassMax ?? Math.max(2 * thickest, 2),
      airMin: p.airMin ?? 0.1,
      boundaryWeight: p.boundaryWeight,
    },
    variables: variables.map((v) => ({ kind: v.kind, surface: v.surface, index: v.index, lower: Number.isFinite(v.lower) ? v.lower : undefined, upper: Number.isFinite(v.upper) ? v.upper : undefined })),
  };
}
