/**
 * The real-ray (pupil-zone) marginal-ray-height solve, OpticStudio's "marginal ray height" with a
 * pupil zone ζ ≠ 0 on the image distance: the last thickness t is set so the real on-axis ray of
 * normalised pupil coordinate Py = ζ, primary wavelength, meets the image surface at height h
 * (h = 0, ζ = 0.7: the classic best-focus approximation at the 0.7 zone).
 *
 * The ray is launched as rayAiming.ts launches rays (paraxial aiming at the entrance pupil, or real
 * aiming at the stop, realAim.ts); Y(t), its height on the image surface, is linear in t for a
 * plane image, so t ← t + (h − Y)·n/m (direction cosines after the last surface) converges in one
 * step, and in a few on a curved image. Derivative (implicit): dt/dθ = −(∂Y/∂θ)/(∂Y/∂t), both from
 * one real-ray adjoint pass (adjoint.ts, the real aim differentiated too) with every other solved
 * parameter held (engine/paraxial/solves.ts chains them).
 *
 * Installed into engine/paraxial/solves.ts by importing this module (rayAiming.ts does, so every
 * program that traces real rays has it).
 */
import type { ParamRef } from '../optics/params.ts';
import type { LensSystem, SystemSolve } from '../optics/system.ts';
import { SystemError } from '../optics/system.ts';
import { entrancePupil, objectField, type EntrancePupil, type ObjectField } from '../paraxial/pupil.ts';
import { registerRealRaySolver } from '../paraxial/solveKernels.ts';
import { traceAdjoint } from './adjoint.ts';
import { RayBatch, RayStatus } from './rayBatch.ts';
import { aimRays, paraxialStopRadius } from './realAim.ts';
import { TraceRecord, traceBatch } from './realTrace.ts';

type HeightSolve = SystemSolve & { type: 'marginalRayHeight' };

/**
 * Launches on-axis rays through pupil points into `batch` slots [0, n): as rayAiming.ts launchRays
 * does for the on-axis field (a copy, so that the tracer can install this module without a cycle).
 */
function launchOnAxis(system: LensSystem, pupil: EntrancePupil, px: ArrayLike<number>, py: ArrayLike<number>, b: RayBatch): void {
  const r = pupil.epd / 2;
  for (let i = 0; i < px.length; i++) {
    const x = px[i] * r, y = py[i] * r;
    b.resetRay(i);
    if (!Number.isFinite(system.objectDistance)) {
      b.x[i] = x;
      b.y[i] = y;
      b.z[i] = pupil.epl;
      b.l[i] = 0;
      b.m[i] = 0;
      b.n[i] = 1;
    } else {
      const d = system.objectDistance, vz = pupil.epl + d;
      const inv = Math.sign(vz) / Math.hypot(x, y, vz);
      b.x[i] = 0;
      b.y[i] = 0;
      b.z[i] = -d;
      b.l[i] = x * inv;
      b.m[i] = y * inv;
      b.n[i] = vz * inv;
    }
  }
}

/** The launched pupil coordinate: ζ, or with real aiming the one whose real ray crosses the stop at ζ × the paraxial stop radius (realAim.ts). */
function aimedZone(system: LensSystem, pupil: EntrancePupil, solve: HeightSolve): number {
  if (system.rayAiming !== 'real') return solve.pupilZone;
  const field: ObjectField = objectField(system, 0, 0, pupil);
  const aim = aimRays(system, field, system.primaryIndex, [0], [solve.pupilZone], (_f, ax, ay, b) => launchOnAxis(system, pupil, ax, ay, b), paraxialStopRadius(system, pupil));
  if (!aim.ok[0]) throw new SystemError(`${solve.where}: the real ray of pupil zone ${solve.pupilZone} cannot be aimed at the stop`);
  return aim.py[0];
}

/** Traces the solve's ray to the image; returns its height there and its slope m/n after the last surface. */
function heightAtImage(system: LensSystem, pupil: EntrancePupil, py: number, solve: HeightSolve, rec?: TraceRecord): { y: number; slope: number } {
  const b = new RayBatch(1);
  launchOnAxis(system, pupil, [0], [py], b);
  traceBatch(system, b, system.primaryIndex, { record: rec });
  if (b.status[0] !== RayStatus.OK) throw new SystemError(`${solve.where}: the real ray of pupil zone ${solve.pupilZone} is lost`);
  return { y: b.y[0], slope: b.m[0] / b.n[0] };
}

registerRealRaySolver({
  value(system, solve) {
    const s = solve.target.surface;
    const pupil = entrancePupil(system);
    const py = aimedZone(system, pupil, solve);
    const t0 = system.surfaces[s].thickness;
    try {
      for (let it = 0; it < 20; it++) {
        const { y, slope } = heightAtImage(system, pupil, py, solve);
        if (!(Math.abs(slope) > 0)) throw new SystemError(`${solve.where}: the real ray of pupil zone ${solve.pupilZone} leaves parallel to the axis`);
        const dt = (solve.height - y) / slope;
        system.surfaces[s].thickness += dt;
        if (Math.abs(dt) <= 1e-14 * Math.max(1, Math.abs(system.surfaces[s].thickness))) break;
      }
      return system.surfaces[s].thickness;
    } finally {
      system.surfaces[s].thickness = t0;
    }
  },

  tangents(system, solve, params) {
    const s = solve.target.surface;
    const pupil = entrancePupil(system);
    const py = aimedZone(system, pupil, solve);
    // Partials of the ray's image height over the parameters, t and every solved one held apart.
    const all: ParamRef[] = [...params];
    const key = (p: { kind: string; surface: number }) => `${p.kind}:${p.surface}`;
    const listed = new Set(all.map(key));
    for (const q of system.solves) if (!listed.has(key(q.target))) (all.push({ kind: q.target.kind, surface: q.target.surface }), listed.add(key(q.target)));
    const it = all.findIndex((p) => p.kind === 'thickness' && p.surface === s);
    const rec = new TraceRecord(system.surfaces.length, 1);
    heightAtImage(system, pupil, py, solve, rec);
    const g = traceAdjoint(system, rec, { fx: 0, fy: 0, px: [0], py: [py], aimed: system.rayAiming === 'real' }, system.primaryIndex, { y: [1] }, all, new Float64Array(all.length));
    const dYdt = g[it];
    if (!(Math.abs(dYdt) > 0)) throw new SystemError(`${solve.where}: the image distance does not move the real ray`);
    return Float64Array.from(params, (p, j) => (p.kind === 'thickness' && p.surface === s ? 0 : -g[j] / dYdt));
  },
});
