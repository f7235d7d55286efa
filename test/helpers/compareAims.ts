/**
 * Batched against sequential real ray aiming (engine/trace/realAim.ts aimRays) for the same targets:
 * the same rays aimed, at the same launch points to 1e-9, every batched aim on its stop target to
 * 1e-9 mm. Shared by engine/trace/batchAim.test.ts and test/corpus/realAimBatch.test.ts.
 */
import { expect } from 'vitest';
import type { LensSystem } from '../../engine/optics/system.ts';
import { objectField } from '../../engine/paraxial/pupil.ts';
import type { PupilSamples } from '../../engine/trace/pupilSampling.ts';
import { RayBatch, RayStatus } from '../../engine/trace/rayBatch.ts';
import { launchContext, launchRays } from '../../engine/trace/rayAiming.ts';
import { aimRays, paraxialStopRadius, type AimOptions } from '../../engine/trace/realAim.ts';
import { traceBatch } from '../../engine/trace/realTrace.ts';

/** Compares batched and sequential aims of one field; returns the batched run's counts. */
export function compareAims(system: LensSystem, fx: number, fy: number, pupil: PupilSamples): NonNullable<AimOptions['stats']> & { failed: number } {
  const ctx = launchContext(system);
  const field = objectField(system, fx, fy, ctx.pupil);
  const w = system.primaryIndex;
  const rStop = paraxialStopRadius(system, ctx.pupil);
  const launch = (f: typeof field, ax: ArrayLike<number>, ay: ArrayLike<number>, b: RayBatch) => launchRays(system, f, ax, ay, b, ctx);
  const { px, py } = pupil;
  const seq = aimRays(system, field, w, px, py, launch, rStop, { sequential: true });
  const stats = { seeds: 0, batched: 0, fallback: 0 };
  const bat = aimRays(system, field, w, px, py, launch, rStop, { stats });
  expect(Array.from(bat.ok)).toEqual(Array.from(seq.ok));
  let worst = 0;
  for (let i = 0; i < px.length; i++) if (seq.ok[i]) worst = Math.max(worst, Math.abs(bat.px[i] - seq.px[i]), Math.abs(bat.py[i] - seq.py[i]));
  expect(worst).toBeLessThan(1e-9);
  const aimed = bat.ok.reduce((s, v) => s + v, 0);
  expect(stats.seeds + stats.batched + stats.fallback).toBe(aimed);
  // Independently: every batched aim crosses the stop on its target.
  const b = launchRays(system, field, bat.px, bat.py, new RayBatch(px.length), ctx);
  traceBatch(system, b, w, { lastSurface: system.stopIndex, ignoreApertures: true });
  for (let i = 0; i < px.length; i++) {
    if (!bat.ok[i]) continue;
    expect(b.status[i]).toBe(RayStatus.OK);
    expect(Math.hypot(b.x[i] - px[i] * rStop, b.y[i] - py[i] * rStop)).toBeLessThan(1e-9);
  }
  return { ...stats, failed: px.length - aimed };
}

