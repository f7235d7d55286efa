/**
 * Geometric point spread function by splatting ray intercepts onto a pixel grid, and its exact
 * adjoint.
 *
 * Each valid ray i lands at (xᵢ, yᵢ) on the image plane (mm) and carries weight wᵢ ≥ 0. The PSF is a
 * K × K grid (K odd, half width h = (K − 1)/2) of pixels of pitch p (mm) centred on a reference point
 * (x₀, y₀), usually the primary-wavelength chief ray: pixel (row i, col j) has its centre at
 * x = x₀ + (j − h) p, y = y₀ − (i − h) p (rows grow downwards, +y is up, as on the sensor).
 * A ray's continuous pixel coordinates are u = (x − x₀)/p + h (column) and v = −(y − y₀)/p + h (row);
 * it deposits wᵢ on the four pixels around (u, v) with bilinear weights
 *   (1−α)(1−β), α(1−β), (1−α)β, αβ   for (⌊v⌋,⌊u⌋), (⌊v⌋,⌊u⌋+1), (⌊v⌋+1,⌊u⌋), (⌊v⌋+1,⌊u⌋+1),
 * α = u − ⌊u⌋, β = v − ⌊v⌋; deposits outside the grid are dropped. The raw grid R is then normalised
 * to unit energy: PSF = R / S with S = Σ R. Dropping at the border is continuous (a weight reaches 0
 * one pixel beyond the last centre), so the PSF is a continuous, piecewise-smooth function of the
 * intercepts (kinks where a ray crosses a pixel centre line).
 *
 * Adjoint: with G = ∂L/∂PSF, ∂L/∂R = (G − ⟨G, PSF⟩)/S =: Ĝ and
 *   ∂L/∂xᵢ = wᵢ/p · ∂b/∂u · Ĝ,  ∂L/∂yᵢ = −wᵢ/p · ∂b/∂v · Ĝ,  ∂L/∂wᵢ = b · Ĝ,
 * ∂L/∂x₀ = −Σ ∂L/∂xᵢ, ∂L/∂y₀ = −Σ ∂L/∂yᵢ, where b are the bilinear weights of ray i. Invalid rays
 * contribute nothing and get zero gradients. If no energy lands on the grid (S = 0) the PSF is all
 * zeros and every gradient is zero.
 */

/** Ray intercepts on the image plane (mm), a validity mask (non-zero = valid) and optional weights. */
export interface RaySpots {
  readonly x: Float64Array;
  readonly y: Float64Array;
  readonly valid: ArrayLike<number>;
  /** Per-ray weights (e.g. pupil apodisation or wavelength weight); 1 when absent. */
  readonly weight?: Float64Array;
}

/** The PSF pixel grid: K × K pixels (K odd) of pitch `pitchMm`. */
export interface PsfGridSpec {
  readonly size: number;
  readonly pitchMm: number;
}

export interface SplatResult {
  /** K × K row-major PSF summing to 1 (or all zeros when energy is 0). */
  psf: Float64Array;
  /** S: the total weight deposited on the grid before normalisation. */
  energy: number;
}

export interface SplatAdjoint {
  /** ∂L/∂xᵢ, ∂L/∂yᵢ per ray (mm⁻¹ × units of L). */
  dx: Float64Array;
  dy: Float64Array;
  /** ∂L/∂wᵢ per ray. */
  dWeight: Float64Array;
  /** ∂L/∂x₀, ∂L/∂y₀ of the reference point. */
  dCenterX: number;
  dCenterY: number;
}

function checkSpec(spec: PsfGridSpec): void {
  if (!Number.isInteger(spec.size) || spec.size < 1 || spec.size % 2 === 0) {
    throw new Error(`PSF grid size must be a positive odd integer (got ${spec.size})`);
  }
  if (!(spec.pitchMm > 0) || !Number.isFinite(spec.pitchMm)) throw new Error(`PSF pixel pitch must be positive (got ${spec.pitchMm} mm)`);
}

function checkSpots(s: RaySpots): void {
  const n = s.x.length;
  if (s.y.length !== n || s.valid.length !== n || (s.weight && s.weight.length !== n)) {
    throw new Error(`ray spots: x, y, valid (and weight) must have the same length (${n}, ${s.y.length}, ${s.valid.length}${s.weight ? `, ${s.weight.length}` : ''})`);
  }
}

/**
 * Splats rays onto a K × K grid centred on (centerX, centerY) (mm) and normalises it to unit sum.
 * Rays with a non-finite position are treated as invalid.
 * @param out optional K·K buffer to write into
 * @throws Error for a bad grid spec or mismatched array lengths
 */
export function splatPsf(spots: RaySpots, centerX: number, centerY: number, spec: PsfGridSpec, out?: Float64Array): SplatResult {
  checkSpec(spec);
  checkSpots(spots);
  const K = spec.size;
  const h = (K - 1) / 2;
  const inv = 1 / spec.pitchMm;
  const psf = out ?? new Float64Array(K * K);
  psf.fill(0);
  const { x, y, valid, weight } = spots;
  for (let i = 0; i < x.length; i++) {
    if (!valid[i]) continue;
    const u = (x[i] - centerX) * inv + h;
    const v = -(y[i] - centerY) * inv + h;
    if (!(u > -1 && u < K && v > -1 && v < K)) continue; // also rejects NaN
    const w = weight ? weight[i] : 1;
    const j0 = Math.floor(u);
    const i0 = Math.floor(v);
    const a = u - j0;
    const b = v - i0;
    if (i0 >= 0) {
      if (j0 >= 0) psf[i0 * K + j0] += w * (1 - a) * (1 - b);
      if (j0 + 1 < K) psf[i0 * K + j0 + 1] += w * a * (1 - b);
    }
    if (i0 + 1 < K) {
      if (j0 >= 0) psf[(i0 + 1) * K + j0] += w * (1 - a) * b;
      if (j0 + 1 < K) psf[(i0 + 1) * K + j0 + 1] += w * a * b;
    }
  }
  let energy = 0;
  for (let k = 0; k < psf.length; k++) energy += psf[k];
  if (energy > 0) for (let k = 0; k < psf.length; k++) psf[k] /= energy;
  return { psf, energy };
}

/**
 * The exact adjoint of `splatPsf` (see the module docs): given ∂L/∂PSF, the gradients with respect to
 * every ray's intercept and weight and to the reference point.
 * @param forward the result of `splatPsf` for the same arguments
 * @param dPsf ∂L/∂PSF, K × K row-major
 */
export function splatPsfAdjoint(
  spots: RaySpots,
  centerX: number,
  centerY: number,
  spec: PsfGridSpec,
  forward: SplatResult,
  dPsf: Float64Array,
): SplatAdjoint {
  checkSpec(spec);
  checkSpots(spots);
  const K = spec.size;
  if (dPsf.length !== K * K) throw new Error(`splatPsfAdjoint: dPsf has ${dPsf.length} entries, expected ${K * K}`);
  const n = spots.x.length;
  const res: SplatAdjoint = {
    dx: new Float64Array(n),
    dy: new Float64Array(n),
    dWeight: new Float64Array(n),
    dCenterX: 0,
    dCenterY: 0,
  };
  const S = forward.energy;
  if (!(S > 0)) return res;
  const { psf } = forward;
  let dot = 0;
  for (let k = 0; k < K * K; k++) dot += dPsf[k] * psf[k];
  const g = new Float64Array(K * K);
  for (let k = 0; k < K * K; k++) g[k] = (dPsf[k] - dot) / S;
  const h = (K - 1) / 2;
  const inv = 1 / spec.pitchMm;
  const { x, y, valid, weight } = spots;
  const at = (r: number, c: number) => (r >= 0 && r < K && c >= 0 && c < K ? g[r * K + c] : 0);
  for (let i = 0; i < n; i++) {
    if (!valid[i]) continue;
    const u = (x[i] - centerX) * inv + h;
    const v = -(y[i] - centerY) * inv + h;
    if (!(u > -1 && u < K && v > -1 && v < K)) continue;
    const w = weight ? weight[i] : 1;
    const j0 = Math.floor(u);
    const i0 = Math.floor(v);
    const a = u - j0;
    const b = v - i0;
    const g00 = at(i0, j0);
    const g01 = at(i0, j0 + 1);
    const g10 = at(i0 + 1, j0);
    const g11 = at(i0 + 1, j0 + 1);
    const dU = (1 - b) * (g01 - g00) + b * (g11 - g10);
    const dV = (1 - a) * (g10 - g00) + a * (g11 - g01);
    res.dWeight[i] = (1 - a) * (1 - b) * g00 + a * (1 - b) * g01 + (1 - a) * b * g10 + a * b * g11;
    res.dx[i] = w * dU * inv;
    res.dy[i] = -w * dV * inv;
    res.dCenterX -= res.dx[i];
    res.dCenterY -= res.dy[i];
  }
  return res;
}
