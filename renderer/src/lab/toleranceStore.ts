/**
 * State of the Tolerancing workspace (zustand): the tolerance spec being edited, the run as
 * streamed (sensitivity table, Monte Carlo values arriving chunk by chunk, statistics) and the
 * robust-design run with its nominal-vs-robust comparison. All computing is in the engine host.
 */
import { create } from 'zustand';
import type { RobustEvent, RobustRunOptions, StudioApi, ToleranceEvent, ToleranceSpec, ToleranceStatistics } from '../../../app/contract/studioApi.ts';
import { errorMessage } from '../api.ts';
import { useStudio } from '../store.ts';

export interface ToleranceRunState {
  runId: string | null;
  running: boolean;
  phase: ToleranceEvent['phase'] | null;
  nominal: number | null;
  nominalAsDesigned: number | null;
  compensators: string[];
  sensitivity: ToleranceEvent['sensitivity'] | null;
  /** Monte Carlo criterion values so far (mm), trial order. */
  values: number[];
  total: number;
  statistics: ToleranceStatistics | null;
  hasWorst: boolean;
}

export interface RobustRunState {
  runId: string | null;
  running: boolean;
  phase: RobustEvent['phase'] | null;
  history: { iteration: number; objective: number }[];
  comparison: RobustEvent['comparison'] | null;
}

interface ToleranceState {
  spec: ToleranceSpec | null;
  run: ToleranceRunState;
  robust: RobustRunState;
  attach(api: StudioApi): void;
  loadSpec(which: 'lens' | 'defaults'): Promise<void>;
  setLimit(index: number, limit: number): void;
  start(monteCarlo: number, seed: number): Promise<void>;
  stop(): Promise<void>;
  openWorst(): Promise<void>;
  startRobust(o: Omit<RobustRunOptions, 'spec'>): Promise<void>;
  stopRobust(): Promise<void>;
  useRobust(): Promise<void>;
}

const emptyRun: ToleranceRunState = { runId: null, running: false, phase: null, nominal: null, nominalAsDesigned: null, compensators: [], sensitivity: null, values: [], total: 0, statistics: null, hasWorst: false };
const emptyRobust: RobustRunState = { runId: null, running: false, phase: null, history: [], comparison: null };
const ended = (p: string) => p === 'finished' || p === 'stopped' || p === 'failed';
let attached: StudioApi | null = null;

export const useTolerance = create<ToleranceState>()((set, get) => {
  const api = () => {
    const a = useStudio.getState().api;
    if (!a) throw new Error('not connected to the studio host');
    return a;
  };
  const fail = (what: string, e: unknown) => useStudio.getState().notify('error', `${what}: ${errorMessage(e)}`);

  const onTolerance = (e: ToleranceEvent) => {
    const r = get().run;
    if (r.runId && e.runId !== r.runId) return;
    set({
      run: {
        runId: e.runId,
        running: !ended(e.phase),
        phase: e.phase,
        nominal: e.nominal ?? r.nominal,
        nominalAsDesigned: e.nominalAsDesigned ?? r.nominalAsDesigned,
        compensators: e.compensators ?? r.compensators,
        sensitivity: e.sensitivity ?? r.sensitivity,
        values: e.values ? [...r.values, ...e.values] : r.values,
        total: e.total ?? r.total,
        statistics: e.statistics ?? r.statistics,
        hasWorst: r.hasWorst || (ended(e.phase) && e.phase !== 'failed' && (e.done ?? 0) > 0),
      },
    });
    if (e.phase === 'failed') useStudio.getState().notify('error', `Tolerancing failed: ${e.message ?? 'unknown error'}`);
  };

  const onRobust = (e: RobustEvent) => {
    const r = get().robust;
    if (r.runId && e.runId !== r.runId) return;
    const history = e.phase === 'progress' ? [...r.history, { iteration: e.iteration, objective: e.objective }] : r.history;
    set({ robust: { runId: e.runId, running: !ended(e.phase), phase: e.phase, history, comparison: e.comparison ?? r.comparison } });
    if (e.phase === 'failed') useStudio.getState().notify('error', `Robust design failed: ${e.message ?? 'unknown error'}`);
  };

  return {
    spec: null,
    run: emptyRun,
    robust: emptyRobust,
    attach(a) {
      if (attached === a) return;
      attached = a;
      a.onEvent((e) => {
        if (e.type === 'tolerance') onTolerance(e);
        else if (e.type === 'robust') onRobust(e);
      });
    },
    async loadSpec(which) {
      try {
        set({ spec: await api().toleranceSpec(which) });
      } catch (e) {
        fail('Cannot load the tolerances', e);
      }
    },
    setLimit(index, limit) {
      const spec = get().spec;
      if (!spec || !(limit >= 0)) return;
      const operands = spec.operands.map((o, i) => (i === index ? { ...o, min: -limit, max: limit } : o));
      set({ spec: { ...spec, operands } });
    },
    async start(monteCarlo, seed) {
      const spec = get().spec;
      if (!spec) return;
      set({ run: { ...emptyRun, running: true, total: monteCarlo } });
      try {
        const { runId } = await api().startTolerance({ spec, monteCarlo, seed });
        set({ run: { ...get().run, runId } });
      } catch (e) {
        set({ run: { ...get().run, running: false } });
        fail('Cannot start tolerancing', e);
      }
    },
    async stop() {
      const id = get().run.runId;
      if (id) await api().stopTolerance(id).catch((e) => fail('Stop', e));
    },
    async openWorst() {
      try {
        await api().openWorstTrial();
        useStudio.getState().notify('info', 'Worst Monte Carlo trial loaded into the lens editor (Ctrl+Z undoes it).');
      } catch (e) {
        fail('Cannot open the worst trial', e);
      }
    },
    async startRobust(o) {
      const spec = get().spec;
      if (!spec) return;
      set({ robust: { ...emptyRobust, running: true } });
      try {
        const { runId } = await api().startRobust({ ...o, spec });
        set({ robust: { ...get().robust, runId } });
      } catch (e) {
        set({ robust: { ...get().robust, running: false } });
        fail('Cannot start robust design', e);
      }
    },
    async stopRobust() {
      const id = get().robust.runId;
      if (id) await api().stopRobust(id).catch((e) => fail('Stop', e));
    },
    async useRobust() {
      try {
        await api().useRobustDesign();
        useStudio.getState().notify('info', 'Robust design loaded into the lens editor (Ctrl+Z undoes it).');
      } catch (e) {
        fail('Cannot use the robust design', e);
      }
    },
  };
});
