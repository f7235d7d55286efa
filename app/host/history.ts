/**
 * Undo/redo history of whole prescriptions (they are small: a few kB). Consecutive changes with
 * the same coalesce key replace the newest undo step instead of adding one, so typing "-21.35"
 * into a cell is undone at once. A step may also carry what identifies the lens (its file name,
 * say) when the change gave it a new one; undo and redo then hand that back too.
 */
import type { Prescription } from '../../engine/io/prescription.ts';

interface Step<M> {
  /** The lens before the change. */
  before: Prescription;
  /** Its identity before the change, when the change gave it a new one. */
  beforeMeta?: M;
  label: string;
  coalesceKey?: string;
}

/** Undo and redo stacks for one lens session (cleared when another lens is opened). */
export class History<M = never> {
  private undoSteps: Step<M>[] = [];
  private redoSteps: { after: Prescription; afterMeta?: M; label: string }[] = [];

  constructor(private readonly limit = 200) {}

  /**
   * Records that the lens changed from `before` (with a label for the Edit menu); `beforeMeta` is
   * the lens's identity before the change, for a change that gives it a new one.
   */
  record(before: Prescription, label: string, coalesceKey?: string, beforeMeta?: M): void {
    const top = this.undoSteps[this.undoSteps.length - 1];
    this.redoSteps = [];
    if (coalesceKey !== undefined && beforeMeta === undefined && top?.coalesceKey === coalesceKey) return; // keep the oldest "before"
    this.undoSteps.push({ before, label, coalesceKey, ...(beforeMeta !== undefined && { beforeMeta }) });
    if (this.undoSteps.length > this.limit) this.undoSteps.shift();
  }

  /** Ends coalescing: the next change starts a new undo step even with the same key. */
  seal(): void {
    const top = this.undoSteps[this.undoSteps.length - 1];
    if (top) top.coalesceKey = undefined;
  }

  /**
   * Pops the newest step: returns the lens to restore (and its identity, when the step changed it),
   * or null when there is nothing to undo. `currentMeta` is the identity now, kept for redo.
   */
  undo(current: Prescription, currentMeta?: M): { lens: Prescription; label: string; meta?: M } | null {
    const step = this.undoSteps.pop();
    if (!step) return null;
    const changedIdentity = step.beforeMeta !== undefined;
    this.redoSteps.push({ after: current, label: step.label, ...(changedIdentity && currentMeta !== undefined && { afterMeta: currentMeta }) });
    return { lens: step.before, label: step.label, ...(changedIdentity && { meta: step.beforeMeta }) };
  }

  redo(current: Prescription, currentMeta?: M): { lens: Prescription; label: string; meta?: M } | null {
    const step = this.redoSteps.pop();
    if (!step) return null;
    const changedIdentity = step.afterMeta !== undefined;
    this.undoSteps.push({ before: current, label: step.label, ...(changedIdentity && currentMeta !== undefined && { beforeMeta: currentMeta }) });
    return { lens: step.after, label: step.label, ...(changedIdentity && { meta: step.afterMeta }) };
  }

  clear(): void {
    this.undoSteps = [];
    this.redoSteps = [];
  }

  get undoLabel(): string | undefined {
    return this.undoSteps[this.undoSteps.length - 1]?.label;
  }

  get redoLabel(): string | undefined {
    return this.redoSteps[this.redoSteps.length - 1]?.label;
  }
}
