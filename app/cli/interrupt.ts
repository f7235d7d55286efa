/**
 * Ctrl-C for long commands (`optimize`, `e2e`): the first SIGINT asks the run to stop through an
 * AbortSignal (the command then writes its best result so far and exits 130); a second SIGINT
 * quits at once without writing (files are written atomically, so none is left half-written).
 */

/**
 * Installs the Ctrl-C handler: the first SIGINT calls `onFirst` and aborts the returned signal,
 * the second exits with code 130.
 * @returns the signal and a function that removes the handler
 */
export function interruptOnSigint(onFirst?: () => void): { signal: AbortSignal; dispose: () => void } {
  const controller = new AbortController();
  const handler = () => {
    if (!controller.signal.aborted) {
      onFirst?.();
      controller.abort();
    } else {
      process.stderr.write('\nlens-studio: interrupted again, quitting without writing\n');
      process.exit(130);
    }
  };
  process.on('SIGINT', handler);
  return { signal: controller.signal, dispose: () => process.off('SIGINT', handler) };
}
