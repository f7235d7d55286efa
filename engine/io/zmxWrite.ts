/**
 * Lens Studio prescription → Zemax OpticStudio sequential .zmx text.
 *
 * Writes the keywords OpticStudio, optiland and ray-optics read: VERS, MODE SEQ, NAME, NOTE,
 * UNIT MM, the aperture (ENPD / FNUM / OBNA / FLOA), GCAT, FTYP, XFLN/YFLN/FWGN (and the
 * vignetting factors when set), WAVM, PWAV, then SURF blocks with STOP, COMM, TYPE, CURV, PARM,
 * DISZ, GLAS, CONI, DIAM and CLAP, and the solves and pickups (zmxSolves.ts). Numbers are written in their shortest round-trip form, and a
 * radius R is written as a curvature c whose reciprocal gives R back exactly. Such a c always
 * exists for a radius read from a .zmx (R = 1/c there), so .zmx → JSON → .zmx → JSON keeps every
 * number; for other radii it may not exist (the doubles near 1/R are too sparse), and R comes
 * back within 1 ulp. Save the text with `encodeUtf16Le` (text.ts),
 * the encoding OpticStudio itself writes and the one every .zmx reader tries first.
 *
 * Not expressible in .zmx (warned, written as the nearest thing): glasses given by an inline
 * dispersion formula (written by name with their nd/Vd); more than 8 even-asphere terms.
 * XY-polynomial surfaces have no .zmx counterpart here and are refused.
 */
import { FormulaGlass } from '../materials/dispersion.ts';
import { LAMBDA_C_UM, LAMBDA_D_UM, LAMBDA_F_UM } from '../materials/material.ts';
import type { MaterialRef, Prescription, SurfaceSpec } from './prescription.ts';
import { constantIndexOf } from './zmxGlass.ts';
import { pickedMaterial, zmxSolveLines } from './zmxSolves.ts';

export interface ZmxWriteOptions {
  /** nd and Vd of a catalog glass, put on its GLAS line so readers without the catalog can fall back. */
  glassData?: (name: string, catalogs: string[]) => { nd: number; vd: number } | undefined;
  /** Receives one line per feature .zmx cannot hold exactly. */
  warnings?: string[];
}

/** Thrown for a prescription feature that has no .zmx form. */
export class ZmxWriteError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ZmxWriteError';
  }
}

/** Shortest decimal that parses back to exactly `v`. */
function fmt(v: number): string {
  return Object.is(v, -0) ? '0' : String(v);
}

/** The double next to `v` in the direction of `dir` (+1 or −1). */
function nextDouble(v: number, dir: number): number {
  const buf = new DataView(new ArrayBuffer(8));
  buf.setFloat64(0, v);
  let bits = buf.getBigUint64(0);
  bits += (v > 0) === dir > 0 ? 1n : -1n;
  buf.setBigUint64(0, bits);
  return buf.getFloat64(0);
}

/**
 * The curvature to write for a radius (mm → 1/mm; null or undefined → 0): a double c with
 * 1/c === radius when one lies within 4 ulps of 1/radius, else the nearest double to 1/radius.
 */
export function curvatureFor(radius: number | null | undefined): number {
  if (radius === null || radius === undefined) return 0;
  const c0 = 1 / radius;
  if (1 / c0 === radius) return c0;
  for (let k = 1; k <= 4; k++) {
    for (const dir of [1, -1]) {
      let c = c0;
      for (let j = 0; j < k; j++) c = nextDouble(c, dir);
      if (1 / c === radius) return c;
    }
  }
  return c0;
}

const GLASS_TOKEN = /^[A-Za-z0-9][A-Za-z0-9_.+\-()]*$/;

function glasLine(
  ref: MaterialRef | undefined,
  where: string,
  catalogs: string[],
  opts: ZmxWriteOptions,
): string | undefined {
  if (ref === undefined || ref === null) return undefined;
  const tail = (nd: number, vd: number) => `${fmt(nd)} ${fmt(vd)} 0 0 0 0 0 0`;
  const byName = (name: string, catalog?: string): string => {
    const data = opts.glassData?.(name, catalog ? [catalog] : catalogs);
    return data ? `GLAS ${name} 0 0 ${tail(data.nd, data.vd)}` : `GLAS ${name} 0 0`;
  };
  if (typeof ref === 'string') {
    const upper = ref.toUpperCase();
    if (upper === 'AIR') return undefined;
    if (upper === 'MIRROR') return 'GLAS MIRROR 0 0';
    const colon = ref.indexOf(':');
    return colon > 0 ? byName(ref.slice(colon + 1), ref.slice(0, colon)) : byName(ref);
  }
  if ('offset' in ref) {
    opts.warnings?.push(`${where}: the glass offset (Δnd ${ref.offset.nd}, ΔVd ${ref.offset.vd}) is not written; .zmx gets the base glass`);
    return glasLine(ref.glass, where, catalogs, opts);
  }
  if ('model' in ref) {
    const { nd, vd } = ref.model;
    if (ref.name && GLASS_TOKEN.test(ref.name) && !ref.name.startsWith('___')) return `GLAS ${ref.name} 0 0 ${tail(nd, vd)}`;
    return `GLAS ___BLANK 1 0 ${tail(nd, vd)}`;
  }
  if ('formula' in ref) {
    const n = constantIndexOf(ref);
    if (n !== undefined) return `GLAS ___BLANK 1 0 ${tail(n, 0)}`;
    const g = new FormulaGlass(ref.name, ref.formula, ref.coefficients, ref.catalog);
    const nd = g.index(LAMBDA_D_UM);
    const vd = (nd - 1) / (g.index(LAMBDA_F_UM) - g.index(LAMBDA_C_UM));
    const name = ref.name.replace(/\s+/g, '_');
    opts.warnings?.push(
      `${where}: glass ${ref.name} is given by an inline dispersion formula, which .zmx cannot hold; written by name with nd = ${nd.toFixed(6)}, Vd = ${vd.toFixed(3)}`,
    );
    return `GLAS ${name} 0 0 ${tail(nd, vd)}`;
  }
  return byName(ref.name, ref.catalog);
}

function catalogsOf(p: Prescription): string[] {
  const out = [...(p.glassCatalogs ?? [])];
  const add = (c: string | undefined) => {
    if (c && !out.some((o) => o.toUpperCase() === c.toUpperCase())) out.push(c);
  };
  for (const s of p.surfaces) {
    const m = 'material' in s ? s.material : undefined;
    if (typeof m === 'string' && m.indexOf(':') > 0) add(m.slice(0, m.indexOf(':')));
    else if (m && typeof m === 'object' && !('model' in m) && !('formula' in m) && !('offset' in m)) add(m.catalog);
  }
  return out;
}

function surfaceLines(s: SurfaceSpec, i: number, catalogs: string[], opts: ZmxWriteOptions, all: readonly SurfaceSpec[]): string[] {
  const where = `surfaces[${i}]`;
  const out: string[] = [];
  if (s.stop) out.push('STOP');
  if (s.comment) out.push(`COMM ${s.comment.replace(/[\r\n]+/g, ' ')}`);
  const parms: number[] = [];
  switch (s.type) {
    case 'standard':
      out.push('TYPE STANDARD', `CURV ${fmt(curvatureFor(s.radius))}`);
      break;
    case 'evenAsphere': {
      out.push('TYPE EVENASPH', `CURV ${fmt(curvatureFor(s.radius))}`);
      if (s.asphere.slice(8).some((v) => v !== 0)) {
        opts.warnings?.push(`${where}: OpticStudio's EVENASPH holds 8 terms (to r^16); terms beyond were dropped`);
      }
      parms.push(...s.asphere.slice(0, 8));
      break;
    }
    case 'coordinateBreak':
      out.push('TYPE COORDBRK', 'CURV 0');
      parms.push(s.decenterX ?? 0, s.decenterY ?? 0, s.tiltX ?? 0, s.tiltY ?? 0, s.tiltZ ?? 0, s.order ?? 0);
      break;
    case 'paraxial':
      out.push('TYPE PARAXIAL', 'CURV 0');
      parms.push(s.focalLength);
      break;
    case 'xyPolynomial':
      throw new ZmxWriteError(`${where}: XY-polynomial (dO implicit freeform) surfaces cannot be written to .zmx yet`);
  }
  parms.forEach((v, k) => out.push(`PARM ${k + 1} ${fmt(v)}`));
  out.push(`DISZ ${fmt(s.thickness)}`);
  const solve = zmxSolveLines(s, i, fmt, opts.warnings);
  out.push(...solve.afterDisz);
  if (solve.curvTail) {
    const c = out.findIndex((l) => l.startsWith('CURV '));
    out[c] = `${out[c]} ${solve.curvTail}`;
  }
  let glas = 'material' in s ? glasLine(s.solves?.material ? pickedMaterial(all, i) : s.material, where, catalogs, opts) : undefined;
  if (glas && solve.glasSolve) glas = glas.replace(/^(GLAS \S+) \S+ \S+/, `$1 ${solve.glasSolve}`);
  if (glas) out.push(glas);
  if ((s.type === 'standard' || s.type === 'evenAsphere') && s.conic) out.push(`CONI ${fmt(s.conic)}`);
  if (s.semiDiameter !== undefined) out.push(`DIAM ${fmt(s.semiDiameter)} 1 0 0 1 ""`, `CLAP 0 ${fmt(s.semiDiameter)} 0`);
  return out;
}

/**
 * Writes a prescription as .zmx text (CRLF line ends, lengths in mm).
 * @throws ZmxWriteError for XY-polynomial surfaces, which .zmx cannot express
 */
export function writeZmx(p: Prescription, opts: ZmxWriteOptions = {}): string {
  const lines: string[] = ['VERS 190513 0 0', 'MODE SEQ', `NAME ${p.name.replace(/[\r\n]+/g, ' ')}`];
  if (p.notes) {
    p.notes.split('\n').forEach((para, k) => {
      if (k > 0) lines.push('NOTE 4');
      for (let j = 0; j < Math.max(1, para.length); j += 200) lines.push(`NOTE 0 ${para.slice(j, j + 200)}`);
    });
  }
  lines.push('UNIT MM X W X CM MR CPMM');
  const a = p.aperture;
  if (a.type === 'EPD') lines.push(`ENPD ${fmt(a.value ?? 0)}`);
  else if (a.type === 'imageFNumber') lines.push(`FNUM ${fmt(a.value ?? 0)} 0`);
  else if (a.type === 'objectNA') lines.push(`OBNA ${fmt(a.value ?? 0)} 0`);
  else lines.push('FLOA');
  const catalogs = catalogsOf(p);
  if (catalogs.length) lines.push(`GCAT ${catalogs.join(' ')}`);
  const pts = p.fields.points;
  const ftyp = { angle: 0, objectHeight: 1, paraxialImageHeight: 2 }[p.fields.type];
  const wl = p.wavelengths;
  lines.push(`FTYP ${ftyp} 0 ${pts.length} ${wl.valuesUm.length} 0 0 0`);
  lines.push(`XFLN ${pts.map((f) => fmt(f.x)).join(' ')}`, `YFLN ${pts.map((f) => fmt(f.y)).join(' ')}`);
  lines.push(`FWGN ${pts.map((f) => fmt(f.weight ?? 1)).join(' ')}`);
  if (pts.some((f) => f.vignetting)) {
    for (const [kw, key] of [['VDXN', 'vdx'], ['VDYN', 'vdy'], ['VCXN', 'vcx'], ['VCYN', 'vcy'], ['VANN', 'van']] as const) {
      lines.push(`${kw} ${pts.map((f) => fmt(f.vignetting?.[key] ?? 0)).join(' ')}`);
    }
  }
  wl.valuesUm.forEach((um, k) => lines.push(`WAVM ${k + 1} ${fmt(um)} ${fmt(wl.weights?.[k] ?? 1)}`));
  lines.push(`PWAV ${wl.primaryIndex + 1}`);

  const indent = (l: string) => `  ${l}`;
  const d = p.object.distance;
  lines.push('SURF 0', ...['TYPE STANDARD', 'CURV 0', `DISZ ${d === 'infinity' ? 'INFINITY' : fmt(d)}`].map(indent));
  const objGlas = glasLine(p.object.material, 'object', catalogs, opts);
  if (objGlas) lines.push(indent(objGlas));
  p.surfaces.forEach((s, i) => lines.push(`SURF ${i + 1}`, ...surfaceLines(s, i, catalogs, opts, p.surfaces).map(indent)));
  lines.push(`SURF ${p.surfaces.length + 1}`, ...['TYPE STANDARD', `CURV ${fmt(curvatureFor(p.image?.radius))}`, 'DISZ 0'].map(indent));
  const sd = p.image?.semiDiameter;
  if (sd !== undefined) lines.push(indent(`DIAM ${fmt(sd)} 1 0 0 1 ""`), indent(`CLAP 0 ${fmt(sd)} 0`));
  return `${lines.join('\r\n')}\r\n`;
}
