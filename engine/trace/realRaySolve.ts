/**
 * The real-ray (pupil-zone) marginal-ray-height solve, OpticStudio's "marginal ray height" with a
 * pupil zone ζ ≠ 0 on the image distance: the last thickness t is set so the real on-axis ray of
 * normalised pupil coordinate Py = ζ, primary wavelength, meets the image surface at height h
 * (h = 0, ζ = 0.7: the classic best-focus approximation at the 0.7 zone).
 *
 * The ray is launched as rayAiming.ts launches rays (paraxial aiming at the entrance pupil, or real
 * aiming at the stop); Y(t), its height on the image surface, is linear in t for a plane image, so
 * t ← t + (h − Y)·n/m (direction cosines after the last surface) converges in one step, and in a
 * few on a curved image. Derivative (implicit): dt/dθ = −(∂Y/∂θ)/(∂Y/∂t), both from one real-ray
 * adjoint pass (adjoint.ts) with every other solved parameter held (engine/paraxial/solves.ts
 * chains them). Real aiming is not differentiated (as everywhere in the adjoint).
 *
 * Installed into engine/paraxial/solves.ts by importing this module (rayAiming.ts does, so every
 * program that traces real rays has it).
 */
import type { ParamRef } from '../optics/params.ts';
import type { LensSystem, SystemSolve } from '../optics/system.ts';
import { SystemError } from '../optics/system.ts';
import { paraxialHeightAt } from '../paraxial/paraxial.ts';
import { entrancePupil, type EntrancePupil } from '../paraxial/pupil.ts';
import { marginalRayStart } from '../paraxial/rays.ts';
import { registerRealRaySolver } from '../paraxial/solveKernels.ts';
import { traceAdjoint } from './adjoint.ts';
import { RayBatch, RayStatus } from './rayBatch.ts';
import { TraceRecord, traceBatch } from './realTrace.ts';

type HeightSolve = SystemSolve & { type: 'marginalRayHeight' };

/** Launches the on-axis ray of normalised pupil coordinate (0, py) into `b` (as rayAiming.ts launchRays). */
function launchOnAxis(system: LensSystem, pupil: EntrancePupil, py: number, b: RayBatch): void {
  const y = (py * pupil.epd) / 2;
  b.x[0] = 0;
  b.opl[0] = 0;
  b.status[0] = RayStatus.OK;
  b.lostAt[0] = -1;
  b.l[0] = 0;
  if (!Number.isFinite(system.objectDistance)) {
    b.y[0] = y;
    b.z[0] = pupil.epl;
    b.m[0] = 0;
    b.n[0] = 1;
  } else {
    const d = system.objectDistance, vz = pupil.epl + d;
    const inv = Math.sign(vz) / Math.hypot(y, vz);
    b.y[0] = 0;
    b.z[0] = -d;
    b.m[0] = y * inv;
    b.n[0] = vz * inv;
  }
}

/** The launched pupil coordinate: ζ, or with real aiming the one whose real ray crosses the stop at ζ × the paraxial stop radius. */
function aimedZone(system: LensSystem, pupil: EntrancePupil, zone: number, solve: HeightSolve): number {
  if (system.rayAiming !== 'real') return zone;
  const w = system.primaryIndex, stop = system.stopIndex;
  const target = zone * Math.abs(paraxialHeightAt(system, w, ...marginalRayStart(system, pupil.epd, pupil.epl, w), stop));
  const b = new RayBatch(1);
  const atStop = (py: number) => {
    launchOnAxis(system, pupil, py, b);
    traceBatch(system, b, w, { lastSurface: stop });
    if (b.status[0] !== RayStatus.OK) throw new SystemError(`${solve.where}: the pupil-zone ray is lost before the stop`);
    return b.y[0];
  };
  let py = zone;
  const h = 1e-6;
  for (let it = 0; it < 30; it++) {
    const f = atStop(py) - target;
    if (Math.abs(f) < 1e-10) break;
    const slope = (atStop(py + h) - atStop(py)) / h;
    if (!(Math.abs(slope) > 0)) break;
    py -= f / slope;
  }
  return py;
}

/** Traces the solve's ray to the image; returns its height there and its slope m/n after the last surface. */
function heightAtImage(system: LensSystem, pupil: EntrancePupil, py: number, solve: HeightSolve, rec?: TraceRecord): { y: number; slope: number } {
  const b = new RayBatch(1);
  launchOnAxis(system, pupil, py, b);
  traceBatch(system, b, system.primaryIndex, { record: rec });
  if (b.status[0] !== RayStatus.OK) throw new SystemError(`${solve.where}: the real ray of pupil zone ${solve.pupilZone} is lost`);
  return { y: b.y[0], slope: b.m[0] / b.n[0] };
}

registerRealRaySolver({
  value(system, solve) {
    const s = solve.target.surface;
    const pupil = entrancePupil(system);
    const py = aimedZone(system, pupil, solve.pupilZone, solve);
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
    const py = aimedZone(system, pupil, solve.pupilZone, solve);
    // Partials of the ray's image height over the parameters, t and every solved one held apart.
    const all: ParamRef[] = [...params];
    const key = (p: { kind: string; surface: number }) => `${p.kind}:${p.surface}`;
    const listed = new Set(all.map(key));
    for (const q of system.solves) if (!listed.has(key(q.target))) (all.push({ kind: q.target.kind, surface: q.target.surface }), listed.add(key(q.target)));
    const it = all.findIndex((p) => p.kind === 'thickness' && p.surface === s);
    const rec = new TraceRecord(system.surfaces.length, 1);
    heightAtImage(system, pupil, py, solve, rec);
    const g = traceAdjoint(system, rec, { fx: 0, fy: 0, px: [0], py: [py] }, system.primaryIndex, { y: [1] }, all, new Float64Array(all.length));
    const dYdt = g[it];
    if (!(Math.abs(dYdt) > 0)) throw new SystemError(`${solve.where}: the image distance does not move the real ray`);
    return Float64Array.from(params, (p, j) => (p.kind === 'thickness' && p.surface === s ? 0 : -g[j] / dYdt));
  },
});
