/**
 * Edit-to-frame instrumentation for the benchmark and the browser tests: the time from a lens
 * edit (the input event) to the first animation frame in which both the layout rays and the spot
 * diagrams of that edit's revision (or a newer one) have been drawn. Exposed as
 * `window.__studioPerf` (read-only use by tests).
 */
export interface EditFrame {
  revision: number;
  /** performance.now() at the edit. */
  editAt: number;
  /** performance.now() of the animation frame that shows it. */
  shownAt: number;
  /** When the host's edit reply and the analysis of that revision arrived, and each view drew it. */
  editReplyAt?: number;
  analysisAt?: number;
  layoutAt?: number;
  spotsAt?: number;
}

const marks = new Map<number, { editReplyAt?: number; analysisAt?: number; layoutAt?: number; spotsAt?: number }>();

/** Records a step of the pipeline for revision `revision` (for the benchmark's breakdown). */
export function perfMark(revision: number, step: 'editReplyAt' | 'analysisAt'): void {
  if (!pendingByRevision.has(revision)) return;
  const m = marks.get(revision) ?? {};
  m[step] ??= performance.now();
  marks.set(revision, m);
}

const pendingByRevision = new Map<number, number>();
let editAt: number | null = null;
const drawn: Record<'layout' | 'spots', number> = { layout: -1, spots: -1 };
let frameScheduled = false;
const frames: EditFrame[] = [];

declare global {
  interface Window {
    __studioPerf?: { frames: EditFrame[]; drawn: typeof drawn; reset(): void };
  }
}

if (typeof window !== 'undefined') {
  window.__studioPerf = {
    frames,
    drawn,
    reset() {
      frames.length = 0;
      pendingByRevision.clear();
      marks.clear();
    },
  };
}

/** Call when the user's edit is sent. */
export function perfMarkEdit(): void {
  editAt = performance.now();
}

/** Call with the revision the host gave the edit. */
export function perfMarkRevision(revision: number): void {
  if (editAt !== null) pendingByRevision.set(revision, editAt);
  editAt = null;
  perfMark(revision, 'editReplyAt');
}

/** Call after a view has drawn the analysis of `revision`. */
export function perfDrawn(view: 'layout' | 'spots', revision: number): void {
  drawn[view] = Math.max(drawn[view], revision);
  const t = performance.now();
  for (const [rev, m] of marks) if (rev <= revision) m[view === 'layout' ? 'layoutAt' : 'spotsAt'] ??= t;
  if (frameScheduled || pendingByRevision.size === 0) return;
  frameScheduled = true;
  requestAnimationFrame(() => {
    frameScheduled = false;
    const shown = Math.min(drawn.layout, drawn.spots);
    const shownAt = performance.now();
    for (const [revision, at] of [...pendingByRevision]) {
      if (revision <= shown) {
        frames.push({ revision, editAt: at, shownAt, ...marks.get(revision) });
        pendingByRevision.delete(revision);
        marks.delete(revision);
      }
    }
  });
}
