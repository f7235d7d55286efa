/**
 * Reading and writing JSON prescriptions (`"format": "lens-studio/1"`).
 *
 * Errors name the file and the JSON path of the offending field, e.g.
 * `cooke.json: surfaces[3].thickness: expected a number`.
 */
import { formatIssue, parseJsonText, type JsonReadOptions } from './jsonText.ts';
import { checkUnknownKeys } from './unknownKeys.ts';
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

/**
 * Validates an already-parsed value as a prescription. Keys the format does not know are reported
 * (engine/io/unknownKeys.ts): as warnings added to `opts.warnings`, or with `opts.strict` as an error.
 * @throws PrescriptionError listing every problem with its JSON path
 */
export function validatePrescription(value: unknown, fileName = 'prescription', opts: JsonReadOptions = {}): Prescription {
  if (value && typeof value === 'object' && 'format' in value && (value as { format: unknown }).format !== FORMAT) {
    throw new PrescriptionError(
      `${fileName}: format: expected "${FORMAT}", got ${JSON.stringify((value as { format: unknown }).format)}`,
    );
  }
  const result = Prescription.safeParse(value);
  if (!result.success) {
    const issues = result.error.issues.map(formatIssue);
    throw new PrescriptionError(`${fileName}: ${issues[0]}${issues.length > 1 ? ` (and ${issues.length - 1} more)` : ''}`, issues);
  }
  checkUnknownKeys(Prescription, value, fileName, PrescriptionError, opts);
  return result.data;
}

/**
 * Parses JSON text into a validated prescription.
 * @throws PrescriptionError for malformed JSON (with line and column) or an invalid prescription
 */
export function parsePrescriptionJson(text: string, fileName = 'prescription.json', opts: JsonReadOptions = {}): Prescription {
  return validatePrescription(parseJsonText(text, fileName, PrescriptionError), fileName, opts);
}

/** Serialises a prescription as stable, human-readable JSON (2-space indent, trailing newline). */
export function stringifyPrescription(p: Prescription): string {
  return `${JSON.stringify(p, null, 2)}\n`;
}
