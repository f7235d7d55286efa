/**
 * Atomic file writes, the one way the app writes a result file: the data goes to a temporary file
 * in the same folder (`.<name>.<pid>.<n>.tmp`), which is then renamed over the target, so a reader
 * never sees a half-written file (rename is atomic on POSIX within a file system, and replaces the
 * target on Windows too). The folder is created when missing. On failure the temporary file is
 * removed and the target is left as it was.
 *
 * `writeFileAtomic` is the asynchronous form; `writeFileAtomicSync` is for the few synchronous
 * callers (PNG export, the end-to-end run's reports).
 */
import fs from 'node:fs';
import { mkdir, rename, unlink, writeFile } from 'node:fs/promises';
import path from 'node:path';

let counter = 0;

/** A fresh temporary name beside `file` (unique within and across processes). */
function tempPathFor(file: string): string {
  return path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.${counter++}.tmp`);
}

/** The error thrown for a failed write: names the file and the system error code. */
function writeError(file: string, err: unknown): Error {
  return new Error(`${file}: cannot write (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`, { cause: err });
}

/**
 * Writes `data` to `file` atomically, creating the folder if needed.
 * @throws Error "`file`: cannot write (CODE)" (the cause is the fs error; the temporary file is removed)
 */
export async function writeFileAtomic(file: string, data: string | Uint8Array): Promise<void> {
  const tmp = tempPathFor(file);
  try {
    await mkdir(path.dirname(file), { recursive: true });
    await writeFile(tmp, data);
    await rename(tmp, file);
  } catch (err) {
    await unlink(tmp).catch(() => {});
    throw writeError(file, err);
  }
}

/**
 * Synchronous {@link writeFileAtomic}: same temporary file, rename and errors.
 * @throws Error "`file`: cannot write (CODE)" (the temporary file is removed)
 */
export function writeFileAtomicSync(file: string, data: string | Uint8Array): void {
  const tmp = tempPathFor(file);
  try {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(tmp, data);
    fs.renameSync(tmp, file);
  } catch (err) {
    try {
      fs.unlinkSync(tmp);
    } catch {
      // Never written (or already gone): nothing to clean up.
    }
    throw writeError(file, err);
  }
}
