/**
 * End-to-end task presets on disk (engine/io/e2eTask.ts): `--task edof` names a built-in preset in
 * lens-library/e2e/, `--task path/to/task.json` a user's file. Errors name the file and, for bad
 * JSON, the line and column, for a schema violation the JSON path.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { E2eTask } from '../../engine/io/e2eTask.ts';
import { validatePrescription } from '../../engine/io/json.ts';
import { formatPath, parseJsonText } from '../../engine/io/jsonText.ts';
import type { Prescription } from '../../engine/io/prescription.ts';
import { LENS_LIBRARY_DIR } from './lensLibrary.ts';

/** The folder of the built-in task presets. */
export const TASK_DIR = path.join(LENS_LIBRARY_DIR, 'e2e');

export interface LoadedTask {
  task: E2eTask;
  /** The file it was read from. */
  file: string;
  /** The lens: inline, or read from the path the task names (relative to the task file). */
  lens: Prescription;
  /** Where the lens came from, for reports. */
  lensSource: string;
  /** Keys of the lens the prescription format does not know (JSON path, closest known key). */
  warnings: string[];
}

/** Names of the built-in presets ("edof", "edof-wide", ...). */
export function builtinTasks(): string[] {
  try {
    return readdirSync(TASK_DIR)
      .filter((f) => f.endsWith('.json'))
      .map((f) => f.slice(0, -5))
      .sort();
  } catch {
    return [];
  }
}

/**
 * Parses and validates task JSON text.
 * @throws Error naming the file and the line/column (bad JSON) or JSON path (schema)
 */
export function parseTask(text: string, file: string): E2eTask {
  const value = parseJsonText(text, file, Error);
  const r = E2eTask.safeParse(value);
  if (!r.success) {
    const issue = r.error.issues[0];
    throw new Error(`${file}: ${formatPath(issue.path)}: ${issue.message}`);
  }
  return r.data;
}

/**
 * Reads a task by built-in name or file path.
 * @throws Error naming the file (unreadable, bad JSON, schema, a lens file that cannot be read)
 */
export function loadTask(nameOrFile: string): LoadedTask {
  const builtin = !/[\\/]/.test(nameOrFile) && !nameOrFile.endsWith('.json');
  const file = builtin ? path.join(TASK_DIR, `${nameOrFile}.json`) : nameOrFile;
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (builtin && code === 'ENOENT') throw new Error(`--task: no built-in task "${nameOrFile}" (built-in: ${builtinTasks().join(', ')}; or give a .json file)`);
    throw new Error(`${file}: cannot read (${code ?? (err as Error).message})`);
  }
  const task = parseTask(text, file);
  const warnings: string[] = [];
  if (typeof task.lens !== 'string') {
    // The task schema is strict; the inline lens is read as a lens file is (unknown keys warned).
    const lens = validatePrescription((JSON.parse(text) as { lens: unknown }).lens, `${file}: lens`, { warnings });
    return { task, file, lens, lensSource: `${path.basename(file)} (inline)`, warnings };
  }
  const lensFile = path.resolve(path.dirname(file), task.lens);
  let lensText: string;
  try {
    lensText = readFileSync(lensFile, 'utf8');
  } catch (err) {
    throw new Error(`${file}: lens: cannot read ${lensFile} (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
  }
  const lens = validatePrescription(parseJsonText(lensText, lensFile, Error), lensFile, { warnings });
  return { task, file, lens, lensSource: lensFile, warnings };
}
