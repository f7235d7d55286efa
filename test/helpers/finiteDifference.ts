/**
 * Test helper: the derivative of a function of the lens with respect to one lens parameter, by
 * central differences with one Richardson extrapolation (error O(h⁴)):
 *   D(h) = (f(v₀ + h) − f(v₀ − h)) / 2h,   ∂f/∂p ≈ (4 D(h/2) − D(h)) / 3.
 * The reference every exact (adjoint / implicit) gradient of the engine is checked against.
 */
import type { LensSystem } from '../../engine/optics/system.ts';
import { getParam, setParam, type ParamRef } from '../../engine/optics/params.ts';

/**
 * ∂f/∂p at the parameter's current value v₀, with step `h` (in the parameter's unit). `f` reads
 * `system`; the parameter is written back to v₀ after every evaluation, and `afterSet` (e.g.
 * applySolves) runs after every write of it.
 */
export function richardsonDerivative(system: LensSystem, p: ParamRef, h: number, f: () => number, afterSet?: (system: LensSystem) => void): number {
  const v0 = getParam(system, p);
  const write = (v: number) => {
    setParam(system, p, v);
    afterSet?.(system);
  };
  const at = (v: number) => {
    write(v);
    const value = f();
    write(v0);
    return value;
  };
  const central = (step: number) => (at(v0 + step) - at(v0 - step)) / (2 * step);
  return (4 * central(h / 2) - central(h)) / 3;
}
