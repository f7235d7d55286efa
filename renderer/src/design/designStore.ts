/**
 * Design state shared by the optimization panel and the merit editor (zustand): the merit spec in
 * effect (the lens's saved merit, else the starting merit with its EFL target frozen at the EFL of
 * the lens as opened: edits never move it), and the merit editor's table as the host evaluates it
 * (StudioApi.evaluateMerit), asked "latest wins" like the analysis: at most one request in flight,
 * and one more when the lens or the spec changed meanwhile.
 */
import { useEffect } from 'react';
import { create } from 'zustand';
import type { MeritSpec, MeritTable } from '../../../app/contract/studioApi.ts';
import { errorMessage } from '../api.ts';
import { useStudio } from '../store.ts';
import { startingMerit } from './meritModel.ts';

interface DesignState {
  /** The EFL of the lens as opened (or saved), per lens key. */
  frozenEfl: { key: string; efl: number } | null;
  /** The merit editor's table, of lens `revision` and spec `specJson`. */
  table: { revision: number; specJson: string; table: MeritTable | null; error: string | null } | null;
  /** Asks the host for the table of `spec` on the current lens (latest wins). */
  requestTable(spec: MeritSpec): void;
}

let inFlight = false;
let wanted: MeritSpec | null = null;

export const useDesign = create<DesignState>()((set, get) => ({
  frozenEfl: null,
  table: null,
  requestTable(spec) {
    wanted = spec;
    if (inFlight) return;
    const { api, lens } = useStudio.getState();
    if (!api || !lens) return;
    const specJson = JSON.stringify(spec);
    const cur = get().table;
    if (cur && cur.revision === lens.revision && cur.specJson === specJson) return;
    inFlight = true;
    const revision = lens.revision;
    api
      .evaluateMerit(spec)
      .then(
        (table) => set({ table: { revision, specJson, table, error: null } }),
        (e) => set({ table: { revision, specJson, table: null, error: errorMessage(e) } }),
      )
      .finally(() => {
        inFlight = false;
        const next = wanted;
        const now = useStudio.getState().lens;
        if (next && now && (now.revision !== revision || JSON.stringify(next) !== specJson)) get().requestTable(next);
      });
  },
}));

/** The key of the lens as opened or saved: the frozen EFL belongs to it. */
function lensKey(): string {
  const lens = useStudio.getState().lens;
  return lens ? `${lens.fileName}\u0000${JSON.stringify(lens.source)}` : '';
}

/**
 * The merit spec in effect: the lens's saved merit, else the starting merit (EFL target frozen at
 * the EFL of the lens as opened). `saved` tells which.
 */
export function useEffectiveMerit(): { spec: MeritSpec | null; saved: boolean } {
  const saved = useStudio((s) => s.lens?.prescription.merit);
  const key = useStudio((s) => (s.lens ? `${s.lens.fileName}\u0000${JSON.stringify(s.lens.source)}` : ''));
  // The EFL rounded to 6 digits, of the lens revision shown: re-renders only when it changes.
  const currentEfl = useStudio((s) => (s.analysis?.report && s.analysis.revision === s.lens?.revision ? Number(s.analysis.report.paraxial.efl.toPrecision(6)) : NaN));
  const frozen = useDesign((s) => s.frozenEfl);
  useEffect(() => {
    if (key && Number.isFinite(currentEfl) && frozen?.key !== key && key === lensKey()) useDesign.setState({ frozenEfl: { key, efl: currentEfl } });
  }, [key, currentEfl, frozen]);
  if (saved) return { spec: saved, saved: true };
  if (!key || frozen?.key !== key) return { spec: null, saved: false };
  return { spec: startingMerit(frozen.efl), saved: false };
}
