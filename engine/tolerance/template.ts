/**
 * The template prescription of a perturbation model (engine/tolerance/perturbation.ts): the nominal
 * lens with a coordinate-break pair around every surface and element that a decenter or tilt
 * (tolerance or compensator) moves, a break before the image for image tilt, the implicit XY form
 * of surfaces with irregularity, and an offset glass after surfaces with index or Abbe tolerances.
 * Every inserted value is zero: the template traces exactly as the nominal lens.
 */
import type { ToleranceOperandType } from '../io/toleranceSpec.ts';
import { ELEMENT_OPERAND_TYPES } from '../io/toleranceSpec.ts';
import type { MaterialRef, Prescription, SurfaceSpec } from '../io/prescription.ts';

/** Thrown for a tolerance spec that does not fit the lens; the message names the operand. */
export class ToleranceError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ToleranceError';
  }
}

/** A degree of freedom as asked for: an operand, a compensator or a design variable. */
export interface DofSpec {
  type: ToleranceOperandType | 'backFocus' | 'design';
  designKind?: 'curvature' | 'thickness' | 'conic' | 'asphere';
  index?: number;
  surface: number;
  lastSurface?: number;
  wavelengthUm?: number;
  semiAperture?: number;
  /** Where it came from, for error messages: "operands[3] (TSDX)". */
  where: string;
}

export interface Template {
  template: Prescription;
  /** Per prescription surface: its index in the template, and the template surface carrying its thickness. */
  realIndex: Int32Array;
  carrier: Int32Array;
  /** Surface → its [break before, return break]; element first surface → [break, return break]. */
  breakBefore: Map<number, [number, number]>;
  elementBreaks: Map<number, [number, number]>;
  /** The image-tilt break (−1: none). */
  imageCb: number;
  /** Elements [first, last], sorted. */
  elementList: [number, number][];
  /** Surfaces written in the implicit XY form (irregularity). */
  xyForm: Set<number>;
}

/**
 * @param nominal the lens, solves frozen
 * @param all the operands and compensators (design variables need no surface of their own)
 * @throws ToleranceError naming the operand that does not fit the lens
 */
export function buildTemplate(nominal: Prescription, all: readonly DofSpec[]): Template {
  const n = nominal.surfaces.length;
  // What the template needs.
  const surfaceBreak = new Set<number>();
  const xyForm = new Set<number>();
  const offsetGlass = new Set<number>();
  const elements = new Map<string, [number, number]>();
  let imageBreak = false;
  for (const d of all) {
    const s = d.surface;
    const isImage = s === n;
    if (s > n || (isImage && d.type !== 'TSTX' && d.type !== 'TSTY' && d.type !== 'TSDX' && d.type !== 'TSDY')) {
      throw new ToleranceError(`${d.where}: surface ${s} does not exist (the lens has surfaces 0..${n - 1}; ${n} is the image plane, for TSTX/TSTY only)`);
    }
    const kind = isImage ? 'image' : nominal.surfaces[s].type;
    if (kind === 'coordinateBreak' && d.type !== 'TTHI' && d.type !== 'backFocus' && !ELEMENT_OPERAND_TYPES.includes(d.type as ToleranceOperandType)) {
      throw new ToleranceError(`${d.where}: surface ${s} is a coordinate break`);
    }
    switch (d.type) {
      case 'TSDX':
      case 'TSDY':
      case 'TSTX':
      case 'TSTY':
        if (isImage) imageBreak = true;
        else surfaceBreak.add(s);
        break;
      case 'TEDX':
      case 'TEDY':
      case 'TETX':
      case 'TETY': {
        const b = d.lastSurface!;
        if (b >= n) throw new ToleranceError(`${d.where}: lastSurface ${b} does not exist (the lens has surfaces 0..${n - 1})`);
        elements.set(`${s}:${b}`, [s, b]);
        break;
      }
      case 'TIRR':
        if (kind !== 'standard') throw new ToleranceError(`${d.where}: irregularity needs a standard (sphere/conic/plane) surface; surface ${s} is ${kind}`);
        xyForm.add(s);
        break;
      case 'TRAD':
      case 'TFRN':
        if (kind !== 'standard' && kind !== 'evenAsphere') throw new ToleranceError(`${d.where}: surface ${s} (${kind}) has no radius`);
        if (d.type === 'TRAD' && (nominal.surfaces[s] as { radius: number | null }).radius === null) {
          throw new ToleranceError(`${d.where}: surface ${s} is plane; tolerance its radius in fringes (TFRN)`);
        }
        break;
      case 'TIND':
      case 'TABB': {
        const m = 'material' in nominal.surfaces[s] ? (nominal.surfaces[s] as { material?: MaterialRef }).material : undefined;
        const air = m === undefined || m === null || (typeof m === 'string' && /^(air|vacuum|mirror)$/i.test(m.trim()));
        if (air) throw new ToleranceError(`${d.where}: the medium after surface ${s} is not a glass`);
        offsetGlass.add(s);
        break;
      }
    }
  }
  const elementList = [...elements.values()].sort((a, b) => a[0] - b[0]);
  for (let i = 1; i < elementList.length; i++) {
    const [a0, b0] = elementList[i - 1];
    const [a1, b1] = elementList[i];
    if (a1 <= b0 && !(a1 === a0 && b1 === b0)) throw new ToleranceError(`elements ${a0 + 1}-${b0 + 1} and ${a1 + 1}-${b1 + 1} overlap`);
  }
  const elementStart = new Map(elementList.map(([a, b]) => [a, b]));
  const elementEnd = new Map(elementList.map(([a, b]) => [b, a]));

  // ---- the template prescription ----
  const surfaces: SurfaceSpec[] = [];
  const realIndex = new Int32Array(n);
  const carrier = new Int32Array(n);
  const breakBefore = new Map<number, [number, number]>(); // surface → [cb1, cb2]
  const elementBreaks = new Map<number, [number, number]>(); // first surface → [e1, e2]
  const cb = (order: 0 | 1, thickness: number, comment: string): SurfaceSpec => ({ type: 'coordinateBreak', order, thickness, decenterX: 0, decenterY: 0, tiltX: 0, tiltY: 0, comment });
  for (let s = 0; s < n; s++) {
    const spec = structuredClone(nominal.surfaces[s]) as SurfaceSpec & { variables?: unknown };
    delete spec.variables;
    const t = spec.thickness;
    if (elementStart.has(s)) {
      elementBreaks.set(s, [surfaces.length, -1]);
      surfaces.push(cb(0, 0, `element ${s + 1}-${elementStart.get(s)! + 1} decenter/tilt`));
    }
    let real: SurfaceSpec = spec;
    if (xyForm.has(s) && spec.type === 'standard') {
      const c = spec.radius === null ? 0 : 1 / spec.radius;
      const k = spec.conic ?? 0;
      const xy = new Array<number>(15).fill(0);
      xy[3] = c / 2; // y²
      xy[5] = c / 2; // x²
      const { radius: _r, conic: _k, type: _t, ...rest } = spec;
      real = { ...rest, type: 'xyPolynomial', b: (c * (1 + k)) / 2, xy };
    }
    if (offsetGlass.has(s)) {
      const m = (spec as { material?: MaterialRef }).material;
      (real as { material?: MaterialRef }).material = { glass: m as Exclude<MaterialRef, null | { offset: unknown }>, offset: { nd: 0, vd: 0 } };
    }
    if (surfaceBreak.has(s)) {
      const cb1 = surfaces.length;
      surfaces.push(cb(0, 0, `surface ${s + 1} decenter/tilt`));
      realIndex[s] = surfaces.length;
      surfaces.push({ ...real, thickness: 0 } as SurfaceSpec);
      carrier[s] = surfaces.length;
      breakBefore.set(s, [cb1, surfaces.length]);
      surfaces.push(cb(1, t, `surface ${s + 1} return`));
    } else {
      realIndex[s] = surfaces.length;
      carrier[s] = surfaces.length;
      surfaces.push(real);
    }
    if (elementEnd.has(s)) {
      const a = elementEnd.get(s)!;
      let T = 0;
      for (let k = a; k < s; k++) T += nominal.surfaces[k].thickness;
      surfaces[carrier[s]].thickness = -T;
      const e = elementBreaks.get(a)!;
      e[1] = surfaces.length;
      surfaces.push(cb(1, T + t, `element ${a + 1}-${s + 1} return`));
    }
  }
  let imageCb = -1;
  if (imageBreak) {
    imageCb = surfaces.length;
    surfaces.push(cb(0, 0, 'image tilt'));
  }
  const { merit: _m, tolerances: _t, ...rest } = nominal;
  const template: Prescription = { ...rest, surfaces, imageSolve: 'none' };
  return { template, realIndex, carrier, breakBefore, elementBreaks, imageCb, elementList, xyForm };
}
