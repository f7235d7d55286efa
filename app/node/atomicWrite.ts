/**
 * Atomic file writes: the data goes to a temporary file in the same folder, which is then renamed
 * over the target, so a reader never sees a half-written file (rename is atomic on POSIX within a
 * file system, and replaces the target on Windows too).
 */
import { mkdir, rename, unlink, writeFile } from 'node:fs/promises';
import path from 'node:path';

let counter = 0;

/**
 * Writes `data` to `file` atomically, creating the folder if needed.
 * @throws the underlying fs error (the temporary file is removed)
 */
export async function writeFileAtomic(file: string, data: string | Uint8Array): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true });
  const tmp = path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.${counter++}.tmp`);
  try {
    await writeFile(tmp, data);
    await rename(tmp, file);
  } catch (err) {
    await unlink(tmp).catch(() => {});
    throw err;
  }
}
