/**
 * Ray–surface intersections of the real-ray trace (realTrace.ts) that need a root finder: the
 * conic root without cancellation, and Newton's method on even aspheres and XY polynomials from the
 * base conic's root (or the vertex plane) to |Δs| < 1e-12 mm in at most 40 iterations, with the
 * even asphere's first crossing along the ray guaranteed by a bracketed scan. A ray whose Newton
 * iteration fails is flagged NO_CONVERGENCE, never NaN. The adjoint differentiates the converged
 * root implicitly (adjointAsphere.ts, adjointXY.ts).
 */
import type { Surface } from '../optics/system.ts';
import { RayBatch, RayStatus } from './rayBatch.ts';
import { asphereSag, asphereSagDr2, xyPolynomial } from './sag.ts';

const NEWTON_TOL = 1e-12;
const NEWTON_MAX = 40;
const scratch3 = new Float64Array(3);

/**
 * Root of A t² + 2B t + C = 0 with A t + B = −ν sqrt(B² − AC), computed without cancellation;
 * NaN when there is no real root.
 */
export function conicRoot(A: number, B: number, C: number, nu: number): number {
  const disc = B * B - A * C;
  if (disc < 0) return NaN;
  const sq = nu * Math.sqrt(disc);
  // B − sq and −B − sq... choose the form whose denominator does not cancel.
  const den = B - sq;
  if (den !== 0 && Math.abs(den) >= Math.abs(sq) * 1e-8) return -C / den;
  return A !== 0 ? (-B - sq) / A : NaN;
}

/** F(t) = z − sag(r) of an even asphere along a ray (NaN outside the base conic's domain). */
function asphereF(c: number, kp1: number, a: Float64Array, px: number, py: number, pz: number, dl: number, dm: number, dn: number, t: number): number {
  const qx = px + t * dl, qy = py + t * dm;
  const r2 = qx * qx + qy * qy;
  const q = 1 - kp1 * c * c * r2;
  if (!(q > 0)) return NaN;
  return pz + t * dn - ((c * r2) / (1 + Math.sqrt(q)) + asphereSag(a, r2));
}

/** Samples of F between the ray's start and a root found by Newton, when checking for an earlier crossing. */
const ASPHERE_SCAN = 8;

export function intersectAsphere(surf: Surface, b: RayBatch, s: number, n1: number, tArr: Float64Array | null, off: number, nu: number): void {
  const c = surf.c;
  const k = surf.k;
  const kp1 = 1 + k;
  const a = surf.asphere;
  const { x, y, z, l, m, n, status } = b;
  for (let i = 0; i < b.size; i++) {
    if (status[i] !== RayStatus.OK) continue;
    const px = x[i], py = y[i], pz = z[i];
    const dl = l[i], dm = m[i], dn = n[i];
    // Start from the base conic's root, or the vertex plane if the conic is missed.
    const A = c * (dl * dl + dm * dm + kp1 * dn * dn);
    const B = c * (px * dl + py * dm + kp1 * pz * dn) - dn;
    const C = c * (px * px + py * py + kp1 * pz * pz) - 2 * pz;
    let t = conicRoot(A, B, C, nu);
    if (!Number.isFinite(t)) t = -pz / dn;
    const tStart = t;
    let ok = false;
    for (let it = 0; it < NEWTON_MAX; it++) {
      const qx = px + t * dl, qy = py + t * dm, qz = pz + t * dn;
      const r2 = qx * qx + qy * qy;
      const q = 1 - kp1 * c * c * r2;
      if (!(q > 0)) break;
      const sq = Math.sqrt(q);
      const sag = (c * r2) / (1 + sq) + asphereSag(a, r2);
      const dsag = c / (2 * sq) + asphereSagDr2(a, r2);
      const F = qz - sag;
      const dF = dn - 2 * dsag * (qx * dl + qy * dm);
      const step = F / dF;
      if (!Number.isFinite(step)) break;
      t -= step;
      if (Math.abs(step) < NEWTON_TOL) {
        ok = true;
        break;
      }
    }
    // Newton started from a base conic far from the asphere (a strong conic and polynomial that
    // cancel, as in phone lenses) can converge to another crossing of the polynomial's
    // continuation, farther ahead or behind. A ray that starts on the near side (F(0)·n < 0) meets
    // the surface where it first crosses it ahead: F is sampled between the start and Newton's
    // root (or, when that root is behind or missing, twice the larger of the distances to the
    // vertex plane and to Newton's starting point), and the first sign change is solved in its
    // bracket (Newton safeguarded by bisection).
    const f0 = asphereF(c, kp1, a, px, py, pz, dl, dm, dn, 0);
    if (f0 * dn < 0) {
      const ahead = ok && t > 0;
      const tEnd = ahead ? t : 2 * Math.max(Math.abs(pz / dn), Math.abs(tStart), 1e-3);
      let ta = 0, fa = f0;
      for (let j = 1; j <= ASPHERE_SCAN; j++) {
        if (ahead && j === ASPHERE_SCAN) break;
        const tb = (tEnd * j) / ASPHERE_SCAN;
        const fb = asphereF(c, kp1, a, px, py, pz, dl, dm, dn, tb);
        if (!Number.isFinite(fb)) continue;
        if (fb * fa <= 0) {
          t = bracketedRoot(c, kp1, a, px, py, pz, dl, dm, dn, ta, tb, fa);
          ok = Number.isFinite(t);
          break;
        }
        ta = tb;
        fa = fb;
      }
    }
    moveToRoot(b, i, s, ok ? t : NaN, n1, tArr, off);
  }
}

/** The root of F in [ta, tb] (F(ta) = fa, opposite signs at the ends): Newton steps kept inside the bracket, else bisection. */
function bracketedRoot(c: number, kp1: number, a: Float64Array, px: number, py: number, pz: number, dl: number, dm: number, dn: number, ta: number, tb: number, fa: number): number {
  let lo = ta, hi = tb, flo = fa;
  let t = (lo + hi) / 2;
  for (let it = 0; it < 200; it++) {
    const qx = px + t * dl, qy = py + t * dm;
    const r2 = qx * qx + qy * qy;
    const q = 1 - kp1 * c * c * r2;
    if (!(q > 0)) return NaN;
    const sq = Math.sqrt(q);
    const F = pz + t * dn - ((c * r2) / (1 + sq) + asphereSag(a, r2));
    if (F === 0) return t;
    if (F * flo < 0) hi = t;
    else {
      lo = t;
      flo = F;
    }
    const dF = dn - 2 * (c / (2 * sq) + asphereSagDr2(a, r2)) * (qx * dl + qy * dm);
    let next = t - F / dF;
    if (!(next > lo && next < hi)) next = (lo + hi) / 2;
    if (Math.abs(next - t) < NEWTON_TOL) return next;
    t = next;
  }
  return t;
}

export function intersectXY(surf: Surface, b: RayBatch, s: number, n1: number, tArr: Float64Array | null, off: number, nu: number): void {
  const bb = surf.xyB;
  const a = surf.xy;
  const { x, y, z, l, m, n, status } = b;
  // Newton starts from the root of the base conic b z² − z + (c/2)(x² + y²) = 0, c = a_{2,0} + a_{2,2}
  // (the mean quadratic coefficient), when there is one, else from the vertex plane.
  const c = a.length >= 6 ? a[3] + a[5] : 0;
  const kp1 = c !== 0 ? (2 * bb) / c : 0;
  for (let i = 0; i < b.size; i++) {
    if (status[i] !== RayStatus.OK) continue;
    const px = x[i], py = y[i], pz = z[i];
    const dl = l[i], dm = m[i], dn = n[i];
    let t = -pz / dn;
    if (c !== 0) {
      const tc = conicRoot(c * (dl * dl + dm * dm + kp1 * dn * dn), c * (px * dl + py * dm + kp1 * pz * dn) - dn, c * (px * px + py * py + kp1 * pz * pz) - 2 * pz, nu);
      if (Number.isFinite(tc)) t = tc;
    }
    let ok = false;
    for (let it = 0; it < NEWTON_MAX && Number.isFinite(t); it++) {
      const qx = px + t * dl, qy = py + t * dm, qz = pz + t * dn;
      xyPolynomial(a, qx, qy, scratch3);
      const H = bb * qz * qz - qz + scratch3[0];
      const dH = scratch3[1] * dl + scratch3[2] * dm + (2 * bb * qz - 1) * dn;
      const step = H / dH;
      if (!Number.isFinite(step)) break;
      t -= step;
      if (Math.abs(step) < NEWTON_TOL) {
        ok = true;
        break;
      }
    }
    moveToRoot(b, i, s, ok ? t : NaN, n1, tArr, off);
  }
}

/**
 * Moves ray i by the path parameter t of its converged intersection (mm) and adds n·t to its
 * optical path; a non-finite t (Newton failed) flags the ray instead.
 */
function moveToRoot(b: RayBatch, i: number, s: number, t: number, n1: number, tArr: Float64Array | null, off: number): void {
  if (!Number.isFinite(t)) {
    b.lose(i, s, RayStatus.NO_CONVERGENCE);
    return;
  }
  b.x[i] += t * b.l[i];
  b.y[i] += t * b.m[i];
  b.z[i] += t * b.n[i];
  b.opl[i] += n1 * t;
  b.freePath[i] += t;
  if (tArr) tArr[off + i] = t;
}
