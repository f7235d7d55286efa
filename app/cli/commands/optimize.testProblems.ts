/**
 * Toy merit problems on a real lens for the tests of `lens-studio optimize` (./optimize.ts) and
 * its runner (engine/optimize/run.ts); the lens-side builder, engine/optimize/meritProblem.ts, is
 * tested on its own. They vary the last thickness, the image distance, towards a target:
 * residual r = t − 47 mm.
 */
import type { LensSystem } from '../../../engine/optics/system.ts';
import type { MeritSpec } from '../../../engine/io/meritSpecSchema.ts';
import type { LensMerit } from '../../../engine/optimize/run.ts';

export const IMAGE_DISTANCE_TARGET = 47;

/** The image distance as the only variable; `delayMs` makes every evaluation that slow. */
export function imageDistanceProblem(system: LensSystem, _spec: MeritSpec, vary: string[], _options?: unknown, delayMs = 0): LensMerit {
  const p = system.prescription;
  const last = p.surfaces.length - 1;
  return {
    x0: Float64Array.of(p.surfaces[last].thickness),
    problem: {
      nVariables: vary.includes('thicknesses') || vary.length === 0 ? 1 : 0,
      nResiduals: 1,
      evaluate(x, wantJacobian) {
        if (delayMs > 0) {
          process.stderr.write('evaluating\n');
          const until = performance.now() + delayMs;
          while (performance.now() < until);
        }
        // A nonlinear residual, so that damped least squares needs several iterations.
        const d = x[0] - IMAGE_DISTANCE_TARGET;
        const residuals = Float64Array.of(d + 0.05 * d * d * d);
        return wantJacobian ? { residuals, jacobian: Float64Array.of(1 + 0.15 * d * d) } : { residuals };
      },
    },
    operands(x) {
      return [{ label: 'IMAGE_DISTANCE', value: x[0], target: IMAGE_DISTANCE_TARGET, weight: 1, contribution: 1 }];
    },
    apply(x) {
      return { ...p, surfaces: p.surfaces.map((s, i) => (i === last ? { ...s, thickness: x[0] } : s)) };
    },
  };
}

export function slowImageDistanceProblem(system: LensSystem, spec: MeritSpec, vary: string[]): LensMerit {
  return imageDistanceProblem(system, spec, vary, undefined, 40);
}
