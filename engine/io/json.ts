/**
 * Reading and writing JSON prescriptions (`"format": "lens-studio/1"`).
 *
 * Errors name the file and the JSON path of the offending field, e.g.
 * `cooke.json: surfaces[3].thickness: expected a number`.
 */
import type { z } from 'zod';
import { FORMAT, Prescription } from './prescription.ts';

/** A prescription that failed to parse or validate; `issues` holds one line per problem. */
export class PrescriptionError extends Error {
  constructor(
    message: string,
    readonly issues: string[] = [],
  ) {
    super(message);
    this.name = 'PrescriptionError';
  }
}

/** Formats a zod issue path as `surfaces[3].thickness`. */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else out += out ? `.${String(key)}` : String(key);
  }
  return out || '(root)';
}

function describeIssue(issue: z.core.$ZodIssue): string {
  const where = formatPath(issue.path);
  let message = issue.message;
  if (issue.code === 'invalid_type') {
    const expected = (issue as { expected?: string }).expected;
    message = `expected ${expected === 'number' ? 'a number' : expected === 'string' ? 'a string' : expected === 'array' ? 'an array' : expected === 'object' ? 'an object' : expected}`;
  }
  return `${where}: ${message}`;
}

/**
 * Validates an already-parsed value as a prescription.
 * @throws PrescriptionError listing every problem with its JSON path
 */
export function validatePrescription(value: unknown, fileName = 'prescription'): Prescription {
  if (value && typeof value === 'object' && 'format' in value && (value as { format: unknown }).format !== FORMAT) {
    throw new PrescriptionError(
      `${fileName}: format: expected "${FORMAT}", got ${JSON.stringify((value as { format: unknown }).format)}`,
    );
  }
  const result = Prescription.safeParse(value);
  if (!result.success) {
    const issues = result.error.issues.map(describeIssue);
    throw new PrescriptionError(`${fileName}: ${issues[0]}${issues.length > 1 ? ` (and ${issues.length - 1} more)` : ''}`, issues);
  }
  return result.data;
}

/**
 * Parses JSON text into a validated prescription.
 * @throws PrescriptionError for malformed JSON (with line and column) or an invalid prescription
 */
export function parsePrescriptionJson(text: string, fileName = 'prescription.json'): Prescription {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    const msg = (err as Error).message;
    const pos = /position (\d+)/.exec(msg);
    let where = '';
    if (pos) {
      const offset = Number(pos[1]);
      const before = text.slice(0, offset);
      const line = before.split('\n').length;
      const column = offset - before.lastIndexOf('\n');
      where = ` at line ${line}, column ${column}`;
    }
    throw new PrescriptionError(`${fileName}: malformed JSON${where}: ${msg.replace(/ in JSON at position \d+.*$/, '')}`);
  }
  return validatePrescription(value, fileName);
}

/** Serialises a prescription as stable, human-readable JSON (2-space indent, trailing newline). */
export function stringifyPrescription(p: Prescription): string {
  return `${JSON.stringify(p, null, 2)}\n`;
}
