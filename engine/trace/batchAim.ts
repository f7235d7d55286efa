/**
 * Batched real ray aiming (realAim.ts rule 3): the per-ray solvers of aimNewton.ts (Aimer.newton,
 * fromNeighbour, marchTarget, marchField) run on many rays of one field at once.
 * batchNewton: per round, one traceBatch of every active ray's trial point, then one of the
 * finite-difference neighbours (u + h x̂, u + h ŷ, h = FD_STEP) of the trials that survive and
 * decrease |g|, instead of 1–3 traces of 1–2 rays per ray. Every ray follows exactly the sequential
 * rules: the step halved (up to MAX_HALVINGS times) until the ray survives and |g| decreases,
 * converged at |g| < TOL_MM per component, then up to two polishing steps kept only while |g|
 * decreases; a ray stops as soon as its own iteration would return. A ray is traced independently
 * of the others in a batch, so from the same start its aim is the sequential one bit for bit.
 * Rays that do not converge are left ok = 0.
 */
import type { ObjectField } from '../paraxial/pupil.ts';
import type { LensSystem } from '../optics/system.ts';
import { FD_STEP, MAX_HALVINGS, MAX_NEWTON, MIN_STEP, TOL_MM, scaledField, type Launcher } from './aimNewton.ts';
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
  const n = count;
  // Per-ray state, by position in ids: current point, trial step, damping, counters, the converged aim so far.
  const cx = new Float64Array(n), cy = new Float64Array(n);
  const sx = new Float64Array(n), sy = new Float64Array(n);
  const f0 = new Float64Array(n), lam = new Float64Array(n);
  const k = new Uint8Array(n), kMax = new Uint8Array(n), it = new Uint8Array(n), polish = new Uint8Array(n);
  const phase = new Uint8Array(n); // 0: first evaluation, 1: trial step
  const hasDone = new Uint8Array(n);
  const dux = new Float64Array(n), duy = new Float64Array(n), djac = new Float64Array(4 * n);
  let active = new Int32Array(count);
  for (let a = 0; a < count; a++) active[a] = a;
  let next = new Int32Array(count);
  const need = new Int32Array(count); // positions in `active` whose neighbours are traced
  let m = count;
  const ax = new Float64Array(3 * m), ay = new Float64Array(3 * m);
  let pb = new RayBatch(m), db = new RayBatch(2 * m);
  const opts = { lastSurface: system.stopIndex, ignoreApertures: true };
  for (let i = 0; i < count; i++) {
    cx[i] = ux[ids[i]];
    cy[i] = uy[ids[i]];
  }
  const settle = (i: number) => {
    if (!hasDone[i]) return;
    const id = ids[i];
    ux[id] = dux[i];
    uy[id] = duy[i];
    ok[id] = 1;
    for (let c = 0; c < 4; c++) jac[4 * id + c] = djac[4 * i + c];
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
      if (phase[i] && !(Math.hypot(pb.x[a] - tx[ids[i]], pb.y[a] - ty[ids[i]]) < f0[i])) continue;
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
      const fx = x0 - tx[ids[i]], fy = y0 - ty[ids[i]];
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
        djac[4 * i] = j11;
        djac[4 * i + 1] = j12;
        djac[4 * i + 2] = j21;
        djac[4 * i + 3] = j22;
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

/**
 * Aimer.fromNeighbour then Aimer.marchTarget (aimNewton.ts) for rays `ids[0..count)` at once: each
 * ray first by Newton from its neighbour's aim moved by the neighbour's inverse Jacobian (else from
 * the neighbour's aim itself), then, failing that, with its target marched from the neighbour's
 * to its own (steps from 1/4, doubled up to 1/2 on success, halved on failure down to MIN_STEP),
 * each step a batchNewton of every ray still marching.
 * @param nb 8 per ray, by id: the neighbour's aim (ux, uy, tx, ty, j11, j12, j21, j22)
 * Other parameters as batchNewton; ux, uy, ok, jac receive the aims that converge.
 */
export function batchMarchTarget(
  system: LensSystem,
  field: ObjectField,
  w: number,
  launch: Launcher,
  ids: Int32Array,
  count: number,
  tx: Float64Array,
  ty: Float64Array,
  nb: Float64Array,
  ux: Float64Array,
  uy: Float64Array,
  ok: Uint8Array,
  jac: Float64Array,
): void {
  const n = ux.length;
  const cur = nb.slice(); // the last converged aim on the march, 8 per ray
  const s = new Float64Array(n), step = new Float64Array(n);
  const rtx = new Float64Array(n), rty = new Float64Array(n);
  const sux = new Float64Array(n), suy = new Float64Array(n);
  const rok = new Uint8Array(n), rjac = new Float64Array(4 * n);
  let active = Int32Array.from(ids.subarray(0, count));
  const retry = new Int32Array(count);
  let m = count;
  for (let a = 0; a < m; a++) step[active[a]] = 1; // first: straight to the target (fromNeighbour)
  while (m > 0) {
    let nRetry = 0;
    for (let a = 0; a < m; a++) {
      const i = active[a], q = 8 * i;
      const sn = Math.min(1, s[i] + step[i]);
      const b0x = nb[q + 2], b0y = nb[q + 3];
      rtx[i] = b0x + sn * (tx[i] - b0x);
      rty[i] = b0y + sn * (ty[i] - b0y);
      const det = cur[q + 4] * cur[q + 7] - cur[q + 5] * cur[q + 6];
      const dx = rtx[i] - cur[q + 2], dy = rty[i] - cur[q + 3];
      sux[i] = cur[q] + (cur[q + 7] * dx - cur[q + 5] * dy) / det;
      suy[i] = cur[q + 1] + (-cur[q + 6] * dx + cur[q + 4] * dy) / det;
      rok[i] = 0;
      if (!Number.isFinite(sux[i]) || !Number.isFinite(suy[i])) retry[nRetry++] = i;
    }
    // Newton from the predicted starts (those that are finite), then from the last aim itself.
    const first = active.subarray(0, m).filter((i) => Number.isFinite(sux[i]) && Number.isFinite(suy[i]));
    batchNewton(system, field, w, launch, first, first.length, rtx, rty, sux, suy, rok, rjac);
    for (const i of first) if (!rok[i]) retry[nRetry++] = i;
    for (let r = 0; r < nRetry; r++) {
      const i = retry[r];
      sux[i] = cur[8 * i];
      suy[i] = cur[8 * i + 1];
    }
    batchNewton(system, field, w, launch, retry, nRetry, rtx, rty, sux, suy, rok, rjac);
    let mNext = 0;
    for (let a = 0; a < m; a++) {
      const i = active[a], q = 8 * i;
      if (rok[i]) {
        cur[q] = sux[i];
        cur[q + 1] = suy[i];
        cur[q + 2] = rtx[i];
        cur[q + 3] = rty[i];
        for (let c = 0; c < 4; c++) cur[q + 4 + c] = rjac[4 * i + c];
        s[i] = Math.min(1, s[i] + step[i]);
        if (s[i] >= 1) {
          ux[i] = sux[i];
          uy[i] = suy[i];
          ok[i] = 1;
          for (let c = 0; c < 4; c++) jac[4 * i + c] = rjac[4 * i + c];
          continue;
        }
        step[i] = Math.min(2 * step[i], 0.5);
      } else {
        step[i] = step[i] === 1 ? 0.25 : step[i] / 2; // after fromNeighbour, marchTarget's first step
        if (step[i] < MIN_STEP) continue;
      }
      active[mNext++] = i;
    }
    m = mNext;
  }
}

/**
 * Aimer.marchField (aimNewton.ts) for rays `ids[0..count)` at once: each ray's target fixed, the
 * field scaled from 0 to 1 (steps from 1/8, doubled up to 1/4 on success, halved on failure down to
 * MIN_STEP), each step's Newton started from the last two aims extrapolated linearly, else from the
 * last one. Rays at the same field scale share one batchNewton.
 * @param ux, uy the starts at field 0 (the requested pupil points); receive the aims that converge
 * Other parameters as batchNewton.
 */
export function batchMarchField(
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
  const n = ux.length;
  const cx = new Float64Array(n), cy = new Float64Array(n), qx = new Float64Array(n), qy = new Float64Array(n);
  const hasPrev = new Uint8Array(n);
  const s = new Float64Array(n), sPrev = new Float64Array(n), step = new Float64Array(n);
  const sux = new Float64Array(n), suy = new Float64Array(n);
  const rok = new Uint8Array(n), rjac = new Float64Array(4 * n);
  const list = Int32Array.from(ids.subarray(0, count));
  for (const i of list) {
    sux[i] = ux[i];
    suy[i] = uy[i];
  }
  batchNewton(system, scaledField(field, 0), w, launch, list, count, tx, ty, sux, suy, rok, rjac);
  let active = list.filter((i) => rok[i] === 1);
  for (const i of active) {
    cx[i] = sux[i];
    cy[i] = suy[i];
    step[i] = 0.125;
  }
  while (active.length > 0) {
    const groups = new Map<number, number[]>();
    for (const i of active) {
      const sn = Math.min(1, s[i] + step[i]);
      const k = hasPrev[i] ? (sn - s[i]) / (s[i] - sPrev[i]) : 0;
      sux[i] = hasPrev[i] ? cx[i] + k * (cx[i] - qx[i]) : cx[i];
      suy[i] = hasPrev[i] ? cy[i] + k * (cy[i] - qy[i]) : cy[i];
      rok[i] = 0;
      let g = groups.get(sn);
      if (!g) groups.set(sn, (g = []));
      g.push(i);
    }
    for (const [sn, g] of groups) {
      const f = scaledField(field, sn);
      const gi = Int32Array.from(g);
      batchNewton(system, f, w, launch, gi, gi.length, tx, ty, sux, suy, rok, rjac);
      const again = gi.filter((i) => !rok[i] && hasPrev[i] === 1);
      for (const i of again) {
        sux[i] = cx[i];
        suy[i] = cy[i];
      }
      batchNewton(system, f, w, launch, again, again.length, tx, ty, sux, suy, rok, rjac);
    }
    const next: number[] = [];
    for (const i of active) {
      if (rok[i]) {
        qx[i] = cx[i];
        qy[i] = cy[i];
        hasPrev[i] = 1;
        sPrev[i] = s[i];
        cx[i] = sux[i];
        cy[i] = suy[i];
        s[i] = Math.min(1, s[i] + step[i]);
        if (s[i] >= 1) {
          ux[i] = cx[i];
          uy[i] = cy[i];
          ok[i] = 1;
          for (let c = 0; c < 4; c++) jac[4 * i + c] = rjac[4 * i + c];
          continue;
        }
        step[i] = Math.min(2 * step[i], 0.25);
      } else {
        step[i] /= 2;
        if (step[i] < MIN_STEP) continue;
      }
      next.push(i);
    }
    active = Int32Array.from(next);
  }
}
