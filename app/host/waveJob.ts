/**
 * The session's wave-analysis requests (StudioApi `analyzeWave`): checks the options, answers
 * from a small cache of the current revision's results, and runs the passes of waveBundle.ts on
 * the host's wave-analysis thread (waveWorkerClient.ts), so edits and ray analyses never wait.
 *
 * A live pass runs to its end (a drag keeps showing wave panels at the rate they can be computed);
 * a refined pass is cancelled — answered `superseded` — as soon as the lens revision moves on or a
 * newer request starts, so it never holds work for a lens that is gone. A refined answer in the
 * cache also serves a live request for the same parts (it is the better one).
 */
import type { Prescription } from '../../engine/io/prescription.ts';
import type { LensSystem } from '../../engine/optics/system.ts';
import { StudioError, type WaveAnalysisOptions, type WaveBundle } from '../contract/studioApi.ts';
import { API_LIMITS } from '../contract/apiLimits.ts';
import { WaveSuperseded } from './waveBundle.ts';
import { normalizeWaveOptions, type WaveRequest } from './waveOptions.ts';
import { WaveThread, type WavePassHandle } from './waveWorkerClient.ts';

/** Cached answers per revision (a few panels' worth). */
const CACHE_SIZE = 12;

function key(r: WaveRequest, quality: WaveRequest['quality']): string {
  return JSON.stringify({ ...r, quality });
}

export class WaveAnalyses {
  private cacheRevision = -1;
  private readonly cache = new Map<string, WaveBundle>();
  /** Refined passes in flight, with the revision they are for. */
  private readonly refining = new Set<{ revision: number; pass: WavePassHandle }>();
  private readonly thread: WaveThread;
  /** Passes running now (analyzeWave is served beside the request queue: this bounds it). */
  private running = 0;

  constructor(glassDirs: readonly string[] = []) {
    this.thread = new WaveThread(glassDirs);
  }

  /** The lens changed: refined passes of older revisions are cancelled. */
  lensChanged(revision: number): void {
    for (const r of this.refining) if (r.revision !== revision) r.pass.cancel();
  }

  /**
   * Answers one request for the lens `prescription` (built: `system`) at `revision`.
   * @throws StudioError BAD_REQUEST for invalid options; BUSY when API_LIMITS.wave.passes are running
   */
  async analyze(prescription: Prescription, system: LensSystem, revision: number, options: WaveAnalysisOptions): Promise<WaveBundle> {
    const request = normalizeWaveOptions(options, system);
    if (revision !== this.cacheRevision) {
      this.cache.clear();
      this.cacheRevision = revision;
    }
    const hit = this.cache.get(key(request, 'refined')) ?? (request.quality === 'live' ? this.cache.get(key(request, 'live')) : undefined);
    if (hit) return hit;
    if (this.running >= API_LIMITS.wave.passes[1]) throw new StudioError('BUSY', `analyzeWave: ${this.running} wave analyses are running: wait for their answers first`);
    // A newer request supersedes every refined pass still running.
    for (const r of this.refining) r.pass.cancel();
    this.running++;
    const pass = this.thread.run(prescription, system, revision, request);
    const entry = { revision, pass };
    if (request.quality === 'refined') this.refining.add(entry);
    let bundle: WaveBundle;
    try {
      bundle = await pass.result;
    } catch (e) {
      if (!(e instanceof WaveSuperseded)) throw e;
      return {
        revision, quality: request.quality, superseded: true, primaryWavelengthUm: system.wavelengthsUm[system.primaryIndex],
        mtf: null, wavefront: null, psf: null, zernike: null, throughFocus: null, warnings: [], errors: [], timingsMs: {}, computedOn: 'host-thread',
      };
    } finally {
      this.refining.delete(entry);
      this.running--;
    }
    if (revision === this.cacheRevision) {
      this.cache.set(key(request, request.quality), bundle);
      while (this.cache.size > CACHE_SIZE) this.cache.delete(this.cache.keys().next().value!);
    }
    return bundle;
  }

  async close(): Promise<void> {
    await this.thread.close();
  }
}
