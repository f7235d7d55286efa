/**
 * Ctrl-C and SIGTERM for long commands (`optimize`, `e2e`): the first SIGINT or SIGTERM asks the
 * run to stop through an AbortSignal (the command then writes its best result so far and exits
 * 130 for SIGINT, 143 for SIGTERM); a second signal quits at once without writing (files are
 * written atomically, so none is left half-written).
 */

/** Exit code for a run stopped by `signal` (128 + the signal number, as shells report it). */
export function signalExitCode(signal: 'SIGINT' | 'SIGTERM'): number {
  return signal === 'SIGINT' ? 130 : 143;
}

/**
 * Installs the SIGINT / SIGTERM handler: the first signal calls `onFirst` and aborts the returned
 * signal, the second exits at once (130 / 143).
 * @returns the abort signal, which signal stopped the run (null until one came), and a function
 *   that removes the handlers
 */
export function interruptOnSigint(onFirst?: (signal: 'SIGINT' | 'SIGTERM') => void): { signal: AbortSignal; received: () => 'SIGINT' | 'SIGTERM' | null; dispose: () => void } {
  const controller = new AbortController();
  let received: 'SIGINT' | 'SIGTERM' | null = null;
  const handler = (sig: 'SIGINT' | 'SIGTERM') => {
    if (!controller.signal.aborted) {
      received = sig;
      onFirst?.(sig);
      controller.abort();
    } else {
      process.stderr.write('\nlens-studio: interrupted again, quitting without writing\n');
      process.exit(signalExitCode(sig));
    }
  };
  const onInt = () => handler('SIGINT');
  const onTerm = () => handler('SIGTERM');
  process.on('SIGINT', onInt);
  process.on('SIGTERM', onTerm);
  return {
    signal: controller.signal,
    received: () => received,
    dispose: () => {
      process.off('SIGINT', onInt);
      process.off('SIGTERM', onTerm);
    },
  };
}
