/**
 * The engine side of the StudioApi: one lens session (the current prescription, its undo history,
 * the built lens system, an optimization run) served to every connected window or browser tab.
 *
 * Runs inside the engine host (a worker thread or an Electron utility process), never on a UI
 * thread. Every change bumps `revision` and is pushed to all clients as a `lens` event, so several
 * windows stay in step. A failed open or edit leaves the current lens untouched.
 *
 * A little over 450 lines because it is the one StudioService facade: the lab panels
 * (deflectometry, end-to-end, tolerancing) and lens files are delegated in one-line methods.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { stringifyPrescription } from '../../engine/io/json.ts';
import type { Prescription } from '../../engine/io/prescription.ts';
import type { LensSystem } from '../../engine/optics/system.ts';
import { glassRangeWarnings } from '../../engine/optics/glassRange.ts';
import {
  StudioError,
  type AnalysisBundle,
  type AnalyzeOptions,
  type EditOptions,
  type ExportedLens,
  type HostInfo,
  type LensEdit,
  type LensSnapshot,
  type LensSource,
  type LibraryEntry,
  type OptimizeOptions,
  type RecentFile,
  type StudioEvent,
  type StudioService,
} from '../contract/studioApi.ts';
import { checkAnalyzeOptions, computeAnalysis } from './analysisBundle.ts';
import { API_LIMITS, MAX_COALESCE_KEY, MAX_LENS_FILE_BYTES, choiceOption, intOption } from '../contract/apiLimits.ts';
import { applyEdit, editLabel } from './lensEdits.ts';
import { History } from './history.ts';
import { RecentFiles, type RecentTarget } from './recentFiles.ts';
import { writeFileAtomic } from '../node/atomicWrite.ts';
import { listLensLibrary } from '../node/lensLibrary.ts';
import { buildLensSystem, getGlassLibrary } from './engineIo.ts';
import { OptimizationRunner } from './optimization.ts';
import { encodeForSave, exportLensFile, parseLensBytes } from './lensFiles.ts';
import { FileAccess, type FileAccessPolicy } from './fileAccess.ts';
import { DeflectometryHost } from './deflectometryJob.ts';
import type { E2eHost } from './e2eJob.ts';
import type { ToleranceHost } from './toleranceJob.ts';
import type {
  CalibrationOptionsApi,
  DeflectometrySessionInfo,
  E2eStudioOptions,
  PreviewImage,
  RobustRunOptions,
  SimulateSessionOptions,
  ToleranceRunOptions,
  ToleranceSpec,
} from '../contract/studioApi.ts';

export interface StudioSessionOptions {
  /** Folder of the bundled lens library (`lens-library/`). */
  libraryDir: string;
  /** Folder for recent files; null keeps them in memory. */
  stateDir: string | null;
  mode: HostInfo['mode'];
  engineThread: HostInfo['engineThread'];
  version?: string;
  /** Rig file and lens under test for "simulate a session" (default: the shared rig, LE1234-A). */
  deflectometryRig?: string;
  deflectometryLens?: string;
  /**
   * Which host paths clients may name (app/host/fileAccess.ts): `granted` (default in web and
   * Electron mode) limits them to the start-up lens, recent files, folders the host made and
   * paths saved to; `host` (default in-process) allows any.
   */
  fileAccess?: FileAccessPolicy;
}

interface Current {
  prescription: Prescription;
  system: LensSystem;
  fileName: string;
  source: LensSource;
  warnings: string[];
  /** The prescription as opened or last saved, for `dirty`. */
  savedJson: string;
}

export class StudioSession implements StudioService {
  private current: Current | null = null;
  private revision = 0;
  private readonly history = new History();
  private readonly recent: RecentFiles;
  private readonly listeners = new Set<(e: StudioEvent) => void>();
  private analysisCache: { revision: number; key: string; bundle: AnalysisBundle } | null = null;
  private readonly optimizer: OptimizationRunner;
  private readonly deflectometry: DeflectometryHost;
  private e2eHost: E2eHost | null = null;
  private toleranceHost: ToleranceHost | null = null;
  private readonly files: FileAccess;

  constructor(private readonly options: StudioSessionOptions) {
    this.files = new FileAccess(options.fileAccess ?? (options.mode === 'in-process' ? 'host' : 'granted'));
    this.recent = new RecentFiles(options.stateDir);
    this.deflectometry = new DeflectometryHost(
      {
        rigFile:
          options.deflectometryRig ??
          process.env.LENS_STUDIO_DEFLECTOMETRY_RIG ??
          path.resolve(options.libraryDir, '../../shared/data/deflectometry/rig-2021-04-03.json'),
        lensFile: options.deflectometryLens ?? path.join(options.libraryDir, 'thorlabs-le1234-a.json'),
        stateDir: options.stateDir,
        files: this.files,
      },
      (e) => this.emit(e),
    );
    this.optimizer = new OptimizationRunner({
      emit: (e) => this.emit(e),
      current: () => this.requireLens(),
      // An optimizer step: replace the lens without an undo step (the run records one at the end).
      preview: (p) => this.setLens(p, { record: null }),
      commit: (before, after, label) => this.setLens(after, { record: { before, label } }),
    });
  }

  subscribe(listener: (event: StudioEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private emit(event: StudioEvent): void {
    for (const l of [...this.listeners]) {
      try {
        l(event);
      } catch {
        // A broken client must not stop the others.
      }
    }
  }

  private requireLens(): Current {
    if (!this.current) throw new StudioError('NOT_FOUND', 'no lens is open');
    return this.current;
  }

  private snapshot(): LensSnapshot {
    const c = this.requireLens();
    return {
      revision: this.revision,
      prescription: c.prescription,
      fileName: c.fileName,
      source: c.source,
      dirty: stringifyPrescription(c.prescription) !== c.savedJson,
      canUndo: this.history.undoLabel !== undefined,
      canRedo: this.history.redoLabel !== undefined,
      undoLabel: this.history.undoLabel,
      redoLabel: this.history.redoLabel,
      // Load warnings, and wavelengths outside a glass's catalogued range (these follow the edits).
      warnings: [...c.warnings, ...glassRangeWarnings(c.system)],
    };
  }

  /** Builds the system first so a bad lens never replaces a good one. */
  private setLens(p: Prescription, how: { record: { before: Prescription; label: string; coalesceKey?: string } | null }): LensSnapshot {
    const c = this.requireLens();
    const system = this.build(p, 'BAD_EDIT');
    if (how.record) this.history.record(how.record.before, how.record.label, how.record.coalesceKey);
    c.prescription = p;
    c.system = system;
    this.revision++;
    const snap = this.snapshot();
    this.emit({ type: 'lens', snapshot: snap });
    return snap;
  }

  private build(p: Prescription, code: 'BAD_EDIT' | 'BAD_FILE', fileName?: string): LensSystem {
    try {
      return buildLensSystem(p);
    } catch (e) {
      const msg = (e as Error).message;
      throw new StudioError(code, fileName && !msg.startsWith(fileName) ? `${fileName}: ${msg}` : msg);
    }
  }

  private open(p: Prescription, fileName: string, source: LensSource, warnings: string[]): LensSnapshot {
    const system = this.build(p, 'BAD_FILE', fileName);
    this.optimizer.stopAll();
    this.history.clear();
    this.current = { prescription: p, system, fileName, source, warnings, savedJson: stringifyPrescription(p) };
    this.revision++;
    const snap = this.snapshot();
    this.emit({ type: 'lens', snapshot: snap });
    return snap;
  }

  async hostInfo(): Promise<HostInfo> {
    return {
      mode: this.options.mode,
      version: this.options.version ?? '0.0.0',
      pid: process.pid,
      engineThread: this.options.engineThread,
    };
  }

  async listLibrary(): Promise<LibraryEntry[]> {
    let entries: Awaited<ReturnType<typeof listLensLibrary>>;
    try {
      entries = await listLensLibrary(this.options.libraryDir, getGlassLibrary());
    } catch (e) {
      throw new StudioError('BAD_FILE', `lens library: ${(e as Error).message}`);
    }
    return entries.map((e) => ({
      id: e.file.replace(/\.json$/i, ''),
      name: e.name,
      fileName: e.file,
      efl: e.efl ?? e.stated.efl,
      fno: e.fno ?? e.stated.fNumber,
      halfFieldDeg: e.field.type === 'angle' ? e.field.max : e.stated.halfFieldDeg,
      source: e.source || undefined,
    }));
  }

  async openLibraryLens(id: string): Promise<LensSnapshot> {
    if (typeof id !== 'string' || !/^[\w.-]+$/.test(id)) throw new StudioError('NOT_FOUND', `no library lens "${String(id)}"`);
    const fileName = `${id}.json`;
    let bytes: Uint8Array;
    try {
      bytes = new Uint8Array(await readFile(path.join(this.options.libraryDir, fileName)));
    } catch {
      throw new StudioError('NOT_FOUND', `no library lens "${id}"`);
    }
    const { prescription, warnings } = this.parse(fileName, bytes, true);
    const snap = this.open(prescription, fileName, { kind: 'library', id }, warnings);
    await this.recent.add({ kind: 'library', id }, fileName).catch(() => {});
    return snap;
  }

  /** Reads a lens file's bytes: no quoted file text in errors for host files, and for all under the `granted` policy. */
  private parse(fileName: string, bytes: Uint8Array, fromDisk = false): { prescription: Prescription; warnings: string[] } {
    return parseLensBytes(fileName, bytes, fromDisk || this.files.policy === 'granted');
  }

  async openFile(fileName: string, bytes: Uint8Array): Promise<LensSnapshot> {
    if (typeof fileName !== 'string' || !fileName) throw new StudioError('BAD_REQUEST', 'openFile needs a file name');
    if (!(bytes instanceof Uint8Array)) throw new StudioError('BAD_REQUEST', 'openFile needs the file bytes (Uint8Array)');
    if (bytes.byteLength > MAX_LENS_FILE_BYTES) {
      throw new StudioError('BAD_FILE', `${path.basename(fileName)}: ${bytes.byteLength} bytes is more than a lens file may have (${MAX_LENS_FILE_BYTES / 1024 ** 2} MiB)`);
    }
    const name = path.basename(fileName);
    const { prescription, warnings } = this.parse(name, bytes);
    const snap = this.open(prescription, name, { kind: 'upload' }, warnings);
    await this.recent.add({ kind: 'upload', fileName: name, bytes }, name).catch(() => {});
    return snap;
  }

  /**
   * Opens a host file named by a client; only paths the file-access policy allows (fileAccess.ts).
   * @throws StudioError BAD_REQUEST for a path the policy refuses (before touching the disk)
   */
  async openPath(filePath: string): Promise<LensSnapshot> {
    return this.openHostFile(this.files.check(filePath, 'openPath'));
  }

  /**
   * Opens the lens given on the command line and grants its path (Save writes back to it). Not part
   * of the StudioApi: only the host process calls it, at start.
   */
  async openStartupLens(filePath: string): Promise<LensSnapshot> {
    return this.openHostFile(this.files.grant(filePath));
  }

  private async openHostFile(abs: string): Promise<LensSnapshot> {
    // A file of the bundled library opens as a library lens (Save then asks where, it never
    // overwrites the library).
    const rel = path.relative(path.resolve(this.options.libraryDir), abs);
    if (/^[\w.-]+\.json$/.test(rel)) return this.openLibraryLens(rel.replace(/\.json$/, ''));
    const name = path.basename(abs);
    let bytes: Uint8Array;
    try {
      bytes = new Uint8Array(await readFile(abs));
    } catch (e) {
      throw new StudioError('BAD_FILE', `${name}: cannot read the file (${(e as NodeJS.ErrnoException).code ?? 'read error'})`);
    }
    const { prescription, warnings } = this.parse(name, bytes, true);
    const snap = this.open(prescription, name, { kind: 'path', path: abs }, warnings);
    this.files.grant(abs);
    await this.recent.add({ kind: 'path', path: abs }, name).catch(() => {});
    return snap;
  }

  async openRecent(id: string): Promise<LensSnapshot> {
    const target: RecentTarget | null = await this.recent.resolve(id).catch(() => null);
    if (!target) throw new StudioError('NOT_FOUND', 'that recent file is no longer available');
    if (target.kind === 'library') return this.openLibraryLens(target.id);
    // The host wrote this entry when the user opened the file: its path is the user's choice.
    if (target.kind === 'path') return this.openHostFile(this.files.grant(target.path));
    return this.openFile(target.fileName, target.bytes);
  }

  async recentFiles(): Promise<RecentFile[]> {
    return this.recent.list();
  }

  async getLens(): Promise<LensSnapshot> {
    return this.snapshot();
  }

  async edit(edit: LensEdit, options: EditOptions = {}): Promise<LensSnapshot> {
    if (!edit || typeof edit !== 'object') throw new StudioError('BAD_REQUEST', 'edit needs an edit object');
    const key = options?.coalesceKey;
    if (key !== undefined && (typeof key !== 'string' || key.length > MAX_COALESCE_KEY)) {
      throw new StudioError('BAD_REQUEST', `coalesceKey: expected a string of at most ${MAX_COALESCE_KEY} characters`);
    }
    this.optimizer.assertIdle();
    const before = this.requireLens().prescription;
    const next = applyEdit(before, edit);
    return this.setLens(next, { record: { before, label: editLabel(edit), coalesceKey: options.coalesceKey } });
  }

  async undo(): Promise<LensSnapshot> {
    this.optimizer.assertIdle();
    const r = this.history.undo(this.requireLens().prescription);
    if (!r) throw new StudioError('NOTHING_TO_UNDO', 'nothing to undo');
    return this.setLens(r.lens, { record: null });
  }

  async redo(): Promise<LensSnapshot> {
    this.optimizer.assertIdle();
    const r = this.history.redo(this.requireLens().prescription);
    if (!r) throw new StudioError('NOTHING_TO_UNDO', 'nothing to redo');
    return this.setLens(r.lens, { record: null });
  }

  async analyze(options: AnalyzeOptions = {}): Promise<AnalysisBundle> {
    const checked = checkAnalyzeOptions(options);
    const c = this.requireLens();
    const key = JSON.stringify(checked);
    const revision = this.revision;
    const cached = this.analysisCache;
    if (cached && cached.revision === revision && cached.key === key) return cached.bundle;
    // Computed on this revision's system even if the lens changes meanwhile (the bundle says which).
    const bundle = await computeAnalysis(c.system, revision, checked);
    if (revision >= (this.analysisCache?.revision ?? -1)) this.analysisCache = { revision, key, bundle };
    return bundle;
  }

  async startOptimization(options: OptimizeOptions = {}): Promise<{ runId: string }> {
    if (options === null || typeof options !== 'object') throw new StudioError('BAD_REQUEST', 'startOptimization: options must be an object');
    const checked: OptimizeOptions = {
      ...options,
      method: choiceOption('method', options.method, 'dls', ['dls', 'adam'] as const),
      maxIterations: intOption('maxIterations', options.maxIterations, 50, API_LIMITS.optimize.maxIterations),
    };
    this.history.seal();
    return this.optimizer.start(checked);
  }

  async stopOptimization(runId: string): Promise<void> {
    await this.optimizer.stop(runId);
  }

  async exportLens(format: 'json' | 'zmx'): Promise<ExportedLens> {
    const c = this.requireLens();
    return exportLensFile(c.fileName, c.prescription, format);
  }

  async saveLens(target?: string): Promise<{ path: string }> {
    const c = this.requireLens();
    const dest = target !== undefined ? this.files.check(target, 'saveLens') : c.source.kind === 'path' ? c.source.path : null;
    if (!dest) throw new StudioError('BAD_REQUEST', `${c.fileName} was not opened from disk: export it (a download) instead`);
    await writeFileAtomic(dest, encodeForSave(dest, c.prescription));
    this.files.grant(dest);
    c.savedJson = stringifyPrescription(c.prescription);
    c.source = { kind: 'path', path: dest };
    c.fileName = path.basename(dest);
    this.revision++;
    this.emit({ type: 'lens', snapshot: this.snapshot() });
    await this.recent.add({ kind: 'path', path: dest }, c.fileName).catch(() => {});
    return { path: dest };
  }

  async openDeflectometrySession(dir: string): Promise<DeflectometrySessionInfo> {
    return this.deflectometry.openSession(dir);
  }

  async uploadDeflectometryFile(relativePath: string, bytes: Uint8Array, uploadId?: string): Promise<{ uploadId: string }> {
    return this.deflectometry.uploadFile(relativePath, bytes, uploadId);
  }

  async openDeflectometryUpload(uploadId: string): Promise<DeflectometrySessionInfo> {
    return this.deflectometry.openUpload(uploadId);
  }

  async simulateDeflectometrySession(options: SimulateSessionOptions = {}): Promise<DeflectometrySessionInfo> {
    return this.deflectometry.simulate(options);
  }

  async recentDeflectometrySessions(): Promise<string[]> {
    return this.deflectometry.recentSessions();
  }

  async deflectometryImage(camera: number, capture: 'lens' | 'reference', frame: number): Promise<PreviewImage & { min: number; max: number }> {
    return this.deflectometry.image(camera, capture, frame);
  }

  async startCalibration(options: CalibrationOptionsApi = {}): Promise<{ runId: string }> {
    return this.deflectometry.startCalibration(options);
  }

  async stopCalibration(runId: string): Promise<void> {
    await this.deflectometry.stopCalibration(runId);
  }

  /** The fitted lens replaces the editor's lens as one undo step (opened as a new lens when none is). */
  async useFittedLens(): Promise<LensSnapshot> {
    const fitted = this.deflectometry.fittedLens();
    this.optimizer.assertIdle();
    if (!this.current) return this.open(fitted, 'fitted-lens.json', { kind: 'new' }, []);
    const before = this.current.prescription;
    return this.setLens(fitted, { record: { before, label: 'Use fitted lens' } });
  }

  async startE2e(options: E2eStudioOptions = {}): Promise<{ runId: string }> {
    const lens = this.requireLens().prescription;
    if (!this.e2eHost) {
      const { E2eHost } = await import('./e2eJob.ts');
      this.e2eHost = new E2eHost((e) => this.emit(e));
    }
    return this.e2eHost.start(lens, options);
  }

  async stopE2e(runId: string): Promise<void> {
    await this.e2eHost?.stop(runId);
  }

  private async tolerancing(): Promise<ToleranceHost> {
    if (!this.toleranceHost) {
      const { ToleranceHost } = await import('./toleranceJob.ts');
      this.toleranceHost = new ToleranceHost((e) => this.emit(e));
    }
    return this.toleranceHost;
  }

  async toleranceSpec(which: 'lens' | 'defaults' = 'lens'): Promise<ToleranceSpec> {
    return (await this.tolerancing()).spec(this.requireLens().prescription, which);
  }

  async startTolerance(options: ToleranceRunOptions): Promise<{ runId: string }> {
    return (await this.tolerancing()).start(this.requireLens().prescription, options);
  }

  async stopTolerance(runId: string): Promise<void> {
    await this.toleranceHost?.stop(runId);
  }

  async openWorstTrial(): Promise<LensSnapshot> {
    const worst = (await this.tolerancing()).worstTrial();
    this.optimizer.assertIdle();
    return this.setLens(worst, { record: { before: this.requireLens().prescription, label: 'Open worst trial' } });
  }

  async startRobust(options: RobustRunOptions): Promise<{ runId: string }> {
    return (await this.tolerancing()).startRobust(this.requireLens().prescription, options);
  }

  async stopRobust(runId: string): Promise<void> {
    await this.toleranceHost?.stopRobust(runId);
  }

  async useRobustDesign(): Promise<LensSnapshot> {
    const design = (await this.tolerancing()).robustLens();
    this.optimizer.assertIdle();
    return this.setLens(design, { record: { before: this.requireLens().prescription, label: 'Use robust design' } });
  }
}
