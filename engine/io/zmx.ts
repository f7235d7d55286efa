/**
 * Zemax OpticStudio sequential lens files (.zmx) → Lens Studio prescriptions.
 *
 * A .zmx file is a list of keyword lines: system data first (NAME, UNIT, ENPD, FTYP, XFLN, WAVM,
 * GCAT, ...), then one block per surface starting with `SURF n` (SURF 0 is the object plane, the
 * last SURF the image plane). What is read and how (lengths are converted from UNIT to mm):
 * - MODE SEQ (NSC files are refused), NAME, NOTE (joined into `notes`), VERS (into meta);
 * - aperture: ENPD (EPD), FNUM (image-space F/#), OBNA (object NA; flag 1 = cone angle in
 *   degrees, converted as NA = sin θ), FLOA (float by the stop's DIAM);
 * - FTYP type telecentric nFields nWavelengths: field type 0 angle, 1 object height, 2 paraxial
 *   image height, 3 real image height (read as paraxial image height, with a warning); the counts
 *   trim XFLN/YFLN/FWGN/VDXN/VDYN/VCXN/VCYN/VANN and the WAVM list. Old XFLD/YFLD/FWGT and
 *   WAVL/WWGT lists are read whole. PWAV is the 1-based primary wavelength (WAVM is always in µm);
 * - GCAT: catalogs searched in order; GLAS: see zmxGlass.ts;
 * - surfaces: TYPE STANDARD (the default), EVENASPH (PARM i = coefficient of r^(2i)), ODDASPHE
 *   (only when its odd terms are 0: then it is an even asphere), COORDBRK (PARM 1-6: decenter x,
 *   y, tilt x, y, z in degrees, order), PARAXIAL (PARM 1 = focal length); CURV, CONI, DISZ
 *   (INFINITY on the object), STOP, COMM, DIAM; apertures and obscurations (CLAP, OBSC, SQAP,
 *   SQOB, ELAP, ELOB with OBDC, FLAP: zmxApertures.ts). A plain DIAM does not clip (as in
 *   OpticStudio), except the stop's DIAM under FLOA;
 * - RAIM (ray aiming) and MAZH 0 0 on the last lens surface (the marginal-ray-height solve that
 *   puts the image at the paraxial focus): zmxAimAndFocus.ts;
 * - glass names found in several catalogs with no GCAT to choose: warned (zmxGlass.ts).
 * Keywords that do not change the sequential optics are ignored silently; unknown keywords, and
 * known ones whose effect is not modelled (spiders, user apertures, telecentric object space),
 * produce warnings. Unsupported surface types and NSC mode are errors naming the line.
 * Source for the keyword meanings: OpticStudio files in ../shared/data/zmx, cross-checked with the
 * .zmx readers of optiland (fileio/zemax) and ray-optics (zemax/zmxread.py).
 */
import { formatPath } from './jsonText.ts';
import { LensFileError, type LensFileResult } from './lensFileError.ts';
import { FORMAT, Prescription as PrescriptionSchema } from './prescription.ts';
import type { FieldsSpec, MaterialRef, Prescription, SurfaceSpec } from './prescription.ts';
import { decodeText, splitLines } from './text.ts';
import { buildZmxAperture, buildZmxFields, buildZmxWavelengths, statedFirstOrder, type ZmxHeader } from './zmxHeader.ts';
import { materialFromGlas } from './zmxGlass.ts';
import { apertureFields, readApertureKeyword, ZMX_APERTURE_KEYWORDS, type ZmxApertureRecord } from './zmxApertures.ts';
import { imageSolveOf, readMazh, readRaim, type ZmxMazh } from './zmxAimAndFocus.ts';

export { writeZmx } from './zmxWrite.ts';

export interface ZmxParseOptions {
  /** The file's name, used in every error and warning. */
  fileName: string;
  /** True when a catalog glass name is found in the given catalogs (GCAT order) or the built-in table. */
  resolveGlass?: (name: string, catalogs: string[]) => boolean;
  /**
   * The catalogs that hold a glass of this name, with its nd, first the one a search without
   * GCAT would use; lets the reader warn about an ambiguous name in a file with no GCAT.
   */
  glassMatches?: (name: string) => { catalog: string; nd: number }[];
}

/** Lens units → mm. */
const UNIT_MM: Record<string, number> = { MM: 1, CM: 10, IN: 25.4, INCH: 25.4, METER: 1000, M: 1000 };

const SUPPORTED_TYPES = new Set(['STANDARD', 'EVENASPH', 'ODDASPHE', 'COORDBRK', 'PARAXIAL']);

/** Keywords read elsewhere in this module, or with no effect on the sequential optics. */
const SILENT = new Set(
  (
    'VERS PFIL LANG ENVD GFAC PUSH SDMA OMMA ROPD HYPR PICB POLS GLRS GSTD NSCD COFN BLNK TOL ' +
    'TOLE MNUM MOFF DMFS OPDX SSID DBDT AUTH IWDP LUID EERA FIMP HIDE MIRR SLAB POPS MEMA OEMA COAT ' +
    'PZUP PPAR VPAR VDSZ XDAT YDAT PKUP EDGE VCON UDAD USAP TCED CONF PUPD EFFL ISNA WAVN ' +
    'WWGN MNCA MNEA MNCG MNEG MXCA MXCG RGLA TRAC TCMM PMAG TOTR EFLY REAY BLNK TFIL PRAM ZVCX ' +
    'ZVCY ZVDX ZVDY ZVAN'
  ).split(' '),
);

interface RawSurface {
  n: number;
  line: number;
  type: string;
  curv: number;
  disz?: number | 'infinity';
  diszLine?: number;
  conic?: number;
  parms: Map<number, number>;
  glas?: { tokens: string[]; line: number };
  diam?: number;
  stop: boolean;
  comment?: string;
  apertures: ZmxApertureRecord;
  mazh?: ZmxMazh;
}

/**
 * Parses a .zmx file.
 *
 * @param bytes the file's bytes, in any encoding OpticStudio writes (see text.ts)
 * @returns the prescription (lengths in mm) and the warnings, each naming file and line
 * @throws LensFileError naming file, line and keyword: non-sequential mode, an unsupported
 *   surface type (`SURF 7: TYPE TOROIDAL is not supported yet`), a malformed number, a glass found
 *   nowhere with no nd/Vd to fall back on, no aperture, fewer than three SURF blocks
 */
export function parseZmx(bytes: Uint8Array, opts: ZmxParseOptions): LensFileResult<Prescription> {
  const { fileName } = opts;
  const { text, encoding } = decodeText(bytes);
  const lines = splitLines(text);
  const warnings: string[] = [];
  const unknown = new Map<string, { line: number; count: number }>();
  const h: ZmxHeader = { notes: [], arrays: new Map(), wavm: new Map() };
  const surfs: RawSurface[] = [];
  let cur: RawSurface | undefined;

  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i];
    const trimmed = raw.trim();
    if (!trimmed) continue;
    const line = i + 1;
    const sp = trimmed.search(/\s/);
    const kw = sp < 0 ? trimmed : trimmed.slice(0, sp);
    const rest = sp < 0 ? '' : trimmed.slice(sp + 1).trim();
    const tok = rest ? rest.split(/\s+/) : [];
    const err = (detail: string): never => {
      throw new LensFileError(fileName, line, detail);
    };
    const num = (k: number, what = kw): number => {
      const t = tok[k];
      const v = t === undefined ? NaN : Number(t);
      if (t === undefined || t === '' || !Number.isFinite(v)) {
        return err(`${what}: expected a number${t === undefined ? '' : `, got "${t}"`}`);
      }
      return v;
    };
    const nums = (): number[] =>
      tok.map((t) => {
        const v = Number(t);
        return Number.isFinite(v) && t !== '' ? v : err(`${kw}: expected numbers, got "${t}"`);
      });
    const inSurf = (): RawSurface => cur ?? err(`${kw} outside a SURF block`);

    switch (kw) {
      case 'MODE':
        if ((tok[0] ?? '').toUpperCase() !== 'SEQ') {
          err(`MODE ${tok[0] ?? ''}: non-sequential files are not supported (only MODE SEQ)`);
        }
        break;
      case 'NAME':
        h.name = rest.replace(/^"(.*)"$/, '$1').trim();
        break;
      case 'NOTE':
        if (tok[0] === '0') h.notes.push(raw.replace(/^\s*NOTE\s+0 ?/, ''));
        else if (tok[0] === '4') h.notes.push('\n');
        break;
      case 'VERS':
        h.version = rest;
        break;
      case 'UNIT': {
        const u = (tok[0] ?? '').toUpperCase();
        if (!(u in UNIT_MM)) err(`UNIT ${tok[0] ?? ''}: unknown lens unit (expected MM, CM, IN or METER)`);
        h.unitMm = UNIT_MM[u];
        break;
      }
      case 'ENPD':
        h.aperture = { kind: 'ENPD', value: num(0), flag: 0, line };
        break;
      case 'FNUM':
        h.aperture = { kind: 'FNUM', value: num(0), flag: tok[1] ? num(1) : 0, line };
        break;
      case 'OBNA':
        h.aperture = { kind: 'OBNA', value: num(0), flag: tok[1] ? num(1) : 0, line };
        break;
      case 'FLOA':
        h.aperture = { kind: 'FLOA', value: 0, flag: 0, line };
        break;
      case 'FTYP':
        h.ftyp = { type: num(0), telecentric: tok[1] ? num(1) : 0, line };
        if (tok[2] !== undefined) h.ftyp.nFields = num(2);
        if (tok[3] !== undefined) h.ftyp.nWaves = num(3);
        break;
      case 'XFLN': case 'YFLN': case 'FWGN': case 'VDXN': case 'VDYN': case 'VCXN': case 'VCYN':
      case 'VANN': case 'XFLD': case 'YFLD': case 'FWGT': case 'WAVL': case 'WWGT':
        h.arrays.set(kw, { values: nums(), line });
        break;
      case 'WAVM':
        h.wavm.set(num(0), { um: num(1), weight: tok[2] !== undefined ? num(2) : 1, line });
        break;
      case 'PWAV':
        h.pwav = { value: num(0), line };
        break;
      case 'GCAT':
        h.gcat = tok.slice();
        break;
      case 'SURF':
        cur = { n: num(0), line, type: 'STANDARD', curv: 0, parms: new Map(), stop: false, apertures: {} };
        surfs.push(cur);
        break;
      case 'TYPE': {
        const s = inSurf();
        const t = (tok[0] ?? '').toUpperCase();
        if (!SUPPORTED_TYPES.has(t)) err(`SURF ${s.n}: TYPE ${tok[0] ?? '(none)'} is not supported yet`);
        s.type = t;
        break;
      }
      case 'CURV':
        inSurf().curv = num(0);
        break;
      case 'DISZ': {
        const s = inSurf();
        s.disz = (tok[0] ?? '').toUpperCase() === 'INFINITY' ? 'infinity' : num(0);
        s.diszLine = line;
        break;
      }
      case 'CONI':
        inSurf().conic = num(0);
        break;
      case 'PARM':
        inSurf().parms.set(num(0), num(1));
        break;
      case 'GLAS':
        inSurf().glas = { tokens: tok, line };
        break;
      case 'DIAM':
        inSurf().diam = num(0);
        break;
      case 'STOP':
        inSurf().stop = true;
        break;
      case 'COMM':
        if (rest) inSurf().comment = rest;
        break;
      case 'RAIM':
        h.raim = readRaim(tok, line);
        break;
      case 'MAZH':
        inSurf().mazh = readMazh(tok, line);
        break;
      default:
        if (ZMX_APERTURE_KEYWORDS.has(kw)) {
          const s = inSurf();
          const numeric = kw === 'SPID' || kw === 'UDAP' ? [] : nums();
          const w = readApertureKeyword(s.apertures, kw, numeric, line);
          if (w) warnings.push(`${fileName}:${line}: SURF ${s.n}: ${w}`);
          break;
        }
        if (!SILENT.has(kw)) {
          const u = unknown.get(kw);
          if (u) u.count++;
          else unknown.set(kw, { line, count: 1 });
        }
    }
  }
  for (const [kw, u] of unknown) {
    warnings.push(`${fileName}:${u.line}: unknown keyword ${kw} ignored${u.count > 1 ? ` (${u.count} lines)` : ''}`);
  }
  const prescription = assemble(h, surfs, opts, warnings);
  prescription.meta = { ...prescription.meta, sourceFormat: 'zmx', sourceFile: fileName, encoding };
  const checked = PrescriptionSchema.safeParse(prescription);
  if (!checked.success) {
    const issue = checked.error.issues[0];
    throw new LensFileError(fileName, undefined, `${formatPath(issue.path)}: ${issue.message}`);
  }
  return { prescription: checked.data, warnings };
}

/** Scales an even-asphere coefficient list [A2, A4, ...] from lens units to mm: A2i · s^(1−2i). */
function scaleAsphere(a: number[], s: number): number[] {
  return s === 1 ? a : a.map((v, i) => v * s ** (1 - 2 * (i + 1)));
}

function assemble(h: ZmxHeader, surfs: RawSurface[], opts: ZmxParseOptions, warnings: string[]): Prescription {
  const { fileName } = opts;
  const fail = (line: number | undefined, detail: string): never => {
    throw new LensFileError(fileName, line, detail);
  };
  if (surfs.length < 3) {
    fail(undefined, `needs SURF 0 (object), at least one lens surface and an image surface; found ${surfs.length} SURF block(s)`);
  }
  const s = h.unitMm ?? 1;
  const catalogs = h.gcat ?? [];
  const glass = (r: RawSurface): MaterialRef | undefined =>
    r.glas
      ? materialFromGlas(r.glas.tokens, {
          fileName,
          line: r.glas.line,
          surf: r.n,
          catalogs,
          resolveGlass: opts.resolveGlass,
          glassMatches: opts.glassMatches,
          gcatGiven: h.gcat !== undefined,
          warnings,
        })
      : undefined;

  const obj = surfs[0];
  const img = surfs[surfs.length - 1];
  const objectMaterial = glass(obj);
  if (objectMaterial === 'MIRROR') fail(obj.glas?.line, 'SURF 0: GLAS MIRROR on the object surface');
  if (obj.curv !== 0) warnings.push(`${fileName}:${obj.line}: SURF 0: a curved object surface is not modelled; the object is taken as a plane`);
  const objectDistance = obj.disz === undefined ? 0 : obj.disz === 'infinity' ? 'infinity' : obj.disz * s;

  const stops = surfs.map((r, k) => (r.stop ? k : -1)).filter((k) => k >= 0);
  if (stops.includes(0) || stops.includes(surfs.length - 1)) {
    const k = stops.includes(0) ? 0 : surfs.length - 1;
    fail(surfs[k].line, `SURF ${surfs[k].n}: STOP on the ${k === 0 ? 'object' : 'image'} surface`);
  }
  let stopIndex = stops[0] ?? 1;
  if (stops.length === 0) warnings.push(`${fileName}: no STOP keyword; surface 1 is taken as the aperture stop (OpticStudio's default)`);
  if (stops.length > 1) warnings.push(`${fileName}: STOP on several surfaces; the first (SURF ${surfs[stops[0]].n}) is used`);
  const floatByStop = h.aperture?.kind === 'FLOA';

  const clipOf = (r: RawSurface, isStop: boolean) =>
    apertureFields(r.apertures, s, r.diam, isStop && floatByStop, (msg) => warnings.push(`${fileName}:${r.apertures.line ?? r.line}: SURF ${r.n}: ${msg}`));

  const surfaces: SurfaceSpec[] = [];
  for (let k = 1; k < surfs.length - 1; k++) {
    const r = surfs[k];
    if (r.disz === 'infinity') fail(r.diszLine, `SURF ${r.n}: DISZ INFINITY is only allowed on the object surface`);
    const common: Record<string, unknown> = { thickness: ((r.disz as number | undefined) ?? 0) * s };
    if (r.comment) common.comment = r.comment;
    if (k === stopIndex) common.stop = true;
    const clip = clipOf(r, k === stopIndex);
    Object.assign(common, clip);
    if (k === stopIndex && floatByStop && clip.semiDiameter === undefined) {
      fail(h.aperture?.line, `FLOA: the aperture floats by the stop's size, but the stop (SURF ${r.n}) has no DIAM`);
    }
    const radius = r.curv === 0 ? null : 1 / (r.curv / s);
    const conic = r.conic !== undefined && r.conic !== 0 ? { conic: r.conic } : {};
    const material = glass(r);
    const mat = material !== undefined ? { material } : {};
    const parm = (i: number) => r.parms.get(i) ?? 0;
    switch (r.type) {
      case 'STANDARD':
        surfaces.push({ type: 'standard', radius, ...conic, ...mat, ...common } as SurfaceSpec);
        break;
      case 'EVENASPH':
      case 'ODDASPHE': {
        const maxIndex = Math.max(0, ...r.parms.keys());
        let asphere: number[];
        if (r.type === 'EVENASPH') {
          asphere = Array.from({ length: Math.min(16, maxIndex) }, (_, i) => parm(i + 1));
        } else {
          const odd = [...r.parms].find(([i, v]) => i % 2 === 1 && v !== 0);
          if (odd) fail(r.line, `SURF ${r.n}: TYPE ODDASPHE with odd-order terms (PARM ${odd[0]} = ${odd[1]}) is not supported yet`);
          asphere = Array.from({ length: Math.floor(maxIndex / 2) }, (_, i) => parm(2 * (i + 1)));
        }
        while (asphere.length && asphere[asphere.length - 1] === 0) asphere.pop();
        surfaces.push({ type: 'evenAsphere', radius, ...conic, asphere: scaleAsphere(asphere, s), ...mat, ...common } as SurfaceSpec);
        break;
      }
      case 'COORDBRK': {
        if (material !== undefined) warnings.push(`${fileName}:${r.glas?.line}: SURF ${r.n}: GLAS on a coordinate break ignored`);
        const cb: Record<string, unknown> = { type: 'coordinateBreak' };
        const keys = ['decenterX', 'decenterY', 'tiltX', 'tiltY', 'tiltZ'];
        keys.forEach((key, i) => {
          const v = parm(i + 1) * (i < 2 ? s : 1);
          if (v !== 0) cb[key] = v;
        });
        if (parm(6) !== 0) cb.order = 1;
        surfaces.push({ ...cb, ...common } as SurfaceSpec);
        break;
      }
      case 'PARAXIAL': {
        const f = parm(1);
        if (f === 0) fail(r.line, `SURF ${r.n}: TYPE PARAXIAL needs PARM 1 (the focal length) ≠ 0`);
        surfaces.push({ type: 'paraxial', focalLength: f * s, ...mat, ...common } as SurfaceSpec);
        break;
      }
    }
  }

  const image: Prescription['image'] = {};
  if (img.curv !== 0) image.radius = 1 / (img.curv / s);
  Object.assign(image, clipOf(img, false));
  const imageSolve = imageSolveOf(surfs, fileName, warnings);

  const aperture = buildZmxAperture(h, s, fileName, warnings);
  const fields: FieldsSpec = buildZmxFields(h, s, objectDistance === 'infinity', fileName, warnings);
  const wavelengths = buildZmxWavelengths(h, fileName, warnings);
  const notes = h.notes.join('').trim();
  const name = h.name || fileName.replace(/^.*[\\/]/, '').replace(/\.zmx$/i, '');
  const stated = statedFirstOrder(`${h.name ?? ''}\n${notes}`);
  const p: Prescription = {
    format: FORMAT,
    name,
    units: 'mm',
    source: `${fileName.replace(/^.*[\\/]/, '')} (Zemax OpticStudio .zmx)`,
    ...(notes ? { notes } : {}),
    object: { distance: objectDistance, ...(objectMaterial !== undefined ? { material: objectMaterial } : {}) },
    aperture,
    fields,
    wavelengths,
    ...(catalogs.length ? { glassCatalogs: catalogs } : {}),
    ...(h.raim?.real ? { rayAiming: 'real' as const } : {}),
    ...(imageSolve ? { imageSolve } : {}),
    surfaces,
    ...(Object.keys(image).length ? { image } : {}),
    meta: { ...(h.version ? { zmxVersion: h.version } : {}), ...stated },
  };
  return p;
}
