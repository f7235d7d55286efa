/**
 * Lens parameters that can be differentiated and optimized, addressed by kind and surface.
 *
 * Units: curvature 1/mm, thickness / decenter / object distance / focal length mm, tilt radians
 * (the prescription stores degrees), conic unitless, asphere A_{2i} mm^(1−2i), XY a_{j,i}
 * mm^(1−j), xyB 1/mm, nd and Vd unitless (model glass only). `surface` is the index into
 * system.surfaces (0-based); `index` selects an asphere or XY coefficient.
 */
import type { LensSystem, Surface } from './system.ts';
import { SystemError } from './system.ts';
import { isTunableGlass, type TunableGlass } from '../materials/offsetGlass.ts';
import type { ParamKind } from '../io/paramKinds.ts';

export type { ParamKind };

export interface ParamRef {
  readonly kind: ParamKind;
  /** Surface index into system.surfaces (ignored for objectDistance). */
  readonly surface: number;
  /** Coefficient index for 'asphere' (0 = A2) and 'xy'. */
  readonly index?: number;
}

/** A short label such as "c3", "t5", "A4@2", "nd2". Surfaces are numbered from 1. */
export function paramLabel(p: ParamRef): string {
  const s = p.surface + 1;
  switch (p.kind) {
    case 'curvature':
      return `c${s}`;
    case 'thickness':
      return `t${s}`;
    case 'conic':
      return `k${s}`;
    case 'asphere':
      return `A${2 * ((p.index ?? 0) + 1)}@${s}`;
    case 'xy':
      return `a${p.index ?? 0}@${s}`;
    case 'objectDistance':
      return 'objectDistance';
    default:
      return `${p.kind}${s}`;
  }
}

function modelGlassOf(system: LensSystem, s: number): TunableGlass {
  const m = system.surfaces[s].material;
  if (!isTunableGlass(m)) {
    throw new SystemError(`surfaces[${s}].material: ${m.name} is a catalog glass; only model glass (nd, Vd) or an offset glass can vary`);
  }
  return m;
}

/** Reads a parameter's current value. */
export function getParam(system: LensSystem, p: ParamRef): number {
  if (p.kind === 'objectDistance') return system.objectDistance;
  const s: Surface = system.surfaces[p.surface];
  switch (p.kind) {
    case 'curvature':
      return s.c;
    case 'thickness':
      return s.thickness;
    case 'conic':
      return s.k;
    case 'asphere':
      return s.asphere[p.index ?? 0] ?? 0;
    case 'xy':
      return s.xy[p.index ?? 0] ?? 0;
    case 'xyB':
      return s.xyB;
    case 'decenterX':
      return s.decenterX;
    case 'decenterY':
      return s.decenterY;
    case 'tiltX':
      return s.tiltX;
    case 'tiltY':
      return s.tiltY;
    case 'tiltZ':
      return s.tiltZ;
    case 'focalLength':
      return s.focalLength;
    case 'nd':
      return modelGlassOf(system, p.surface).nd;
    case 'vd':
      return modelGlassOf(system, p.surface).vd;
  }
}

/**
 * Sets a parameter in place (the system's numbers change; the prescription does not — use
 * writeBack in engine/optics/writeBack.ts to produce an updated prescription). Changing nd or Vd
 * replaces the model glass of every surface that shares it and refreshes their indices.
 */
export function setParam(system: LensSystem, p: ParamRef, value: number): void {
  if (p.kind === 'objectDistance') {
    system.objectDistance = value;
    return;
  }
  const s = system.surfaces[p.surface];
  switch (p.kind) {
    case 'curvature':
      s.c = value;
      return;
    case 'thickness':
      s.thickness = value;
      return;
    case 'conic':
      s.k = value;
      return;
    case 'asphere': {
      const i = p.index ?? 0;
      if (i >= s.asphere.length) {
        const a = new Float64Array(i + 1);
        a.set(s.asphere);
        s.asphere = a;
      }
      s.asphere[i] = value;
      return;
    }
    case 'xy':
      s.xy[p.index ?? 0] = value;
      return;
    case 'xyB':
      s.xyB = value;
      return;
    case 'decenterX':
      s.decenterX = value;
      return;
    case 'decenterY':
      s.decenterY = value;
      return;
    case 'tiltX':
      s.tiltX = value;
      return;
    case 'tiltY':
      s.tiltY = value;
      return;
    case 'tiltZ':
      s.tiltZ = value;
      return;
    case 'focalLength':
      s.focalLength = value;
      return;
    case 'nd':
    case 'vd': {
      const old = modelGlassOf(system, p.surface);
      const next = old.withNdVd(p.kind === 'nd' ? value : old.nd, p.kind === 'vd' ? value : old.vd);
      for (const surf of system.surfaces) {
        if (surf.material === old) {
          surf.material = next;
          for (let w = 0; w < system.wavelengthsUm.length; w++) surf.nAfter[w] = next.index(system.wavelengthsUm[w]);
        }
      }
      return;
    }
  }
}

/** True when the parameter changes the medium after surface s (nd/Vd of that surface's glass). */
export function isIndexParam(p: ParamRef): boolean {
  return p.kind === 'nd' || p.kind === 'vd';
}

/**
 * ∂n/∂θ of the medium after surface s at wavelength w for an nd or Vd parameter (0 when the
 * surface's medium is not the parameter's glass).
 */
export function dIndexAfter(system: LensSystem, p: ParamRef, s: number, w: number): number {
  if (!isIndexParam(p) || s < 0) return 0;
  const glass = system.surfaces[p.surface].material;
  const surf = system.surfaces[s];
  if (surf.material !== glass || !isTunableGlass(glass)) return 0;
  const lam = system.wavelengthsUm[w];
  return p.kind === 'nd' ? glass.dIndexDnd(lam) : glass.dIndexDvd(lam);
}

/** Snapshot of every parameter value, to restore a system after trial steps. */
export function readParams(system: LensSystem, params: readonly ParamRef[], out = new Float64Array(params.length)): Float64Array {
  params.forEach((p, i) => (out[i] = getParam(system, p)));
  return out;
}

/** Writes a vector of values into the system. */
export function writeParams(system: LensSystem, params: readonly ParamRef[], values: ArrayLike<number>): void {
  params.forEach((p, i) => setParam(system, p, values[i]));
}
