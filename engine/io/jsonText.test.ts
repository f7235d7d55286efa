/** The JSON reader: syntax errors located by line and column, zod paths formatted. */
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { formatIssue, formatPath, jsonErrorOffset, parseJsonText } from './jsonText.ts';

describe('JSON syntax errors', () => {
  it('are located by line and column whatever V8 reports', () => {
    const cases: [string, number][] = [
      ['{\n  "cameras": [,]\n}', 16],
      ['{\n "a": 1,\n}', 11],
      ['{\n "a": tru\n}', 11],
      ['[1, 2', 5],
      ['{"a": "x\u0001"}', 8],
      ['{"a": -}', 6],
      ['{"a": [1, {"b": null}]} x', 24],
    ];
    for (const [text, offset] of cases) {
      expect(() => JSON.parse(text)).toThrow();
      expect(jsonErrorOffset(text), text).toBe(offset);
    }
    expect(jsonErrorOffset('{"a": [1, 2.5e-3, true, false, null, "\\u00e9\\n"]}')).toBe(-1);
    expect(() => parseJsonText('{\n  "cameras": [,]\n}', 'r.json', Error)).toThrow('r.json: malformed JSON at line 2, column 15: unexpected ","');
  });
});

describe('formatPath and formatIssue', () => {
  it('write zod paths as JSON paths and type errors as "expected a ..."', () => {
    expect(formatPath(['surfaces', 3, 'thickness'])).toBe('surfaces[3].thickness');
    expect(formatPath([])).toBe('(root)');
    const r = z.object({ a: z.array(z.object({ t: z.number() })) }).safeParse({ a: [{ t: 1 }, { t: 'x' }] });
    expect(r.success).toBe(false);
    if (!r.success) expect(formatIssue(r.error.issues[0])).toBe('a[1].t: expected a number');
  });
});
