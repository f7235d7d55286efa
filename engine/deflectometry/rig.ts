/**
 * The deflectometry rig file: cameras, display screen, fringe patterns and the lens under test, as
 * calibrated for the dual-camera refractive deflectometry rig of Wang, Chen & Heidrich, "Towards
 * self-calibrated lens metrology by differentiable refractive deflectometry", Opt. Express 29(19)
 * 30284 (2021) (file `rig-2021-04-03.json`).
 *
 * Conventions of the file (kept here): lengths in mm, pixels in px. Camera extrinsics follow the
 * MATLAB Camera Calibrator: a world point X (row vector) maps to camera coordinates
 * x_cam = X · R_matlab + t_matlab, so with column vectors the camera-to-world rotation is R_matlab
 * itself and the camera centre is C = −R_matlab · t_matlab. The screen is the world z = 0 plane
 * with screen pixel (0, 0) at the world origin.
 *
 * Parsing validates the JSON against a zod schema and checks that every R_matlab is a rotation
 * (orthonormal with det +1 within 1e-6); every error names the file and the field.
 */
import { z } from 'zod';
import { formatPath } from '../io/jsonText.ts';
import { parseJsonText, type JsonReadOptions } from '../io/jsonText.ts';
import { checkUnknownKeys } from '../io/unknownKeys.ts';

/** Tolerance on ‖RᵀR − I‖ (max entry) and |det R − 1| for a rotation matrix. */
export const ROTATION_TOLERANCE = 1e-6;

const finite = () => z.number().refine(Number.isFinite, { message: 'expected a finite number' });
const positive = () => finite().refine((v) => v > 0, { message: 'expected a positive number' });
const positiveInt = () => z.number().int().positive();
const vec3 = () => z.tuple([finite(), finite(), finite()]);

export const RigCameraSchema = z.object({
  name: z.string().min(1),
  width_px: positiveInt(),
  height_px: positiveInt(),
  fx_px: positive(),
  fy_px: positive(),
  cx_px: finite(),
  cy_px: finite(),
  radial_k: z.array(finite()).optional(),
  tangential_p: z.array(finite()).optional(),
  R_matlab: z.tuple([vec3(), vec3(), vec3()]),
  t_matlab_mm: vec3(),
  rotation_axis_click_px: z.tuple([finite(), finite()]).optional(),
});

export const RigSurfaceSchema = z.object({
  radius_mm: finite().nullable(),
  thickness_mm: finite(),
  material: z.string().min(1),
  semi_diameter_mm: positive().optional(),
});

export const RigFileSchema = z.object({
  description: z.string().optional(),
  units: z.object({ length: z.literal('mm'), pixels: z.literal('px') }).optional(),
  camera_model: z.string().optional(),
  cameras: z.array(RigCameraSchema).min(1),
  screen: z.object({
    width_px: positiveInt(),
    height_px: positiveInt(),
    pixel_pitch_mm: positive(),
    pose: z.string().optional(),
    checkerboard_square_px: positive().optional(),
  }),
  patterns: z.object({
    kind: z.string().optional(),
    periods_px: z.array(positive()).min(1),
    steps: z.number().int().min(3),
  }),
  lens_under_test: z
    .object({
      name: z.string(),
      surfaces_facing_camera_first: z.array(RigSurfaceSchema).min(1),
      nominal_focal_length_mm: finite().optional(),
      wavelength_nm: positive().optional(),
      mount: z.string().optional(),
    })
    .optional(),
  what_is_fitted_in_the_paper: z.array(z.string()).optional(),
});

export type RigFile = z.infer<typeof RigFileSchema>;

/** One calibrated camera of the rig, in the file's units and MATLAB convention. */
export interface RigCamera {
  readonly name: string;
  readonly widthPx: number;
  readonly heightPx: number;
  readonly fxPx: number;
  readonly fyPx: number;
  readonly cxPx: number;
  readonly cyPx: number;
  /** R_matlab, row-major 3×3 (= camera-to-world rotation for column vectors). */
  readonly rMatlab: Float64Array;
  /** t_matlab in mm. */
  readonly tMatlabMm: Float64Array;
  /** Pixel the rotation axis of the lens mount was clicked at, if given. */
  readonly rotationAxisClickPx?: readonly [number, number];
}

/** The display: the world z = 0 plane, screen pixel (0, 0) at the world origin. */
export interface RigScreen {
  readonly widthPx: number;
  readonly heightPx: number;
  readonly pitchMm: number;
}

/** The rig, validated; `file` is the raw validated JSON (kept for writing sessions). */
export interface Rig {
  readonly cameras: readonly RigCamera[];
  readonly screen: RigScreen;
  readonly periodsPx: readonly number[];
  readonly steps: number;
  readonly lensUnderTest?: RigFile['lens_under_test'];
  readonly file: RigFile;
}

/** A rig file that cannot be used; the message names the file and the field. */
export class RigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RigError';
  }
}

/**
 * Checks that a row-major 3×3 matrix is a rotation: max |RᵀR − I| ≤ tol and |det R − 1| ≤ tol.
 * @returns null when it is, else a sentence saying what is wrong (numbers included)
 */
export function rotationProblem(r: ArrayLike<number>, tol = ROTATION_TOLERANCE): string | null {
  let maxDev = 0;
  for (let i = 0; i < 3; i++) {
    for (let j = 0; j < 3; j++) {
      let s = 0;
      for (let k = 0; k < 3; k++) s += r[k * 3 + i] * r[k * 3 + j];
      maxDev = Math.max(maxDev, Math.abs(s - (i === j ? 1 : 0)));
    }
  }
  const det =
    r[0] * (r[4] * r[8] - r[5] * r[7]) - r[1] * (r[3] * r[8] - r[5] * r[6]) + r[2] * (r[3] * r[7] - r[4] * r[6]);
  const problems: string[] = [];
  if (!(maxDev <= tol)) problems.push(`not orthonormal (max |RᵀR − I| = ${maxDev.toExponential(3)} > ${tol})`);
  if (!(Math.abs(det - 1) <= tol)) {
    problems.push(det < 0 ? `det = ${det.toPrecision(7)} (a reflection, not a rotation)` : `det = ${det.toPrecision(7)} ≠ +1`);
  }
  return problems.length ? `R_matlab is not a rotation: ${problems.join('; ')}` : null;
}

/**
 * Validates a parsed rig object.
 * @param fileName used in every error message
 * @throws RigError naming the file and the field, e.g.
 *   `rig.json: cameras[1] (camera2): R_matlab is not a rotation: det = -1.000000 (a reflection, ...)`
 */
export function validateRig(value: unknown, fileName = 'rig.json', opts: JsonReadOptions = {}): Rig {
  const result = RigFileSchema.safeParse(value);
  if (!result.success) {
    const issues = result.error.issues.map((i) => `${formatPath(i.path)}: ${i.message}`);
    throw new RigError(`${fileName}: ${issues[0]}${issues.length > 1 ? ` (and ${issues.length - 1} more)` : ''}`);
  }
  checkUnknownKeys(RigFileSchema, value, fileName, RigError, opts);
  const file = result.data;
  const names = new Set<string>();
  const cameras = file.cameras.map((c, i): RigCamera => {
    const where = `${fileName}: cameras[${i}] (${c.name})`;
    if (names.has(c.name)) throw new RigError(`${where}: duplicate camera name`);
    names.add(c.name);
    const r = Float64Array.from(c.R_matlab.flat());
    const problem = rotationProblem(r);
    if (problem) throw new RigError(`${where}: ${problem}`);
    return {
      name: c.name,
      widthPx: c.width_px,
      heightPx: c.height_px,
      fxPx: c.fx_px,
      fyPx: c.fy_px,
      cxPx: c.cx_px,
      cyPx: c.cy_px,
      rMatlab: r,
      tMatlabMm: Float64Array.from(c.t_matlab_mm),
      rotationAxisClickPx: c.rotation_axis_click_px,
    };
  });
  return {
    cameras,
    screen: { widthPx: file.screen.width_px, heightPx: file.screen.height_px, pitchMm: file.screen.pixel_pitch_mm },
    periodsPx: file.patterns.periods_px,
    steps: file.patterns.steps,
    lensUnderTest: file.lens_under_test,
    file,
  };
}

/**
 * Parses and validates rig JSON text.
 * @throws RigError for malformed JSON (line, column), a schema violation (field path) or a
 *   non-rotation R_matlab (camera name and what is wrong)
 */
export function parseRig(text: string, fileName = 'rig.json', opts: JsonReadOptions = {}): Rig {
  return validateRig(parseJsonText(text, fileName, RigError), fileName, opts);
}
