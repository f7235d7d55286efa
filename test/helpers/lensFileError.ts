/** Test helper: runs fn, expects it to throw a LensFileError, and returns that error. */
import { expect } from 'vitest';
import { LensFileError } from '../../engine/io/lensFileError.ts';

export function lensFileErrorOf(fn: () => unknown): LensFileError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(LensFileError);
    return err as LensFileError;
  }
  throw new Error('expected a LensFileError');
}
