/**
 * Real ray aiming: for each requested pupil point (Px, Py), the launch pupil coordinates (the
 * point on the paraxial entrance-pupil plane the ray is aimed through, rayAiming.ts launchRays)
 * such that the real ray crosses the stop surface at T = (Px, Py)·r_stop, with r_stop the paraxial
 * marginal-ray height at the stop (primary wavelength), as OpticStudio's real ray aiming.
 *
 * Each aim solves g(u) = (x, y)_stop(u) − T = 0 by damped Newton steps: a finite-difference
 * Jacobian (step 1e-6 in normalised pupil units), the Newton step halved until the ray survives
 * and |g| decreases, to |g| < 1e-10 mm. The trace to the stop ignores clear apertures and
 * obscurations (they vignette the final ray, not its aim).
 *
 * Robustness, for wide-angle and fisheye lenses where the paraxial aim misses the stop, a lens
 * or runs backwards:
 * 1. the chief ray (T = 0) is continued in field: the field angle (or object height) is marched
 *    from 0 to its value, each step starting from the previous aims extrapolated linearly, the
 *    step halved when Newton fails (down to 1/4096 of the field);
 * 2. every other ray starts from the nearest already-aimed ray of that field (the chief ray
 *    first), moved by that ray's inverse Jacobian towards the new target; when Newton fails from
 *    there, the target is marched from the neighbour's to its own, each step starting from the
 *    last converged aim, the step halved on failure; as a last resort the field is marched from 0
 *    with the ray's own target.
 * 3. large requests (≥ BATCH_MIN rays) first aim a coarse set of seed rays one by one (about one
 *    per cell of a SEED_CELLS × SEED_CELLS grid over the stop, nearest-first, each by Newton from
 *    its nearest seed; a seed that fails becomes an ordinary ray), then start every other ray from
 *    its nearest seed moved by the seed's inverse Jacobian and run the same damped Newton on all of
 *    them at once (batchAim.ts batchNewton: per round, one trace of every active ray's trial point,
 *    then one of the finite-difference neighbours of the trials accepted). The rays it misses go
 *    through rule 2 batched: Newton and the target march from their nearest aim so far
 *    (batchMarchTarget), in up to MARCH_PASSES passes while rescued rays give others a nearer
 *    start, then the field march (batchMarchField). Every ray follows the per-ray rules, so the
 *    aims are the one-by-one aims (`sequential: true`) to round-off (batchAim.test.ts).
 * A ray that still cannot be aimed is reported (ok = 0): rayAiming.ts flags it AIM_FAILED and
 * never traces it with a wrong aim.
 *
 * The aim is differentiated implicitly at the converged solution (adjointAim.ts), not through
 * these iterations.
 */
import { AimGrid } from './aimGrid.ts';
import type { LensSystem } from '../optics/system.ts';
import type { EntrancePupil, ObjectField } from '../paraxial/pupil.ts';
import { paraxialHeightAt } from '../paraxial/paraxial.ts';
import { marginalRayStart } from '../paraxial/rays.ts';
import { Aimer, type Aim, type AimedPupil, type Launcher } from './aimNewton.ts';
import { batchMarchField, batchMarchTarget, batchNewton } from './batchAim.ts';

export type { AimedPupil, Launcher } from './aimNewton.ts';

/** Requests of at least this many rays are aimed in a batch from seeds (rule 3). */
const BATCH_MIN = 64;
/** At most SEED_CELLS² seed cells over the stop diameter. */
const SEED_CELLS = 8;
/** At most this many batched target-continuation passes (rule 3). */
const MARCH_PASSES = 2;
/** Cells of the grid of aims the batched continuations start from, across the stop diameter. */
const MARCH_CELLS = 32;

/** Options of aimRays. */
export interface AimOptions {
  /** Aim every ray one by one (rules 1–2 only), as before batching; for checks. Default false. */
  sequential?: boolean;
  /** Filled with how many rays were aimed as seeds, by the batch, and by the sequential fallback. */
  stats?: { seeds: number; batched: number; fallback: number };
}

/** The paraxial stop radius r_stop: the marginal-ray height at the stop, primary wavelength, mm. */
export function paraxialStopRadius(system: LensSystem, pupil: EntrancePupil): number {
  const w0 = system.primaryIndex;
  const [y0, nu0] = marginalRayStart(system, pupil.epd, pupil.epl, w0);
  return Math.abs(paraxialHeightAt(system, w0, y0, nu0, system.stopIndex));
}

/**
 * Aims rays of one field at the stop (see the module doc).
 * @param px, py requested normalised pupil coordinates (stop targets in units of r_stop)
 * @param launch puts rays of a field through launch pupil points into a batch
 * @param rStop the paraxial stop radius, mm (paraxialStopRadius)
 * @returns launch pupil coordinates per ray (the request itself where ok = 0)
 */
export function aimRays(
  system: LensSystem,
  field: ObjectField,
  w: number,
  px: ArrayLike<number>,
  py: ArrayLike<number>,
  launch: Launcher,
  rStop: number,
  options: AimOptions = {},
): AimedPupil {
  const n = px.length;
  const out: AimedPupil = { px: Float64Array.from(px), py: Float64Array.from(py), ok: new Uint8Array(n) };
  const stats = options.stats;
  if (stats) stats.seeds = stats.batched = stats.fallback = 0;
  const aimer = new Aimer(system, w, launch);
  const chief = aimer.newton(field, 0, 0, 0, 0) ?? aimer.marchField(field, 0, 0, 0, 0);
  // Cells about the targets' spacing: a few aims per cell (aimGrid.ts).
  const span = 2 * Math.max(Math.abs(rStop), 1e-9);
  const aimed = new AimGrid<Aim>(span / Math.max(1, Math.ceil(Math.sqrt(n))));
  if (chief) aimed.add(chief);
  // Nearest targets first, so every ray has an aimed neighbour close by.
  const order = Array.from({ length: n }, (_, k) => k).sort((a, b) => Math.hypot(px[a], py[a]) - Math.hypot(px[b], py[b]));
  /** Rules 1–2 for ray k: from the nearest aim so far; true when aimed. */
  const aimOne = (k: number): boolean => {
    const tx = px[k] * rStop, ty = py[k] * rStop;
    const near = aimed.nearest(tx, ty);
    const nb: Aim | null = near ? near.item : null;
    let aim: Aim | null = null;
    if (nb && near!.d2 === 0) aim = nb;
    else if (nb) aim = aimer.fromNeighbour(field, nb, tx, ty) ?? aimer.marchTarget(field, nb, tx, ty);
    else aim = aimer.newton(field, tx, ty, px[k], py[k]);
    aim ??= aimer.marchField(field, tx, ty, px[k], py[k]);
    if (!aim) return false;
    out.px[k] = aim.ux;
    out.py[k] = aim.uy;
    out.ok[k] = 1;
    if (aim !== nb) aimed.add(aim);
    return true;
  };
  if (options.sequential || n < BATCH_MIN) {
    for (const k of order) aimOne(k);
    return out;
  }
  // Seeds: in each cell of a coarse grid over the stop, the target nearest the cell's centre.
  const cells = Math.max(2, Math.min(SEED_CELLS, Math.round(Math.sqrt(n) / 4)));
  const seedOf = new Map<number, { k: number; d2: number }>();
  for (let k = 0; k < n; k++) {
    // Targets outside [−1, 1]² (vignetting factors) go to the border cells.
    const cu = Math.max(0, Math.min(cells - 1, Math.floor(((px[k] + 1) / 2) * cells)));
    const cv = Math.max(0, Math.min(cells - 1, Math.floor(((py[k] + 1) / 2) * cells)));
    const d2 = (px[k] - ((2 * cu + 1) / cells - 1)) ** 2 + (py[k] - ((2 * cv + 1) / cells - 1)) ** 2;
    const c = cu + cv * cells;
    const prev = seedOf.get(c);
    if (!prev || d2 < prev.d2) seedOf.set(c, { k, d2 });
  }
  const isSeed = new Uint8Array(n);
  for (const { k } of seedOf.values()) isSeed[k] = 1;
  // A seed is aimed by Newton from its nearest aim only; one that fails becomes an ordinary ray of
  // the batch (its continuations run batched below). Seeds have a grid of their own, with cells
  // about their spacing.
  const seeds = new AimGrid<Aim>(span / cells);
  if (chief) seeds.add(chief);
  const seedAims: Aim[] = [];
  for (const k of order) {
    if (!isSeed[k]) continue;
    const tx = px[k] * rStop, ty = py[k] * rStop;
    const near = seeds.nearest(tx, ty);
    const aim = near ? (near.d2 === 0 ? near.item : aimer.fromNeighbour(field, near.item, tx, ty)) : aimer.newton(field, tx, ty, px[k], py[k]);
    if (!aim) {
      isSeed[k] = 0;
      continue;
    }
    out.px[k] = aim.ux;
    out.py[k] = aim.uy;
    out.ok[k] = 1;
    if (stats) stats.seeds++;
    if (aim === near?.item) continue;
    seeds.add(aim);
    seedAims.push(aim);
  }
  // Every other ray from its nearest seed, moved by the seed's inverse Jacobian.
  const tx = new Float64Array(n), ty = new Float64Array(n);
  const ux = new Float64Array(n), uy = new Float64Array(n);
  const ok = new Uint8Array(n);
  const jac = new Float64Array(4 * n);
  const ids = new Int32Array(n);
  let count = 0;
  for (const k of order) {
    if (isSeed[k]) continue;
    tx[k] = px[k] * rStop;
    ty[k] = py[k] * rStop;
    const near = seeds.nearest(tx[k], ty[k]);
    if (!near) continue;
    const nb = near.item;
    const det = nb.j11 * nb.j22 - nb.j12 * nb.j21;
    const dx = tx[k] - nb.tx, dy = ty[k] - nb.ty;
    ux[k] = near.d2 === 0 ? nb.ux : nb.ux + (nb.j22 * dx - nb.j12 * dy) / det;
    uy[k] = near.d2 === 0 ? nb.uy : nb.uy + (-nb.j21 * dx + nb.j11 * dy) / det;
    if (Number.isFinite(ux[k]) && Number.isFinite(uy[k])) ids[count++] = k;
  }
  batchNewton(system, field, w, launch, ids, count, tx, ty, ux, uy, ok, jac);
  let failed = false;
  for (const k of order) {
    if (isSeed[k]) continue;
    if (ok[k]) {
      out.px[k] = ux[k];
      out.py[k] = uy[k];
      out.ok[k] = 1;
      if (stats) stats.batched++;
    } else failed = true;
  }
  if (!failed) return out;
  // The rest: rule 2 for all of them at once, from the nearest aim so far (seeds and batch aims).
  const toAim = (k: number, aim: { ux: number; uy: number }, j: ArrayLike<number>, q: number): Aim => ({ ux: aim.ux, uy: aim.uy, tx: tx[k], ty: ty[k], j11: j[q], j12: j[q + 1], j21: j[q + 2], j22: j[q + 3] });
  // Every aim so far, in cells of a few target spacings: the rays still to aim can lie in a wide
  // region no ray reaches, where a fine grid's ring search would visit many empty cells.
  const all = new AimGrid<Aim>(span / MARCH_CELLS);
  if (chief) all.add(chief);
  for (const a of seedAims) all.add(a);
  for (const k of order) if (!isSeed[k] && ok[k]) all.add(toAim(k, { ux: ux[k], uy: uy[k] }, jac, 4 * k));
  /** The aims a continuation converged for ids[0..count): into `out` (and `grid`, when given). */
  const recordFallbacks = (count: number, grid: AimGrid<Aim> | null) => {
    for (let c = 0; c < count; c++) {
      const k = ids[c];
      if (!ok[k]) continue;
      out.px[k] = ux[k];
      out.py[k] = uy[k];
      out.ok[k] = 1;
      if (stats) stats.fallback++;
      grid?.add(toAim(k, { ux: ux[k], uy: uy[k] }, jac, 4 * k));
    }
  };
  const nbs = new Float64Array(8 * n);
  const used: (Aim | null)[] = new Array(n).fill(null);
  // Passes while rescued rays give others a nearer neighbour to start from.
  for (let pass = 0; pass < MARCH_PASSES; pass++) {
    count = 0;
    for (const k of order) {
      if (isSeed[k] || ok[k]) continue;
      const near = all.nearest(tx[k], ty[k]);
      if (!near || near.item === used[k]) continue;
      const a = (used[k] = near.item);
      nbs.set([a.ux, a.uy, a.tx, a.ty, a.j11, a.j12, a.j21, a.j22], 8 * k);
      ids[count++] = k;
    }
    if (count === 0) break;
    batchMarchTarget(system, field, w, launch, ids, count, tx, ty, nbs, ux, uy, ok, jac);
    recordFallbacks(count, all);
  }
  // Still not aimed: one by one (rule 2) where there is no aim at all to start from; else the
  // field continuation, for all of them at once.
  count = 0;
  for (const k of order) {
    if (isSeed[k] || ok[k]) continue;
    if (used[k] === null) {
      if (aimOne(k) && stats) stats.fallback++;
      continue;
    }
    ux[k] = px[k];
    uy[k] = py[k];
    ids[count++] = k;
  }
  batchMarchField(system, field, w, launch, ids, count, tx, ty, ux, uy, ok, jac);
  recordFallbacks(count, null);
  return out;
}
