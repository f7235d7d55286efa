/**
 * The session's wave-analysis requests (StudioApi `analyzeWave`): checks the options, answers
 * from a small cache of the current revision's results, and runs the passes of waveBundle.ts.
 *
 * A live pass runs to its end (a drag keeps showing wave panels at the rate they can be computed);
 * a refined pass is abandoned — answered `superseded` — as soon as the lens revision moves on or a
 * newer request starts, so it never holds work for a lens that is gone. A refined answer in the
 * cache also serves a live request for the same parts (it is the better one).
 */
import type { LensSystem } from '../../engine/optics/system.ts';
import type { WaveAnalysisOptions, WaveBundle } from '../contract/studioApi.ts';
import { computeWaveBundle, WaveSuperseded } from './waveBundle.ts';
import { normalizeWaveOptions, type WaveRequest } from './waveOptions.ts';

/** Cached answers per revision (a few panels' worth). */
const CACHE_SIZE = 12;

function key(r: WaveRequest, quality: WaveRequest['quality']): string {
  return JSON.stringify({ ...r, quality });
}

export class WaveAnalyses {
  private cacheRevision = -1;
  private readonly cache = new Map<string, WaveBundle>();
  private generation = 0;

  /**
   * Answers one request for `system`, the lens at `revision`; `currentRevision` tells whether the
   * lens has moved on since.
   * @throws StudioError BAD_REQUEST for invalid options
   */
  async analyze(system: LensSystem, revision: number, options: WaveAnalysisOptions, currentRevision: () => number): Promise<WaveBundle> {
    const request = normalizeWaveOptions(options, system);
    if (revision !== this.cacheRevision) {
      this.cache.clear();
      this.cacheRevision = revision;
    }
    const hit = this.cache.get(key(request, 'refined')) ?? (request.quality === 'live' ? this.cache.get(key(request, 'live')) : undefined);
    if (hit) return hit;
    const generation = ++this.generation;
    const cancelled = request.quality === 'refined' ? () => currentRevision() !== revision || this.generation !== generation : () => false;
    let bundle: WaveBundle;
    try {
      bundle = await computeWaveBundle(system, revision, request, { cancelled });
    } catch (e) {
      if (!(e instanceof WaveSuperseded)) throw e;
      return {
        revision, quality: request.quality, superseded: true, primaryWavelengthUm: system.wavelengthsUm[system.primaryIndex],
        mtf: null, wavefront: null, psf: null, zernike: null, throughFocus: null, warnings: [], errors: [], timingsMs: {},
      };
    }
    if (revision === this.cacheRevision) {
      this.cache.set(key(request, request.quality), bundle);
      while (this.cache.size > CACHE_SIZE) this.cache.delete(this.cache.keys().next().value!);
    }
    return bundle;
  }
}
