/**
 * Undo/redo history of whole prescriptions (they are small: a few kB). Consecutive changes with
 * the same coalesce key replace the newest undo step instead of adding one, so typing "-21.35"
 * into a cell is undone at once.
 */
import type { Prescription } from '../../engine/io/prescription.ts';

interface Step {
  /** The lens before the change. */
  before: Prescription;
  label: string;
  coalesceKey?: string;
}

/** Undo and redo stacks for one lens session (cleared when another lens is opened). */
export class History {
  private undoSteps: Step[] = [];
  private redoSteps: { after: Prescription; label: string }[] = [];

  constructor(private readonly limit = 200) {}

  /** Records that the lens changed from `before` (with a label for the Edit menu). */
  record(before: Prescription, label: string, coalesceKey?: string): void {
    const top = this.undoSteps[this.undoSteps.length - 1];
    this.redoSteps = [];
    if (coalesceKey !== undefined && top?.coalesceKey === coalesceKey) return; // keep the oldest "before"
    this.undoSteps.push({ before, label, coalesceKey });
    if (this.undoSteps.length > this.limit) this.undoSteps.shift();
  }

  /** Ends coalescing: the next change starts a new undo step even with the same key. */
  seal(): void {
    const top = this.undoSteps[this.undoSteps.length - 1];
    if (top) top.coalesceKey = undefined;
  }

  /** Pops the newest step: returns the lens to restore, or null when there is nothing to undo. */
  undo(current: Prescription): { lens: Prescription; label: string } | null {
    const step = this.undoSteps.pop();
    if (!step) return null;
    this.redoSteps.push({ after: current, label: step.label });
    return { lens: step.before, label: step.label };
  }

  redo(current: Prescription): { lens: Prescription; label: string } | null {
    const step = this.redoSteps.pop();
    if (!step) return null;
    this.undoSteps.push({ before: current, label: step.label });
    return { lens: step.after, label: step.label };
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
