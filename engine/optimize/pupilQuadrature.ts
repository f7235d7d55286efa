/**
 * Gaussian-quadrature pupil sampling in rings and arms, as in OpticStudio's default merit function
 * (G. W. Forbes, "Optical system assessment for design: numerical ray tracing in the Gaussian
 * pupil", JOSA A 5, 1943 (1988)).
 *
 * An RMS over a uniformly illuminated circular pupil is a mean over the unit disk,
 *   ⟨f⟩ = (1/π) ∫₀¹ ∫₀^{2π} f(ρ, θ) ρ dρ dθ = (1/2π) ∫₀¹ ∫₀^{2π} f(√u, θ) du dθ,   u = ρ².
 * In u the radial weight is uniform, so N-point Gauss–Legendre on u ∈ [0, 1] gives the ring radii
 * ρᵢ = √uᵢ and weights wᵢ (Σ wᵢ = 1): exact for every polynomial of degree ≤ 2N − 1 in ρ², i.e.
 * to ρ^(4N−2). For N = 3: ρ = 0.335711, 0.707107, 0.941965 with w = 5/18, 8/18, 5/18 (the table
 * OpticStudio documents). The angular mean uses M equally spaced arms, exact for every
 * trigonometric polynomial of degree ≤ M − 1. Together: x^p y^q is integrated exactly when
 * p + q ≤ M − 1 and, for even p and q, (p + q)/2 ≤ 2N − 1. Forbes's rule of thumb follows: for
 * aberrations up to order n use N ≈ (n + 1)/2 rings; 6 arms are usually sufficient.
 *
 * Arms are at θⱼ = (j + ½)·2π/M measured from +y towards +x, i.e. (Px, Py) = ρ (sin θ, cos θ); the
 * half-angle offset keeps them off the y axis, so that a left-right symmetric system (a lens
 * rotationally symmetric about z with fields on the y axis, where f(−x, y) = f(x, y)) needs only
 * the arms with Px > 0, each carrying twice the weight ('mirrorX'): M/2 arms for even M. For an
 * integrand that depends on ρ only (an on-axis field of a rotationally symmetric lens), one arm
 * suffices ('rotational').
 */

export type PupilSymmetry = 'none' | 'mirrorX' | 'rotational';

/** Pupil rays and their quadrature weights: normalised pupil coordinates and weights summing to 1. */
export interface PupilSamples {
  readonly px: Float64Array;
  readonly py: Float64Array;
  readonly weight: Float64Array;
}

/**
 * Gauss–Legendre nodes and weights on [−1, 1] (Newton on the Legendre polynomial Pₙ, three-term
 * recurrence; Press et al., "Numerical Recipes", 3rd ed., §4.6.1). Nodes ascend.
 * @throws RangeError unless 1 ≤ n ≤ 100
 */
export function gaussLegendre(n: number): { nodes: Float64Array; weights: Float64Array } {
  if (!Number.isInteger(n) || n < 1 || n > 100) throw new RangeError(`Gauss–Legendre order must be an integer in 1..100 (got ${n})`);
  const nodes = new Float64Array(n);
  const weights = new Float64Array(n);
  for (let i = 0; i < Math.ceil(n / 2); i++) {
    let z = Math.cos((Math.PI * (i + 0.75)) / (n + 0.5));
    let dp = 0;
    for (let iter = 0; iter < 100; iter++) {
      let p0 = 1;
      let p1 = z;
      for (let k = 2; k <= n; k++) {
        const p2 = ((2 * k - 1) * z * p1 - (k - 1) * p0) / k;
        p0 = p1;
        p1 = p2;
      }
      // p1 = Pₙ(z), p0 = Pₙ₋₁(z); Pₙ' = n (z Pₙ − Pₙ₋₁) / (z² − 1).
      dp = (n * (z * p1 - p0)) / (z * z - 1);
      const dz = p1 / dp;
      z -= dz;
      if (Math.abs(dz) <= 1e-16) break;
    }
    nodes[i] = -z;
    nodes[n - 1 - i] = z;
    weights[i] = weights[n - 1 - i] = 2 / ((1 - z * z) * dp * dp);
  }
  return { nodes, weights };
}

/**
 * Ring radii (normalised pupil radius, ascending) and weights (Σ = 1) of the Gaussian pupil.
 * @throws RangeError unless 1 ≤ rings ≤ 100
 */
export function gaussianRings(rings: number): { radii: Float64Array; weights: Float64Array } {
  const { nodes, weights } = gaussLegendre(rings);
  const radii = new Float64Array(rings);
  const w = new Float64Array(rings);
  for (let i = 0; i < rings; i++) {
    radii[i] = Math.sqrt((1 + nodes[i]) / 2);
    w[i] = weights[i] / 2;
  }
  return { radii, weights: w };
}

/**
 * The Gaussian-quadrature pupil: rings × arms rays with weights summing to 1.
 * @param rings number of rings N (≥ 1)
 * @param arms number of arms M (≥ 1; OpticStudio offers 6, 8, 10, 12); ignored for 'rotational'
 * @param symmetry 'none' (full pupil), 'mirrorX' (half pupil Px ≥ 0 for f(−x, y) = f(x, y)),
 *   'rotational' (one arm along +y, for integrands depending on ρ only)
 * @returns rays ring by ring (inner first), arm by arm
 * @throws RangeError for a non-integer or out-of-range ring or arm count
 */
export function gaussianPupil(rings: number, arms: number, symmetry: PupilSymmetry = 'none'): PupilSamples {
  const ring = gaussianRings(rings);
  if (symmetry !== 'rotational' && (!Number.isInteger(arms) || arms < 1 || arms > 360)) {
    throw new RangeError(`the number of arms must be an integer in 1..360 (got ${arms})`);
  }
  const angles: number[] = [];
  const armWeights: number[] = [];
  if (symmetry === 'rotational') {
    angles.push(0);
    armWeights.push(1);
  } else {
    for (let j = 0; j < arms; j++) {
      const theta = ((j + 0.5) * 2 * Math.PI) / arms;
      const sx = Math.sin(theta);
      if (symmetry === 'none') {
        angles.push(theta);
        armWeights.push(1 / arms);
      } else if (Math.abs(sx) < 1e-12) {
        angles.push(theta); // on the symmetry axis: its own mirror image
        armWeights.push(1 / arms);
      } else if (sx > 0) {
        angles.push(theta);
        armWeights.push(2 / arms);
      }
    }
  }
  const count = rings * angles.length;
  const px = new Float64Array(count);
  const py = new Float64Array(count);
  const weight = new Float64Array(count);
  let k = 0;
  for (let i = 0; i < rings; i++) {
    for (let j = 0; j < angles.length; j++, k++) {
      const th = angles[j];
      // sin/cos of the exact axis angles would leave 1e-17 residues; snap them.
      px[k] = ring.radii[i] * snap(Math.sin(th));
      py[k] = ring.radii[i] * snap(Math.cos(th));
      weight[k] = ring.weights[i] * armWeights[j];
    }
  }
  return { px, py, weight };
}

function snap(v: number): number {
  return Math.abs(v) < 1e-15 ? 0 : v;
}
