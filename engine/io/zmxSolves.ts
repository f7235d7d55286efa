/**
 * Solves and pickups in .zmx files ↔ a surface's `solves` (engine/io/solves.ts). Used by zmx.ts
 * (reading) and zmxWrite.ts (writing). The records, in a SURF block:
 * - `CURV c type p1 p2 p3 "macro"`: the curvature's solve; type 2 marginal ray angle (p1 = u'),
 *   3 chief ray angle (p1), 4 pickup (p1 = source SURF, p2 = scale, p3 = offset), 11 F-number
 *   (p1). Types 0 (fixed) and 1 (variable) are no solve. Other types (ray normals, aplanatic,
 *   element power, concentric, ZPL macro) are not modelled: the written curvature is kept, with a
 *   warning.
 * - `PZUP src scale offset column`: thickness pickup (column 0: the thickness column itself).
 * - `MAZH height zone`: marginal-ray-height thickness solve (zone 0: paraxial; else the real ray at
 *   that pupil zone, supported on the image distance); MAZH 0 0 on the last thickness is the
 *   image solve, `"imageSolve": "paraxialFocus"` (zmxAimAndFocus.ts).
 * - `GLAS name 2 src ...`: glass pickup from SURF src (solve type 2).
 * - `PPAR param src scale offset column`: a parameter pickup (e.g. a fold's coordinate-break tilt);
 *   not modelled: the written parameter is kept, with a warning where the surface uses it.
 * Source SURF numbers become 0-based indices (SURF k is `surface: k − 1`); pickups from the object
 * or image surface are not modelled. Lengths scale from the file's unit to mm.
 * Writing: the same records; chief-ray-height and edge-thickness thickness solves and conic pickups
 * have no record here and are written as their current values, with a warning; a marginal-ray-
 * height solve of height 0 on the last thickness is written as MAZH 0 0 by zmxWrite.ts when the
 * prescription's imageSolve is set, else here. Sources: the
 * corpus files in ../shared/data/zmx (CURV type 4, PZUP, MAZH, GLAS type 2 in OpticStudio's own
 * files) and OpticStudio's solve types in its ZPL SOLVETYPE order.
 */
import type { MaterialRef, Prescription, SurfaceSpec } from './prescription.ts';
import type { SurfaceSolves } from './solves.ts';
import { isParaxialFocusSolve } from './zmxAimAndFocus.ts';

/** A solve-bearing record of a SURF block as read. */
export interface ZmxSolveRecord {
  kw: string;
  tokens: string[];
  line: number;
}

/** A SURF block's solve records (CURV with solve tokens, PZUP, MAZH, PPAR) and its GLAS tokens. */
export interface ZmxSurfaceSolveRecords {
  /** The SURF number. */
  n: number;
  type: string;
  records: ZmxSolveRecord[];
  glas?: { tokens: string[]; line: number };
}

export interface ZmxSolveContext {
  fileName: string;
  /** Lens unit → mm. */
  unitMm: number;
  warnings: string[];
}

const CURVATURE_SOLVE_NAMES: Record<number, string> = {
  5: 'marginal ray normal',
  6: 'chief ray normal',
  7: 'aplanatic',
  8: 'element power',
  9: 'concentric with surface',
  10: 'concentric with radius',
  12: 'ZPL macro',
};

const PARM_TYPES = new Set(['EVENASPH', 'ODDASPHE', 'COORDBRK', 'PARAXIAL']);

const num = (t: string | undefined): number => (t === undefined || t === '' ? NaN : Number(t));

/**
 * Adds the solves of each SURF block to its surface. `surfaces[k]` is the surface of `raws[k]`
 * (SURF k + 1); `lastIndex` is the last lens surface's index (the image distance's surface).
 * Anything not modelled is warned about, naming file, line and SURF.
 */
export function attachZmxSolves(surfaces: SurfaceSpec[], raws: ZmxSurfaceSolveRecords[], ctx: ZmxSolveContext): void {
  const { fileName, warnings } = ctx;
  const s = ctx.unitMm;
  const last = surfaces.length - 1;
  // SURF number → 0-based index of a lens surface (the object and image are not lens surfaces).
  const indexOf = new Map(raws.map((r, k) => [r.n, k]));
  const source = (line: number, surf: number, value: number, what: string): number | undefined => {
    const k = indexOf.get(value);
    if (k === undefined) {
      warnings.push(`${fileName}:${line}: SURF ${surf}: ${what} from SURF ${value} (the object, the image or no surface) is not modelled; the value is kept as written`);
      return undefined;
    }
    return k;
  };
  raws.forEach((r, k) => {
    const spec = surfaces[k];
    const solves: SurfaceSolves = {};
    for (const rec of r.records) {
      const t = rec.tokens;
      const warn = (what: string) => warnings.push(`${fileName}:${rec.line}: SURF ${r.n}: ${what}`);
      switch (rec.kw) {
        case 'CURV': {
          const type = num(t[1]);
          if (!(type >= 2)) break;
          const p1 = num(t[2]), p2 = num(t[3]), p3 = num(t[4]);
          if (!('radius' in spec)) {
            warn(`CURV solve type ${type} on a ${spec.type} surface ignored`);
            break;
          }
          if (type === 2 && Number.isFinite(p1)) solves.radius = { type: 'marginalRayAngle', angle: p1 };
          else if (type === 3 && Number.isFinite(p1)) solves.radius = { type: 'chiefRayAngle', angle: p1 };
          else if (type === 11 && Number.isFinite(p1) && p1 !== 0) solves.radius = { type: 'fNumber', fNumber: p1 };
          else if (type === 4 && Number.isFinite(p1)) {
            const src = source(rec.line, r.n, p1, 'curvature pickup');
            if (src !== undefined && src !== k) solves.radius = { type: 'pickup', surface: src, ...scaleOffset(p2, Number.isFinite(p3) ? p3 / s : 0) };
          } else warn(`CURV solve type ${type} (${CURVATURE_SOLVE_NAMES[type] ?? 'unknown'}) is not modelled; the radius is kept as written`);
          break;
        }
        case 'PZUP': {
          const src = source(rec.line, r.n, num(t[0]), 'thickness pickup');
          const column = num(t[3]);
          if (Number.isFinite(column) && column !== 0) warn(`PZUP from column ${column} (another parameter) is not modelled; the thickness is kept as written`);
          else if (src !== undefined && src !== k) solves.thickness = { type: 'pickup', surface: src, ...scaleOffset(num(t[1]), Number.isFinite(num(t[2])) ? num(t[2]) * s : 0) };
          break;
        }
        case 'MAZH': {
          const height = Number.isFinite(num(t[0])) ? num(t[0]) * s : 0;
          const zone = Number.isFinite(num(t[1])) ? num(t[1]) : 0;
          // MAZH 0 0 on the last thickness is the image solve ("imageSolve": "paraxialFocus").
          if (isParaxialFocusSolve({ height, zone }, k === last)) break;
          if (zone !== 0 && k !== last) {
            warn(`MAZH pupil zone ${zone} away from the image distance is not modelled; the paraxial marginal ray is used`);
            solves.thickness = { type: 'marginalRayHeight', ...(height !== 0 && { height }) };
          } else if (Math.abs(zone) > 1) {
            warn(`MAZH pupil zone ${zone} is outside the pupil; the paraxial marginal ray is used`);
            solves.thickness = { type: 'marginalRayHeight', ...(height !== 0 && { height }) };
          } else solves.thickness = { type: 'marginalRayHeight', ...(height !== 0 && { height }), ...(zone !== 0 && { pupilZone: zone }) };
          break;
        }
        case 'PPAR':
          // PPAR param source scale offset column; source 0 is no pickup.
          if (PARM_TYPES.has(r.type) && num(t[1]) >= 1) warn(`PPAR: the pickup of parameter ${t[0]} from SURF ${t[1]} is not modelled; the parameter is kept as written`);
          break;
      }
    }
    if (r.glas && r.glas.tokens[1] === '2' && spec.type !== 'coordinateBreak') {
      const src = source(r.glas.line, r.n, num(r.glas.tokens[2]), 'glass pickup');
      if (src !== undefined && src !== k) solves.material = { type: 'pickup', surface: src };
    }
    if (Object.keys(solves).length) spec.solves = solves;
  });
}

function scaleOffset(scale: number, offset: number): { scale?: number; offset?: number } {
  return { ...(Number.isFinite(scale) && scale !== 1 && { scale }), ...(offset !== 0 && { offset }) };
}

/** How a surface's solves change its .zmx lines (zmxWrite.ts applies them). */
export interface ZmxSolveLines {
  /** Tokens after the CURV value (type p1 p2 p3 "macro"), when the curvature is solved. */
  curvTail?: string;
  /** Replaces GLAS's solve-type and pickup tokens (after the name), for a glass pickup. */
  glasSolve?: string;
  /** Lines after DISZ (PZUP, MAZH). */
  afterDisz: string[];
}

/**
 * The .zmx records of surface i's solves (SURF i + 1; lengths in mm, the written unit).
 * @param warnings receives one line per solve .zmx cannot hold (written as its current value)
 */
export function zmxSolveLines(spec: SurfaceSpec, i: number, fmt: (v: number) => string, warnings?: string[]): ZmxSolveLines {
  const out: ZmxSolveLines = { afterDisz: [] };
  const solves = spec.solves;
  if (!solves) return out;
  const where = `surfaces[${i}].solves`;
  const r = solves.radius;
  if (r) {
    if (r.type === 'pickup') out.curvTail = `4 ${r.surface + 1} ${fmt(r.scale ?? 1)} ${fmt(r.offset ?? 0)} ""`;
    else if (r.type === 'fNumber') out.curvTail = `11 ${fmt(r.fNumber)} 0 0 ""`;
    else out.curvTail = `${r.type === 'marginalRayAngle' ? 2 : 3} ${fmt(r.angle)} 0 0 ""`;
  }
  const t = solves.thickness;
  if (t?.type === 'pickup') out.afterDisz.push(`PZUP ${t.surface + 1} ${fmt(t.scale ?? 1)} ${fmt(t.offset ?? 0)} 0`);
  else if (t?.type === 'marginalRayHeight') out.afterDisz.push(`MAZH ${fmt(t.height ?? 0)} ${fmt(t.pupilZone ?? 0)}`);
  else if (t) warnings?.push(`${where}.thickness: the ${t.type === 'chiefRayHeight' ? 'chief-ray-height' : 'edge-thickness'} solve has no .zmx record here; written as its current thickness`);
  if (solves.conic) warnings?.push(`${where}.conic: the conic pickup has no .zmx record here; written as its current conic`);
  if (solves.material) out.glasSolve = `2 ${solves.material.surface + 1}`;
  return out;
}

/** The material surface i uses: its own, or at the end of its chain of glass pickups (loops stop). */
export function pickedMaterial(surfaces: readonly SurfaceSpec[], i: number): MaterialRef | undefined {
  let k = i;
  for (let hops = 0; hops <= surfaces.length; hops++) {
    const src = surfaces[k]?.solves?.material?.surface;
    if (src === undefined || src >= surfaces.length) break;
    k = src;
  }
  const s = surfaces[k];
  return s && 'material' in s ? s.material : undefined;
}

/** The prescription with each glass pickup's material replaced by its source's (what .zmx writes). */
export function withPickedMaterials(p: Prescription): Prescription {
  if (!p.surfaces.some((s) => s.solves?.material)) return p;
  return {
    ...p,
    surfaces: p.surfaces.map((s, i) => (s.solves?.material && s.type !== 'coordinateBreak' ? ({ ...s, material: structuredClone(pickedMaterial(p.surfaces, i)) } as SurfaceSpec) : s)),
  };
}
