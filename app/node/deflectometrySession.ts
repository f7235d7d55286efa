/**
 * Deflectometry session folders on disk: reading (manifest, rig, nominal lens, 16-bit PNG fringe
 * images, all validated with errors that name the file) and writing simulated sessions.
 *
 * Layout (see engine/deflectometry/session.ts): `session.json`, `rig.json`, optionally
 * `nominal-lens.json` and `truth-lens.json`, and `<camera>/<capture>/<dir>-p<period>-s<step>.png`.
 * Every file is written atomically and session.json last, so a folder with a manifest is complete.
 *
 * Reading never leaves the folder: the manifest's paths are relative without "..", and every file
 * is read through its real path, which must lie inside the folder (a symbolic link out of it is
 * refused, not followed).
 */
import { readFile, realpath, stat } from 'node:fs/promises';
import path from 'node:path';
import { parsePrescriptionJson, stringifyPrescription } from '../../engine/io/json.ts';
import type { Prescription } from '../../engine/io/prescription.ts';
import { PinholeCamera } from '../../engine/deflectometry/camera.ts';
import { patternFrames, type PatternSet } from '../../engine/deflectometry/patterns.ts';
import type { LensPose } from '../../engine/deflectometry/pose.ts';
import { parseRig, type Rig } from '../../engine/deflectometry/rig.ts';
import {
  imageFileName,
  imageKey,
  manifestPatternSet,
  parseSessionManifest,
  SESSION_FILE,
  SESSION_FORMAT,
  SessionError,
  type Capture,
  type SessionManifest,
} from '../../engine/deflectometry/session.ts';
import { decodeGray16, encodeGray16 } from './png16.ts';
import { readImageHeader } from './imageHeader.ts';
import { writeFileAtomic } from './atomicWrite.ts';

export interface LoadedSession {
  readonly dir: string;
  readonly manifest: SessionManifest;
  readonly rig: Rig;
  readonly set: PatternSet;
  /** The rig's cameras that have images, binned as the session says. */
  readonly cameras: PinholeCamera[];
  /** The nominal lens the session carries, if any. */
  readonly nominalLens?: Prescription;
  /** Unknown keys in session.json, the rig file and the nominal lens (each naming file and path). */
  readonly warnings: string[];
}

/**
 * The real path of `file`, which must lie inside the session folder `dir` once symbolic links are
 * followed (a link to a file outside the folder is never read).
 * @throws SessionError naming the file: missing, or a link out of the folder
 */
export async function insideSession(dir: string, file: string): Promise<string> {
  let real: string;
  let realDir: string;
  try {
    [real, realDir] = await Promise.all([realpath(file), realpath(dir)]);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw Object.assign(new SessionError(`${file}: ${code === 'ENOENT' ? 'no such file' : `cannot read (${code ?? (err as Error).message})`}`), { code });
  }
  if (!real.startsWith(realDir + path.sep)) throw new SessionError(`${file}: a symbolic link out of the session folder (not followed)`);
  return real;
}

async function readText(dir: string, file: string, what: string): Promise<string> {
  try {
    return await readFile(await insideSession(dir, file), 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (err instanceof SessionError && code === undefined) throw err; // a link out of the folder
    throw new SessionError(`${file}: cannot read ${what} (${code === 'ENOENT' ? 'no such file' : code ?? (err as Error).message})`);
  }
}

/**
 * Reads and validates a session folder: manifest, rig, nominal lens, and that every listed image
 * exists (its size is checked when it is read).
 * @param opts.strict unknown keys in the JSON files are errors (else they are `warnings`)
 * @throws SessionError / RigError / PrescriptionError naming the file and what is wrong
 */
export async function readSession(dir: string, opts: { strict?: boolean } = {}): Promise<LoadedSession> {
  const warnings: string[] = [];
  const perFile: [string, string[]][] = [];
  /** Read options for one file: its unknown-key warnings are kept with the file's name. */
  const read = (file: string) => {
    const own: string[] = [];
    perFile.push([file, own]);
    return { strict: opts.strict, warnings: own };
  };
  let info;
  try {
    info = await stat(dir);
  } catch {
    throw new SessionError(`${dir}: no such session folder`);
  }
  if (!info.isDirectory()) throw new SessionError(`${dir}: not a folder (a session is a folder with ${SESSION_FILE})`);
  const manifestFile = path.join(dir, SESSION_FILE);
  const manifestText = await readText(dir, manifestFile, 'the session manifest');
  const pre = parseSessionManifest(manifestText, manifestFile, undefined, read(manifestFile));
  const rigFile = path.join(dir, pre.rig);
  const rig = parseRig(await readText(dir, rigFile, 'the rig file'), rigFile, read(rigFile));
  const manifest = parseSessionManifest(manifestText, manifestFile, rig.cameras.map((c) => c.name));
  const set = manifestPatternSet(manifest, manifestFile);
  const names = new Set(manifest.images.map((im) => im.camera));
  const cameras = rig.cameras.filter((c) => names.has(c.name)).map((c) => PinholeCamera.fromRig(c, manifest.binning));
  await Promise.all(
    manifest.images.map(async (im, i) => {
      const file = path.join(dir, im.file);
      try {
        await stat(file);
      } catch {
        throw new SessionError(`${file}: missing (listed in ${manifestFile} images[${i}])`);
      }
      await insideSession(dir, file);
    }),
  );
  let nominalLens: Prescription | undefined;
  if (manifest.nominalLens) {
    const f = path.join(dir, manifest.nominalLens);
    nominalLens = parsePrescriptionJson(await readText(dir, f, 'the nominal lens'), f, read(f));
  }
  for (const [file, own] of perFile) warnings.push(...own.map((w) => `${path.basename(file)}: ${w}`));
  return { dir, manifest, rig, set, cameras, nominalLens, warnings };
}

/**
 * Reads the images of one capture of one camera, in patternFrames order.
 * @throws SessionError naming the file when it is unreadable or not the camera's (binned) size
 */
export async function readCaptureImages(session: LoadedSession, camera: PinholeCamera, capture: Capture): Promise<Uint16Array[]> {
  const byKey = new Map(session.manifest.images.map((im) => [imageKey(im.camera, im.capture, im.direction, im.periodPx, im.step), im]));
  return Promise.all(
    patternFrames(session.set).map(async (f) => {
      const im = byKey.get(imageKey(camera.name, capture, f.direction, f.periodPx, f.step));
      if (!im) throw new SessionError(`${path.join(session.dir, SESSION_FILE)}: no ${capture} image of ${camera.name} for ${f.direction}, period ${f.periodPx}, step ${f.step}`);
      const file = path.join(session.dir, im.file);
      let bytes: Uint8Array;
      const real = await insideSession(session.dir, file);
      try {
        bytes = await readFile(real);
      } catch (err) {
        throw new SessionError(`${file}: cannot read (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
      }
      const wrongSize = (w: number, h: number) => {
        const bin = session.manifest.binning;
        return new SessionError(`${file}: image is ${w}×${h} px, expected ${camera.widthPx}×${camera.heightPx} (${camera.name}${bin > 1 ? `, binned ${bin}×` : ''})`);
      };
      // The size the header declares is checked before decoding (a small file may declare 20000² px).
      const header = readImageHeader(bytes);
      if (header && (header.width !== camera.widthPx || header.height !== camera.heightPx)) throw wrongSize(header.width, header.height);
      let img;
      try {
        img = decodeGray16(bytes, file);
      } catch (err) {
        throw new SessionError((err as Error).message);
      }
      if (img.width !== camera.widthPx || img.height !== camera.heightPx) throw wrongSize(img.width, img.height);
      return img.data;
    }),
  );
}

export interface SessionWriteSpec {
  readonly rigText: string;
  readonly rig: Rig;
  readonly set: PatternSet;
  readonly binning: number;
  readonly wavelengthUm: number;
  readonly mountOuterRadiusMm: number;
  readonly initialPose?: LensPose;
  readonly nominalLens?: Prescription;
  readonly simulation?: {
    readonly lens: Prescription;
    readonly pose: LensPose;
    readonly screenOffsetMm: [number, number];
    readonly sensor: { gain: number; darkLevel: number; readNoise: number; fullWellElectrons: number };
    readonly seed: number;
  };
}

/**
 * Writes a session folder: rig, lenses, then the images from `frames` (called per camera and
 * capture, returning the frames in patternFrames order), then the manifest (last).
 * @param onImage progress callback (images written, total)
 */
export async function writeSession(
  dir: string,
  spec: SessionWriteSpec,
  cameras: readonly PinholeCamera[],
  frames: (camera: number, capture: Capture, frame: number) => Uint16Array,
  onImage?: (done: number, total: number) => void,
): Promise<SessionManifest> {
  await writeFileAtomic(path.join(dir, 'rig.json'), spec.rigText);
  if (spec.nominalLens) await writeFileAtomic(path.join(dir, 'nominal-lens.json'), stringifyPrescription(spec.nominalLens));
  if (spec.simulation) await writeFileAtomic(path.join(dir, 'truth-lens.json'), stringifyPrescription(spec.simulation.lens));
  const list = patternFrames(spec.set);
  const images: SessionManifest['images'] = [];
  const total = cameras.length * 2 * list.length;
  for (const [ci, cam] of cameras.entries()) {
    for (const capture of ['lens', 'reference'] as const) {
      for (const [k, f] of list.entries()) {
        const file = imageFileName(cam.name, capture, f.direction, f.periodPx, f.step);
        const data = frames(ci, capture, k);
        await writeFileAtomic(path.join(dir, file), encodeGray16({ width: cam.widthPx, height: cam.heightPx, data }));
        images.push({ camera: cam.name, capture, direction: f.direction, periodPx: f.periodPx, step: f.step, file });
        onImage?.(images.length, total);
      }
    }
  }
  const manifest: SessionManifest = {
    format: SESSION_FORMAT,
    rig: 'rig.json',
    binning: spec.binning,
    wavelengthUm: spec.wavelengthUm,
    patterns: {
      directions: [...spec.set.directions],
      periodsPx: [...spec.set.periodsPx],
      steps: spec.set.steps,
      bias: spec.set.bias,
      amplitude: spec.set.amplitude,
    },
    ...(spec.nominalLens ? { nominalLens: 'nominal-lens.json' } : {}),
    mountOuterRadiusMm: spec.mountOuterRadiusMm,
    ...(spec.initialPose ? { initialPose: { ...spec.initialPose } } : {}),
    images,
    ...(spec.simulation
      ? {
          simulation: {
            lens: 'truth-lens.json',
            pose: { ...spec.simulation.pose },
            screenOffsetMm: spec.simulation.screenOffsetMm,
            sensor: { ...spec.simulation.sensor },
            seed: spec.simulation.seed,
          },
        }
      : {}),
  };
  await writeFileAtomic(path.join(dir, SESSION_FILE), `${JSON.stringify(manifest, null, 2)}\n`);
  return manifest;
}
