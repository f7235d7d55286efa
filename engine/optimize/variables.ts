/**
 * Choosing the optimization variables: from a merit spec's `variables`, from `--vary` groups
 * (curvatures, thicknesses, conics, aspheres, glass), or from the prescription's per-surface
 * `variables` flags ({"radius": true, "thickness": true, "conic": true, ...}).
 * Bounds are in the parameter's internal unit (tilts: radians; the spec and the flags give degrees).
 * A solved or picked-up parameter (engine/paraxial/solves.ts) cannot also vary: the groups skip it,
 * and naming it in a spec or a flag is an error.
 */
import type { LensSystem } from '../optics/system.ts';
import type { ParamRef } from '../optics/params.ts';
import { ModelGlass } from '../materials/modelGlass.ts';
import type { VariableSpec } from '../io/meritSpecSchema.ts';
import { solveOf } from '../paraxial/solves.ts';

export interface Variable extends ParamRef {
  lower: number;
  upper: number;
  /** Typical magnitude, for the optimizer's step tests. */
  scale: number;
}

export const VARY_GROUPS = ['curvatures', 'thicknesses', 'conics', 'aspheres', 'glass'] as const;
export type VaryGroup = (typeof VARY_GROUPS)[number];

const DEG = Math.PI / 180;

function defaultScale(system: LensSystem, p: ParamRef): number {
  switch (p.kind) {
    case 'curvature':
      return 0.01;
    case 'thickness':
      return Math.max(1, Math.abs(system.surfaces[p.surface]?.thickness ?? 1));
    case 'asphere':
      return 10 ** (-3 * ((p.index ?? 0) + 1));
    case 'xy':
      return 1e-3;
    case 'tiltX':
    case 'tiltY':
    case 'tiltZ':
      return 0.01;
    case 'vd':
      return 10;
    case 'nd':
      return 0.1;
    default:
      return 1;
  }
}

function defaultBounds(system: LensSystem, p: ParamRef): [number, number] {
  switch (p.kind) {
    case 'thickness': {
      // A gap keeps its sign (positive, or negative after a mirror): surfaces never pass through each other axially.
      const t = system.surfaces[p.surface]?.thickness ?? 0;
      return t >= 0 ? [0, Infinity] : [-Infinity, 0];
    }
    case 'nd':
      return [1.45, 2.05];
    case 'vd':
      return [18, 95];
    default:
      return [-Infinity, Infinity];
  }
}

function make(system: LensSystem, p: ParamRef, lower?: number, upper?: number): Variable {
  const [lo, hi] = defaultBounds(system, p);
  return { ...p, lower: lower ?? lo, upper: upper ?? hi, scale: defaultScale(system, p) };
}

/** Factor from the unit files use for a parameter's bounds to the internal one (degrees → radians for tilts). */
const boundFactor = (kind: ParamRef['kind']) => (kind === 'tiltX' || kind === 'tiltY' || kind === 'tiltZ' ? DEG : 1);

/** @throws Error when p is set by a solve or a pickup */
function checkNotSolved(system: LensSystem, p: ParamRef, where: string): void {
  const solve = solveOf(system, p);
  if (solve) throw new Error(`${where}: surface ${p.surface + 1}'s ${p.kind} is set by a solve (${solve.where}, ${solve.type}); remove the solve to vary it`);
}

/** Variables from explicit specs (bounds in spec units: tilts in degrees). */
export function variablesFromSpec(system: LensSystem, specs: readonly VariableSpec[]): Variable[] {
  return specs.map((v, i) => {
    const f = boundFactor(v.kind);
    const p: ParamRef = { kind: v.kind, surface: v.surface ?? 0, index: v.index };
    checkNotSolved(system, p, `variables[${i}]`);
    return make(system, p, v.lower === undefined ? undefined : v.lower * f, v.upper === undefined ? undefined : v.upper * f);
  });
}

/**
 * Variables from `--vary` groups: every curvature of a sphere/conic/asphere, every thickness of a
 * real surface (the last one is the image distance), every conic, every existing even-asphere
 * coefficient, and nd/Vd of every model glass (convert catalog glass to model glass first).
 * @throws Error for an unknown group
 */
export function variablesFromGroups(system: LensSystem, groups: readonly string[]): Variable[] {
  const out: Variable[] = [];
  const last = system.surfaces.length - 1;
  const seenGlass = new Set<unknown>();
  for (const g of groups) {
    if (!(VARY_GROUPS as readonly string[]).includes(g)) throw new Error(`--vary: unknown group "${g}" (expected ${VARY_GROUPS.join(', ')})`);
  }
  for (let s = 0; s < last; s++) {
    const surf = system.surfaces[s];
    const optical = surf.kind === 'standard' || surf.kind === 'evenAsphere';
    const free = (kind: ParamRef['kind']) => !solveOf(system, { kind, surface: s });
    if (groups.includes('curvatures') && optical && free('curvature')) out.push(make(system, { kind: 'curvature', surface: s }));
    if (groups.includes('conics') && optical && free('conic')) out.push(make(system, { kind: 'conic', surface: s }));
    if (groups.includes('aspheres') && surf.kind === 'evenAsphere') {
      surf.asphere.forEach((_, i) => out.push(make(system, { kind: 'asphere', surface: s, index: i })));
    }
    if (groups.includes('glass') && surf.material instanceof ModelGlass && !surf.mirror && !seenGlass.has(surf.material)) {
      seenGlass.add(surf.material);
      out.push(make(system, { kind: 'nd', surface: s }), make(system, { kind: 'vd', surface: s }));
    }
  }
  if (groups.includes('thicknesses')) {
    for (let s = 0; s < last; s++) {
      if (solveOf(system, { kind: 'thickness', surface: s })) continue;
      if (system.surfaces[s].kind !== 'coordinateBreak' || system.surfaces[s].thickness !== 0) out.push(make(system, { kind: 'thickness', surface: s }));
    }
  }
  return out;
}

const FLAG_KINDS: Record<string, ParamRef['kind']> = {
  radius: 'curvature',
  curvature: 'curvature',
  thickness: 'thickness',
  conic: 'conic',
  decenterX: 'decenterX',
  decenterY: 'decenterY',
  tiltX: 'tiltX',
  tiltY: 'tiltY',
  tiltZ: 'tiltZ',
  nd: 'nd',
  vd: 'vd',
  focalLength: 'focalLength',
};

/**
 * Variables from the prescription's per-surface `variables` flags: {"radius": true}, or with bounds
 * {"thickness": {"lower": 1, "upper": 8}} (in the parameter's unit: curvature 1/mm for "radius",
 * degrees for tilts; an asphere flag's bounds apply to each coefficient).
 * @throws Error for a flag on a solved or picked-up parameter
 */
export function variablesFromFlags(system: LensSystem): Variable[] {
  const out: Variable[] = [];
  system.prescription.surfaces.forEach((spec, s) => {
    for (const [key, flag] of Object.entries(spec.variables ?? {})) {
      if (!flag) continue;
      const bounds = typeof flag === 'object' ? flag : {};
      const add = (p: ParamRef) => {
        const f = boundFactor(p.kind);
        checkNotSolved(system, p, `surfaces[${s}].variables.${key}`);
        out.push(make(system, p, bounds.lower === undefined ? undefined : bounds.lower * f, bounds.upper === undefined ? undefined : bounds.upper * f));
      };
      if (key === 'asphere') {
        system.surfaces[s].asphere.forEach((_, i) => add({ kind: 'asphere', surface: s, index: i }));
        continue;
      }
      const kind = FLAG_KINDS[key];
      if (kind) add({ kind, surface: s });
    }
  });
  return out;
}
