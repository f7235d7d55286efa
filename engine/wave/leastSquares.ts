/**
 * Weighted linear least squares min Σ_k q_k (y_k − Σ_j B_kj c_j)² by Householder QR of √q·B
 * (numerically stable; no normal equations). Also returns the pseudo-inverse rows G with c = G y,
 * which the adjoint uses to differentiate fitted coefficients (dc = G dy).
 */

/**
 * @param B row-major K × J basis matrix
 * @param q K non-negative weights (rows with q = 0 are ignored)
 * @returns solve(y) → c (J), and pseudoInverseRow(j) → row j of G (K) with c = G·y
 * @throws Error when the basis is rank-deficient on the weighted samples (too few valid points)
 */
export function weightedLeastSquares(B: Float64Array, K: number, J: number, q: ArrayLike<number>): { solve(y: ArrayLike<number>): Float64Array; pseudoInverseRow(j: number): Float64Array } {
  const A = new Float64Array(K * J);
  const sq = new Float64Array(K);
  for (let k = 0; k < K; k++) {
    sq[k] = Math.sqrt(Math.max(0, q[k]));
    for (let j = 0; j < J; j++) A[k * J + j] = sq[k] * B[k * J + j];
  }
  // Householder QR in place: A = Q R; vectors stored below the diagonal, betas separately.
  const beta = new Float64Array(J);
  const rdiag = new Float64Array(J);
  let scale = 0;
  for (let k = 0; k < K * J; k++) scale = Math.max(scale, Math.abs(A[k]));
  for (let j = 0; j < J; j++) {
    let norm = 0;
    for (let k = j; k < K; k++) norm += A[k * J + j] ** 2;
    norm = Math.sqrt(norm);
    if (!(norm > 1e-13 * scale)) throw new Error(`least squares: basis term ${j + 1} is not determined by the samples (rank-deficient)`);
    const a0 = A[j * J + j];
    const alpha = a0 > 0 ? -norm : norm;
    const v0 = a0 - alpha;
    A[j * J + j] = v0;
    // v = (v0, A[j+1..K-1, j]); beta = 2 / (vᵀv)
    let vtv = v0 * v0;
    for (let k = j + 1; k < K; k++) vtv += A[k * J + j] ** 2;
    beta[j] = vtv > 0 ? 2 / vtv : 0;
    rdiag[j] = alpha;
    for (let c = j + 1; c < J; c++) {
      let s = 0;
      for (let k = j; k < K; k++) s += A[k * J + j] * A[k * J + c];
      s *= beta[j];
      for (let k = j; k < K; k++) A[k * J + c] -= s * A[k * J + j];
    }
  }
  const solveWeighted = (rhs: Float64Array): Float64Array => {
    // rhs ← Qᵀ rhs
    for (let j = 0; j < J; j++) {
      let s = 0;
      for (let k = j; k < K; k++) s += A[k * J + j] * rhs[k];
      s *= beta[j];
      for (let k = j; k < K; k++) rhs[k] -= s * A[k * J + j];
    }
    const c = new Float64Array(J);
    for (let j = J - 1; j >= 0; j--) {
      let s = rhs[j];
      for (let i = j + 1; i < J; i++) s -= A[j * J + i] * c[i];
      c[j] = s / rdiag[j];
    }
    return c;
  };
  return {
    solve(y) {
      const rhs = new Float64Array(K);
      for (let k = 0; k < K; k++) rhs[k] = sq[k] * y[k];
      return solveWeighted(rhs);
    },
    pseudoInverseRow(j) {
      // G[j, :] = diag(√q) · Q · [R⁻ᵀ e_j; 0]
      const z = new Float64Array(K);
      for (let i = 0; i < J; i++) {
        let s = i === j ? 1 : 0;
        for (let r = 0; r < i; r++) s -= A[r * J + i] * z[r];
        z[i] = s / rdiag[i];
      }
      for (let h = J - 1; h >= 0; h--) {
        let s = 0;
        for (let k = h; k < K; k++) s += A[k * J + h] * z[k];
        s *= beta[h];
        for (let k = h; k < K; k++) z[k] -= s * A[k * J + h];
      }
      for (let k = 0; k < K; k++) z[k] *= sq[k];
      return z;
    },
  };
}
