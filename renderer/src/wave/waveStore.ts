/**
 * State of the wave-optics panels (zustand): which view is open, its settings, and the latest
 * answer of the host's `analyzeWave` for it. The host computes everything; this store only asks.
 *
 * Requests follow the ray analyses: when the studio shows the analysis of a new lens revision (the
 * spots and rays never wait for wave optics), a live pass is asked for the open view — at most one
 * live request at a time, and one more when it returns if the lens moved on meanwhile, so a drag
 * shows the wave panel at the rate the host can compute it. When the lens has stayed the same for
 * REFINE_AFTER_MS after a live answer, the refined pass (the command line's sampling) is asked;
 * the host abandons it if the lens changes, and its answer replaces the live one.
 */
import { create } from 'zustand';
import type { StudioApi, WaveAnalysisOptions, WaveBundle, ZernikeBasisName } from '../../../app/contract/studioApi.ts';
import { useStudio } from '../store.ts';
import { errorMessage } from '../api.ts';

export type WaveView = 'mtf' | 'wavefront' | 'psf' | 'zernike' | 'focus';

export interface WaveSettings {
  fieldIndex: number;
  /** null: the primary wavelength. */
  wavelengthIndex: number | null;
  mtfPolychromatic: boolean;
  /** Largest frequency drawn, cycles/mm; 'cutoff': the whole curve; null: auto (MtfPlot.tsx `mtfRange`). */
  mtfMaxFrequency: number | 'cutoff' | null;
  /** Where the refined pass evaluates the exact MTF (the command line's --frequencies). */
  frequencies: number[];
  psfPolychromatic: boolean;
  psfLog: boolean;
  basis: ZernikeBasisName;
  focusFrequency: number;
  focusPolychromatic: boolean;
  /** null: the host's default range. */
  focusHalfRangeMm: number | null;
}

/** Idle time before the refined pass is asked, ms. */
export const REFINE_AFTER_MS = 350;

interface WaveState {
  view: WaveView;
  /** True while the wave panel is on screen (requests are made only then). */
  visible: boolean;
  settings: WaveSettings;
  /** Latest answer per view, with the request it answers (JSON of the parts, without quality). */
  results: Partial<Record<WaveView, { key: string; bundle: WaveBundle }>>;
  /** A request in flight for the current view. */
  pending: 'live' | 'refined' | null;
  error: string | null;
  setView(v: WaveView): void;
  setVisible(v: boolean): void;
  set(s: Partial<WaveSettings>): void;
}

const DEFAULTS: WaveSettings = {
  fieldIndex: 0,
  wavelengthIndex: null,
  mtfPolychromatic: false,
  mtfMaxFrequency: null,
  frequencies: [5, 10, 20, 40, 80],
  psfPolychromatic: false,
  psfLog: false,
  basis: 'fringe',
  focusFrequency: 40,
  focusPolychromatic: false,
  focusHalfRangeMm: null,
};

/** The parts the view needs (what `analyzeWave` is asked, quality aside). */
export function waveRequest(view: WaveView, s: WaveSettings, fieldCount: number, waveCount: number): WaveAnalysisOptions {
  const fieldIndex = Math.min(s.fieldIndex, Math.max(0, fieldCount - 1));
  const wavelengthIndex = s.wavelengthIndex === null || s.wavelengthIndex >= waveCount ? undefined : s.wavelengthIndex;
  switch (view) {
    case 'mtf':
      return { mtf: { polychromatic: s.mtfPolychromatic, frequencies: s.frequencies } };
    case 'wavefront':
      return { wavefront: { fieldIndex, wavelengthIndex } };
    case 'psf':
      return { psf: { fieldIndex, polychromatic: s.psfPolychromatic } };
    case 'zernike':
      return { zernike: { fieldIndex, wavelengthIndex, basis: s.basis } };
    case 'focus':
      return { throughFocus: { frequency: s.focusFrequency, polychromatic: s.focusPolychromatic, halfRangeMm: s.focusHalfRangeMm ?? undefined } };
  }
}

/** The key of the request the view needs now (its answer is current when the keys match). */
export function requestKey(view: WaveView, settings: WaveSettings): string {
  const p = useStudio.getState().lens?.prescription;
  return `${view}:${JSON.stringify(waveRequest(view, settings, p?.fields.points.length ?? 1, p?.wavelengths.valuesUm.length ?? 1))}`;
}

let liveInFlight = false;
let liveAgain = false;
let refineTimer: ReturnType<typeof setTimeout> | null = null;
let refinedInFlight: string | null = null;
/** The last request that failed: not asked again until the lens or the request changes. */
let failed: { key: string; revision: number } | null = null;

export const useWave = create<WaveState>()((set, get) => {
  const current = (): { api: StudioApi; key: string; options: WaveAnalysisOptions; revision: number } | null => {
    const st = useStudio.getState();
    const { view, visible, settings } = get();
    if (!visible || !st.api || !st.lens || !st.analysis) return null;
    const p = st.lens.prescription;
    const options = waveRequest(view, settings, p.fields.points.length, p.wavelengths.valuesUm.length);
    // The wave panel follows the ray analyses shown: a newer lens waits for its spots first.
    return { api: st.api, key: requestKey(view, settings), options, revision: st.analysis.revision };
  };

  const accept = (key: string, bundle: WaveBundle) => {
    const view = key.slice(0, key.indexOf(':')) as WaveView;
    const prev = get().results[view];
    // Never step back: an older revision, or a live answer over the refined one of the same lens.
    if (prev && prev.key === key && (bundle.revision < prev.bundle.revision || (bundle.revision === prev.bundle.revision && prev.bundle.quality === 'refined'))) return;
    set({ results: { ...get().results, [view]: { key, bundle } }, error: null });
  };

  const pump = () => {
    const cur = current();
    if (refineTimer !== null) {
      clearTimeout(refineTimer);
      refineTimer = null;
    }
    if (!cur) return;
    const shown = get().results[get().view];
    const upToDate = shown && shown.key === cur.key && shown.bundle.revision >= cur.revision;
    if (upToDate && shown.bundle.quality === 'refined') return set({ pending: null });
    if (failed && failed.key === cur.key && failed.revision === cur.revision) return;
    if (upToDate) {
      // Live answer of the current lens: refine once the lens has stayed the same a moment.
      if (refinedInFlight === cur.key) return;
      refineTimer = setTimeout(() => requestRefined(cur.key), REFINE_AFTER_MS);
      return;
    }
    if (liveInFlight) {
      liveAgain = true;
      return;
    }
    liveInFlight = true;
    liveAgain = false;
    set({ pending: 'live' });
    const { api, key, options, revision } = cur;
    api
      .analyzeWave({ ...options, quality: 'live' })
      .then((b) => accept(key, b))
      .catch((e) => {
        failed = { key, revision };
        set({ error: errorMessage(e) });
      })
      .finally(() => {
        liveInFlight = false;
        set({ pending: null });
        pump();
      });
  };

  const requestRefined = (key: string) => {
    refineTimer = null;
    const cur = current();
    if (!cur || cur.key !== key) return;
    refinedInFlight = key;
    set({ pending: 'refined' });
    cur.api
      .analyzeWave({ ...cur.options, quality: 'refined' })
      .then((b) => {
        if (!b.superseded) accept(key, b);
      })
      .catch((e) => {
        failed = { key, revision: cur.revision };
        set({ error: errorMessage(e) });
      })
      .finally(() => {
        if (refinedInFlight === key) refinedInFlight = null;
        if (get().pending === 'refined') set({ pending: null });
        pump();
      });
  };

  // Follow the ray analyses and the lens (a new lens may have fewer fields).
  useStudio.subscribe((s, prev) => {
    if (s.analysis !== prev.analysis) pump();
  });

  return {
    view: 'mtf',
    visible: false,
    settings: DEFAULTS,
    results: {},
    pending: null,
    error: null,
    setView(view) {
      set({ view });
      pump();
    },
    setVisible(visible) {
      if (visible === get().visible) return;
      set({ visible });
      pump();
    },
    set(s) {
      set({ settings: { ...get().settings, ...s } });
      pump();
    },
  };
});
