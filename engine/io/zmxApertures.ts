/**
 * Surface apertures of .zmx files ↔ the prescription's `semiDiameter`, `obscuration` and
 * `aperture` (engine/io/prescription.ts SurfaceAperture).
 *
 * OpticStudio gives a surface at most one aperture type, written as one keyword with the values
 * in lens units, plus OBDC for its decenter:
 *   CLAP rmin rmax · circular aperture (an annulus when rmin > 0)
 *   OBSC rmin rmax · circular obscuration
 *   SQAP hx hy     · rectangular aperture (half widths)      SQOB hx hy · rectangular obscuration
 *   ELAP hx hy     · elliptical aperture (half widths)       ELOB hx hy · elliptical obscuration
 *   OBDC dx dy     · aperture decenter
 *   FLAP f r       · floating aperture: clips at r, or at DIAM when r is 0
 * CLAP, OBSC, SQAP, OBDC and FLAP are written so in the files of ../shared/data/zmx; SQOB, ELAP and
 * ELOB follow the same pattern (ELAP and SQOB as ray-optics' and optiland's readers name them).
 * A plain DIAM does not clip (as in OpticStudio), except the stop's DIAM when the aperture floats
 * by stop size (FLOA). Spiders and user apertures (SPID, UDAP) are not modelled: warned.
 *
 * Reading: a centred CLAP becomes `semiDiameter` (with `obscuration` = rmin for an annulus), a
 * centred OBSC from 0 becomes `obscuration`, anything else becomes `aperture`. Writing is the
 * reverse; a surface that has an `aperture` as well as a `semiDiameter` or `obscuration` has no
 * single OpticStudio aperture and is refused.
 */
import type { SurfaceAperture } from './prescription.ts';

/** The aperture keywords of one SURF block as read (values in lens units). */
export interface ZmxApertureRecord {
  kind?: 'CLAP' | 'OBSC' | 'SQAP' | 'SQOB' | 'ELAP' | 'ELOB';
  a?: number;
  b?: number;
  decenter?: [number, number];
  /** FLAP's radius (0: at DIAM). */
  flap?: number;
  line?: number;
}

/** Aperture keywords this module reads (zmx.ts routes them here). */
export const ZMX_APERTURE_KEYWORDS = new Set(['CLAP', 'OBSC', 'SQAP', 'SQOB', 'ELAP', 'ELOB', 'OBDC', 'FLAP', 'SPID', 'UDAP']);

/**
 * Records one aperture keyword of a SURF block.
 * @param nums the keyword's numeric tokens (FLAP, SPID and UDAP may have none)
 * @returns a warning for a keyword that is not modelled, else undefined
 */
export function readApertureKeyword(rec: ZmxApertureRecord, kw: string, nums: number[], line: number): string | undefined {
  switch (kw) {
    case 'OBDC':
      rec.decenter = [nums[0] ?? 0, nums[1] ?? 0];
      return undefined;
    case 'FLAP':
      rec.flap = nums[1] ?? 0;
      return undefined;
    case 'SPID':
      return 'SPID (spider obscuration) is not modelled and was ignored';
    case 'UDAP':
      return 'UDAP (user-defined aperture) is not modelled and was ignored';
    default:
      rec.kind = kw as ZmxApertureRecord['kind'];
      rec.a = nums[0] ?? 0;
      rec.b = nums[1] ?? 0;
      rec.line = line;
      return undefined;
  }
}

/** What a surface's aperture keywords become in the prescription (mm). */
export interface ApertureFields {
  semiDiameter?: number;
  obscuration?: number;
  aperture?: SurfaceAperture;
}

/**
 * The prescription fields for one surface's aperture keywords.
 * @param s lens unit in mm
 * @param diam the surface's DIAM (lens units), for FLAP 0 and a floating-by-stop stop
 * @param stopFloats true on the stop surface when the aperture floats by stop size (FLOA)
 * @param warn receives a message naming what could not be kept
 */
export function apertureFields(rec: ZmxApertureRecord, s: number, diam: number | undefined, stopFloats: boolean, warn: (msg: string) => void): ApertureFields {
  const out: ApertureFields = {};
  const [dx, dy] = rec.decenter ?? [0, 0];
  const decentred = dx !== 0 || dy !== 0;
  const dec = decentred ? { ...(dx !== 0 ? { decenterX: dx * s } : {}), ...(dy !== 0 ? { decenterY: dy * s } : {}) } : {};
  const a = (rec.a ?? 0) * s, b = (rec.b ?? 0) * s;
  switch (rec.kind) {
    case 'CLAP':
      if (!(b > 0)) warn(`CLAP maximum radius ${rec.b} is not positive; ignored`);
      else if (!decentred) {
        out.semiDiameter = b;
        if (a > 0) out.obscuration = a;
      } else out.aperture = { shape: 'circular', ...(a > 0 ? { minRadius: a } : {}), maxRadius: b, ...dec };
      break;
    case 'OBSC':
      if (!(b > 0)) warn(`OBSC maximum radius ${rec.b} is not positive; ignored`);
      else if (!decentred && !(a > 0)) out.obscuration = b;
      else out.aperture = { shape: 'circular', obscuration: true, ...(a > 0 ? { minRadius: a } : {}), maxRadius: b, ...dec };
      break;
    case 'SQAP':
    case 'SQOB':
    case 'ELAP':
    case 'ELOB':
      if (!(a > 0 && b > 0)) warn(`${rec.kind} half widths ${rec.a} ${rec.b} are not positive; ignored`);
      else {
        out.aperture = {
          shape: rec.kind === 'SQAP' || rec.kind === 'SQOB' ? 'rectangular' : 'elliptical',
          halfWidthX: a,
          halfWidthY: b,
          ...(rec.kind === 'SQOB' || rec.kind === 'ELOB' ? { obscuration: true } : {}),
          ...dec,
        };
      }
      break;
    default:
      if (rec.flap !== undefined) {
        const r = rec.flap > 0 ? rec.flap : diam;
        if (r !== undefined && r > 0) out.semiDiameter = r * s;
      }
  }
  if (stopFloats && out.semiDiameter === undefined && diam !== undefined && diam > 0) out.semiDiameter = diam * s;
  return out;
}

/** Thrown for aperture settings that no single OpticStudio aperture expresses. */
export class ZmxApertureError extends Error {}

/** Shortest decimal that parses back to exactly `v`. */
const fmt = (v: number) => (Object.is(v, -0) ? '0' : String(v));

/**
 * The .zmx lines for a surface's apertures (mm; UNIT MM files). A plain semi-diameter is written
 * as a fixed DIAM and a CLAP, as before.
 * @throws ZmxApertureError when `aperture` comes with `semiDiameter` or `obscuration`
 */
export function apertureLines(f: ApertureFields): string[] {
  const { semiDiameter: sd, obscuration: ob, aperture: ap } = f;
  if (ap) {
    if (sd !== undefined || ob !== undefined) {
      throw new ZmxApertureError('an `aperture` together with `semiDiameter` or `obscuration` has no single OpticStudio aperture; keep one');
    }
    const out: string[] = [];
    if (ap.shape === 'circular') out.push(`${ap.obscuration ? 'OBSC' : 'CLAP'} ${fmt(ap.minRadius ?? 0)} ${fmt(ap.maxRadius)} 0`);
    else {
      const kw = ap.shape === 'rectangular' ? (ap.obscuration ? 'SQOB' : 'SQAP') : ap.obscuration ? 'ELOB' : 'ELAP';
      out.push(`${kw} ${fmt(ap.halfWidthX)} ${fmt(ap.halfWidthY)} 0`);
    }
    if (ap.decenterX || ap.decenterY) out.push(`OBDC ${fmt(ap.decenterX ?? 0)} ${fmt(ap.decenterY ?? 0)}`);
    return out;
  }
  if (sd !== undefined) return [`DIAM ${fmt(sd)} 1 0 0 1 ""`, `CLAP ${fmt(ob ?? 0)} ${fmt(sd)} 0`];
  if (ob !== undefined) return [`OBSC 0 ${fmt(ob)} 0`];
  return [];
}
