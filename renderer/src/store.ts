/**
 * The renderer's state (zustand): the current lens snapshot and its analysis as the engine host
 * computed them, the optimization run as streamed, and UI state. All optics comes from the host
 * through the StudioApi; this store only asks and keeps the answers.
 *
 * Analysis requests are "latest wins": at most one is in flight, and when the lens changes
 * meanwhile, one more is sent when it returns, so typing fast never queues stale work.
 *
 * Opening another lens while this one has unsaved changes first asks (save / discard / cancel,
 * `pendingOpen`); the host keeps the undo history across opening (Ctrl+Z brings the old lens back).
 */
import { create } from 'zustand';
import type {
  AnalysisBundle,
  AnalyzeOptions,
  EditOptions,
  LensEdit,
  LensSnapshot,
  LibraryEntry,
  OptimizationEvent,
  OptimizeOptions,
  RecentFile,
  StudioApi,
} from '../../app/contract/studioApi.ts';
import { errorCode, errorMessage } from './api.ts';
import { perfMark, perfMarkEdit, perfMarkRevision } from './perf.ts';

export interface OptimizationState {
  runId: string | null;
  running: boolean;
  phase: OptimizationEvent['phase'] | null;
  /** (iteration, merit) pairs of the current or last run. */
  history: { iteration: number; merit: number }[];
  last: OptimizationEvent | null;
}

export interface Notice {
  kind: 'error' | 'info';
  message: string;
  id: number;
}

/** An open that waits for the user's answer about the current lens's unsaved changes. */
export interface PendingOpen {
  /** What is about to be opened, e.g. "double-gauss.json". */
  target: string;
  run: () => Promise<void>;
}

interface StudioState {
  api: StudioApi | null;
  connection: 'connecting' | 'open' | 'closed';
  lens: LensSnapshot | null;
  analysis: AnalysisBundle | null;
  analysisOptions: AnalyzeOptions;
  library: LibraryEntry[];
  recent: RecentFile[];
  notice: Notice | null;
  libraryOpen: boolean;
  opt: OptimizationState;
  selectedSurface: number;
  /** Cells whose last entry was rejected, by cell id (test id), with the message naming the row. */
  cellErrors: Record<string, string>;
  /** The newest cell error, shown under the lens data. */
  lastCellError: { id: string; message: string } | null;
  pendingOpen: PendingOpen | null;

  init(api: StudioApi): Promise<void>;
  setConnection(c: StudioState['connection']): void;
  notify(kind: Notice['kind'], message: string): void;
  dismissNotice(): void;
  setLibraryOpen(open: boolean): void;
  setSelectedSurface(i: number): void;
  setCellError(id: string, message: string | null): void;
  /** Asks about unsaved changes (when there are any), then runs `run`. */
  guardOpen(target: string, run: () => Promise<void>): Promise<void>;
  answerPendingOpen(answer: 'save' | 'discard' | 'cancel'): Promise<void>;
  setAnalysisOptions(o: AnalyzeOptions): void;
  openLibraryLens(id: string): Promise<void>;
  openFile(file: File): Promise<void>;
  openRecent(id: string): Promise<void>;
  refreshRecent(): Promise<void>;
  /** Sends an edit; resolves to an error message (for the cell) or null. */
  edit(edit: LensEdit, options?: EditOptions): Promise<string | null>;
  undo(): Promise<void>;
  redo(): Promise<void>;
  exportLens(format: 'json' | 'zmx'): Promise<boolean>;
  /** Saves to its file, or downloads JSON; false when that failed. */
  save(): Promise<boolean>;
  startOptimization(options: OptimizeOptions): Promise<void>;
  stopOptimization(): Promise<void>;
}

let noticeId = 0;
let analysisInFlight = false;
/** Set when the analysis options changed while a request was in flight (its answer is stale). */
let analysisOptionsChanged = false;

export const useStudio = create<StudioState>()((set, get) => {
  const acceptLens = (snap: LensSnapshot) => {
    const cur = get().lens;
    if (cur && snap.revision < cur.revision) return;
    if (cur && snap.revision === cur.revision && cur.dirty === snap.dirty && cur.fileName === snap.fileName) return;
    // Marks name cells by surface: another lens, or surfaces inserted or deleted, leaves them stale.
    const stale = cur && (cur.fileName !== snap.fileName || cur.prescription.surfaces.length !== snap.prescription.surfaces.length);
    set(stale ? { lens: snap, cellErrors: {}, lastCellError: null } : { lens: snap });
    if ((get().analysis?.revision ?? -1) < snap.revision) requestAnalysis();
  };

  const requestAnalysis = () => {
    const { api } = get();
    if (!api) return;
    if (analysisInFlight) return; // its completion checks whether the lens moved on meanwhile
    analysisInFlight = true;
    analysisOptionsChanged = false;
    api
      .analyze(get().analysisOptions)
      .then((bundle) => {
        for (let r = bundle.revision; r > bundle.revision - 4; r--) perfMark(r, 'analysisAt');
        const cur = get().analysis;
        if (!cur || bundle.revision >= cur.revision) set({ analysis: bundle });
      })
      .catch((e) => get().notify('error', `Analysis failed: ${errorMessage(e)}`))
      .finally(() => {
        analysisInFlight = false;
        const lens = get().lens;
        const shown = get().analysis?.revision ?? -1;
        if (analysisOptionsChanged || (lens && shown < lens.revision)) requestAnalysis();
      });
  };

  /** Runs `fn`; a failure becomes a notice. Resolves to whether it succeeded. */
  const guarded = async (what: string, fn: () => Promise<void>, fileName?: string): Promise<boolean> => {
    try {
      await fn();
      return true;
    } catch (e) {
      // Host messages already start with the file's name: do not say it twice.
      const msg = errorMessage(e);
      // "Nothing to undo" is a passing note, not an error.
      const kind = errorCode(e) === 'NOTHING_TO_UNDO' ? 'info' : 'error';
      get().notify(kind, fileName && msg.startsWith(`${fileName}`) ? `Cannot open ${msg}` : kind === 'info' ? msg[0].toUpperCase() + msg.slice(1) : `${what}: ${msg}`);
      return false;
    }
  };

  const afterOpen = () => {
    set({ libraryOpen: false, notice: null, cellErrors: {}, lastCellError: null, opt: { ...get().opt, history: [], last: null, runId: null } });
    void get().refreshRecent();
  };

  const onOptimization = (e: OptimizationEvent) => {
    const opt = get().opt;
    if (opt.runId && e.runId !== opt.runId) return;
    const history = e.phase === 'started' ? [{ iteration: 0, merit: e.merit }] : opt.history;
    const next =
      e.phase === 'progress' && (history.length === 0 || history[history.length - 1].iteration < e.iteration)
        ? [...history, { iteration: e.iteration, merit: e.merit }]
        : history;
    const done = e.phase === 'finished' || e.phase === 'stopped' || e.phase === 'failed';
    set({ opt: { runId: e.runId, running: !done, phase: e.phase, history: next, last: e } });
    if (e.phase === 'failed') get().notify('error', `Optimization failed: ${e.message ?? 'unknown error'}`);
  };

  return {
    api: null,
    connection: 'connecting',
    lens: null,
    analysis: null,
    analysisOptions: { layoutRays: 9 },
    library: [],
    recent: [],
    notice: null,
    libraryOpen: false,
    opt: { runId: null, running: false, phase: null, history: [], last: null },
    selectedSurface: 0,
    cellErrors: {},
    lastCellError: null,
    pendingOpen: null,

    async init(api) {
      set({ api, connection: 'open' });
      api.onEvent((e) => {
        if (e.type === 'lens') acceptLens(e.snapshot);
        else if (e.type === 'optimization') onOptimization(e);
      });
      const [library, recent] = await Promise.all([api.listLibrary(), api.recentFiles()]);
      set({ library, recent });
      try {
        acceptLens(await api.getLens());
      } catch {
        set({ libraryOpen: true }); // nothing open yet: offer the library
      }
    },
    setConnection(connection) {
      set({ connection });
    },
    notify(kind, message) {
      set({ notice: { kind, message, id: ++noticeId } });
    },
    dismissNotice() {
      set({ notice: null });
    },
    setLibraryOpen(libraryOpen) {
      set({ libraryOpen });
    },
    setSelectedSurface(selectedSurface) {
      set({ selectedSurface });
    },
    setCellError(id, message) {
      const { cellErrors, lastCellError } = get();
      if (message === null) {
        if (!(id in cellErrors)) return;
        const { [id]: _gone, ...rest } = cellErrors;
        set({ cellErrors: rest, lastCellError: lastCellError?.id === id ? null : lastCellError });
      } else set({ cellErrors: { ...cellErrors, [id]: message }, lastCellError: { id, message } });
    },
    async guardOpen(target, run) {
      if (get().lens?.dirty) set({ pendingOpen: { target, run } });
      else await run();
    },
    async answerPendingOpen(answer) {
      const pending = get().pendingOpen;
      if (!pending) return;
      if (answer === 'cancel') return set({ pendingOpen: null });
      if (answer === 'save' && !(await get().save())) return; // the dialog stays: the lens is not saved
      set({ pendingOpen: null });
      await pending.run();
    },
    setAnalysisOptions(o) {
      set({ analysisOptions: { ...get().analysisOptions, ...o } });
      if (analysisInFlight) analysisOptionsChanged = true;
      requestAnalysis();
    },
    async openLibraryLens(id) {
      const name = `${id}.json`;
      await get().guardOpen(name, async () => {
        if (await guarded('Cannot open the library lens', async () => acceptLens(await get().api!.openLibraryLens(id)))) afterOpen();
      });
    },
    async openFile(file) {
      await get().guardOpen(file.name, async () => {
        const ok = await guarded(
          `Cannot open ${file.name}`,
          async () => {
            const bytes = new Uint8Array(await file.arrayBuffer());
            acceptLens(await get().api!.openFile(file.name, bytes));
          },
          file.name,
        );
        if (ok) afterOpen();
      });
    },
    async openRecent(id) {
      const label = get().recent.find((r) => r.id === id)?.label ?? 'the recent file';
      await get().guardOpen(label, async () => {
        if (await guarded('Cannot open the recent file', async () => acceptLens(await get().api!.openRecent(id)))) afterOpen();
      });
    },
    async refreshRecent() {
      const api = get().api;
      if (api) set({ recent: await api.recentFiles() });
    },
    async edit(edit, options) {
      const api = get().api;
      if (!api) return 'not connected';
      perfMarkEdit();
      try {
        const reply = api.edit(edit, options);
        // Pipelined: the host answers in order, so this analysis already sees the edit.
        requestAnalysis();
        const snap = await reply;
        perfMarkRevision(snap.revision);
        acceptLens(snap);
        return null;
      } catch (e) {
        return errorMessage(e);
      }
    },
    async undo() {
      await guarded('Undo', async () => acceptLens(await get().api!.undo()));
    },
    async redo() {
      await guarded('Redo', async () => acceptLens(await get().api!.redo()));
    },
    async exportLens(format) {
      return guarded(`Export ${format.toUpperCase()}`, async () => {
        const out = await get().api!.exportLens(format);
        download(out.fileName, out.bytes, out.mimeType);
        if (out.warnings.length) get().notify('info', `Exported ${out.fileName} with warnings: ${out.warnings.join('; ')}`);
      });
    },
    async save() {
      const lens = get().lens;
      if (!lens) return false;
      if (lens.source.kind === 'path') {
        return guarded('Save', async () => {
          const r = await get().api!.saveLens();
          get().notify('info', `Saved ${r.path}`);
        });
      }
      return get().exportLens('json');
    },
    async startOptimization(options) {
      await guarded('Cannot start the optimization', async () => {
        set({ opt: { runId: null, running: true, phase: null, history: [], last: null } });
        const { runId } = await get().api!.startOptimization(options);
        set({ opt: { ...get().opt, runId } });
      });
      if (!get().opt.runId) set({ opt: { ...get().opt, running: false } });
    },
    async stopOptimization() {
      const { runId } = get().opt;
      if (runId) await guarded('Stop', () => get().api!.stopOptimization(runId));
    },
  };
});

/** Saves bytes as a file through the browser's download (a save dialog in Electron). */
function download(fileName: string, bytes: Uint8Array, mimeType: string): void {
  const blob = new Blob([bytes as BlobPart], { type: mimeType });
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = fileName;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
