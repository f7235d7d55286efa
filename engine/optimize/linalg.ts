/**
 * Small dense linear algebra for the optimizers, in float64, row-major `Float64Array`s.
 *
 * Damped least squares solves the normal equations (JᵀJ + λ D) δ = −Jᵀr, a symmetric positive
 * (semi-)definite n×n system with n = the number of variables (tens to a few hundred), so plain
 * dense routines are the right tool: a Cholesky factorization (Golub & Van Loan, "Matrix
 * Computations", 4th ed., Alg. 4.2.1), and for systems that are singular to working precision a
 * minimum-norm pseudo-inverse solve from a symmetric eigendecomposition by the cyclic Jacobi method
 * (ibid. §8.5), which is accurate to full relative precision for small matrices.
 */

const EPS = 2.220446049250313e-16;

/**
 * Accumulates the Gauss–Newton matrix A = JᵀJ (n×n, both triangles) and g = Jᵀr (length n).
 * @param jac J, row-major m×n
 * @param r residuals, length m
 * @param a output n×n (overwritten)
 * @param g output length n (overwritten)
 */
export function normalEquations(
  jac: Float64Array,
  r: Float64Array,
  m: number,
  n: number,
  a: Float64Array,
  g: Float64Array,
): void {
  a.fill(0, 0, n * n);
  g.fill(0, 0, n);
  for (let i = 0; i < m; i++) {
    const row = i * n;
    const ri = r[i];
    for (let j = 0; j < n; j++) {
      const jij = jac[row + j];
      if (jij === 0) continue;
      g[j] += jij * ri;
      const aj = j * n;
      for (let k = j; k < n; k++) a[aj + k] += jij * jac[row + k];
    }
  }
  for (let j = 0; j < n; j++) for (let k = j + 1; k < n; k++) a[k * n + j] = a[j * n + k];
}

/** y = J s for J row-major m×n; writes y (length m) and returns it. */
export function matVec(jac: Float64Array, s: Float64Array, m: number, n: number, y: Float64Array): Float64Array {
  for (let i = 0; i < m; i++) {
    let acc = 0;
    const row = i * n;
    for (let j = 0; j < n; j++) acc += jac[row + j] * s[j];
    y[i] = acc;
  }
  return y;
}

/**
 * In-place Cholesky factorization A = L Lᵀ of a symmetric n×n matrix (only the lower triangle of
 * `a` is read; L overwrites it, the strict upper triangle is left as it was).
 * @returns false when A is not positive definite to working precision (a pivot ≤ n·ε·max Aⱼⱼ),
 *   in which case `a` holds garbage.
 */
export function choleskyInPlace(a: Float64Array, n: number): boolean {
  let maxDiag = 0;
  for (let j = 0; j < n; j++) maxDiag = Math.max(maxDiag, Math.abs(a[j * n + j]));
  const tol = n * EPS * maxDiag;
  if (!(maxDiag > 0) || !Number.isFinite(maxDiag)) return false;
  for (let j = 0; j < n; j++) {
    const rj = j * n;
    let d = a[rj + j];
    for (let k = 0; k < j; k++) d -= a[rj + k] * a[rj + k];
    if (!(d > tol)) return false;
    const ljj = Math.sqrt(d);
    a[rj + j] = ljj;
    for (let i = j + 1; i < n; i++) {
      const ri = i * n;
      let s = a[ri + j];
      for (let k = 0; k < j; k++) s -= a[ri + k] * a[rj + k];
      a[ri + j] = s / ljj;
    }
  }
  return true;
}

/** Solves L Lᵀ x = b in place (b becomes x), L from {@link choleskyInPlace}. */
export function choleskySolveInPlace(l: Float64Array, n: number, b: Float64Array): void {
  for (let i = 0; i < n; i++) {
    let s = b[i];
    const ri = i * n;
    for (let k = 0; k < i; k++) s -= l[ri + k] * b[k];
    b[i] = s / l[ri + i];
  }
  for (let i = n - 1; i >= 0; i--) {
    let s = b[i];
    for (let k = i + 1; k < n; k++) s -= l[k * n + i] * b[k];
    b[i] = s / l[i * n + i];
  }
}

/**
 * Eigendecomposition A = V diag(w) Vᵀ of a symmetric n×n matrix by cyclic Jacobi rotations.
 * @param a symmetric, row-major (not modified)
 * @returns eigenvalues w (unsorted) and eigenvectors as the columns of V (row-major n×n)
 */
export function symmetricEigen(a: Float64Array, n: number): { values: Float64Array; vectors: Float64Array } {
  const s = Float64Array.from(a.subarray(0, n * n));
  const v = new Float64Array(n * n);
  for (let i = 0; i < n; i++) v[i * n + i] = 1;
  for (let sweep = 0; sweep < 100; sweep++) {
    let off = 0;
    let diag = 0;
    for (let p = 0; p < n; p++) {
      diag += s[p * n + p] * s[p * n + p];
      for (let q = p + 1; q < n; q++) off += s[p * n + q] * s[p * n + q];
    }
    if (off <= EPS * EPS * diag || off === 0) break;
    for (let p = 0; p < n - 1; p++) {
      for (let q = p + 1; q < n; q++) {
        const apq = s[p * n + q];
        if (apq === 0) continue;
        const app = s[p * n + p];
        const aqq = s[q * n + q];
        // Rotation that zeroes s[p][q] (Golub & Van Loan, Alg. 8.5.1, the stable tangent).
        const tau = (aqq - app) / (2 * apq);
        const t = (tau >= 0 ? 1 : -1) / (Math.abs(tau) + Math.sqrt(1 + tau * tau));
        const c = 1 / Math.sqrt(1 + t * t);
        const sn = t * c;
        for (let k = 0; k < n; k++) {
          const skp = s[k * n + p];
          const skq = s[k * n + q];
          s[k * n + p] = c * skp - sn * skq;
          s[k * n + q] = sn * skp + c * skq;
        }
        for (let k = 0; k < n; k++) {
          const spk = s[p * n + k];
          const sqk = s[q * n + k];
          s[p * n + k] = c * spk - sn * sqk;
          s[q * n + k] = sn * spk + c * sqk;
        }
        for (let k = 0; k < n; k++) {
          const vkp = v[k * n + p];
          const vkq = v[k * n + q];
          v[k * n + p] = c * vkp - sn * vkq;
          v[k * n + q] = sn * vkp + c * vkq;
        }
      }
    }
  }
  const values = new Float64Array(n);
  for (let i = 0; i < n; i++) values[i] = s[i * n + i];
  return { values, vectors: v };
}

/**
 * Solves the symmetric positive semi-definite system A x = b.
 *
 * The system is first equilibrated, Ã = S A S with S = diag(1/√Aⱼⱼ) (so Ãⱼⱼ = 1), which makes the
 * solve independent of the units of the unknowns (a curvature in 1/mm next to a thickness in mm):
 * Cholesky's pivot test and the pseudo-inverse's cut then act on relative, not absolute, sizes
 * (van der Sluis, Numer. Math. 14, 1969: this scaling is within a factor n of the best diagonal
 * one). Cholesky is tried first; if Ã is singular to working precision, the fallback is the
 * minimum-norm solution over the eigenvalues wᵢ > n·ε·max|w| of Ã (a truncated pseudo-inverse),
 * i.e. the least-squares solution restricted to the well-determined directions.
 * @param a n×n symmetric (not modified)
 * @param b right-hand side (not modified)
 * @param out solution, length n
 * @returns which method produced the solution
 */
export function solveSymmetric(
  a: Float64Array,
  n: number,
  b: Float64Array,
  out: Float64Array,
): 'cholesky' | 'pseudoinverse' {
  const s = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const aii = a[i * n + i];
    s[i] = aii > 0 && Number.isFinite(aii) ? 1 / Math.sqrt(aii) : 1;
  }
  const scaled = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) scaled[i * n + j] = s[i] * a[i * n + j] * s[j];
  const sb = new Float64Array(n);
  for (let i = 0; i < n; i++) sb[i] = s[i] * b[i];

  const l = Float64Array.from(scaled);
  let method: 'cholesky' | 'pseudoinverse' = 'cholesky';
  let ok = choleskyInPlace(l, n);
  if (ok) {
    out.set(sb);
    choleskySolveInPlace(l, n, out);
    for (let i = 0; i < n; i++) if (!Number.isFinite(out[i])) ok = false;
  }
  if (!ok) {
    method = 'pseudoinverse';
    const { values, vectors } = symmetricEigen(scaled, n);
    let wMax = 0;
    for (let i = 0; i < n; i++) wMax = Math.max(wMax, Math.abs(values[i]));
    const cut = n * EPS * wMax;
    out.fill(0, 0, n);
    for (let k = 0; k < n; k++) {
      if (!(values[k] > cut)) continue;
      let proj = 0;
      for (let i = 0; i < n; i++) proj += vectors[i * n + k] * sb[i];
      proj /= values[k];
      for (let i = 0; i < n; i++) out[i] += proj * vectors[i * n + k];
    }
  }
  for (let i = 0; i < n; i++) out[i] *= s[i];
  return method;
}
