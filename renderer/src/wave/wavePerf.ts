/**
 * When each wave view drew which lens revision (and whether live or refined), exposed read-only
 * as `window.__wavePerf` for the benchmark and the browser tests (renderer/src/perf.ts does the
 * same for the layout and the spots).
 */
export interface WaveDrawn {
  view: string;
  revision: number;
  quality: 'live' | 'refined';
  /** performance.now() after drawing. */
  at: number;
}

const log: WaveDrawn[] = [];

declare global {
  interface Window {
    __wavePerf?: { log: WaveDrawn[]; reset(): void };
  }
}

if (typeof window !== 'undefined') {
  window.__wavePerf = {
    log,
    reset() {
      log.length = 0;
    },
  };
}

/** Records that `view` has drawn the wave answer of `revision`. */
export function waveDrawn(view: string, revision: number, quality: 'live' | 'refined'): void {
  log.push({ view, revision, quality, at: performance.now() });
  if (log.length > 500) log.splice(0, log.length - 500);
}
