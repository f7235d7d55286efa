import { describe, expect, it } from 'vitest';
import { terminalJson, terminalText } from './terminal.ts';

describe('text for the terminal', () => {
  it('shows escape sequences, bells, carriage returns and bidi overrides as escapes, keeps newlines and tabs', () => {
    expect(terminalText('a\u001b[31mred\u001b[0m\u0007\r\nb\tc')).toBe('a\\x1B[31mred\\x1B[0m\\x07\\x0D\nb\tc');
    expect(terminalText('\u009b2J \u007f \u202eevil\u202c \u2066x\u2069')).toBe('\\x9B2J \\x7F \\u202Eevil\\u202C \\u2066x\\u2069');
    expect(terminalText('N-BK7 µm Ø 25.4 — °')).toBe('N-BK7 µm Ø 25.4 — °');
  });

  it('JSON keeps its value and leaves no raw control character', () => {
    const value = { name: 'x\u001b]52;c;ZXZpbA==\u0007 \u009b \u202e' };
    const text = terminalJson(value);
    expect(JSON.parse(text)).toEqual(value);
    // eslint-disable-next-line no-control-regex
    expect(text).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202e]/);
  });
});
