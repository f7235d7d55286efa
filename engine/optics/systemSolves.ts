/**
 * A prescription's solves and pickups (engine/io/solves.ts) as the lens model holds them: one
 * {@link SystemSolve} per solved parameter, addressed like a lens parameter (engine/optics/params.ts:
 * kind 'curvature' | 'thickness' | 'conic', surface index), checked against the lens. How each is
 * computed and differentiated is engine/paraxial/solves.ts; glass pickups are resolved here, when
 * the system is assembled (the surface shares the source surface's Material).
 */
import type { Prescription, SurfaceSpec } from '../io/prescription.ts';
import type { CurvatureSolve, ThicknessSolve } from '../io/solves.ts';

/** The parameter a solve sets (a ParamRef of engine/optics/params.ts). */
export interface SolvedParam {
  readonly kind: 'curvature' | 'thickness' | 'conic';
  readonly surface: number;
}

/** One solved parameter of a system. `where` names it in messages ("surfaces[3].solves.radius"). */
export type SystemSolve =
  | { readonly type: 'pickup'; readonly target: SolvedParam; readonly source: SolvedParam; readonly scale: number; readonly offset: number; readonly where: string }
  | { readonly type: 'marginalRayAngle' | 'chiefRayAngle'; readonly target: SolvedParam; readonly angle: number; readonly fNumber?: number; readonly where: string }
  | { readonly type: 'marginalRayHeight'; readonly target: SolvedParam; readonly height: number; readonly pupilZone: number; readonly where: string }
  | { readonly type: 'chiefRayHeight'; readonly target: SolvedParam; readonly height: number; readonly where: string }
  | { readonly type: 'edgeThickness'; readonly target: SolvedParam; readonly thickness: number; readonly heightMm?: number; readonly where: string };

/** Thrown (as the system's SystemError) for a solve that does not fit the lens. */
type Fail = (message: string) => never;

const hasCurvature = (s: SurfaceSpec | undefined) => s !== undefined && (s.type === 'standard' || s.type === 'evenAsphere');

function curvatureSolve(spec: CurvatureSolve, target: SolvedParam, where: string): SystemSolve {
  switch (spec.type) {
    case 'pickup':
      return { type: 'pickup', target, source: { kind: 'curvature', surface: spec.surface }, scale: spec.scale ?? 1, offset: spec.offset ?? 0, where };
    case 'fNumber':
      return { type: 'marginalRayAngle', target, angle: -1 / (2 * spec.fNumber), fNumber: spec.fNumber, where };
    default:
      return { type: spec.type, target, angle: spec.angle, where };
  }
}

function thicknessSolve(spec: ThicknessSolve, target: SolvedParam, where: string): SystemSolve {
  switch (spec.type) {
    case 'pickup':
      return { type: 'pickup', target, source: { kind: 'thickness', surface: spec.surface }, scale: spec.scale ?? 1, offset: spec.offset ?? 0, where };
    case 'marginalRayHeight':
      return { type: 'marginalRayHeight', target, height: spec.height ?? 0, pupilZone: spec.pupilZone ?? 0, where };
    case 'chiefRayHeight':
      return { type: 'chiefRayHeight', target, height: spec.height ?? 0, where };
    case 'edgeThickness':
      return { type: 'edgeThickness', target, thickness: spec.thickness, heightMm: spec.heightMm, where };
  }
}

/**
 * The numeric solves of a prescription, in surface order (radius, thickness, conic of each), with
 * `imageSolve: "paraxialFocus"` as a marginal-ray-height solve (height 0) on the last thickness
 * unless that thickness has a solve of its own (which then wins).
 * @throws via `fail` for a solve on a parameter the surface does not have, a pickup from a surface
 *   that does not exist, from itself or from a surface without that parameter, a pupil zone away
 *   from the last thickness, or pickups that pick each other up in a loop
 */
export function systemSolves(p: Prescription, fail: Fail): SystemSolve[] {
  const out: SystemSolve[] = [];
  const n = p.surfaces.length;
  const checkSource = (i: number, field: string, src: number, kind: 'radius' | 'thickness' | 'conic' | 'material') => {
    const at = `surfaces[${i}].solves.${field}.surface`;
    if (src >= n) fail(`${at}: surface ${src} does not exist (there are ${n}; indices start at 0)`);
    if (src === i) fail(`${at}: a surface cannot pick up its own ${kind}`);
    const s = p.surfaces[src];
    if ((kind === 'radius' || kind === 'conic') && !hasCurvature(s)) fail(`${at}: surfaces[${src}] is a ${s.type} surface and has no ${kind}`);
    if (kind === 'material' && (s.type === 'coordinateBreak' || (typeof s.material === 'string' && s.material.toUpperCase() === 'MIRROR'))) {
      fail(`${at}: surfaces[${src}] has no glass to pick up (${s.type === 'coordinateBreak' ? 'a coordinate break' : 'a mirror'})`);
    }
  };
  p.surfaces.forEach((s, i) => {
    const solves = s.solves;
    if (!solves) return;
    const where = (f: string) => `surfaces[${i}].solves.${f}`;
    if (solves.radius) {
      if (!hasCurvature(s)) fail(`${where('radius')}: a ${s.type} surface has no radius to solve`);
      if (solves.radius.type === 'pickup') checkSource(i, 'radius', solves.radius.surface, 'radius');
      out.push(curvatureSolve(solves.radius, { kind: 'curvature', surface: i }, where('radius')));
    }
    if (solves.thickness) {
      const t = solves.thickness;
      if (t.type === 'pickup') checkSource(i, 'thickness', t.surface, 'thickness');
      if (t.type === 'marginalRayHeight' && (t.pupilZone ?? 0) !== 0 && i !== n - 1) {
        fail(`${where('thickness')}.pupilZone: a real-ray (pupil-zone) height solve is supported on the last thickness only`);
      }
      out.push(thicknessSolve(t, { kind: 'thickness', surface: i }, where('thickness')));
    }
    if (solves.conic) {
      if (!hasCurvature(s)) fail(`${where('conic')}: a ${s.type} surface has no conic`);
      checkSource(i, 'conic', solves.conic.surface, 'conic');
      const c = solves.conic;
      out.push({ type: 'pickup', target: { kind: 'conic', surface: i }, source: { kind: 'conic', surface: c.surface }, scale: c.scale ?? 1, offset: c.offset ?? 0, where: where('conic') });
    }
    if (solves.material) {
      if (s.type === 'coordinateBreak') fail(`${where('material')}: a coordinate break has no material`);
      checkSource(i, 'material', solves.material.surface, 'material');
    }
  });
  if (p.imageSolve === 'paraxialFocus' && !p.surfaces[n - 1].solves?.thickness) {
    out.push({ type: 'marginalRayHeight', target: { kind: 'thickness', surface: n - 1 }, height: 0, pupilZone: 0, where: 'imageSolve' });
  }
  // Pickup chains must end: follow each source until a parameter that is not picked up.
  const pickupOf = new Map<string, SystemSolve & { type: 'pickup' }>();
  for (const s of out) if (s.type === 'pickup') pickupOf.set(`${s.target.kind}${s.target.surface}`, s);
  for (const s of pickupOf.values()) {
    const seen = new Set<string>();
    for (let cur: (SystemSolve & { type: 'pickup' }) | undefined = s; cur; cur = pickupOf.get(`${cur.source.kind}${cur.source.surface}`)) {
      const key = `${cur.target.kind}${cur.target.surface}`;
      if (seen.has(key)) fail(`${s.where}: pickups form a loop (${[...seen].join(' → ')} → ${key})`);
      seen.add(key);
    }
  }
  return out;
}

/**
 * The surface whose glass surface i uses: i itself, or the end of its chain of glass pickups.
 * @throws via `fail` for a loop of glass pickups
 */
export function materialOrigin(p: Prescription, i: number, fail: Fail): number {
  const seen: number[] = [];
  let k = i;
  for (;;) {
    const src = p.surfaces[k]?.solves?.material?.surface;
    if (src === undefined) return k;
    if (seen.includes(k)) fail(`surfaces[${i}].solves.material: glass pickups form a loop (${[...seen, k].join(' → ')})`);
    seen.push(k);
    k = src;
  }
}
