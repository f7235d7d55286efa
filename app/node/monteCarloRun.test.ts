/**
 * A Monte Carlo run shared by this thread (while the workers start) and a worker pool gives the
 * single-threaded run trial for trial; a pool that fails to start leaves the whole run to this
 * thread, with the same result.
 */
import { describe, expect, it } from 'vitest';
import fs from 'node:fs';
import path from 'node:path';
import { parsePrescriptionJson } from '../../engine/io/json.ts';
import { GlassLibrary } from '../../engine/materials/glassLibrary.ts';
import { buildSystem } from '../../engine/paraxial/buildSystem.ts';
import { defaultToleranceSpec } from '../../engine/tolerance/defaults.ts';
import { prepareTolerancing } from '../../engine/tolerance/setup.ts';
import { runTrials } from '../../engine/tolerance/monteCarlo.ts';
import { runMonteCarlo } from './monteCarloRun.ts';
import { defaultQueue, ToleranceWorkerPool } from './toleranceWorkers.ts';
import { threadCpuMs } from './threadCpu.ts';

const root = path.resolve(import.meta.dirname, '../..');
const p = parsePrescriptionJson(fs.readFileSync(path.join(root, 'lens-library/cooke-triplet.json'), 'utf8'));
const glass = GlassLibrary.builtin();
const spec = defaultToleranceSpec(p, buildSystem(p, glass));

describe('Monte Carlo on this thread and a worker pool', () => {
  it('equals the single-threaded run exactly, whoever computes which chunk', async () => {
    const tol = prepareTolerancing(p, spec, glass);
    const single = runTrials(tol.evaluator, tol.sampled, 5, 300, 20, 260);
    const pool = ToleranceWorkerPool.create({ prescription: p, spec, criterion: { type: 'rms-spot' }, glassDirs: [] }, 2);
    let last = 0;
    try {
      // A started pool: this thread takes the first chunk (before it hears that the pool is
      // ready), the workers the rest.
      await pool;
      const run = await runMonteCarlo(tol, pool, 5, 300, 20, 260, { onProgress: (d) => (last = d) });
      expect(run.workers).toBe(2);
      expect(run.shard.values).toEqual(single.values);
      expect(run.shard.compensators).toEqual(single.compensators);
      expect(run.shard.worst).toEqual(single.worst);
      expect([run.shard.start, run.shard.end]).toEqual([20, 260]);
      expect(last).toBe(240);
      // The pool's accounting of the chunks it ran: trials, time in trials, and thread CPU (Linux).
      const st = (await pool).lastRun!;
      expect(st.trials).toBeGreaterThan(0);
      expect(st.trials).toBeLessThanOrEqual(240);
      expect(st.busyMs).toBeGreaterThan(0);
      if (process.platform === 'linux') expect(st.cpuMs).toBeGreaterThanOrEqual(0);
    } finally {
      await (await pool).close();
    }
  });

  it('runs everything here when the pool cannot start', async () => {
    const tol = prepareTolerancing(p, spec, glass);
    const single = runTrials(tol.evaluator, tol.sampled, 9, 80, 0, 80);
    const run = await runMonteCarlo(tol, Promise.reject(new Error('no workers')), 9, 80, 0, 80);
    expect(run.workers).toBe(0);
    expect(run.shard.values).toEqual(single.values);
  });

  it('hands out guided chunks: contiguous, shrinking towards the end, within their bounds', () => {
    const q = defaultQueue(5, 2005, 2);
    const sizes: number[] = [];
    let at = 5;
    for (let r = q.next(); r; r = q.next()) {
      expect(r[0]).toBe(at);
      sizes.push(r[1] - r[0]);
      at = r[1];
    }
    expect(at).toBe(2005);
    expect(Math.max(...sizes)).toBe(125); // defaultChunk(2000, 2)
    expect(sizes.slice(0, -1).every((s) => s >= 10)).toBe(true);
    for (let i = 1; i < sizes.length; i++) expect(sizes[i]).toBeLessThanOrEqual(sizes[i - 1]);
    expect(sizes.at(-1)).toBeLessThanOrEqual(10);
  });

  it('reads the CPU time of this thread', () => {
    const a = threadCpuMs();
    if (process.platform !== 'linux' && a === null) return;
    let x = 0;
    for (let i = 0; i < 3e7; i++) x += Math.sqrt(i + x);
    expect(x).toBeGreaterThan(0);
    expect(threadCpuMs()! - a!).toBeGreaterThanOrEqual(20);
  });
});
