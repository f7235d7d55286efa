/**
 * Batched real ray aiming: the damped Newton iteration of aimNewton.ts (Aimer.newton) run on many
 * rays of one field at once, one traceBatch of 3·m rays per round (each active ray's trial point u
 * and u + h x̂, u + h ŷ, h = FD_STEP) instead of m traces of 3 rays. Every ray follows exactly the
 * sequential rules: the step halved (up to MAX_HALVINGS times) until the ray survives and |g|
 * decreases, converged at |g| < TOL_MM per component, then up to two polishing steps kept only
 * while |g| decreases; a ray stops as soon as its own iteration would return. A ray is traced
 * independently of the others in a batch, so from the same start its aim is the sequential one
 * bit for bit. Rays that do not converge are left ok = 0 for the caller's sequential continuation.
 */
import type { ObjectField } from '../paraxial/pupil.ts';
import type { LensSystem } from '../optics/system.ts';
import { FD_STEP, MAX_HALVINGS, MAX_NEWTON, TOL_MM, type Launcher } from './aimNewton.ts';
import { RayBatch, RayStatus } from './rayBatch.ts';
import { traceBatch } from './realTrace.ts';

/**
 * Aims rays `ids[0..count)` of `field` by batched damped Newton.
 * Arrays indexed by ray id (length ≥ the largest id + 1):
 * @param tx, ty stop targets, mm
 * @param ux, uy starting launch pupil coordinates; overwritten with the aim where it converges
 * @param ok set to 1 where the aim converged (left untouched elsewhere)
 * @param jac 4 per ray: ∂(x, y)_stop/∂(ux, uy) at the aim (j11, j12, j21, j22), where it converged
 */
export function batchNewton(
  system: LensSystem,
  field: ObjectField,
  w: number,
  launch: Launcher,
  ids: Int32Array,
  count: number,
  tx: Float64Array,
  ty: Float64Array,
  ux: Float64Array,
  uy: Float64Array,
  ok: Uint8Array,
  jac: Float64Array,
): void {
  if (count === 0) return;
  const n = ux.length;
  // Per-ray state, by id: current point, trial step, damping, counters, the converged aim so far.
  const cx = new Float64Array(n), cy = new Float64Array(n);
  const sx = new Float64Array(n), sy = new Float64Array(n);
  const f0 = new Float64Array(n), lam = new Float64Array(n);
  const k = new Uint8Array(n), kMax = new Uint8Array(n), it = new Uint8Array(n), polish = new Uint8Array(n);
  const phase = new Uint8Array(n); // 0: first evaluation, 1: trial step
  const hasDone = new Uint8Array(n);
  const dux = new Float64Array(n), duy = new Float64Array(n);
  let active = Int32Array.from(ids.subarray(0, count));
  let next = new Int32Array(count);
  const need = new Int32Array(count); // positions in `active` whose neighbours are traced
  let m = count;
  const ax = new Float64Array(3 * m), ay = new Float64Array(3 * m);
  let pb = new RayBatch(m), db = new RayBatch(2 * m);
  const opts = { lastSurface: system.stopIndex, ignoreApertures: true };
  for (let a = 0; a < m; a++) {
    const i = active[a];
    cx[i] = ux[i];
    cy[i] = uy[i];
  }
  const settle = (i: number) => {
    if (!hasDone[i]) return;
    ux[i] = dux[i];
    uy[i] = duy[i];
    ok[i] = 1;
  };
  while (m > 0) {
    // Batches shrink with the active set (at most doubling the first allocation in all); slots
    // past the active ones keep stale rays, traced again harmlessly.
    if (m <= pb.size / 2) pb = new RayBatch(m);
    // 1. The trial points alone (the start point first).
    for (let a = 0; a < m; a++) {
      const i = active[a];
      ax[a] = phase[i] ? cx[i] + lam[i] * sx[i] : cx[i];
      ay[a] = phase[i] ? cy[i] + lam[i] * sy[i] : cy[i];
    }
    launch(field, ax.subarray(0, m), ay.subarray(0, m), pb);
    traceBatch(system, pb, w, opts);
    // 2. Their finite-difference neighbours, where the trial survives and decreases |g|.
    let nNeed = 0;
    for (let a = 0; a < m; a++) {
      const i = active[a];
      if (pb.status[a] !== RayStatus.OK) continue;
      if (phase[i] && !(Math.hypot(pb.x[a] - tx[i], pb.y[a] - ty[i]) < f0[i])) continue;
      need[nNeed++] = a;
    }
    if (2 * nNeed <= db.size / 2) db = new RayBatch(Math.max(2, 2 * nNeed));
    for (let q = 0; q < nNeed; q++) {
      const a = need[q];
      const vx = ax[a], vy = ay[a];
      ax[m + 2 * q] = vx + FD_STEP; ay[m + 2 * q] = vy;
      ax[m + 2 * q + 1] = vx; ay[m + 2 * q + 1] = vy + FD_STEP;
    }
    if (nNeed > 0) {
      launch(field, ax.subarray(m, m + 2 * nNeed), ay.subarray(m, m + 2 * nNeed), db);
      traceBatch(system, db, w, opts);
    }
    let mNext = 0;
    for (let a = 0, q = 0; a < m; a++) {
      const i = active[a];
      const traced = q < nNeed && need[q] === a;
      const s = traced ? 2 * q++ : -1;
      const alive = traced && db.status[s] === RayStatus.OK && db.status[s + 1] === RayStatus.OK;
      const x0 = pb.x[a], y0 = pb.y[a];
      const fx = x0 - tx[i], fy = y0 - ty[i];
      if (phase[i] === 0) {
        if (!alive) continue; // the start is lost: no aim (hasDone is 0)
        phase[i] = 1;
      } else if (alive) {
        cx[i] = ax[a];
        cy[i] = ay[a];
        if (++it[i] >= MAX_NEWTON) {
          settle(i);
          continue;
        }
      } else {
        lam[i] /= 2;
        if (++k[i] >= kMax[i]) settle(i);
        else next[mNext++] = i;
        continue;
      }
      // At the current point (just evaluated): convergence, then the next Newton step.
      const j11 = (db.x[s] - x0) / FD_STEP, j21 = (db.y[s] - y0) / FD_STEP;
      const j12 = (db.x[s + 1] - x0) / FD_STEP, j22 = (db.y[s + 1] - y0) / FD_STEP;
      if (Math.abs(fx) < TOL_MM && Math.abs(fy) < TOL_MM) {
        hasDone[i] = 1;
        dux[i] = cx[i];
        duy[i] = cy[i];
        jac[4 * i] = j11;
        jac[4 * i + 1] = j12;
        jac[4 * i + 2] = j21;
        jac[4 * i + 3] = j22;
        if (polish[i]++ >= 2 || (fx === 0 && fy === 0)) {
          settle(i);
          continue;
        }
      }
      const det = j11 * j22 - j12 * j21;
      if (!(Math.abs(det) > 0) || !Number.isFinite(det)) {
        settle(i);
        continue;
      }
      sx[i] = -(j22 * fx - j12 * fy) / det;
      sy[i] = -(-j21 * fx + j11 * fy) / det;
      f0[i] = Math.hypot(fx, fy);
      lam[i] = 1;
      k[i] = 0;
      kMax[i] = hasDone[i] ? 1 : MAX_HALVINGS;
      next[mNext++] = i;
    }
    [active, next] = [next, active];
    m = mNext;
  }
}
