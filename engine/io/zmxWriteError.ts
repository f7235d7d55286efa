/** Thrown for a prescription feature that has no .zmx form; the message names the surface or field. */
export class ZmxWriteError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ZmxWriteError';
  }
}
