/**
 * Tracer benchmarks: forward real-ray trace throughput and the studio refresh cost, Cooke triplet.
 */
import fs from 'node:fs';
import path from 'node:path';
import { parsePrescriptionJson } from '../../engine/io/json.ts';
import { GlassLibrary } from '../../engine/materials/glassLibrary.ts';
import type { LensSystem } from '../../engine/optics/system.ts';
import { buildSystem } from '../../engine/paraxial/buildSystem.ts';
import { RayBatch } from '../../engine/trace/rayBatch.ts';
import { randomPupil } from '../../engine/trace/pupilSampling.ts';
import { launchContext, launchRays } from '../../engine/trace/rayAiming.ts';
import { traceBatch } from '../../engine/trace/realTrace.ts';
import { objectField } from '../../engine/paraxial/pupil.ts';
import { firstOrder } from '../../engine/analysis/firstOrder.ts';
import { spotDiagram } from '../../engine/analysis/spot.ts';
import { rayFan } from '../../engine/analysis/rayFan.ts';

const root = path.resolve(import.meta.dirname, '../..');

export function loadLibraryLens(file: string): LensSystem {
  const p = parsePrescriptionJson(fs.readFileSync(path.join(root, 'lens-library', file), 'utf8'), file);
  return buildSystem(p, GlassLibrary.builtin());
}

/** Forward trace of 10^6 rays through the Cooke triplet (full field), best of `runs`; rays/s. */
export function benchTrace(runs = 5): number {
  const system = loadLibraryLens('cooke-triplet.json');
  const n = 1_000_000;
  const pupil = randomPupil(n, 7);
  const ctx = launchContext(system);
  const field = objectField(system, 0, 20, ctx.pupil);
  const batch = new RayBatch(n);
  let best = Infinity;
  for (let r = 0; r < runs; r++) {
    launchRays(system, field, pupil.px, pupil.py, batch, ctx);
    const t0 = performance.now();
    traceBatch(system, batch, system.primaryIndex);
    best = Math.min(best, performance.now() - t0);
  }
  return n / (best / 1000);
}

/** First-order data + 3×3 spot diagrams + tangential and sagittal fans for 3 fields; median ms. */
export function benchRefresh(runs = 30): number {
  const system = loadLibraryLens('cooke-triplet.json');
  const times: number[] = [];
  for (let r = 0; r < runs; r++) {
    const t0 = performance.now();
    firstOrder(system);
    const ctx = launchContext(system);
    for (let f = 0; f < 3; f++) {
      for (let w = 0; w < 3; w++) spotDiagram(system, f, w, { ctx });
      rayFan(system, f, system.primaryIndex, { ctx });
    }
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)];
}
