/**
 * Keeps the Electron app's one engine utility process alive, and every window on it:
 *
 * - there is always one current engine; each window connects to the *current* one on every page
 *   load (`connect`), never to the process that was current when the window was made;
 * - when the engine exits unexpectedly, a new one is started with the same exit handling (so its
 *   own crash is handled too), and `onRestart` lets the main process reload every window, which
 *   then connects to the new engine;
 * - nothing is restarted while the app quits (`quit` kills the engine on purpose), and a crash loop
 *   (more than `maxRestarts` within `windowMs`) stops restarting and reports it (`onGiveUp`).
 *
 * Electron-free (the process is any object with postMessage / kill / on('exit')), so it is tested
 * under Node.
 */

/** The part of Electron's UtilityProcess the supervisor uses. */
export interface EngineProcess {
  postMessage(message: unknown, transfer?: unknown[]): void;
  kill(): boolean;
  on(event: 'exit', listener: (code: number) => void): unknown;
}

export interface SupervisorHooks<P extends EngineProcess> {
  /** Starts a new engine process. */
  fork(): P;
  /** A new engine replaced one that died: reconnect the windows (reload them). */
  onRestart(engine: P, exitCode: number): void;
  /** The engine keeps dying: no more restarts. */
  onGiveUp(exitCode: number, restarts: number): void;
  log?(line: string): void;
  /** Clock, ms (tests pass their own). */
  now?(): number;
}

export class EngineSupervisor<P extends EngineProcess> {
  private engine: P;
  private quitting = false;
  private gaveUp = false;
  private readonly restarts: number[] = [];
  private readonly now: () => number;

  /**
   * Starts the first engine.
   * @param maxRestarts restarts allowed within `windowMs` before giving up (default 3 in 60 s)
   */
  constructor(
    private readonly hooks: SupervisorHooks<P>,
    private readonly maxRestarts = 3,
    private readonly windowMs = 60_000,
  ) {
    this.now = hooks.now ?? (() => Date.now());
    this.engine = this.start();
  }

  /** The engine windows connect to now. */
  get current(): P {
    return this.engine;
  }

  /** True once `quit` was called. */
  get isQuitting(): boolean {
    return this.quitting;
  }

  /**
   * Hands one end of a window's fresh channel to the current engine.
   * @returns false when there is no engine to connect to (quitting, or given up)
   */
  connect(port: unknown): boolean {
    if (this.quitting || this.gaveUp) return false;
    this.engine.postMessage({ type: 'connect' }, [port]);
    return true;
  }

  /** The app is quitting: stop the engine and never restart it. */
  quit(): void {
    if (this.quitting) return;
    this.quitting = true;
    this.engine.kill();
  }

  private start(): P {
    const engine = this.hooks.fork();
    engine.on('exit', (code) => this.exited(engine, code));
    return engine;
  }

  private exited(engine: P, code: number): void {
    // A process that is no longer current (already replaced) or an exit we asked for: nothing to do.
    if (engine !== this.engine || this.quitting || this.gaveUp) return;
    const t = this.now();
    while (this.restarts.length && t - this.restarts[0] > this.windowMs) this.restarts.shift();
    if (this.restarts.length >= this.maxRestarts) {
      this.gaveUp = true;
      this.hooks.log?.(`the engine process exited (code ${code}) ${this.restarts.length + 1} times within ${this.windowMs / 1000} s; not restarting it`);
      this.hooks.onGiveUp(code, this.restarts.length);
      return;
    }
    this.restarts.push(t);
    this.hooks.log?.(`the engine process exited (code ${code}); restarting it`);
    this.engine = this.start();
    this.hooks.onRestart(this.engine, code);
  }
}
