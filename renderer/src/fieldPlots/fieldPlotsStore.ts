/**
 * The field plots of the current lens, as the host computes them (engine/analysis/fieldPlots.ts,
 * `lens-studio analyze --json`'s `field_plots`), asked for only while the Field plots panel is
 * visible.
 *
 * They come in their own `analyze` request (no report, spots, fans or layout), sent after the ray analysis
 * of a revision has arrived and the lens has then stayed the same for IDLE_MS: the spots and layout
 * of an edit never wait behind them, and a radius being dragged updates them when it pauses.
 * "Latest wins": at most one request in flight; when the lens moved on meanwhile, one more follows.
 */
import { create } from 'zustand';
import type { FieldPlots } from '../../../app/contract/studioApi.ts';
import { useStudio } from '../store.ts';
import { errorMessage } from '../api.ts';

/** How long the lens must stay the same before its field plots are asked for, ms. */
export const IDLE_MS = 80;

interface FieldPlotsState {
  visible: boolean;
  /** The newest field plots received and the lens revision they belong to (-1: none yet). */
  plots: FieldPlots | null;
  revision: number;
  /** Why the last request gave no field plots (the host's error), else null. */
  error: string | null;
  pending: boolean;
  setVisible(v: boolean): void;
}

declare global {
  interface Window {
    /** How many field-plot requests this page has sent (for the browser tests). */
    __fieldPlotsRequests?: number;
  }
}

let timer: ReturnType<typeof setTimeout> | undefined;
let inFlight = false;
let unsubscribe: (() => void) | null = null;

export const useFieldPlots = create<FieldPlotsState>()((set, get) => {
  /** The lens revision whose ray analysis is shown, when field plots of it are still missing. */
  const wanted = (): number | null => {
    const s = useStudio.getState();
    const rev = s.analysis?.revision ?? -1;
    if (!s.api || rev < 0 || (s.lens && s.lens.revision > rev)) return null; // an edit is on its way
    return rev > get().revision ? rev : null;
  };

  const schedule = () => {
    if (timer !== undefined) clearTimeout(timer);
    timer = undefined;
    if (!get().visible || inFlight || wanted() === null) return;
    timer = setTimeout(() => {
      timer = undefined;
      void request();
    }, IDLE_MS);
  };

  const request = async () => {
    const api = useStudio.getState().api;
    if (!api || !get().visible || inFlight || wanted() === null) return;
    inFlight = true;
    set({ pending: true });
    if (typeof window !== 'undefined') window.__fieldPlotsRequests = (window.__fieldPlotsRequests ?? 0) + 1;
    try {
      const b = await api.analyze({ spots: false, fans: false, layout: false, report: false, fieldPlots: true });
      if (b.revision >= get().revision) {
        const err = b.errors.find((e) => e.startsWith('field plots') || e.startsWith('entrance pupil'));
        set({ plots: b.fieldPlots, revision: b.revision, error: b.fieldPlots ? null : (err ?? 'the field plots could not be computed') });
      }
    } catch (e) {
      set({ error: `Field plots failed: ${errorMessage(e)}` });
    } finally {
      inFlight = false;
      set({ pending: false });
      schedule();
    }
  };

  return {
    visible: false,
    plots: null,
    revision: -1,
    error: null,
    pending: false,
    setVisible(visible) {
      set({ visible });
      unsubscribe?.();
      unsubscribe = null;
      if (timer !== undefined) clearTimeout(timer);
      timer = undefined;
      if (!visible) return;
      // A ray analysis or a lens edit (re)starts the idle wait.
      unsubscribe = useStudio.subscribe((s, prev) => {
        if (s.analysis !== prev.analysis || s.lens !== prev.lens) schedule();
      });
      schedule();
    },
  };
});
