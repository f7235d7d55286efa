/**
 * Optimization runs inside the engine host. The optimizers are async and hand the event loop a
 * turn every few ms, so the host keeps answering `analyze` and `stopOptimization` while a run goes
 * on (and the UI, on its own thread, never waits for it). Progress is streamed as
 * `optimization` events, and the lens itself is updated (without undo steps, throttled) so the
 * layout, spots and fans follow the run; the finished or stopped run becomes one undo step.
 */
import type { ProgressEvent } from '../../engine/optimize/problem.ts';
import type { Prescription } from '../../engine/io/prescription.ts';
import { StudioError, type LensSnapshot, type OptimizationEvent, type OptimizeOptions, type StudioEvent } from '../contract/studioApi.ts';
import { createLensOptimization, type LensOptimization } from './lensOptimization.ts';
import { describeRun } from '../../engine/optimize/run.ts';

export interface RunnerHooks {
  emit(e: StudioEvent): void;
  current(): { prescription: Prescription };
  /** Shows an intermediate lens (no undo step). */
  preview(p: Prescription): LensSnapshot;
  /** Installs the final lens as one undo step. */
  commit(before: Prescription, after: Prescription, label: string): LensSnapshot;
}

interface Run {
  id: string;
  abort: AbortController;
  done: Promise<void>;
  /** Set when another lens was opened: the run must not touch the lens any more. */
  detached: boolean;
}

/** Minimum time between lens previews pushed to the clients during a run, ms. */
const PREVIEW_EVERY_MS = 50;

export class OptimizationRunner {
  private run: Run | null = null;
  private counter = 0;

  constructor(private readonly hooks: RunnerHooks) {}

  /** @throws StudioError BUSY while a run is going on (edits would race the optimizer) */
  assertIdle(): void {
    if (this.run) throw new StudioError('BUSY', 'an optimization is running: stop it first');
  }

  /**
   * Starts a run on the current lens and returns its id at once.
   * @throws StudioError BUSY when a run is already going on; BAD_EDIT when there is nothing to vary
   */
  start(options: OptimizeOptions): { runId: string } {
    this.assertIdle();
    const before = this.hooks.current().prescription;
    let opt: LensOptimization;
    try {
      opt = createLensOptimization(before, options);
    } catch (e) {
      throw new StudioError('BAD_EDIT', (e as Error).message);
    }
    const id = `run-${++this.counter}`;
    const abort = new AbortController();
    const run: Run = { id, abort, done: Promise.resolve(), detached: false };
    this.run = run;
    run.done = this.execute(run, opt, before).finally(() => {
      if (this.run === run) this.run = null;
    });
    return { runId: id };
  }

  private async execute(run: Run, opt: LensOptimization, before: Prescription): Promise<void> {
    let initialMerit = NaN;
    let lastPreview = 0;
    let last: OptimizationEvent | null = null;
    const event = (phase: OptimizationEvent['phase'], e: ProgressEvent | null, message?: string): OptimizationEvent => ({
      type: 'optimization',
      runId: run.id,
      phase,
      iteration: e?.iteration ?? last?.iteration ?? 0,
      merit: e?.merit ?? last?.merit ?? NaN,
      initialMerit,
      operands: e?.operands
        ? e.operands.map((o) => ({ name: o.label, value: o.value, target: o.target, weight: o.weight, contribution: o.contribution }))
        : (last?.operands ?? []),
      variables: e ? opt.describeVariables(e.x) : (last?.variables ?? []),
      ...(message !== undefined && { message }),
    });
    try {
      const result = await opt.run(run.abort.signal, (e) => {
        if (e.iteration === 0) initialMerit = e.merit;
        last = event(e.iteration === 0 ? 'started' : 'progress', e);
        this.hooks.emit(last);
        const t = performance.now();
        if (e.iteration > 0 && !run.detached && t - lastPreview >= PREVIEW_EVERY_MS) {
          lastPreview = t;
          try {
            this.hooks.preview(opt.apply(e.x));
          } catch {
            // A transient lens that cannot be built is skipped; the run goes on.
          }
        }
      });
      if (!run.detached) this.hooks.commit(before, opt.apply(result.x), `Optimize (${result.iterations} iterations)`);
      const stopped = result.stopReason === 'cancelled';
      this.hooks.emit({
        ...event(stopped ? 'stopped' : 'finished', null, describeRun(result)),
        iteration: result.iterations,
        merit: result.merit,
        initialMerit: result.initialMerit,
        variables: opt.describeVariables(result.x),
        // The final lens's operands (Adam's progress carries none).
        operands: opt.merit.operands(result.x).map((o) => ({ name: o.label, value: o.value, target: o.target, weight: o.weight, contribution: o.contribution })),
        stopReason: result.stopReason,
        violations: opt.violations(result.x),
      });
    } catch (e) {
      // Put the starting lens back if a preview had replaced it.
      try {
        if (!run.detached) this.hooks.preview(before);
      } catch {
        // The starting lens built before; nothing else to do.
      }
      this.hooks.emit(event('failed', null, (e as Error).message));
    }
  }

  /** Stops run `runId` (the best lens so far is kept); resolves once it has stopped. */
  async stop(runId: string): Promise<void> {
    const run = this.run;
    if (!run || run.id !== runId) return;
    run.abort.abort();
    await run.done;
  }

  /** Stops any run without waiting (another lens is being opened). */
  stopAll(): void {
    if (!this.run) return;
    this.run.detached = true;
    this.run.abort.abort();
    this.run = null;
  }
}
