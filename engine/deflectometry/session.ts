/**
 * The deflectometry session manifest, `session.json`, as a zod schema.
 *
 * A session folder holds the manifest, a copy of the rig file, optionally the nominal lens, and
 * one 16-bit grayscale PNG per (camera, capture, direction, period, step). Captures are "lens"
 * (the lens under test in its mount) and "reference" (the same patterns without the lens). Paths
 * in the manifest are relative to the session folder, with forward slashes. Real and simulated
 * sessions share the layout; a simulated one also records its ground truth under `simulation`
 * (never read by the calibration).
 */
import { z } from 'zod';
import { formatPath } from '../io/jsonText.ts';
import { makePatternSet, patternFrames, type FringeDirection, type PatternSet } from './patterns.ts';
import { parseJsonText, type JsonReadOptions } from '../io/jsonText.ts';
import { checkUnknownKeys } from '../io/unknownKeys.ts';

export const SESSION_FORMAT = 'lens-studio/deflectometry-session/1';
export const SESSION_FILE = 'session.json';

const finite = () => z.number().refine(Number.isFinite, { message: 'expected a finite number' });
const relPath = () =>
  z
    .string()
    .min(1)
    .refine((p) => !p.startsWith('/') && !/^[a-zA-Z]:/.test(p) && !p.split(/[\\/]/).includes('..'), {
      message: 'expected a path inside the session folder',
    });

export const PoseSchema = z.object({
  xMm: finite(),
  yMm: finite(),
  zMm: finite(),
  tiltXDeg: finite(),
  tiltYDeg: finite(),
});

export const SessionImageSchema = z.object({
  camera: z.string().min(1),
  capture: z.enum(['lens', 'reference']),
  direction: z.enum(['x', 'y']),
  periodPx: z.number().positive(),
  step: z.number().int().min(0),
  file: relPath(),
});

export const SessionManifestSchema = z.object({
  format: z.literal(SESSION_FORMAT),
  /** The rig file (relative path). */
  rig: relPath(),
  /** Sensor binning the images were captured with (n×n), 1 = none. */
  binning: z.number().int().min(1),
  /** Rig wavelength, µm. */
  wavelengthUm: z.number().positive(),
  patterns: z.object({
    directions: z.array(z.enum(['x', 'y'])).min(1),
    periodsPx: z.array(z.number().positive()).min(1),
    steps: z.number().int().min(3),
    bias: z.number().min(0).max(1),
    amplitude: z.number().positive().max(1),
  }),
  /** The nominal lens prescription (relative path), if the session carries one. */
  nominalLens: relPath().optional(),
  /** Outer radius of the lens mount ring, mm (blocks rays around the lens). */
  mountOuterRadiusMm: z.number().positive().optional(),
  /** Starting pose of the lens (e.g. the mount position); the calibration refines it. */
  initialPose: PoseSchema.optional(),
  images: z.array(SessionImageSchema).min(1),
  simulation: z
    .object({
      lens: relPath(),
      pose: PoseSchema,
      screenOffsetMm: z.tuple([finite(), finite()]),
      sensor: z.object({ gain: finite(), darkLevel: finite(), readNoise: finite(), fullWellElectrons: finite() }),
      seed: z.number().int(),
    })
    .optional(),
});

export type SessionManifest = z.infer<typeof SessionManifestSchema>;
export type SessionImage = z.infer<typeof SessionImageSchema>;
export type Capture = SessionImage['capture'];

/** A manifest that cannot be used; the message names the file and the field. */
export class SessionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SessionError';
  }
}

/**
 * Parses and validates session.json text, and checks that every camera has the full set of
 * frames for both captures (and no frame twice).
 * @param cameraNames the rig's cameras (every image must name one)
 * @throws SessionError naming the file and the field or the missing frame
 */
export function parseSessionManifest(text: string, fileName = SESSION_FILE, cameraNames?: readonly string[], opts: JsonReadOptions = {}): SessionManifest {
  const value = parseJsonText(text, fileName, SessionError);
  const result = SessionManifestSchema.safeParse(value);
  if (!result.success) {
    const issues = result.error.issues.map((i) => `${formatPath(i.path)}: ${i.message}`);
    throw new SessionError(`${fileName}: ${issues[0]}${issues.length > 1 ? ` (and ${issues.length - 1} more)` : ''}`);
  }
  checkUnknownKeys(SessionManifestSchema, value, fileName, SessionError, opts);
  const m = result.data;
  if (cameraNames) checkImageSet(m, fileName, cameraNames);
  return m;
}

/** The pattern set a manifest describes. @throws SessionError for an unusable set. */
export function manifestPatternSet(m: SessionManifest, fileName = SESSION_FILE): PatternSet {
  try {
    const set = makePatternSet(m.patterns.periodsPx, m.patterns.steps, m.patterns.bias, m.patterns.amplitude);
    return { ...set, directions: m.patterns.directions as FringeDirection[] };
  } catch (err) {
    throw new SessionError(`${fileName}: patterns: ${(err as Error).message}`);
  }
}

/** Key of one frame of one capture of one camera. */
export function imageKey(camera: string, capture: Capture, direction: string, periodPx: number, step: number): string {
  return `${camera}/${capture}/${direction}/${periodPx}/${step}`;
}

/**
 * Checks that the image list has exactly one image per camera × capture × frame.
 * @throws SessionError naming the first missing, duplicate or unknown entry
 */
export function checkImageSet(m: SessionManifest, fileName: string, cameraNames: readonly string[]): void {
  const set = manifestPatternSet(m, fileName);
  const seen = new Map<string, number>();
  m.images.forEach((im, i) => {
    if (!cameraNames.includes(im.camera)) {
      throw new SessionError(`${fileName}: images[${i}].camera: "${im.camera}" is not a camera of the rig (${cameraNames.join(', ')})`);
    }
    const key = imageKey(im.camera, im.capture, im.direction, im.periodPx, im.step);
    const prev = seen.get(key);
    if (prev !== undefined) throw new SessionError(`${fileName}: images[${i}] repeats images[${prev}] (${key})`);
    seen.set(key, i);
  });
  for (const camera of new Set(m.images.map((im) => im.camera))) {
    for (const capture of ['lens', 'reference'] as const) {
      for (const f of patternFrames(set)) {
        if (!seen.has(imageKey(camera, capture, f.direction, f.periodPx, f.step))) {
          throw new SessionError(
            `${fileName}: images: missing the ${capture} image of ${camera} for ${f.direction} fringes, period ${f.periodPx} px, step ${f.step}`,
          );
        }
      }
    }
  }
}

/** The conventional file name of a frame inside a session folder. */
export function imageFileName(camera: string, capture: Capture, direction: FringeDirection, periodPx: number, step: number): string {
  return `${camera}/${capture}/${direction}-p${String(periodPx).padStart(3, '0')}-s${step}.png`;
}
