/**
 * Lens files for the studio session: reading a file's bytes (errors as StudioErrors, with no
 * quoted file text when asked), an export (a download the page saves: .json, or .zmx with the
 * warnings for what .zmx cannot hold) and the bytes of a save to the host's disk.
 */
import { stringifyPrescription } from '../../engine/io/json.ts';
import type { Prescription } from '../../engine/io/prescription.ts';
import { StudioError, type ExportedLens } from '../contract/studioApi.ts';
import { encodeLens, loadLensFile } from './engineIo.ts';
import { redactFileText } from './fileAccess.ts';

/**
 * The lens as a download named after `fileName`'s stem.
 * @throws StudioError BAD_REQUEST for another format, or a lens .zmx cannot express
 */
export function exportLensFile(fileName: string, p: Prescription, format: 'json' | 'zmx'): ExportedLens {
  const stem = fileName.replace(/\.(json|zmx|txt)$/i, '');
  if (format === 'json') {
    return { fileName: `${stem}.json`, mimeType: 'application/json', bytes: new TextEncoder().encode(stringifyPrescription(p)), warnings: [] };
  }
  if (format === 'zmx') {
    let out: { bytes: Uint8Array; warnings: string[] };
    try {
      out = encodeLens(`${stem}.zmx`, p);
    } catch (e) {
      throw new StudioError('BAD_REQUEST', (e as Error).message);
    }
    return { fileName: `${stem}.zmx`, mimeType: 'application/octet-stream', ...out };
  }
  throw new StudioError('BAD_REQUEST', `unknown export format "${String(format)}" (json or zmx)`);
}

/**
 * The bytes to save at `dest`, by its extension (.json or .zmx).
 * @throws StudioError BAD_REQUEST for another extension, or a lens .zmx cannot express
 */
export function encodeForSave(dest: string, p: Prescription): Uint8Array {
  if (!/\.(json|zmx)$/i.test(dest)) throw new StudioError('BAD_REQUEST', `${dest}: save as .json or .zmx`);
  try {
    return encodeLens(dest, p).bytes;
  } catch (e) {
    throw new StudioError('BAD_REQUEST', (e as Error).message);
  }
}

/**
 * Reads a lens file's bytes (.json, .zmx, dO .txt). With `redact` the error keeps no quoted text of
 * the file (fileAccess.ts, redactFileText): it names the file, the line or JSON path and the problem.
 * @throws StudioError BAD_FILE naming the file
 */
export function parseLensBytes(fileName: string, bytes: Uint8Array, redact: boolean): { prescription: Prescription; warnings: string[] } {
  try {
    return loadLensFile(fileName, bytes);
  } catch (e) {
    const raw = (e as Error).message;
    const msg = redact ? redactFileText(raw) : raw;
    throw new StudioError('BAD_FILE', msg.includes(fileName) ? msg : `${fileName}: ${msg}`);
  }
}
