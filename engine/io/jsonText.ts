/**
 * The one JSON reader of the engine: every JSON input (lens files, merit specs, deflectometry rigs
 * and sessions) is read with `parseJsonText`, so a syntax error always says where, and validated
 * with a zod schema whose issues name the JSON path (`formatPath`, `formatIssue`).
 *
 * Syntax errors: JSON.parse, and on failure the line and column of the first offending character.
 * V8 gives a position for some syntax errors only ("Unexpected token ',', ... is not valid JSON"
 * has none), so a small recursive-descent scanner of the JSON grammar (RFC 8259) finds the offset
 * itself.
 *
 * Sizes: nesting deeper than `MAX_JSON_DEPTH` (64) levels is refused before parsing, with its line
 * and column (no legitimate input nests that deep, and the recursive parsers and schema checks
 * would otherwise end in "Maximum call stack size exceeded").
 *
 * Unknown keys (unknownKeys.ts, `checkUnknownKeys`): the schemas drop keys they do not know; each
 * one is reported as a warning naming its JSON path and the closest known key, or, with `strict`,
 * as an error.
 */
import type { z } from 'zod';

/** Deepest nesting of arrays and objects a JSON input may have. */
export const MAX_JSON_DEPTH = 64;

/** How a JSON input is read: `strict` makes unknown keys errors; otherwise they are added to `warnings`. */
export interface JsonReadOptions {
  strict?: boolean;
  warnings?: string[];
}

function lineColumn(text: string, offset: number): string {
  const before = text.slice(0, offset);
  return `line ${before.split('\n').length}, column ${offset - before.lastIndexOf('\n')}`;
}

/** Offset of the bracket that first nests deeper than `max` levels, or -1 (strings are skipped). */
export function jsonDepthExceeded(text: string, max = MAX_JSON_DEPTH): number {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++; // backslash: skip the escaped character
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x7b || c === 0x5b) {
      if (++depth > max) return i;
    } else if (c === 0x7d || c === 0x5d) depth--;
  }
  return -1;
}

/** Offset of the first character where `text` stops being valid JSON (text.length if it ends early). */
export function jsonErrorOffset(text: string): number {
  let i = 0;
  const ws = () => {
    while (i < text.length && ' \t\n\r'.includes(text[i])) i++;
  };
  const fail = (): never => {
    throw i;
  };
  const literal = (word: string) => {
    for (const ch of word) {
      if (text[i] !== ch) fail();
      i++;
    }
  };
  const string = () => {
    if (text[i] !== '"') fail();
    i++;
    while (i < text.length && text[i] !== '"') {
      const c = text.charCodeAt(i);
      if (c < 0x20) fail();
      if (text[i] === '\\') {
        i++;
        if (text[i] === 'u') {
          for (let k = 1; k <= 4; k++) if (!/[0-9a-fA-F]/.test(text[i + k] ?? '')) ((i += k), fail());
          i += 5;
          continue;
        }
        if (!'"\\/bfnrt'.includes(text[i] ?? '')) fail();
      }
      i++;
    }
    if (text[i] !== '"') fail();
    i++;
  };
  const number = () => {
    const m = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/.exec(text.slice(i, i + 400));
    if (!m || m[0] === '' || m[0] === '-') fail();
    i += m![0].length;
  };
  const value = (): void => {
    ws();
    const c = text[i];
    if (c === '{') {
      i++;
      ws();
      if (text[i] === '}') return void i++;
      for (;;) {
        ws();
        string();
        ws();
        if (text[i] !== ':') fail();
        i++;
        value();
        ws();
        if (text[i] === ',') i++;
        else if (text[i] === '}') return void i++;
        else fail();
      }
    } else if (c === '[') {
      i++;
      ws();
      if (text[i] === ']') return void i++;
      for (;;) {
        value();
        ws();
        if (text[i] === ',') i++;
        else if (text[i] === ']') return void i++;
        else fail();
      }
    } else if (c === '"') string();
    else if (c === 't') literal('true');
    else if (c === 'f') literal('false');
    else if (c === 'n') literal('null');
    else number();
  };
  try {
    value();
    ws();
    if (i < text.length) fail();
    return -1;
  } catch (at) {
    return typeof at === 'number' ? at : i;
  }
}

/**
 * Parses JSON text, reporting a syntax error as `file: malformed JSON at line L, column C: ...`.
 * @throws an ErrorType instance with that message
 */
export function parseJsonText(text: string, fileName: string, ErrorType: new (m: string) => Error): unknown {
  const deep = jsonDepthExceeded(text);
  if (deep >= 0) throw new ErrorType(`${fileName}: JSON nested deeper than ${MAX_JSON_DEPTH} levels at ${lineColumn(text, deep)}`);
  try {
    return JSON.parse(text);
  } catch (err) {
    const msg = (err as Error).message;
    const pos = /position (\d+)/.exec(msg);
    const offset = pos ? Number(pos[1]) : jsonErrorOffset(text);
    let where = '';
    if (offset >= 0) {
      const found = offset < text.length ? `unexpected ${JSON.stringify(text[offset])}` : 'unexpected end of text';
      where = ` at ${lineColumn(text, offset)}: ${found}`;
    }
    throw new ErrorType(`${fileName}: malformed JSON${where}`);
  }
}

/** Formats a zod issue path as `surfaces[3].thickness` (`(root)` for the empty path). */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else out += out ? `.${String(key)}` : String(key);
  }
  return out || '(root)';
}

/** One zod issue as `path: message`, with zod's type errors worded as "expected a number". */
export function formatIssue(issue: z.core.$ZodIssue): string {
  const where = formatPath(issue.path);
  let message = issue.message;
  if (issue.code === 'invalid_type') {
    const expected = (issue as { expected?: string }).expected;
    message = `expected ${expected === 'number' ? 'a number' : expected === 'string' ? 'a string' : expected === 'array' ? 'an array' : expected === 'object' ? 'an object' : expected}`;
  }
  return `${where}: ${message}`;
}

