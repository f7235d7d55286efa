/**
 * An error in a lens file (.zmx, dO .txt): the message names the file, the 1-based line and what
 * is wrong, e.g. `lens.zmx:68: SURF 1: TYPE TOROIDAL is not supported yet`.
 */
export class LensFileError extends Error {
  /**
   * @param fileName the file's name as the user gave it
   * @param line 1-based line number, or undefined when the problem is not on one line
   * @param detail what is wrong, starting with the keyword or surface it concerns
   */
  constructor(
    readonly fileName: string,
    readonly line: number | undefined,
    readonly detail: string,
  ) {
    super(line === undefined ? `${fileName}: ${detail}` : `${fileName}:${line}: ${detail}`);
    this.name = 'LensFileError';
  }
}

/** The result of reading a lens file: the prescription and the warnings met on the way. */
export interface LensFileResult<P> {
  prescription: P;
  /** One line per warning, each naming the line or surface it concerns. */
  warnings: string[];
}
