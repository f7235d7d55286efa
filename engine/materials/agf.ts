/**
 * Zemax AGF glass catalog parser.
 *
 * Text encodings: UTF-8 (with or without BOM), UTF-16 LE or BE (with BOM, or without one when the
 * NUL pattern of the first bytes is unambiguous), and Latin-1 when the bytes are not valid UTF-8.
 * Lines end in LF, CRLF or CR.
 *
 * Records (one per line, a two-letter code then blank-separated fields):
 *   CC catalog comment · NM name formula glassCode nd vd excludeSub status meltFreq · GC glass comment
 *   ED TCE TCE100-300 density ΔPgF ignoreThermalExpansion · CD coefficients (λ in µm)
 *   TD D0 D1 D2 E0 E1 λtk Tref · OD cost CR FR SR AR PR · LD λmin λmax · IT λ transmission thickness
 * Any other two-letter record is ignored, as are blank lines and lines starting with '!'.
 * A line whose first field is a number continues the record above it (its fields are appended).
 * Missing trailing fields take their defaults (0; Tref 20 °C; −1 "unknown" for OD); "-" stands
 * for an unknown value. An IT line with fewer than three numbers is skipped (SCHOTT ships some).
 * A glass whose formula number is an integer outside 1..13 is skipped with a warning.
 * Anything else malformed throws AgfParseError naming the catalog, the line and the record.
 */
import {
  CatalogGlass,
  type CatalogGlassData,
  type ExtraData,
  GlassCatalog,
  glassKey,
  type OtherData,
  type ThermalData,
  type TransmissionPoint,
} from './catalog.ts';
import { isDispersionFormula } from './dispersion.ts';
import { LAMBDA_D_UM } from './material.ts';

/** A malformed AGF line. */
export class AgfParseError extends Error {
  constructor(
    readonly catalog: string,
    readonly line: number,
    readonly record: string,
    detail: string,
  ) {
    super(`glass catalog ${catalog}, line ${line} (${record}): ${detail}`);
    this.name = 'AgfParseError';
  }
}

/**
 * Decodes AGF bytes to text (BOM removed). See the module docs for the encodings recognised.
 * Never throws: bytes that are not UTF-8 are read as Latin-1.
 */
export function decodeAgfText(bytes: Uint8Array): string {
  const b = bytes;
  if (b.length >= 3 && b[0] === 0xef && b[1] === 0xbb && b[2] === 0xbf) return utf8OrLatin1(b.subarray(3));
  if (b.length >= 2 && b[0] === 0xff && b[1] === 0xfe) return utf16(b.subarray(2), true);
  if (b.length >= 2 && b[0] === 0xfe && b[1] === 0xff) return utf16(b.subarray(2), false);
  if (b.length >= 4 && b[0] !== 0 && b[1] === 0 && b[2] !== 0 && b[3] === 0) return utf16(b, true);
  if (b.length >= 4 && b[0] === 0 && b[1] !== 0 && b[2] === 0 && b[3] !== 0) return utf16(b, false);
  return utf8OrLatin1(b);
}

function utf16(b: Uint8Array, littleEndian: boolean): string {
  const n = b.length >> 1;
  const units = new Uint16Array(n);
  for (let i = 0; i < n; i++) {
    units[i] = littleEndian ? b[2 * i] | (b[2 * i + 1] << 8) : (b[2 * i] << 8) | b[2 * i + 1];
  }
  let s = '';
  for (let i = 0; i < n; i += 8192) s += String.fromCharCode(...units.subarray(i, i + 8192));
  return s;
}

function utf8OrLatin1(b: Uint8Array): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(b);
  } catch {
    let s = '';
    for (let i = 0; i < b.length; i += 8192) s += String.fromCharCode(...b.subarray(i, i + 8192));
    return s;
  }
}

const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eEdD][+-]?\d+)?$/;

interface RawRecord {
  code: string;
  fields: string[];
  /** Rest of the first line after the code (for free-text records). */
  text: string;
  line: number;
}

/**
 * Parses an AGF glass catalog.
 * @param bytes the file's bytes (any encoding of the module docs)
 * @param catalogName catalog name (upper-cased), e.g. the file stem "SCHOTT"
 * @param source where the bytes came from (informative, kept on the catalog)
 * @returns the catalog, glasses in file order; its `warnings` list the glasses skipped
 * @throws AgfParseError for a malformed line (catalog, 1-based line number, record code)
 */
export function parseAgf(bytes: Uint8Array, catalogName: string, source?: string): GlassCatalog {
  return parseAgfText(decodeAgfText(bytes), catalogName, source);
}

/** As `parseAgf`, from already decoded text. */
export function parseAgfText(text: string, catalogName: string, source?: string): GlassCatalog {
  const catalog = catalogName.trim().toUpperCase();
  const records = splitRecords(text, catalog);
  const glasses: CatalogGlass[] = [];
  const comments: string[] = [];
  const warnings: string[] = [];
  const rejected = new Map<string, string>();
  let cur: { data: CatalogGlassData; transmission: TransmissionPoint[]; line: number; hasCd: boolean } | null = null;
  let skipping = false;

  const finish = () => {
    if (!cur) return;
    if (!cur.hasCd) throw new AgfParseError(catalog, cur.line, 'NM', `glass ${cur.data.name} has no CD record`);
    let glass: CatalogGlass;
    try {
      glass = new CatalogGlass({ ...cur.data, transmission: cur.transmission });
    } catch (e) {
      throw new AgfParseError(catalog, cur.line, 'NM', (e as Error).message);
    }
    const contradiction = ndContradiction(glass);
    if (contradiction) {
      const why = `glass ${glass.name} of catalog ${catalog} (line ${cur.line}) rejected: ${contradiction}`;
      warnings.push(why);
      if (!rejected.has(glassKey(glass.name))) rejected.set(glassKey(glass.name), why);
    } else glasses.push(glass);
    cur = null;
  };

  for (const r of records) {
    const err = (detail: string) => new AgfParseError(catalog, r.line, r.code, detail);
    const num = (i: number, fallback: number): number => {
      const t = r.fields[i];
      if (t === undefined || t === '-') return fallback;
      if (!NUMBER.test(t)) throw err(`field ${i + 1} "${t}" is not a number`);
      return Number(t.replace(/[dD]/, 'e'));
    };
    if (r.code === 'CC') {
      comments.push(r.text);
      continue;
    }
    if (r.code === 'NM') {
      finish();
      skipping = false;
      const name = r.fields[0];
      if (name === undefined) throw err('missing glass name');
      if (r.fields[1] === undefined) throw err(`glass ${name}: missing dispersion formula number`);
      const formula = NUMBER.test(r.fields[1]) ? Number(r.fields[1]) : Number.NaN;
      if (!Number.isInteger(formula)) throw err(`glass ${name}: formula "${r.fields[1]}" is not an integer`);
      if (!isDispersionFormula(formula)) {
        warnings.push(`${catalog}:${name} (line ${r.line}) skipped: dispersion formula ${formula} is not one of 1..13`);
        skipping = true;
        continue;
      }
      const opt = (i: number): number | undefined => {
        const v = num(i, Number.NaN);
        return Number.isFinite(v) ? v : undefined;
      };
      cur = {
        data: {
          name,
          catalog,
          formula,
          coefficients: [],
          glassCode: r.fields[2],
          nd: opt(3),
          vd: opt(4),
          excludeSubstitution: r.fields[5] === undefined ? undefined : opt(5) === 1,
          status: opt(6),
          meltFreq: opt(7),
        },
        transmission: [],
        line: r.line,
        hasCd: false,
      };
      continue;
    }
    if (skipping) continue;
    if (!['GC', 'ED', 'CD', 'TD', 'OD', 'LD', 'IT'].includes(r.code)) continue;
    if (!cur) throw err('record before the first NM line');
    const g: CatalogGlassData = cur.data;
    switch (r.code) {
      case 'GC':
        g.comment = r.text;
        break;
      case 'CD': {
        const cd = r.fields.map((_, i) => num(i, 0));
        if (cd.length === 0) throw err(`glass ${g.name}: no coefficients`);
        g.coefficients = cd;
        cur.hasCd = true;
        break;
      }
      case 'TD': {
        const td: ThermalData = {
          d0: num(0, 0),
          d1: num(1, 0),
          d2: num(2, 0),
          e0: num(3, 0),
          e1: num(4, 0),
          lambdaTkUm: num(5, 0),
          tRefC: num(6, 20),
        };
        g.thermal = td;
        break;
      }
      case 'ED': {
        const ed: ExtraData = {
          tce30to70: num(0, 0),
          tce100to300: num(1, 0),
          densityGcm3: num(2, 0),
          dPgF: num(3, 0),
          ignoreThermalExpansion: num(4, 0) === 1,
        };
        g.extra = ed;
        break;
      }
      case 'OD': {
        const od: OtherData = {
          relativeCost: num(0, -1),
          climateResistance: num(1, -1),
          stainResistance: num(2, -1),
          acidResistance: num(3, -1),
          alkaliResistance: num(4, -1),
          phosphateResistance: num(5, -1),
        };
        g.other = od;
        break;
      }
      case 'LD': {
        if (r.fields.length < 2) throw err(`glass ${g.name}: expected λmin and λmax`);
        g.rangeUm = [num(0, 0), num(1, 0)];
        break;
      }
      case 'IT': {
        if (r.fields.length < 3 || r.fields.slice(0, 3).includes('-')) break;
        cur.transmission.push({ wavelengthUm: num(0, 0), transmission: num(1, 0), thicknessMm: num(2, 0) });
        break;
      }
    }
  }
  finish();
  return new GlassCatalog(catalog, glasses, { comments, warnings, source, rejected });
}

/** Largest |n(d) − stated nd| a catalog entry may show before it is rejected as contradictory. */
export const ND_TOLERANCE = 1e-3;

/**
 * Why a catalog entry contradicts itself, or null: its formula's index at the d line (587.5618 nm)
 * differs from the nd its NM line states by more than ND_TOLERANCE. Entries without a stated nd,
 * or whose LD range excludes the d line (infrared materials often state nd = 1), are not checked.
 */
export function ndContradiction(glass: CatalogGlass): string | null {
  if (glass.nd === undefined || !Number.isFinite(glass.nd)) return null;
  const range = glass.rangeUm;
  if (range && !(LAMBDA_D_UM >= range[0] && LAMBDA_D_UM <= range[1])) return null;
  let n: number;
  try {
    n = glass.index(LAMBDA_D_UM);
  } catch {
    return `its formula gives no index at the d line (${LAMBDA_D_UM} µm) but the catalog states nd = ${glass.nd}`;
  }
  if (Math.abs(n - glass.nd) <= ND_TOLERANCE) return null;
  return `its formula gives nd = ${n.toFixed(6)} but the catalog states nd = ${glass.nd} (more than ${ND_TOLERANCE} apart)`;
}

/** Splits text into records: code, blank-separated fields (continuation lines appended), line number. */
function splitRecords(text: string, catalog: string): RawRecord[] {
  const out: RawRecord[] = [];
  const lines = text.split(/\r\n|\r|\n/);
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    const trimmed = line.trim();
    if (trimmed === '' || trimmed.startsWith('!')) continue;
    const fields = trimmed.split(/\s+/);
    const first = fields[0];
    if (NUMBER.test(first) || first === '-') {
      const prev = out[out.length - 1];
      if (!prev) throw new AgfParseError(catalog, i + 1, first, 'continuation line before any record');
      prev.fields.push(...fields);
      prev.text += ` ${trimmed}`;
      continue;
    }
    const m = /^([A-Za-z]{2})(?:\s+|$)(.*)$/.exec(trimmed);
    if (!m) continue; // not a record: ignored like an unknown record
    out.push({ code: m[1].toUpperCase(), fields: fields.slice(1), text: m[2].trim(), line: i + 1 });
  }
  return out;
}
