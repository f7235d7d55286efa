/**
 * Surface sag z(x, y) and its slopes, per surface kind, in the surface's local frame (mm).
 *
 * Conic (sphere for k = 0, plane for c = 0), in the numerically stable form
 *   z = c r² / (1 + sqrt(1 − (1+k) c² r²)),   dz/d(r²) = c / (2 sqrt(1 − (1+k) c² r²)).
 * Even asphere: the conic plus Σ_i A_{2i} r^{2i} (A2 on r², as Zemax EVENASPH PARM 1, 2, ...).
 * XY polynomial (dO): b z² − z + g(x, y) = 0, g = Σ_{j} Σ_{i≤j} a_{j,i} x^i y^(j−i), whose sag branch
 * through the vertex is z = 2g / (1 + sqrt(1 − 4 b g)).
 * Functions return NaN outside the surface's domain (1 − (1+k)c²r² < 0, 1 − 4bg < 0).
 * `sagAt` dispatches on a surface's kind (the one sag of a lens surface at a radial height, for
 * layouts, edge thicknesses and geometry checks), with its parameter derivatives `dSagAt`.
 */
import type { ParamRef } from '../optics/params.ts';
import type { Surface } from '../optics/system.ts';

/** Conic sag at r² (mm²); NaN outside the domain. */
export function conicSag(c: number, k: number, r2: number): number {
  const q = 1 - (1 + k) * c * c * r2;
  if (q < 0) return NaN;
  return (c * r2) / (1 + Math.sqrt(q));
}

/** d(conic sag)/d(r²); NaN outside the domain (infinite slope at its edge). */
export function conicSagDr2(c: number, k: number, r2: number): number {
  const q = 1 - (1 + k) * c * c * r2;
  if (q <= 0) return NaN;
  return c / (2 * Math.sqrt(q));
}

/** Even-asphere polynomial Σ A_{2i} r^{2i} at r² (coefficients [A2, A4, ...]). */
export function asphereSag(a: Float64Array, r2: number): number {
  let sum = 0;
  for (let i = a.length - 1; i >= 0; i--) sum = sum * r2 + a[i];
  return sum * r2;
}

/** d(Σ A_{2i} r^{2i})/d(r²). */
export function asphereSagDr2(a: Float64Array, r2: number): number {
  let sum = 0;
  for (let i = a.length - 1; i >= 0; i--) sum = sum * r2 + (i + 1) * a[i];
  return sum;
}

/** Total sag of a standard or even-asphere surface at r², mm. */
export function rotationalSag(c: number, k: number, a: Float64Array, r2: number): number {
  return conicSag(c, k, r2) + asphereSag(a, r2);
}

/** Degree J of an XY polynomial with `count` coefficients ((J+1)(J+2)/2 = count). */
export function xyDegree(count: number): number {
  return Math.round((Math.sqrt(8 * count + 1) - 3) / 2);
}

/**
 * g(x, y) and its partial derivatives for dO's XY polynomial, written into out = [g, gx, gy].
 * @param a coefficients a_{j,i} in dO order (j = 0..J, i = 0..j, term x^i y^(j−i))
 */
export function xyPolynomial(a: Float64Array, x: number, y: number, out: Float64Array): Float64Array {
  let g = 0;
  let gx = 0;
  let gy = 0;
  const J = xyDegree(a.length);
  // Powers x^0..x^J and y^0..y^J, built by repeated multiplication (no pow calls in the loop).
  xPow[0] = 1;
  yPow[0] = 1;
  for (let p = 1; p <= J; p++) {
    xPow[p] = xPow[p - 1] * x;
    yPow[p] = yPow[p - 1] * y;
  }
  let idx = 0;
  for (let j = 0; j <= J; j++) {
    for (let i = 0; i <= j; i++, idx++) {
      const c = a[idx];
      if (c === 0) continue;
      const e = j - i;
      const xi = xPow[i];
      const ye = yPow[e];
      g += c * xi * ye;
      if (i > 0) gx += c * i * xPow[i - 1] * ye;
      if (e > 0) gy += c * e * xi * yPow[e - 1];
    }
  }
  out[0] = g;
  out[1] = gx;
  out[2] = gy;
  return out;
}

const xPow = new Float64Array(32);
const yPow = new Float64Array(32);

/** Sag of dO's XY polynomial surface at (x, y): z = 2g / (1 + sqrt(1 − 4 b g)); NaN outside. */
export function xySag(b: number, a: Float64Array, x: number, y: number): number {
  const g = xyPolynomial(a, x, y, new Float64Array(3))[0];
  const q = 1 - 4 * b * g;
  if (q < 0) return NaN;
  return (2 * g) / (1 + Math.sqrt(q));
}

/**
 * Sag of a surface at radial height h (mm) along its local +y axis, mm: the conic plus the even
 * asphere for standard and even-asphere surfaces, dO's XY polynomial at (0, h), 0 for the kinds
 * without a shape (paraxial, coordinate break). NaN where the surface does not reach h.
 */
export function sagAt(surf: Surface, h: number): number {
  switch (surf.kind) {
    case 'standard':
    case 'evenAsphere':
      return rotationalSag(surf.c, surf.k, surf.asphere, h * h);
    case 'xyPolynomial':
      return xySag(surf.xyB, surf.xy, 0, h);
    default:
      return 0;
  }
}

/** Slope dz/dh of {@link sagAt} at radial height h (along +y); NaN where the surface does not reach h. */
export function sagSlopeAt(surf: Surface, h: number): number {
  switch (surf.kind) {
    case 'standard':
    case 'evenAsphere':
      return 2 * h * (conicSagDr2(surf.c, surf.k, h * h) + asphereSagDr2(surf.asphere, h * h));
    case 'xyPolynomial': {
      // z = 2g/(1 + √q), q = 1 − 4bg: dz/dg = 1/√q, and dg/dy at x = 0.
      const g = xyPolynomial(surf.xy, 0, h, new Float64Array(3));
      const q = 1 - 4 * surf.xyB * g[0];
      return q > 0 ? g[2] / Math.sqrt(q) : NaN;
    }
    default:
      return 0;
  }
}

/**
 * ∂(sagAt(surf, h))/∂θ for a parameter θ of this surface (the caller checks `p.surface`):
 * curvature, conic, asphere coefficient, XY coefficient or XY b. 0 for other parameters and where
 * the sag is not defined.
 */
export function dSagAt(surf: Surface, h: number, p: ParamRef): number {
  const r2 = h * h;
  if (surf.kind === 'standard' || surf.kind === 'evenAsphere') {
    const c = surf.c, kp1 = 1 + surf.k;
    const Q = 1 - kp1 * c * c * r2;
    if (!(Q > 0)) return 0;
    const sq = Math.sqrt(Q), u = 1 + sq;
    if (p.kind === 'curvature') return r2 / u + (c * r2 * kp1 * c * r2) / (sq * u * u);
    if (p.kind === 'conic') return (c * c * c * r2 * r2) / (2 * sq * u * u);
    if (p.kind === 'asphere' && surf.kind === 'evenAsphere') return r2 ** ((p.index ?? 0) + 1);
    return 0;
  }
  if (surf.kind === 'xyPolynomial') {
    // z = 2g/(1 + √q), q = 1 − 4bg: ∂z/∂g = 1/√q, ∂z/∂b = z²/√q; at x = 0 only the x⁰ y^j terms
    // (index j(j+1)/2) contribute, ∂g/∂a_{j,0} = h^j.
    const g = xyPolynomial(surf.xy, 0, h, new Float64Array(3))[0];
    const q = 1 - 4 * surf.xyB * g;
    if (!(q > 0)) return 0;
    const sq = Math.sqrt(q);
    if (p.kind === 'xyB') {
      const z = (2 * g) / (1 + sq);
      return (z * z) / sq;
    }
    if (p.kind === 'xy') {
      const idx = p.index ?? 0;
      const j = Math.round((Math.sqrt(8 * idx + 1) - 1) / 2);
      return j * (j + 1) / 2 === idx ? h ** j / sq : 0;
    }
  }
  return 0;
}
