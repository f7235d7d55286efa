/**
 * Text decoding for lens files written by other programs.
 *
 * OpticStudio writes .zmx files as UTF-16 LE with a byte-order mark (older versions and many
 * vendors: ASCII or Latin-1), with CRLF line ends. The encoding is sniffed, in this order:
 *   1. a BOM: FF FE → UTF-16 LE, FE FF → UTF-16 BE, EF BB BF → UTF-8;
 *   2. no BOM but NUL bytes in every other position (≥ 25 % of the even or odd bytes) → UTF-16
 *      without BOM (LE when the NULs sit at odd offsets);
 *   3. bytes that form valid UTF-8 → UTF-8 (this covers plain ASCII);
 *   4. anything else → Latin-1 (ISO-8859-1: every byte is a character, so it never fails).
 */

export type TextEncodingName = 'utf-16le' | 'utf-16be' | 'utf-8' | 'latin1';

export interface DecodedText {
  text: string;
  encoding: TextEncodingName;
  /** True when the bytes started with a byte-order mark. */
  bom: boolean;
}

function decodeUtf16(bytes: Uint8Array, start: number, littleEndian: boolean): string {
  const n = (bytes.length - start) >> 1;
  const units = new Uint16Array(n);
  for (let i = 0, j = start; i < n; i++, j += 2) {
    units[i] = littleEndian ? bytes[j] | (bytes[j + 1] << 8) : (bytes[j] << 8) | bytes[j + 1];
  }
  // Decode in chunks so very large files do not overflow the argument list.
  let out = '';
  for (let i = 0; i < n; i += 8192) out += String.fromCharCode(...units.subarray(i, Math.min(n, i + 8192)));
  return out;
}

function decodeLatin1(bytes: Uint8Array): string {
  let out = '';
  for (let i = 0; i < bytes.length; i += 8192) {
    out += String.fromCharCode(...bytes.subarray(i, Math.min(bytes.length, i + 8192)));
  }
  return out;
}

/** Decodes the bytes of a text file, sniffing its encoding (see the module doc). Never throws. */
export function decodeText(bytes: Uint8Array): DecodedText {
  if (bytes.length >= 2 && bytes[0] === 0xff && bytes[1] === 0xfe) {
    return { text: decodeUtf16(bytes, 2, true), encoding: 'utf-16le', bom: true };
  }
  if (bytes.length >= 2 && bytes[0] === 0xfe && bytes[1] === 0xff) {
    return { text: decodeUtf16(bytes, 2, false), encoding: 'utf-16be', bom: true };
  }
  if (bytes.length >= 3 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) {
    return { text: new TextDecoder('utf-8').decode(bytes.subarray(3)), encoding: 'utf-8', bom: true };
  }
  const sample = Math.min(bytes.length, 4096);
  if (sample >= 4) {
    let zeroEven = 0;
    let zeroOdd = 0;
    for (let i = 0; i < sample; i++) {
      if (bytes[i] === 0) {
        if (i & 1) zeroOdd++;
        else zeroEven++;
      }
    }
    const half = sample / 2;
    if (zeroOdd >= 0.25 * half && zeroOdd > 4 * zeroEven) {
      return { text: decodeUtf16(bytes, 0, true), encoding: 'utf-16le', bom: false };
    }
    if (zeroEven >= 0.25 * half && zeroEven > 4 * zeroOdd) {
      return { text: decodeUtf16(bytes, 0, false), encoding: 'utf-16be', bom: false };
    }
  }
  try {
    return { text: new TextDecoder('utf-8', { fatal: true }).decode(bytes), encoding: 'utf-8', bom: false };
  } catch {
    return { text: decodeLatin1(bytes), encoding: 'latin1', bom: false };
  }
}

/** Splits text into lines, accepting CRLF, LF and lone CR line ends. */
export function splitLines(text: string): string[] {
  return text.split(/\r\n|\n|\r/);
}

/** Encodes text as UTF-16 LE with a byte-order mark (what OpticStudio writes). */
export function encodeUtf16Le(text: string): Uint8Array {
  const out = new Uint8Array(2 + 2 * text.length);
  out[0] = 0xff;
  out[1] = 0xfe;
  for (let i = 0; i < text.length; i++) {
    const u = text.charCodeAt(i);
    out[2 + 2 * i] = u & 0xff;
    out[3 + 2 * i] = u >> 8;
  }
  return out;
}
