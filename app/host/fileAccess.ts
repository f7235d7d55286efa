/**
 * Which host paths a studio client may read or write. The studio API is reachable from a browser
 * page (web mode) or a sandboxed renderer (Electron); neither is allowed to name arbitrary files of
 * the host. Under the `granted` policy:
 *
 * - files come in as contents (the browser's file chooser → `openFile`, a session folder chosen in
 *   the browser → the deflectometry upload) and go out as downloads (`exportLens`);
 * - a host path is usable only when the host itself put it in play: the start-up lens given on the
 *   command line, entries of the recent-files lists (written by the host when the user opened
 *   them), folders the host created (simulated or uploaded sessions), and a path the lens was
 *   saved to;
 * - a refused path is refused before the disk is touched, with the same message whether it exists
 *   or not, so no call can probe the file system.
 *
 * The `host` policy (the in-process studio of tests and scripts) allows every path.
 */
import path from 'node:path';
import { StudioError } from '../contract/studioApi.ts';

export type FileAccessPolicy = 'host' | 'granted';

export class FileAccess {
  private readonly granted = new Set<string>();

  constructor(readonly policy: FileAccessPolicy) {}

  /** Allows `p` (made absolute) from now on. */
  grant(p: string): string {
    const abs = path.resolve(p);
    this.granted.add(abs);
    return abs;
  }

  /** True when the policy lets a client use `p`. */
  allows(p: string): boolean {
    return this.policy === 'host' || this.granted.has(path.resolve(p));
  }

  /**
   * Returns `p` made absolute when allowed.
   * @param what the call, for the message ("openPath", "saveLens", "openDeflectometrySession")
   * @throws StudioError BAD_REQUEST (never touching the disk) when the policy refuses it
   */
  check(p: unknown, what: string): string {
    if (typeof p !== 'string' || !p) throw new StudioError('BAD_REQUEST', `${what} needs a path`);
    if (!this.allows(p)) {
      throw new StudioError(
        'BAD_REQUEST',
        `${what}: the studio reads and writes only files you chose (the file chooser, the start-up lens, recent files); open files with Open… and save with Export`,
      );
    }
    return path.resolve(p);
  }
}

/**
 * An error message about a file read from the host's disk, with every quoted span of the file's
 * text taken out (`"…"`), so a client never sees contents it did not send: V8's JSON snippets
 * ("Unexpected token 'o', ..."oops" is not valid JSON"), and the tokens parsers quote
 * (`expected a number, got "abc"`, `row type X`).
 */
export function redactFileText(message: string): string {
  return message
    .replace(/,\s*(?:\.\.\.)?".*?"(?:\.\.\.)? is not valid JSON/gs, '')
    .replace(/"[^"\n]*"|'[^'\n]*'|“[^”\n]*”/g, '"…"')
    .replace(/\brow type \S+/g, 'row type "…"');
}
