/**
 * Lens Studio prescription → Zemax OpticStudio sequential .zmx text.
 *
 * Writes the keywords OpticStudio, optiland and ray-optics read: VERS, MODE SEQ, NAME, NOTE,
 * UNIT MM, the aperture (ENPD / FNUM / OBNA / FLOA), GCAT (the catalogs the glasses come from,
 * zmxGlassExport.ts), RAIM, FTYP, XFLN/YFLN/FWGN (and the vignetting factors when set), WAVM,
 * PWAV, then SURF blocks with STOP, COMM, TYPE, CURV, PARM, DISZ (with MAZH 0 0 for the
 * paraxial-focus image solve, zmxAimAndFocus.ts), GLAS, CONI and the apertures (DIAM, CLAP,
 * OBSC, SQAP, SQOB, ELAP, ELOB, OBDC: zmxApertures.ts). Numbers are written in their shortest round-trip form, and a
 * radius R is written as a curvature c whose reciprocal gives R back exactly. Such a c always
 * exists for a radius read from a .zmx (R = 1/c there), so .zmx → JSON → .zmx → JSON keeps every
 * number; for other radii it may not exist (the doubles near 1/R are too sparse), and R comes
 * back within 1 ulp. Save the text with `encodeUtf16Le` (text.ts),
 * the encoding OpticStudio itself writes and the one every .zmx reader tries first.
 *
 * Not expressible in .zmx (warned, written as the nearest thing): glasses from no catalog at hand
 * (written as model glasses, nd and Vd); more than 8 even-asphere terms. Refused (ZmxWriteError):
 * XY-polynomial surfaces, and a surface with an aperture shape as well as a semi-diameter or
 * obscuration (OpticStudio holds one aperture per surface).
 */
import type { Prescription, SurfaceSpec } from './prescription.ts';
import { apertureLines, ZmxApertureError } from './zmxApertures.ts';
import { PARAXIAL_FOCUS_SOLVE, raimLine } from './zmxAimAndFocus.ts';
import { planGlasses, type GlassLookup, type GlassPlan } from './zmxGlassExport.ts';
import { ZmxWriteError } from './zmxWriteError.ts';

export { ZmxWriteError } from './zmxWriteError.ts';
export type { GlassLookup } from './zmxGlassExport.ts';

export interface ZmxWriteOptions {
  /**
   * The glass library the lens was built with: resolves each glass to its catalog, for GCAT and the
   * nd/Vd on its GLAS line (zmxGlassExport.ts). Without it, names are written as given.
   */
  glassLibrary?: GlassLookup;
  /**
   * The solved last thickness (mm) when the prescription has "imageSolve": "paraxialFocus": the
   * DISZ written beside the solve (MAZH 0 0), so that readers that ignore the solve still get the
   * focus. Without it, the prescription's own last thickness is written.
   */
  solvedLastThickness?: number;
  /** Receives one line per feature .zmx cannot hold exactly. */
  warnings?: string[];
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

function apertures(f: Parameters<typeof apertureLines>[0], where: string): string[] {
  try {
    return apertureLines(f);
  } catch (err) {
    if (err instanceof ZmxApertureError) throw new ZmxWriteError(`${where}: ${err.message}`);
    throw err;
  }
}

function surfaceLines(s: SurfaceSpec, i: number, last: boolean, p: Prescription, glasses: GlassPlan, opts: ZmxWriteOptions): string[] {
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
  const solved = last && p.imageSolve === 'paraxialFocus';
  out.push(`DISZ ${fmt(solved ? (opts.solvedLastThickness ?? s.thickness) : s.thickness)}`);
  if (solved) out.push(PARAXIAL_FOCUS_SOLVE);
  const glas = 'material' in s ? glasses.line(s.material) : undefined;
  if (glas) out.push(glas);
  if ((s.type === 'standard' || s.type === 'evenAsphere') && s.conic) out.push(`CONI ${fmt(s.conic)}`);
  out.push(...apertures(s, where));
  return out;
}

/**
 * Writes a prescription as .zmx text (CRLF line ends, lengths in mm).
 * @throws ZmxWriteError for XY-polynomial surfaces and double apertures, which .zmx cannot express
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
  const glasses = planGlasses(p, opts.glassLibrary, opts.warnings);
  if (glasses.gcat.length) lines.push(`GCAT ${glasses.gcat.join(' ')}`);
  lines.push(raimLine(p.rayAiming));
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
  const objGlas = glasses.line(p.object.material);
  if (objGlas) lines.push(indent(objGlas));
  const n = p.surfaces.length;
  p.surfaces.forEach((s, i) => lines.push(`SURF ${i + 1}`, ...surfaceLines(s, i, i === n - 1, p, glasses, opts).map(indent)));
  lines.push(`SURF ${n + 1}`, ...['TYPE STANDARD', `CURV ${fmt(curvatureFor(p.image?.radius))}`, 'DISZ 0'].map(indent));
  lines.push(...apertures(p.image ?? {}, 'image').map(indent));
  return `${lines.join('\r\n')}\r\n`;
}
