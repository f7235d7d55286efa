/**
 * A small seeded pseudo-random number generator for reproducible data, noise and initialisation.
 *
 * The generator is sfc32 (Chris Doty-Humphrey's "small fast counting" generator, PractRand-clean),
 * seeded through splitmix32 so that nearby integer seeds give unrelated streams. Normal deviates use
 * the Box–Muller transform; Poisson deviates use Knuth's product method for small means and the
 * PTRS transformed-rejection method of Hörmann (1993) for means ≥ 10.
 */

/** splitmix32: a 32-bit integer hash used to expand seeds. */
export function hash32(x: number): number {
  let z = (x + 0x9e3779b9) | 0;
  z = Math.imul(z ^ (z >>> 16), 0x21f0aaad);
  z = Math.imul(z ^ (z >>> 15), 0x735a2d97);
  return (z ^ (z >>> 15)) >>> 0;
}

/** Combines a seed with further integers (e.g. an image index) into a new 32-bit seed. */
export function deriveSeed(seed: number, ...parts: number[]): number {
  let h = hash32(seed >>> 0);
  for (const p of parts) h = hash32((h ^ Math.imul(p >>> 0, 0x85ebca6b)) >>> 0);
  return h;
}

/** A seeded random stream. Same seed, same sequence, on every platform. */
export class Rng {
  private a: number;
  private b: number;
  private c: number;
  private d: number;
  private spareNormal = NaN;

  constructor(seed: number) {
    if (!Number.isFinite(seed)) throw new Error(`Rng: seed must be a finite number (got ${seed})`);
    const s = Math.floor(seed) >>> 0;
    this.a = hash32(s);
    this.b = hash32(this.a ^ 0x5bd1e995);
    this.c = hash32(this.b ^ 0x1b873593);
    this.d = 1;
    for (let i = 0; i < 12; i++) this.nextUint32();
  }

  /** The generator's full state, for checkpoints (restore with setState). */
  getState(): number[] {
    return [this.a, this.b, this.c, this.d, this.spareNormal];
  }

  /** Restores a state from getState(). @throws Error for a malformed state */
  setState(state: readonly number[]): this {
    if (state.length !== 5 || state.slice(0, 4).some((v) => !Number.isInteger(v))) throw new Error('Rng.setState: expected [a, b, c, d, spare] from getState()');
    [this.a, this.b, this.c, this.d] = state.map((v) => v | 0);
    this.spareNormal = state[4] === null ? NaN : state[4];
    return this;
  }

  /** A uniform 32-bit unsigned integer. */
  nextUint32(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
    return t >>> 0;
  }

  /** Uniform on [0, 1) with 32 bits of resolution. */
  next(): number {
    return this.nextUint32() / 4294967296;
  }

  /** Uniform on [lo, hi). */
  uniform(lo: number, hi: number): number {
    return lo + (hi - lo) * this.next();
  }

  /** A uniform integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }

  /** A standard normal deviate (Box–Muller, both values used). */
  normal(): number {
    if (!Number.isNaN(this.spareNormal)) {
      const v = this.spareNormal;
      this.spareNormal = NaN;
      return v;
    }
    let u = 0;
    while (u === 0) u = this.next();
    const v = this.next();
    const r = Math.sqrt(-2 * Math.log(u));
    this.spareNormal = r * Math.sin(2 * Math.PI * v);
    return r * Math.cos(2 * Math.PI * v);
  }

  /**
   * A Poisson deviate with mean `mean` ≥ 0. Knuth's method below 10, PTRS (Hörmann 1993,
   * "The transformed rejection method for generating Poisson random variables") above.
   */
  poisson(mean: number): number {
    if (!(mean >= 0) || !Number.isFinite(mean)) throw new Error(`Rng.poisson: mean must be finite and ≥ 0 (got ${mean})`);
    if (mean === 0) return 0;
    if (mean < 10) {
      const L = Math.exp(-mean);
      let k = 0;
      let p = this.next();
      while (p > L) {
        k++;
        p *= this.next();
      }
      return k;
    }
    const slam = Math.sqrt(mean);
    const loglam = Math.log(mean);
    const b = 0.931 + 2.53 * slam;
    const a = -0.059 + 0.02483 * b;
    const invalpha = 1.1239 + 1.1328 / (b - 3.4);
    const vr = 0.9277 - 3.6224 / (b - 2);
    for (;;) {
      const U = this.next() - 0.5;
      const V = this.next();
      const us = 0.5 - Math.abs(U);
      const k = Math.floor(((2 * a) / us + b) * U + mean + 0.43);
      if (us >= 0.07 && V <= vr) return k;
      if (k < 0 || (us < 0.013 && V > us)) continue;
      if (Math.log(V) + Math.log(invalpha) - Math.log(a / (us * us) + b) <= -mean + k * loglam - logFactorial(k)) {
        return k;
      }
    }
  }
}

/** ln(k!) by summation below 30 and Stirling's series above (error < 1e-10). */
function logFactorial(k: number): number {
  if (k < 30) {
    let s = 0;
    for (let i = 2; i <= k; i++) s += Math.log(i);
    return s;
  }
  const x = k + 1;
  return (x - 0.5) * Math.log(x) - x + 0.5 * Math.log(2 * Math.PI) + 1 / (12 * x) - 1 / (360 * x ** 3);
}
