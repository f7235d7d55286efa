/**
 * Zernike polynomials on the unit pupil (ρ, θ), θ from +x towards +y, and their least-squares fit.
 *
 * Z_n^m(ρ, θ) = N·R_n^|m|(ρ)·(cos mθ for m ≥ 0, sin |m|θ for m < 0), with the radial polynomial
 * R_n^m(ρ) = Σ_k (−1)^k (n−k)! / (k! ((n+m)/2−k)! ((n−m)/2−k)!) ρ^(n−2k).
 * - 'fringe': Fringe / University of Arizona order Z1…Z37 (OpticStudio "Zernike Fringe"), unit peak
 *   (N = 1): Z1 = 1, Z2 = ρcosθ, Z3 = ρsinθ, Z4 = 2ρ²−1, …, Z36 = R₁₀⁰, Z37 = R₁₂⁰.
 * - 'standard': Noll (1976) order j = 1…66 (OpticStudio "Zernike Standard"), unit RMS over the
 *   disk: N = √(n+1) for m = 0 and √(2(n+1)) otherwise; even j is cos, odd j is sin.
 * Source: R. J. Noll, JOSA 66, 207 (1976); J. C. Wyant & K. Creath, Applied Optics and Optical
 * Engineering XI (1992) for the Fringe order; ../shared/oracles/wave/README.md.
 */
import { weightedLeastSquares } from './leastSquares.ts';

export type ZernikeBasis = 'fringe' | 'standard';

/** Largest term index of each basis. */
export const ZERNIKE_MAX_TERMS: Record<ZernikeBasis, number> = { fringe: 37, standard: 66 };

/** (n, m) of Fringe term j (1-based, 1…37); m < 0 is the sin term. */
export function fringeNM(j: number): [number, number] {
  if (!(j >= 1 && j <= 37 && Number.isInteger(j))) throw new RangeError(`Fringe Zernike term ${j}: expected 1…37`);
  if (j === 37) return [12, 0];
  let idx = 1;
  for (let k = 0; ; k++) {
    for (let am = k; am >= 0; am--) {
      const n = 2 * k - am;
      if (idx === j) return [n, am];
      idx++;
      if (am > 0) {
        if (idx === j) return [n, -am];
        idx++;
      }
    }
  }
}

/** (n, m) of Noll term j (1-based); m > 0 cos, m < 0 sin. */
export function nollNM(j: number): [number, number] {
  if (!(j >= 1 && Number.isInteger(j))) throw new RangeError(`Noll Zernike term ${j}: expected an integer ≥ 1`);
  let n = 0, j1 = j - 1;
  while (j1 > n) {
    n++;
    j1 -= n;
  }
  const am = (n % 2) + 2 * Math.floor((j1 + ((n + 1) % 2)) / 2);
  return [n, am === 0 ? 0 : j % 2 === 0 ? am : -am];
}

/** (n, m) of term j of a basis. */
export function zernikeNM(basis: ZernikeBasis, j: number): [number, number] {
  if (j > ZERNIKE_MAX_TERMS[basis]) throw new RangeError(`${basis} Zernike term ${j}: at most ${ZERNIKE_MAX_TERMS[basis]} terms`);
  return basis === 'fringe' ? fringeNM(j) : nollNM(j);
}

function factorial(k: number): number {
  let f = 1;
  for (let i = 2; i <= k; i++) f *= i;
  return f;
}

/** Coefficients of R_n^m as [c_n, c_{n−2}, …] on ρ^n, ρ^{n−2}, …. */
function radialCoefficients(n: number, m: number): number[] {
  const out: number[] = [];
  for (let k = 0; k <= (n - m) / 2; k++) {
    out.push(((-1) ** k * factorial(n - k)) / (factorial(k) * factorial((n + m) / 2 - k) * factorial((n - m) / 2 - k)));
  }
  return out;
}

/** Normalisation factor N of term (n, m) in a basis. */
export function zernikeNorm(basis: ZernikeBasis, n: number, m: number): number {
  if (basis === 'fringe') return 1;
  return m === 0 ? Math.sqrt(n + 1) : Math.sqrt(2 * (n + 1));
}

/**
 * The first `terms` polynomials of a basis at the points, row-major (points × terms).
 * @throws RangeError for more terms than the basis defines
 */
export function zernikeMatrix(basis: ZernikeBasis, terms: number, px: ArrayLike<number>, py: ArrayLike<number>): Float64Array {
  const K = px.length;
  const B = new Float64Array(K * terms);
  const defs = Array.from({ length: terms }, (_, j) => {
    const [n, m] = zernikeNM(basis, j + 1);
    return { n, m, am: Math.abs(m), c: radialCoefficients(n, Math.abs(m)), N: zernikeNorm(basis, n, m) };
  });
  for (let k = 0; k < K; k++) {
    const x = px[k], y = py[k];
    const r2 = x * x + y * y;
    const rho = Math.sqrt(r2);
    const th = Math.atan2(y, x);
    for (let j = 0; j < terms; j++) {
      const d = defs[j];
      // Horner in ρ² on the coefficients, times ρ^|m|... R = ρ^m Σ c_k ρ^(n−m−2k).
      let s = 0;
      for (let i = 0; i < d.c.length; i++) s = s * r2 + d.c[i];
      const radial = s * rho ** d.am;
      const ang = d.m > 0 ? Math.cos(d.m * th) : d.m < 0 ? Math.sin(-d.m * th) : 1;
      B[k * terms + j] = d.N * radial * ang;
    }
  }
  return B;
}

export interface ZernikeFit {
  basis: ZernikeBasis;
  /** Coefficients c_1…c_terms, in the units of the data (waves). */
  coefficients: Float64Array;
  /** Weighted RMS of the data minus the fitted expansion (same units). */
  residualRms: number;
}

/**
 * Weighted least-squares fit of `terms` polynomials to samples y at (px, py) with area weights q
 * (samples with q = 0, e.g. lost rays, are ignored). On a quadrature that makes the basis
 * orthogonal (engine/wave/quadrature.ts) this is the continuum projection c_j = ∫W Z_j / ∫Z_j².
 * @throws RangeError for too many terms; Error when the valid samples do not determine the terms
 */
export function fitZernike(basis: ZernikeBasis, terms: number, px: ArrayLike<number>, py: ArrayLike<number>, y: ArrayLike<number>, q: ArrayLike<number>): ZernikeFit & { pseudoInverseRow(j: number): Float64Array } {
  const K = px.length;
  const B = zernikeMatrix(basis, terms, px, py);
  const lsq = weightedLeastSquares(B, K, terms, q);
  const c = lsq.solve(y);
  let num = 0, den = 0;
  for (let k = 0; k < K; k++) {
    if (!(q[k] > 0)) continue;
    let fit = 0;
    for (let j = 0; j < terms; j++) fit += B[k * terms + j] * c[j];
    num += q[k] * (y[k] - fit) ** 2;
    den += q[k];
  }
  return { basis, coefficients: c, residualRms: den > 0 ? Math.sqrt(num / den) : 0, pseudoInverseRow: (j) => lsq.pseudoInverseRow(j) };
}
