import { describe, expect, it } from 'vitest';
import { decodeText, encodeUtf16Le, splitLines } from './text.ts';

const sample = 'NAME AL1815-C  Ø18 mm\r\nUNIT MM\r\n';

function utf16(text: string, littleEndian: boolean, bom: boolean): Uint8Array {
  const out = new Uint8Array((bom ? 2 : 0) + 2 * text.length);
  let k = 0;
  if (bom) {
    out[k++] = littleEndian ? 0xff : 0xfe;
    out[k++] = littleEndian ? 0xfe : 0xff;
  }
  for (let i = 0; i < text.length; i++) {
    const u = text.charCodeAt(i);
    out[k++] = littleEndian ? u & 0xff : u >> 8;
    out[k++] = littleEndian ? u >> 8 : u & 0xff;
  }
  return out;
}

describe('decodeText', () => {
  it('reads UTF-16 LE and BE with a byte-order mark', () => {
    expect(decodeText(utf16(sample, true, true))).toEqual({ text: sample, encoding: 'utf-16le', bom: true });
    expect(decodeText(utf16(sample, false, true))).toEqual({ text: sample, encoding: 'utf-16be', bom: true });
  });

  it('recognises UTF-16 without a byte-order mark by its NUL bytes', () => {
    expect(decodeText(utf16(sample, true, false)).text).toBe(sample);
    expect(decodeText(utf16(sample, false, false)).encoding).toBe('utf-16be');
  });

  it('reads UTF-8 with and without a BOM, and falls back to Latin-1 for other bytes', () => {
    const utf8 = new TextEncoder().encode(sample);
    expect(decodeText(utf8)).toEqual({ text: sample, encoding: 'utf-8', bom: false });
    expect(decodeText(new Uint8Array([0xef, 0xbb, 0xbf, ...utf8]))).toEqual({ text: sample, encoding: 'utf-8', bom: true });
    // Latin-1: Ø is the single byte 0xD8, which is not valid UTF-8 here.
    const latin1 = Uint8Array.from(sample, (ch) => ch.charCodeAt(0));
    expect(latin1.includes(0xd8)).toBe(true);
    expect(decodeText(latin1)).toEqual({ text: sample, encoding: 'latin1', bom: false });
  });

  it('round-trips encodeUtf16Le', () => {
    const bytes = encodeUtf16Le(sample);
    expect([bytes[0], bytes[1]]).toEqual([0xff, 0xfe]);
    expect(decodeText(bytes).text).toBe(sample);
  });

  it('splits CRLF, LF and CR line ends alike', () => {
    expect(splitLines('a\r\nb\nc\rd')).toEqual(['a', 'b', 'c', 'd']);
  });
});
