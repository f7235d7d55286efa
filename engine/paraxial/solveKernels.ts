/**
 * What each kind of solve computes, and its exact partial derivatives: solves.ts applies them.
 *
 * All paraxial quantities are at the primary wavelength, with the y-nu trace of paraxial.ts
 * (N the signed index, Nu the reduced slope, u = Nu/N the slope dy/dz along local z) and its
 * tangents (paraxialTangent.ts). At surface s with the ray (y, Nu) arriving and N, N' the indices
 * before and after:
 * - angle solves (marginal or chief ray leaving with slope α): Nu' = Nu − y (N' − N) c_p = N'α, so
 *   c_p = (Nu − N'α) / (y (N' − N)); the curvature is c_p (minus 2·A2 on an even asphere);
 * - height solves (marginal or chief ray at height h on the next surface): y + t·Nu'/N' = h, so
 *   t = (h − y) N'/Nu' with (y, Nu') leaving surface s;
 * - edge thickness E at radial height h: t = E − sag_{s+1}(h) + sag_s(h) (engine/optics/sag.ts);
 * - pickup: v = scale·v_source + offset.
 * The marginal ray runs from the axial object point to the entrance-pupil edge; the chief ray from
 * the largest field through the pupil centre (rays.ts). A focus solve (height 0) uses the scale-free
 * axial ray, so it does not depend on the pupil.
 *
 * Derivatives are partial: every parameter, including other solved ones, is held fixed but the one
 * differentiated (solves.ts chains them). A real-ray (pupil-zone) height solve needs the tracer,
 * which lives above this folder: engine/trace/realRaySolve.ts registers it ({@link
 * registerRealRaySolver}) when the tracer is loaded. Until then (a program that never traces real
 * rays) such a thickness keeps its written value, and asking for its derivative is an error.
 */
import type { ParamRef } from '../optics/params.ts';
import { getParam } from '../optics/params.ts';
import { dSagAt, sagAt } from '../optics/sag.ts';
import type { LensSystem, SystemSolve } from '../optics/system.ts';
import { maxField, SystemError } from '../optics/system.ts';
import { signedIndexAfter, traceParaxial } from './paraxial.ts';
import { dSignedIndexAfter, paraxialTangent } from './paraxialTangent.ts';
import { entrancePupil, objectField, type EntrancePupil } from './pupil.ts';
import { objectFieldTangent, pupilTangent } from './pupilTangent.ts';
import { axialRayStart, chiefRayStart, chiefRayStartTangent, marginalRayStart, marginalRayStartTangent, type ParaxialStart } from './rays.ts';

/** The tracer's side of a real-ray (pupil-zone) marginal-ray-height solve. */
export interface RealRaySolver {
  /** The thickness after the solve's surface that puts its real ray at the solve's height. */
  value(system: LensSystem, solve: SystemSolve & { type: 'marginalRayHeight' }): number;
  /** ∂value/∂p for each of `params` (every other parameter held), in one adjoint pass. */
  tangents(system: LensSystem, solve: SystemSolve & { type: 'marginalRayHeight' }, params: readonly ParamRef[]): Float64Array;
}

let realRaySolver: RealRaySolver | null = null;

/** Installs the real-ray height solve (called once by engine/trace/realRaySolve.ts). */
export function registerRealRaySolver(solver: RealRaySolver): void {
  realRaySolver = solver;
}

const isRealRay = (s: SystemSolve): s is SystemSolve & { type: 'marginalRayHeight' } => s.type === 'marginalRayHeight' && s.pupilZone !== 0;

/** Start of the paraxial ray a solve follows, and its derivative for parameter p. */
interface SolveRay {
  start: ParaxialStart;
  tangent(p: ParamRef): ParaxialStart;
}

function marginalRay(system: LensSystem, scaleFree: boolean): SolveRay {
  const w = system.primaryIndex;
  if (scaleFree) {
    const start = axialRayStart(system, w);
    const finite = Number.isFinite(system.objectDistance);
    return { start, tangent: (p) => [p.kind === 'objectDistance' && finite ? 1 : 0, 0] };
  }
  const pupil = entrancePupil(system);
  return {
    start: marginalRayStart(system, pupil.epd, pupil.epl, w),
    tangent: (p) => marginalRayStartTangent(system, pupil.epd, pupil.epl, w, pupilTangent(system, p, pupil)),
  };
}

function chiefRay(system: LensSystem, where: string): SolveRay {
  const w = system.primaryIndex;
  const fmax = maxField(system);
  if (fmax === 0) throw new SystemError(`${where}: a chief-ray solve needs an off-axis field (all fields are on axis)`);
  const pupil: EntrancePupil = entrancePupil(system);
  const F = objectField(system, 0, fmax, pupil).y;
  return {
    start: chiefRayStart(system, pupil.epl, w, F),
    tangent: (p) => {
      const pt = pupilTangent(system, p, pupil);
      const dF = objectFieldTangent(system, 0, fmax, p, pupil, pt)[1];
      return chiefRayStartTangent(system, pupil.epl, w, pt, F, dF);
    },
  };
}

/** The radial height of an edge-thickness solve: its own, else the larger clear semi-aperture. */
function edgeHeight(system: LensSystem, solve: SystemSolve & { type: 'edgeThickness' }): number {
  if (solve.heightMm !== undefined) return solve.heightMm;
  const s = solve.target.surface;
  const a = system.surfaces[s].semiDiameter, b = system.surfaces[s + 1].semiDiameter;
  const h = Math.max(Number.isFinite(a) ? a : 0, Number.isFinite(b) ? b : 0);
  if (!(h > 0)) throw new SystemError(`${solve.where}: give heightMm, or a semi-diameter on surfaces[${s}] or the next surface`);
  return h;
}

/** True when p is the same parameter as {kind, surface}. */
const same = (p: ParamRef, q: { kind: string; surface: number }) => p.kind === q.kind && p.surface === q.surface;

/**
 * The value a solve gives its parameter at the system's current state.
 * @throws SystemError naming the solve when it has no solution (a ray at height 0 where a curvature
 *   is solved, a ray parallel to the axis where a thickness is solved, a surface that does not reach
 *   the edge height)
 */
export function solveValue(system: LensSystem, solve: SystemSolve): number {
  const w = system.primaryIndex;
  const s = solve.target.surface;
  switch (solve.type) {
    case 'pickup':
      return solve.scale * getParam(system, solve.source) + solve.offset;
    case 'marginalRayAngle':
    case 'chiefRayAngle': {
      const ray = solve.type === 'marginalRayAngle' ? marginalRay(system, false) : chiefRay(system, solve.where);
      const r = traceParaxial(system, w, ...ray.start);
      const y = r.y[s], nu = r.nuBefore[s];
      const N = signedIndexAfter(system, s - 1, w), N2 = signedIndexAfter(system, s, w);
      if (y === 0 || N2 === N) {
        throw new SystemError(`${solve.where}: the ${solve.type === 'marginalRayAngle' ? 'marginal' : 'chief'} ray ${y === 0 ? 'crosses this surface on axis' : 'meets no index change here'}, so no curvature sets its angle`);
      }
      return (nu - N2 * solve.angle) / (y * (N2 - N)) - asphereA2Power(system, s);
    }
    case 'marginalRayHeight':
    case 'chiefRayHeight': {
      if (isRealRay(solve)) return realRaySolver ? realRaySolver.value(system, solve) : system.surfaces[s].thickness;
      const ray = solve.type === 'chiefRayHeight' ? chiefRay(system, solve.where) : marginalRay(system, solve.height === 0);
      const r = traceParaxial(system, w, ...ray.start);
      const y = r.y[s], nu = r.nuAfter[s];
      if (nu === 0) throw new SystemError(`${solve.where}: the ${solve.type === 'chiefRayHeight' ? 'chief' : 'marginal'} ray leaves this surface parallel to the axis, so no thickness sets its height`);
      return ((solve.height - y) * signedIndexAfter(system, s, w)) / nu;
    }
    case 'edgeThickness': {
      const h = edgeHeight(system, solve);
      const za = sagAt(system.surfaces[s], h), zb = sagAt(system.surfaces[s + 1], h);
      if (!Number.isFinite(za) || !Number.isFinite(zb)) throw new SystemError(`${solve.where}: a surface does not reach the edge height ${h} mm`);
      return solve.thickness - zb + za;
    }
  }
}

/** 2·A2 of an even asphere (its r² term's share of the paraxial curvature), else 0. */
function asphereA2Power(system: LensSystem, s: number): number {
  const surf = system.surfaces[s];
  return surf.kind === 'evenAsphere' && surf.asphere.length > 0 ? 2 * surf.asphere[0] : 0;
}

/**
 * Partial derivatives ∂(solveValue)/∂p for each parameter of `params` (every other parameter,
 * solved ones included, held fixed). Units: the solved parameter's per the parameter's.
 * @throws SystemError as {@link solveValue}; Error for a real-ray solve when the tracer is not loaded
 */
export function solveTangents(system: LensSystem, solve: SystemSolve, params: readonly ParamRef[]): Float64Array {
  const w = system.primaryIndex;
  const s = solve.target.surface;
  const out = new Float64Array(params.length);
  switch (solve.type) {
    case 'pickup':
      params.forEach((p, j) => (out[j] = same(p, solve.source) ? solve.scale : 0));
      return out;
    case 'marginalRayAngle':
    case 'chiefRayAngle': {
      const ray = solve.type === 'marginalRayAngle' ? marginalRay(system, false) : chiefRay(system, solve.where);
      const N = signedIndexAfter(system, s - 1, w), N2 = signedIndexAfter(system, s, w);
      const evenAsphere = system.surfaces[s].kind === 'evenAsphere';
      params.forEach((p, j) => {
        const [dy0, dnu0] = ray.tangent(p);
        const [y, nu, dy, dnu] = paraxialTangent(system, p, w, ray.start[0], ray.start[1], dy0, dnu0, s, true);
        const dN = dSignedIndexAfter(system, p, s - 1, w), dN2 = dSignedIndexAfter(system, p, s, w);
        const num = nu - N2 * solve.angle, den = y * (N2 - N);
        const dnum = dnu - dN2 * solve.angle, dden = dy * (N2 - N) + y * (dN2 - dN);
        const dA2 = evenAsphere && p.kind === 'asphere' && (p.index ?? 0) === 0 && p.surface === s ? 2 : 0;
        out[j] = (dnum * den - num * dden) / (den * den) - dA2;
      });
      return out;
    }
    case 'marginalRayHeight':
    case 'chiefRayHeight': {
      if (isRealRay(solve)) {
        if (!realRaySolver) throw new Error(`${solve.where}: the real-ray height solve needs the tracer (engine/trace/realRaySolve.ts) to be differentiated`);
        return realRaySolver.tangents(system, solve, params);
      }
      const ray = solve.type === 'chiefRayHeight' ? chiefRay(system, solve.where) : marginalRay(system, solve.height === 0);
      const N2 = signedIndexAfter(system, s, w);
      params.forEach((p, j) => {
        const [dy0, dnu0] = ray.tangent(p);
        const [y, nu, dy, dnu] = paraxialTangent(system, p, w, ray.start[0], ray.start[1], dy0, dnu0, s, false);
        const dN2 = dSignedIndexAfter(system, p, s, w);
        const dh = solve.height - y;
        out[j] = (-dy * N2 + dh * dN2) / nu - (dh * N2 * dnu) / (nu * nu);
      });
      return out;
    }
    case 'edgeThickness': {
      const h = edgeHeight(system, solve);
      const a = system.surfaces[s], b = system.surfaces[s + 1];
      params.forEach((p, j) => {
        out[j] = (p.surface === s ? dSagAt(a, h, p) : 0) - (p.surface === s + 1 ? dSagAt(b, h, p) : 0);
      });
      return out;
    }
  }
}
