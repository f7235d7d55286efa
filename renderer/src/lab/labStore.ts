/**
 * State of the two lab panels (zustand): the open deflectometry session, its calibration run as
 * streamed (loss history, last result), and the end-to-end run (loss / PSNR history, latest PSF
 * grid and restorations). All computing happens in the engine host; this store asks and keeps the
 * answers, like the main store (../store.ts), whose StudioApi connection it shares.
 */
import { create } from 'zustand';
import type {
  CalibrationEvent,
  CalibrationOptionsApi,
  CalibrationSummary,
  DeflectometrySessionInfo,
  E2eEvent,
  E2eStudioOptions,
  E2eTaskInfo,
  StudioApi,
} from '../../../app/contract/studioApi.ts';
import { errorMessage } from '../api.ts';
import { useStudio } from '../store.ts';

export interface CalibrationRun {
  runId: string | null;
  running: boolean;
  phase: CalibrationEvent['phase'] | null;
  /** Every progress event's merit (mm²) and RMS (µm), in arrival order. */
  history: { k: number; round: number; iteration: number; merit: number; rmsUm: number }[];
  last: CalibrationEvent | null;
  result: CalibrationSummary | null;
}

export interface E2eRunState {
  runId: string | null;
  running: boolean;
  phase: E2eEvent['phase'] | null;
  history: { step: number; loss: number; psnr: number }[];
  last: E2eEvent | null;
  psfGrid: E2eEvent['psfGrid'] | null;
  psfGridLayout: NonNullable<E2eEvent['psfGridLayout']> | null;
  examples: E2eEvent['examples'] | null;
  /** Step at which the images were made. */
  imagesStep: number;
  backend: string | null;
  /** The arm being trained (task runs). */
  arm: E2eEvent['arm'] | null;
  /** Held-out object distances (mm, null = ∞) and, per arm, the latest held-out PSNR per distance. */
  depthsMm: (number | null)[];
  perDepth: Partial<Record<NonNullable<E2eEvent['arm']> | 'lens', { psnr: number; sensorPsnr: number }[]>>;
  /** Per arm, once trained: the Wiener bounds of its lens per held-out distance (E2eEvent.wienerBounds). */
  wienerBounds: Partial<Record<NonNullable<E2eEvent['arm']> | 'lens', NonNullable<E2eEvent['wienerBounds']>>>;
  /** Latest PSFs through depth per arm. */
  psfDepth: Partial<Record<NonNullable<E2eEvent['arm']> | 'lens', NonNullable<E2eEvent['psfDepth']>>>;
}

interface LabState {
  session: DeflectometrySessionInfo | null;
  recentSessions: string[];
  busy: string | null;
  cal: CalibrationRun;
  e2e: E2eRunState;
  attach(api: StudioApi): void;
  refreshRecent(): Promise<void>;
  openSession(dir: string): Promise<void>;
  /** Sends a session folder chosen in the browser (its .json and .png files) and opens it. */
  uploadSession(files: File[]): Promise<void>;
  simulateSession(binning: number): Promise<void>;
  startCalibration(o: CalibrationOptionsApi): Promise<void>;
  stopCalibration(): Promise<void>;
  useFittedLens(): Promise<void>;
  useTrainedLens(): Promise<void>;
  startE2e(o: E2eStudioOptions): Promise<void>;
  stopE2e(): Promise<void>;
  /** Built-in task presets (fetched once). */
  tasks: E2eTaskInfo[];
  loadTasks(): Promise<void>;
}

const emptyCal: CalibrationRun = { runId: null, running: false, phase: null, history: [], last: null, result: null };
const emptyE2e: E2eRunState = { runId: null, running: false, phase: null, history: [], last: null, psfGrid: null, psfGridLayout: null, examples: null, imagesStep: -1, backend: null, arm: null, depthsMm: [], perDepth: {}, psfDepth: {}, wienerBounds: {} };
const ended = (p: string) => p === 'finished' || p === 'stopped' || p === 'failed';
let attached: StudioApi | null = null;

export const useLab = create<LabState>()((set, get) => {
  const api = () => {
    const a = useStudio.getState().api;
    if (!a) throw new Error('not connected to the studio host');
    return a;
  };
  const fail = (what: string, e: unknown) => useStudio.getState().notify('error', `${what}: ${errorMessage(e)}`);

  const onCalibration = (e: CalibrationEvent) => {
    const cal = get().cal;
    if (cal.runId && e.runId !== cal.runId) return;
    const history = e.phase === 'started' || e.phase === 'progress' ? [...cal.history, { k: cal.history.length, round: e.round, iteration: e.iteration, merit: e.merit, rmsUm: e.rmsUm }] : cal.history;
    set({ cal: { runId: e.runId, running: !ended(e.phase), phase: e.phase, history, last: e, result: e.result ?? cal.result } });
    if (e.phase === 'failed') useStudio.getState().notify('error', `Calibration failed: ${e.message ?? 'unknown error'}`);
  };

  const onE2e = (e: E2eEvent) => {
    const r = get().e2e;
    if (r.runId && e.runId !== r.runId) return;
    const newArm = (e.arm ?? null) !== r.arm;
    const history = e.phase === 'progress' && e.step > 0 ? [...(newArm ? [] : r.history), { step: e.step, loss: e.loss, psnr: e.psnr }] : newArm ? [] : r.history;
    const key = e.arm ?? 'lens';
    set({
      e2e: {
        runId: e.runId,
        running: !ended(e.phase),
        phase: e.phase,
        history,
        last: e,
        psfGrid: e.psfGrid ?? r.psfGrid,
        psfGridLayout: e.psfGrid ? (e.psfGridLayout ?? null) : r.psfGridLayout,
        examples: e.examples ?? r.examples,
        imagesStep: e.psfGrid ? e.step : r.imagesStep,
        backend: e.backend ?? r.backend,
        arm: e.arm ?? null,
        depthsMm: e.depthsMm ?? r.depthsMm,
        perDepth: e.perDepth ? { ...r.perDepth, [key]: e.perDepth } : r.perDepth,
        psfDepth: e.psfDepth ? { ...r.psfDepth, [key]: e.psfDepth } : r.psfDepth,
        wienerBounds: e.wienerBounds ? { ...r.wienerBounds, [key]: e.wienerBounds } : r.wienerBounds,
      },
    });
    if (e.phase === 'failed') useStudio.getState().notify('error', `End-to-end run failed: ${e.message ?? 'unknown error'}`);
  };

  /**
   * Opens the session `open` gives, with a fresh calibration, showing `busy` meanwhile (null: `open`
   * says what it is doing itself); `what` heads an error.
   */
  const loadSession = async (busy: string | null, what: string, open: () => Promise<DeflectometrySessionInfo>) => {
    if (busy) set({ busy });
    try {
      const session = await open();
      set({ session, cal: emptyCal });
      void get().refreshRecent();
    } catch (e) {
      fail(what, e);
    } finally {
      set({ busy: null });
    }
  };

  /** Starts a run (`cal` or `e2e`) from `fresh` and keeps the host's run id; a refused start ends it. */
  const startRun = async <K extends 'cal' | 'e2e'>(key: K, fresh: LabState[K], start: () => Promise<{ runId: string }>, what: string) => {
    const patch = (p: Partial<Pick<CalibrationRun, 'runId' | 'running'>>) => set({ [key]: { ...get()[key], ...p } } as Partial<LabState>);
    set({ [key]: fresh } as Partial<LabState>);
    try {
      const { runId } = await start();
      patch({ runId });
    } catch (e) {
      patch({ running: false });
      fail(what, e);
    }
  };

  /** Loads a lens the host made (`name`: "Fitted lens", "Trained lens") into the lens editor. */
  const loadHostLens = async (name: string, load: () => Promise<{ fileName: string }>) => {
    try {
      const snap = await load();
      useStudio.getState().notify('info', `${name} loaded into the lens editor as ${snap.fileName} (Ctrl+Z undoes it).`);
    } catch (e) {
      fail(`Cannot use the ${name.toLowerCase()}`, e);
    }
  };

  return {
    session: null,
    recentSessions: [],
    busy: null,
    cal: emptyCal,
    e2e: emptyE2e,
    attach(a) {
      if (attached === a) return;
      attached = a;
      a.onEvent((e) => {
        if (e.type === 'calibration') onCalibration(e);
        else if (e.type === 'e2e') onE2e(e);
      });
      void get().refreshRecent();
    },
    async refreshRecent() {
      try {
        set({ recentSessions: await api().recentDeflectometrySessions() });
      } catch {
        // not connected yet
      }
    },
    async openSession(dir) {
      await loadSession('Reading and decoding the session…', 'Cannot open the session', () => api().openDeflectometrySession(dir));
    },
    async uploadSession(files) {
      // webkitRelativePath is "<chosen folder>/<path inside it>"; the host wants the inside part.
      const inside = (f: File) => (f.webkitRelativePath || f.name).split('/').slice(1).join('/') || f.name;
      const wanted = files.filter((f) => /\.(json|png)$/i.test(f.name) && !inside(f).split('/').some((p) => p.startsWith('.')));
      if (!wanted.some((f) => inside(f) === 'session.json')) {
        fail('Cannot open the session', new Error('the chosen folder has no session.json at its top'));
        return;
      }
      await loadSession(null, 'Cannot open the session', async () => {
        let uploadId: string | undefined;
        for (let i = 0; i < wanted.length; i++) {
          set({ busy: `Sending the session folder (${i + 1}/${wanted.length} files)…` });
          const f = wanted[i];
          ({ uploadId } = await api().uploadDeflectometryFile(inside(f), new Uint8Array(await f.arrayBuffer()), uploadId));
        }
        set({ busy: 'Reading and decoding the session…' });
        return api().openDeflectometryUpload(uploadId!);
      });
    },
    async simulateSession(binning) {
      await loadSession(`Simulating the rig (binning ${binning}×${binning})…`, 'Cannot simulate a session', () => api().simulateDeflectometrySession({ binning }));
    },
    async startCalibration(o) {
      await startRun('cal', { ...emptyCal, running: true }, () => api().startCalibration(o), 'Cannot start the calibration');
    },
    async stopCalibration() {
      const id = get().cal.runId;
      if (id) await api().stopCalibration(id).catch((e) => fail('Stop', e));
    },
    async useFittedLens() {
      await loadHostLens('Fitted lens', () => api().useFittedLens());
    },
    async useTrainedLens() {
      await loadHostLens('Trained lens', () => api().useTrainedLens());
    },
    async startE2e(o) {
      await startRun('e2e', { ...emptyE2e, running: true, backend: get().e2e.backend }, () => api().startE2e(o), 'Cannot start the end-to-end run');
    },
    async stopE2e() {
      const id = get().e2e.runId;
      if (id) await api().stopE2e(id).catch((e) => fail('Stop', e));
    },
    tasks: [],
    async loadTasks() {
      if (get().tasks.length) return;
      try {
        set({ tasks: await api().listE2eTasks() });
      } catch {
        // not connected yet
      }
    },
  };
});
