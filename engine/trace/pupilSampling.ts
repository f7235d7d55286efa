/**
 * Normalised pupil sampling patterns (Px, Py in the unit disk).
 *
 * Hexapolar with R rings: the centre, then ring i = 1..R at radius i/R with 6i points at angles
 * 2πj/(6i), j = 0..6i−1, measured from +x: (Px, Py) = (ρ cos θ, ρ sin θ). 1 + 3R(R+1) points.
 */
export interface PupilSamples {
  px: Float64Array;
  py: Float64Array;
}

/** Hexapolar pattern with `rings` rings (6 rings: 127 points). */
export function hexapolar(rings: number): PupilSamples {
  const count = 1 + 3 * rings * (rings + 1);
  const px = new Float64Array(count);
  const py = new Float64Array(count);
  let k = 1;
  for (let i = 1; i <= rings; i++) {
    const rho = i / rings;
    const nj = 6 * i;
    for (let j = 0; j < nj; j++, k++) {
      const th = (2 * Math.PI * j) / nj;
      px[k] = rho * Math.cos(th);
      py[k] = rho * Math.sin(th);
    }
  }
  return { px, py };
}

/** Square grid of n×n points over [−1, 1]², keeping those inside the unit circle. */
export function gridPupil(n: number): PupilSamples {
  const xs: number[] = [];
  const ys: number[] = [];
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      const x = n === 1 ? 0 : -1 + (2 * j) / (n - 1);
      const y = n === 1 ? 0 : -1 + (2 * i) / (n - 1);
      if (x * x + y * y <= 1 + 1e-12) {
        xs.push(x);
        ys.push(y);
      }
    }
  }
  return { px: Float64Array.from(xs), py: Float64Array.from(ys) };
}

/** Deterministic uniform random points in the unit disk (mulberry32 PRNG). */
export function randomPupil(count: number, seed = 1): PupilSamples {
  let state = seed >>> 0;
  const rand = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const px = new Float64Array(count);
  const py = new Float64Array(count);
  for (let i = 0; i < count; i++) {
    const r = Math.sqrt(rand());
    const th = 2 * Math.PI * rand();
    px[i] = r * Math.cos(th);
    py[i] = r * Math.sin(th);
  }
  return { px, py };
}

/** `count` points P = linspace(−1, 1, count) along one pupil axis ('y' tangential, 'x' sagittal). */
export function linePupil(count: number, axis: 'x' | 'y'): PupilSamples {
  const px = new Float64Array(count);
  const py = new Float64Array(count);
  for (let i = 0; i < count; i++) {
    const p = count === 1 ? 0 : -1 + (2 * i) / (count - 1);
    if (axis === 'x') px[i] = p;
    else py[i] = p;
  }
  return { px, py };
}
