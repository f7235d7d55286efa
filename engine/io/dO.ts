/**
 * dO lens text files (vccimaging/DiffOptics, `Lensgroup.read_lensfile` in diffoptics/optics.py).
 *
 * Layout: line 1 is the lens name, line 2 a column header, then one row per surface:
 *   `type distance roc diameter material [extras...]`
 * - type: O object, S surface, A aperture stop, X XY polynomial, I image (sensor);
 *   B (B-spline) and M rows are refused;
 * - distance (mm): gap from the previous row's vertex (the O row's is ignored, as dO resets its
 *   running distance there); the I row's distance is the last surface's distance to the image;
 * - roc (mm): radius of curvature, 0 meaning flat; dO stores c = 1/roc;
 * - diameter (mm): full clear aperture; dO drops rays outside it, so diameter/2 → `semiDiameter`
 *   (the I row's diameter is the sensor size, kept in meta.sensorSemiDiameterMm, not clipped);
 * - material: the medium after the row (see dOGlass.ts);
 * - S extras: conic k, then a4, a6, ...: dO's sag is c r²/(1 + sqrt(1 − (1+k) c² r²)) + Σ aᵢ r^(2i+4)
 *   (shapes.py Aspheric._g), so they map onto our even asphere as [A2, A4, A6, ...] = [0, a4, a6, ...];
 * - X extras: b, then a_{j,i} in dO's order (j = 0..J, i = 0..j) of the implicit surface
 *   b z² − z + Σ a_{j,i} x^i y^(j−i) = 0 (shapes.py XYPolynomial), which our xyPolynomial mirrors.
 *
 * dO files carry no field, aperture or wavelength data. The import chooses, and writes into
 * `notes` (not as warnings, since nothing in the file is lost): object at infinity; aperture
 * floating by the stop's size, the stop being the A row (else the first surface) with its
 * diameter/2; F, d, C wavelengths with d (0.5875618 µm) primary; fields at paraxial image heights
 * 0, 0.7 and 1 × the sensor half-size (I row), or one on-axis field when the sensor has no size.
 */
import { LAMBDA_C_UM, LAMBDA_D_UM, LAMBDA_F_UM } from '../materials/material.ts';
import { materialFromDO } from './dOGlass.ts';
import { formatPath } from './jsonText.ts';
import { LensFileError, type LensFileResult } from './lensFileError.ts';
import { FORMAT, Prescription as PrescriptionSchema } from './prescription.ts';
import type { FieldsSpec, Prescription, SurfaceSpec } from './prescription.ts';
import { decodeText, splitLines } from './text.ts';

export interface DOParseOptions {
  /** The file's name, used in every error and warning. */
  fileName: string;
  /** True when a glass name is found in the glass catalogs or the built-in table. */
  resolveGlass?: (name: string, catalogs: string[]) => boolean;
}

/** The defaults a dO import chooses, as written into the prescription's notes. */
export const DO_DEFAULTS_NOTE =
  'dO lens files carry no field, aperture or wavelength data; chosen on import: object at infinity, ' +
  'aperture floating by the stop semi-diameter (A row, else the first surface), F/d/C wavelengths ' +
  'with d primary, fields at paraxial image heights 0, 0.7 and 1 x the sensor half-size (I row).';

/**
 * Parses a dO lens text file.
 * @param input the file's bytes or text
 * @throws LensFileError naming file and line: unknown row type, a malformed number, an unknown
 *   material, an X row without a triangular number of coefficients, rows missing or misplaced
 */
export function parseDOLens(input: Uint8Array | string, opts: DOParseOptions): LensFileResult<Prescription> {
  const { fileName } = opts;
  const text = typeof input === 'string' ? input : decodeText(input).text;
  const lines = splitLines(text);
  const warnings: string[] = [];
  const name = (lines[0] ?? '').trim() || fileName.replace(/^.*[\\/]/, '').replace(/\.txt$/i, '');
  const surfaces: SurfaceSpec[] = [];
  let objectMaterial: Prescription['object']['material'];
  let sawObject = false;
  let image: { d: number; semi: number; line: number } | undefined;
  let stopIndex = -1;

  for (let i = 2; i < lines.length; i++) {
    const raw = lines[i].trim();
    if (!raw) continue;
    const line = i + 1;
    const tok = raw.split(/\s+/);
    const kind = tok[0].toUpperCase();
    const fail = (detail: string): never => {
      throw new LensFileError(fileName, line, detail);
    };
    const num = (k: number, what: string): number => {
      const v = Number(tok[k]);
      if (tok[k] === undefined || !Number.isFinite(v)) fail(`${kind} row: ${what}: expected a number${tok[k] === undefined ? '' : `, got "${tok[k]}"`}`);
      return v;
    };
    if (image) fail(`${kind} row after the image (I) row`);
    if (!['O', 'S', 'A', 'X', 'I'].includes(kind)) {
      const names: Record<string, string> = { B: 'B-spline', M: 'mixed X/B' };
      fail(`row type ${tok[0]}${names[kind] ? ` (${names[kind]})` : ''} is not supported${names[kind] ? ' yet' : ' (expected O, S, A, X or I)'}`);
    }
    const d = num(1, 'distance');
    const roc = num(2, 'roc');
    const diameter = num(3, 'diameter');
    if (tok[4] === undefined) fail(`${kind} row: missing material`);
    const material = materialFromDO(tok[4], { fileName, line, resolveGlass: opts.resolveGlass, warnings });
    const extras = tok.slice(5).map((_, k) => num(5 + k, `extra value ${k + 1}`));
    if (kind === 'O') {
      if (sawObject || surfaces.length) fail('the object (O) row must come first, once');
      sawObject = true;
      objectMaterial = material;
      continue;
    }
    if (!sawObject) fail(`${kind} row before the object (O) row`);
    if (d < 0) fail(`${kind} row: distance must not be negative (got ${d})`);
    if (surfaces.length) surfaces[surfaces.length - 1].thickness = d;
    if (kind === 'I') {
      image = { d, semi: diameter / 2, line };
      continue;
    }
    const common: Record<string, unknown> = { thickness: 0 };
    if (diameter > 0) common.semiDiameter = diameter / 2;
    if (material !== undefined) common.material = material;
    const radius = roc === 0 ? null : roc;
    if (kind === 'A') {
      if (stopIndex < 0) {
        stopIndex = surfaces.length;
        common.stop = true;
      }
      if (!(diameter > 0)) fail('A row: the aperture stop needs a diameter > 0');
      surfaces.push({ type: 'standard', radius, ...common } as SurfaceSpec);
    } else if (kind === 'S') {
      const [conic = 0, ...ai] = extras;
      const k = conic !== 0 ? { conic } : {};
      if (ai.some((v) => v !== 0)) {
        surfaces.push({ type: 'evenAsphere', radius, ...k, asphere: [0, ...ai], ...common } as SurfaceSpec);
      } else {
        surfaces.push({ type: 'standard', radius, ...k, ...common } as SurfaceSpec);
      }
    } else {
      const [b, ...xy] = extras;
      const J = (Math.sqrt(8 * xy.length + 1) - 3) / 2;
      if (b === undefined || xy.length === 0 || !Number.isInteger(J)) {
        fail(`X row: expected b and (J+1)(J+2)/2 polynomial coefficients (1, 3, 6, 10, ...); got ${extras.length} extra values`);
      }
      surfaces.push({ type: 'xyPolynomial', ...(b !== 0 ? { b } : {}), xy, ...common } as SurfaceSpec);
    }
  }
  if (!sawObject) throw new LensFileError(fileName, undefined, 'no object (O) row');
  if (!image) throw new LensFileError(fileName, undefined, 'no image (I) row');
  if (surfaces.length === 0) throw new LensFileError(fileName, image.line, 'no surface rows (S, A, X) between the O and I rows');
  if (stopIndex < 0) {
    stopIndex = 0;
    surfaces[0].stop = true;
    if (surfaces[0].semiDiameter === undefined) {
      throw new LensFileError(fileName, undefined, 'no aperture (A) row, and the first surface has no diameter to serve as the stop');
    }
  }
  const fields: FieldsSpec =
    image.semi > 0
      ? { type: 'paraxialImageHeight', points: [0, 0.7, 1].map((f) => ({ x: 0, y: f * image.semi })) }
      : { type: 'angle', points: [{ x: 0, y: 0 }] };
  const p: Prescription = {
    format: FORMAT,
    name,
    units: 'mm',
    source: `${fileName.replace(/^.*[\\/]/, '')} (dO lens file)`,
    notes: DO_DEFAULTS_NOTE,
    object: { distance: 'infinity', ...(objectMaterial !== undefined ? { material: objectMaterial } : {}) },
    aperture: { type: 'floatByStop' },
    fields,
    wavelengths: { valuesUm: [LAMBDA_F_UM, LAMBDA_D_UM, LAMBDA_C_UM], primaryIndex: 1 },
    surfaces,
    meta: { sourceFormat: 'dO', sourceFile: fileName, ...(image.semi > 0 ? { sensorSemiDiameterMm: image.semi } : {}) },
  };
  const checked = PrescriptionSchema.safeParse(p);
  if (!checked.success) {
    const issue = checked.error.issues[0];
    throw new LensFileError(fileName, undefined, `${formatPath(issue.path)}: ${issue.message}`);
  }
  return { prescription: checked.data, warnings };
}
