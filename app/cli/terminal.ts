/**
 * Text for the terminal. Names, comments, glass names and error messages often come from the
 * files being read; written raw, an escape sequence in them (ESC [ ... m, OSC 52 clipboard writes,
 * a carriage return that overwrites the line, a bidirectional override that reorders it) would be
 * acted on by the terminal. Every report and message of the command line goes through
 * `terminalText` (or `terminalJson` for --json output), which shows such characters as escapes:
 * `\x1B`, `\x07`, `\u202E`.
 *
 * Escaped: C0 controls except newline and tab, DEL, C1 controls (U+0080–U+009F), the Unicode
 * bidirectional formatting characters (U+061C, U+200E–U+200F, U+202A–U+202E, U+2066–U+2069) and
 * the line / paragraph separators (U+2028, U+2029). The progress bars (cli-progress) draw with
 * their own escape sequences and are not written through here.
 */

// eslint-disable-next-line no-control-regex
const UNSAFE = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

/** `text` with terminal control characters shown as `\xHH` / `\uHHHH` escapes (newlines and tabs kept). */
export function terminalText(text: string): string {
  return text.replace(UNSAFE, (c) => {
    const code = c.charCodeAt(0);
    return code < 0x100 ? `\\x${code.toString(16).toUpperCase().padStart(2, '0')}` : `\\u${code.toString(16).toUpperCase().padStart(4, '0')}`;
  });
}

/**
 * JSON for the terminal: `JSON.stringify(value, null, indent)` with the characters JSON leaves raw but
 * a terminal acts on (DEL, C1 controls, bidirectional overrides) written as `\uXXXX` escapes, so
 * the output is the same JSON value and safe to print.
 */
export function terminalJson(value: unknown, indent = 2): string {
  return JSON.stringify(value, null, indent).replace(UNSAFE, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** Writes report text to stdout, escaped. */
export function writeOut(text: string): void {
  process.stdout.write(terminalText(text));
}

/** Writes a message to stderr, escaped. */
export function writeErr(text: string): void {
  process.stderr.write(terminalText(text));
}
