/**
 * Deflectometry session folders sent from the browser (a folder chosen with the file chooser),
 * file by file, into a fresh folder the host makes under the system temp folder. A client never
 * names a host path: it names a file *inside* its upload (`camera1/lens/x-p70-s0.png`), checked
 * against a strict pattern before anything is written.
 *
 * Limits (UPLOAD_LIMITS): at most 4,096 files and 2 GiB per upload, 64 MiB per file, paths of
 * at most 4 plain segments ending in .json or .png; two uploads in progress at most (starting a
 * third removes the oldest unfinished one).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { StudioError } from '../contract/studioApi.ts';
import { writeFileAtomic } from '../node/atomicWrite.ts';

export const UPLOAD_LIMITS = {
  maxFiles: 4096,
  maxTotalBytes: 2 * 1024 ** 3,
  maxFileBytes: 64 * 1024 ** 2,
  maxDepth: 4,
  maxPending: 2,
} as const;

/** One path segment: a plain name (no leading dot, so no "." / ".." / hidden files). */
const SEGMENT = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/;

/**
 * Checks a path inside an upload: "/"-separated plain segments, at most `maxDepth`, ending in
 * .json or .png.
 * @returns the segments
 * @throws StudioError BAD_REQUEST naming what is wrong (the path is the client's own text)
 */
export function checkUploadPath(relativePath: unknown): string[] {
  if (typeof relativePath !== 'string' || !relativePath) throw new StudioError('BAD_REQUEST', 'upload: needs the file\'s path inside the folder');
  const parts = relativePath.split('/');
  if (parts.length > UPLOAD_LIMITS.maxDepth || !parts.every((p) => SEGMENT.test(p))) {
    throw new StudioError('BAD_REQUEST', `upload: ${JSON.stringify(relativePath.slice(0, 200))} is not a plain path inside the session folder (at most ${UPLOAD_LIMITS.maxDepth} segments of letters, digits, _ . -)`);
  }
  if (!/\.(json|png)$/i.test(parts[parts.length - 1])) {
    throw new StudioError('BAD_REQUEST', `upload: ${relativePath}: only .json and .png files belong to a session folder`);
  }
  return parts;
}

interface Upload {
  dir: string;
  files: number;
  bytes: number;
  paths: Set<string>;
}

export class SessionUploads {
  private readonly pending = new Map<string, Upload>();

  /**
   * Writes one file into upload `uploadId` (a new upload when undefined).
   * @returns the upload's id
   * @throws StudioError BAD_REQUEST (path, size, count), NOT_FOUND (unknown upload id)
   */
  async addFile(relativePath: unknown, bytes: unknown, uploadId?: unknown): Promise<{ uploadId: string }> {
    const parts = checkUploadPath(relativePath);
    if (!(bytes instanceof Uint8Array)) throw new StudioError('BAD_REQUEST', 'upload: needs the file bytes (Uint8Array)');
    if (bytes.byteLength > UPLOAD_LIMITS.maxFileBytes) {
      throw new StudioError('BAD_REQUEST', `upload: ${String(relativePath)} is ${bytes.byteLength} bytes, more than the ${UPLOAD_LIMITS.maxFileBytes / 1024 ** 2} MiB a session file may have`);
    }
    let id: string;
    let up: Upload;
    if (uploadId === undefined || uploadId === null) {
      id = randomBytes(12).toString('hex');
      await this.dropOldest();
      up = { dir: await mkdtemp(path.join(os.tmpdir(), 'lens-studio-upload-')), files: 0, bytes: 0, paths: new Set() };
      this.pending.set(id, up);
    } else {
      const found = typeof uploadId === 'string' ? this.pending.get(uploadId) : undefined;
      if (!found) throw new StudioError('NOT_FOUND', 'upload: no such upload in progress (start again)');
      id = uploadId as string;
      up = found;
    }
    const key = parts.join('/').toLowerCase();
    if (!up.paths.has(key)) {
      if (up.files + 1 > UPLOAD_LIMITS.maxFiles) throw new StudioError('BAD_REQUEST', `upload: more than ${UPLOAD_LIMITS.maxFiles} files in one session folder`);
      up.files++;
      up.paths.add(key);
    }
    if (up.bytes + bytes.byteLength > UPLOAD_LIMITS.maxTotalBytes) throw new StudioError('BAD_REQUEST', `upload: the session folder is larger than ${UPLOAD_LIMITS.maxTotalBytes / 1024 ** 3} GiB`);
    up.bytes += bytes.byteLength;
    await writeFileAtomic(path.join(up.dir, ...parts), bytes);
    return { uploadId: id };
  }

  /**
   * Ends upload `uploadId` and returns its folder (the caller opens it as a session).
   * @throws StudioError NOT_FOUND for an unknown id
   */
  finish(uploadId: unknown): string {
    const up = typeof uploadId === 'string' ? this.pending.get(uploadId) : undefined;
    if (!up) throw new StudioError('NOT_FOUND', 'upload: no such upload in progress');
    this.pending.delete(uploadId as string);
    return up.dir;
  }

  private async dropOldest(): Promise<void> {
    while (this.pending.size >= UPLOAD_LIMITS.maxPending) {
      const [oldId, old] = this.pending.entries().next().value as [string, Upload];
      this.pending.delete(oldId);
      await rm(old.dir, { recursive: true, force: true }).catch(() => {});
    }
  }
}
