/**
 * System data of a .zmx file (fields, wavelengths, stated first-order numbers) → prescription parts.
 * Used by zmx.ts; see there for the keywords.
 */
import { LensFileError } from './lensFileError.ts';
import type { ApertureSpec, FieldsSpec, WavelengthsSpec } from './prescription.ts';

/** The system keywords of a .zmx file as read, before conversion. Lengths in lens units. */
export interface ZmxHeader {
  name?: string;
  /** NOTE 0 text pieces and '\n' for NOTE 4 paragraph breaks, in file order. */
  notes: string[];
  version?: string;
  /** Lens unit in mm (UNIT). */
  unitMm?: number;
  aperture?: { kind: 'ENPD' | 'FNUM' | 'OBNA' | 'FLOA'; value: number; flag: number; line: number };
  ftyp?: { type: number; telecentric: number; nFields?: number; nWaves?: number; line: number };
  /** Number lists by keyword: XFLN, YFLN, FWGN, VDXN, VDYN, VCXN, VCYN, VANN, XFLD, YFLD, FWGT, WAVL, WWGT. */
  arrays: Map<string, { values: number[]; line: number }>;
  /** WAVM by its 1-based slot: wavelength in µm and weight. */
  wavm: Map<number, { um: number; weight: number; line: number }>;
  pwav?: { value: number; line: number };
  gcat?: string[];
  /** RAIM: true when the file asks for ray aiming at the stop (zmxAimAndFocus.ts). */
  raim?: { real: boolean; line: number };
}

const VIGNETTING = [
  ['VDXN', 'vdx'],
  ['VDYN', 'vdy'],
  ['VCXN', 'vcx'],
  ['VCYN', 'vcy'],
  ['VANN', 'van'],
] as const;

/**
 * Fields from FTYP and the XFLN/YFLN lists (or the old XFLD/YFLD). Heights are scaled by `s`
 * (lens unit → mm); angles are in degrees.
 * @throws LensFileError for an unsupported field type or object heights with an object at infinity
 */
export function buildZmxFields(h: ZmxHeader, s: number, objectAtInfinity: boolean, fileName: string, warnings: string[]): FieldsSpec {
  const ft = h.ftyp?.type ?? 0;
  const line = h.ftyp?.line;
  let type: FieldsSpec['type'];
  if (ft === 0) type = 'angle';
  else if (ft === 1) type = 'objectHeight';
  else if (ft === 2) type = 'paraxialImageHeight';
  else if (ft === 3) {
    type = 'paraxialImageHeight';
    warnings.push(`${fileName}:${line}: FTYP 3: real image heights are read as paraxial image heights (equal only without distortion)`);
  } else {
    const names: Record<number, string> = { 4: 'theodolite angles' };
    throw new LensFileError(fileName, line, `FTYP ${ft}: field type ${names[ft] ?? ft} is not supported yet`);
  }
  if (type === 'objectHeight' && objectAtInfinity) {
    throw new LensFileError(fileName, line, 'FTYP 1: object-height fields need a finite object distance (SURF 0 DISZ is INFINITY)');
  }
  if (h.ftyp?.telecentric === 1) {
    warnings.push(`${fileName}:${line}: FTYP: object-space telecentric flag ignored; chief rays are aimed at the paraxial entrance pupil`);
  }
  const modern = h.arrays.has('XFLN') || h.arrays.has('YFLN');
  const xs = h.arrays.get(modern ? 'XFLN' : 'XFLD')?.values ?? [];
  const ys = h.arrays.get(modern ? 'YFLN' : 'YFLD')?.values ?? [];
  const ws = h.arrays.get(modern ? 'FWGN' : 'FWGT')?.values ?? [];
  const available = Math.max(xs.length, ys.length);
  let n = modern && h.ftyp?.nFields !== undefined ? h.ftyp.nFields : available;
  if (n > available) {
    if (available > 0) warnings.push(`${fileName}:${line}: FTYP declares ${n} fields but XFLN/YFLN give ${available}; using ${available}`);
    n = available;
  }
  if (n === 0) {
    warnings.push(`${fileName}: no field points; using one on-axis field`);
    return { type, points: [{ x: 0, y: 0 }] };
  }
  const scale = type === 'angle' ? 1 : s;
  let vignetted = false;
  const points: FieldsSpec['points'] = [];
  for (let i = 0; i < n; i++) {
    const point: FieldsSpec['points'][number] = { x: (xs[i] ?? 0) * scale, y: (ys[i] ?? 0) * scale };
    if (ws[i] !== undefined && ws[i] !== 1) point.weight = ws[i];
    const v: Record<string, number> = {};
    for (const [kw, key] of VIGNETTING) {
      const value = h.arrays.get(kw)?.values[i];
      if (value !== undefined && value !== 0) v[key] = value;
    }
    if (Object.keys(v).length) {
      point.vignetting = v;
      vignetted = true;
    }
    points.push(point);
  }
  if (vignetted) {
    warnings.push(`${fileName}: vignetting factors (VDXN/VDYN/VCXN/VCYN/VANN) are kept in the prescription but not applied by the tracer`);
  }
  return { type, points };
}

/**
 * Wavelengths (µm) from WAVM slots 1..nWavelengths of FTYP (or the old WAVL/WWGT lists) and PWAV.
 * @throws LensFileError for a non-positive wavelength or a PWAV outside the list
 */
export function buildZmxWavelengths(h: ZmxHeader, fileName: string, warnings: string[]): WavelengthsSpec {
  let values: number[] = [];
  let weights: number[] = [];
  if (h.wavm.size) {
    const slots = [...h.wavm.keys()].sort((a, b) => a - b);
    const count = h.ftyp?.nWaves;
    for (const k of slots) {
      if (count !== undefined && k > count) continue;
      const w = h.wavm.get(k)!;
      if (!(w.um > 0)) throw new LensFileError(fileName, w.line, `WAVM ${k}: wavelength must be positive (got ${w.um})`);
      values.push(w.um);
      weights.push(w.weight);
    }
  } else if (h.arrays.has('WAVL')) {
    const wavl = h.arrays.get('WAVL')!;
    values = wavl.values;
    if (values.some((v) => !(v > 0))) throw new LensFileError(fileName, wavl.line, 'WAVL: wavelengths must be positive');
    weights = values.map((_, i) => h.arrays.get('WWGT')?.values[i] ?? 1);
  }
  if (values.length === 0) {
    warnings.push(`${fileName}: no wavelengths; using 0.55 µm (OpticStudio's default)`);
    return { valuesUm: [0.55], primaryIndex: 0 };
  }
  const primaryIndex = h.pwav ? h.pwav.value - 1 : 0;
  if (!Number.isInteger(primaryIndex) || primaryIndex < 0 || primaryIndex >= values.length) {
    throw new LensFileError(fileName, h.pwav?.line, `PWAV ${h.pwav?.value}: primary wavelength must be one of 1..${values.length}`);
  }
  return { valuesUm: values, ...(weights.some((w) => w !== 1) ? { weights } : {}), primaryIndex };
}

/**
 * First-order numbers a lens file states in its text (NAME, NOTE), e.g. "f=26.5 mm", "F/1.5".
 * Informative only (kept in `meta`); returns the keys `statedEfl` and `statedFNumber` when found.
 */
export function statedFirstOrder(text: string): { statedEfl?: number; statedFNumber?: number } {
  const out: { statedEfl?: number; statedFNumber?: number } = {};
  const efl = /\b(?:EFL|EFFL|f)\s*=\s*(\d+(?:\.\d+)?)\s*mm\b/i.exec(text);
  if (efl) out.statedEfl = Number(efl[1]);
  const fno = /\bF\s*\/\s*#?\s*(\d+(?:\.\d+)?)/i.exec(text);
  if (fno) out.statedFNumber = Number(fno[1]);
  return out;
}

/**
 * The system aperture from ENPD (EPD, scaled by `s`), FNUM, OBNA (flag 1: cone angle θ in degrees,
 * NA = sin θ) or FLOA.
 * @throws LensFileError when there is none, or its value is not positive
 */
export function buildZmxAperture(h: ZmxHeader, s: number, fileName: string, warnings: string[]): ApertureSpec {
  const a = h.aperture;
  if (!a) throw new LensFileError(fileName, undefined, 'no system aperture: expected ENPD, FNUM, OBNA or FLOA');
  const bad = (what: string): never => {
    throw new LensFileError(fileName, a.line, `${a.kind}: ${what} must be positive (got ${a.value})`);
  };
  switch (a.kind) {
    case 'ENPD':
      if (!(a.value > 0)) bad('the entrance-pupil diameter');
      return { type: 'EPD', value: a.value * s };
    case 'FNUM':
      if (!(a.value > 0)) bad('the F-number');
      if (a.flag === 1) warnings.push(`${fileName}:${a.line}: FNUM: paraxial working F/# read as the image-space F/# (EFL/EPD); they differ at finite conjugates`);
      return { type: 'imageFNumber', value: a.value };
    case 'OBNA': {
      if (!(a.value > 0)) bad('the object-space NA');
      if (a.flag !== 1) return { type: 'objectNA', value: a.value };
      warnings.push(`${fileName}:${a.line}: OBNA: object cone angle ${a.value}° converted to NA = sin θ (object space taken as air)`);
      return { type: 'objectNA', value: Math.sin((a.value * Math.PI) / 180) };
    }
    case 'FLOA':
      return { type: 'floatByStop' };
  }
}
