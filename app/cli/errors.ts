/**
 * Error reporting for the command line: a known error prints one line `lens-studio: <message>`
 * and exits with code 1 (2 for usage errors); LENS_STUDIO_DEBUG=1 prints the stack as well.
 */
import { terminalText } from './terminal.ts';

export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode = 1,
  ) {
    super(message);
    this.name = 'CliError';
  }
}

/** Runs the CLI body and turns any thrown error into one readable line and a non-zero exit. */
export async function runMain(body: () => Promise<unknown>): Promise<void> {
  try {
    await body();
  } catch (err) {
    const e = err as Error & { exitCode?: number; code?: string };
    if (e && typeof e.code === 'string' && e.code.startsWith('commander.')) {
      process.exitCode = e.exitCode ?? 2;
      return;
    }
    const message = e instanceof Error ? e.message : String(err);
    process.stderr.write(`lens-studio: ${terminalText(message)}\n`);
    if (process.env.LENS_STUDIO_DEBUG) process.stderr.write(`${(e as Error).stack}\n`);
    process.exitCode = e instanceof CliError ? e.exitCode : 1;
  }
}
