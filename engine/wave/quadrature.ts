/**
 * Area quadratures on the unit pupil disk and on the overlap of two shifted disks.
 *
 * - Disk: Gauss–Legendre in ρ on [0, 1] with the weight ρ dρ, times the uniform rule in θ with
 *   nθ points offset by half a step (θ_j = 2π(j + ½)/nθ). The weights sum to 1, so Σ q f is the
 *   area mean (1/π)∫f dA. Exact for ρ-polynomials of degree ≤ 2nρ − 2 times trigonometric
 *   polynomials of order < nθ: with nρ ≥ 13, nθ ≥ 25 the Zernike terms up to R₁₂ are orthogonal
 *   under it, so a weighted least-squares fit on these nodes is the continuum projection.
 * - Lens (overlap of the unit disk and the disk shifted by Δ ≥ 0 along y): by symmetry about
 *   y = Δ/2, two halves; the upper half y = sin φ, φ ∈ [asin(Δ/2), π/2], x = t cos φ, t ∈ [−1, 1],
 *   dA = cos²φ dφ dt — smooth, so Gauss–Legendre in φ and t converges fast. Weights are area/π.
 * Gauss–Legendre nodes by Newton's method on P_n (Golub & Welsch's values to 1e-15).
 */

/** Gauss–Legendre nodes and weights on [−1, 1]. */
export function gaussLegendre(n: number): { x: Float64Array; w: Float64Array } {
  const x = new Float64Array(n), w = new Float64Array(n);
  const m = Math.floor((n + 1) / 2);
  for (let i = 0; i < m; i++) {
    let z = Math.cos((Math.PI * (i + 0.75)) / (n + 0.5));
    let dp = 0;
    for (let it = 0; it < 100; it++) {
      let p1 = 1, p2 = 0;
      for (let j = 1; j <= n; j++) {
        const p3 = p2;
        p2 = p1;
        p1 = ((2 * j - 1) * z * p2 - (j - 1) * p3) / j;
      }
      dp = (n * (z * p1 - p2)) / (z * z - 1);
      const dz = p1 / dp;
      z -= dz;
      if (Math.abs(dz) < 1e-16) break;
    }
    // Recompute the derivative at the converged node.
    let p1 = 1, p2 = 0;
    for (let j = 1; j <= n; j++) {
      const p3 = p2;
      p2 = p1;
      p1 = ((2 * j - 1) * z * p2 - (j - 1) * p3) / j;
    }
    dp = (n * (z * p1 - p2)) / (z * z - 1);
    x[i] = -z;
    x[n - 1 - i] = z;
    w[i] = w[n - 1 - i] = 2 / ((1 - z * z) * dp * dp);
  }
  return { x, w };
}

/** Pupil nodes with area weights (Σ weight = 1 over the full disk). */
export interface PupilQuadrature {
  px: Float64Array;
  py: Float64Array;
  weight: Float64Array;
  /** Node (i, j) is at index i·nTheta + j (i: ring, j: angle). */
  nRho: number;
  nTheta: number;
}

/** Gauss–Legendre (ρ, weight ρ dρ) × uniform θ quadrature of the unit disk. */
export function diskQuadrature(nRho: number, nTheta: number): PupilQuadrature {
  const gl = gaussLegendre(nRho);
  const size = nRho * nTheta;
  const px = new Float64Array(size), py = new Float64Array(size), weight = new Float64Array(size);
  for (let i = 0; i < nRho; i++) {
    const rho = (gl.x[i] + 1) / 2;
    // (1/π)∫∫ f ρ dρ dθ: ρ-weight (w/2)·ρ, θ-weight 2π/nθ, over π.
    const wr = (gl.w[i] / 2) * rho * (2 / nTheta);
    for (let j = 0; j < nTheta; j++) {
      const th = (2 * Math.PI * (j + 0.5)) / nTheta;
      const k = i * nTheta + j;
      px[k] = rho * Math.cos(th);
      py[k] = rho * Math.sin(th);
      weight[k] = wr;
    }
  }
  return { px, py, weight, nRho, nTheta };
}

/**
 * Nodes on the overlap of the unit disk D and D + Δ·ŷ (0 ≤ Δ < 2): points u with u and u − Δŷ both
 * in D. Weights are area / π (Σ weight = the overlap fraction, the diffraction-limited MTF).
 * @param n nodes per direction and half (2n² nodes)
 */
export function lensQuadrature(delta: number, n: number): { px: Float64Array; py: Float64Array; weight: Float64Array } {
  const gl = gaussLegendre(n);
  const size = 2 * n * n;
  const px = new Float64Array(size), py = new Float64Array(size), weight = new Float64Array(size);
  if (!(delta < 2) || delta < 0) return { px: px.subarray(0, 0), py: py.subarray(0, 0), weight: weight.subarray(0, 0) };
  const phi0 = Math.asin(delta / 2), phi1 = Math.PI / 2;
  const hp = (phi1 - phi0) / 2, mp = (phi1 + phi0) / 2;
  let k = 0;
  for (let i = 0; i < n; i++) {
    const phi = mp + hp * gl.x[i];
    const cphi = Math.cos(phi), sphi = Math.sin(phi);
    const wphi = hp * gl.w[i] * cphi * cphi;
    for (let j = 0; j < n; j++) {
      const x = gl.x[j] * cphi;
      const wq = (wphi * gl.w[j]) / Math.PI;
      // Upper half (binding |u| ≤ 1) and its mirror about y = Δ/2 (binding |u − Δŷ| ≤ 1).
      px[k] = x;
      py[k] = sphi;
      weight[k++] = wq;
      px[k] = x;
      py[k] = delta - sphi;
      weight[k++] = wq;
    }
  }
  return { px, py, weight };
}

/**
 * The derivatives with respect to Δ of the nodes and weights of {@link lensQuadrature} (same
 * order): with φ₀ = asin(Δ/2), φ_i = (π/2 + φ₀)/2 + g_i (π/2 − φ₀)/2, so dφ_i/dΔ = (1 − g_i)/2 ·
 * dφ₀/dΔ and dφ₀/dΔ = 1 / (2 cos φ₀); the mirrored nodes y = Δ − sin φ add 1.
 */
export function lensQuadratureTangent(delta: number, n: number): { dpx: Float64Array; dpy: Float64Array; dweight: Float64Array } {
  const gl = gaussLegendre(n);
  const size = 2 * n * n;
  const dpx = new Float64Array(size), dpy = new Float64Array(size), dweight = new Float64Array(size);
  if (!(delta < 2) || delta < 0) return { dpx: dpx.subarray(0, 0), dpy: dpy.subarray(0, 0), dweight: dweight.subarray(0, 0) };
  const phi0 = Math.asin(delta / 2), phi1 = Math.PI / 2;
  const hp = (phi1 - phi0) / 2, mp = (phi1 + phi0) / 2;
  const dphi0 = 1 / (2 * Math.cos(phi0));
  const dhp = -dphi0 / 2;
  let k = 0;
  for (let i = 0; i < n; i++) {
    const phi = mp + hp * gl.x[i];
    const dphi = (dphi0 * (1 - gl.x[i])) / 2;
    const cphi = Math.cos(phi), sphi = Math.sin(phi);
    const dwphi = gl.w[i] * (dhp * cphi * cphi - 2 * hp * cphi * sphi * dphi);
    for (let j = 0; j < n; j++) {
      const dx = -gl.x[j] * sphi * dphi;
      const dwq = (dwphi * gl.w[j]) / Math.PI;
      dpx[k] = dx;
      dpy[k] = cphi * dphi;
      dweight[k++] = dwq;
      dpx[k] = dx;
      dpy[k] = 1 - cphi * dphi;
      dweight[k++] = dwq;
    }
  }
  return { dpx, dpy, dweight };
}
