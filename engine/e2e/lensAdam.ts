/**
 * Adam for the lens variables of an end-to-end run, one step at a time (the joint loop interleaves
 * it with the network's optimizer). Kingma & Ba, "Adam: a method for stochastic optimization",
 * ICLR 2015, Algorithm 1, in float64:
 *   m ← β₁ m + (1 − β₁) g,  v ← β₂ v + (1 − β₂) g²,  x ← x − αⱼ m̂ / (√v̂ + ε),
 * m̂ = m / (1 − β₁ᵗ), v̂ = v / (1 − β₂ᵗ); each variable j has its own rate αⱼ (in its own unit, so
 * a step changes it by about αⱼ), and the iterate is projected into [lower, upper].
 */

export interface LensAdamState {
  t: number;
  m: number[];
  v: number[];
}

export class LensAdam {
  private t = 0;
  private readonly m: Float64Array;
  private readonly v: Float64Array;

  /**
   * @param rates per-variable learning rates αⱼ (≥ 0)
   * @throws RangeError for negative or non-finite rates or bounds of the wrong length
   */
  constructor(
    readonly rates: Float64Array,
    readonly lower?: Float64Array,
    readonly upper?: Float64Array,
    readonly beta1 = 0.9,
    readonly beta2 = 0.999,
    readonly epsilon = 1e-8,
  ) {
    const n = rates.length;
    if (rates.some((r) => !(r >= 0 && Number.isFinite(r)))) throw new RangeError('lens learning rates must be finite and ≥ 0');
    if ((lower && lower.length !== n) || (upper && upper.length !== n)) throw new RangeError(`lens bounds must have ${n} entries`);
    this.m = new Float64Array(n);
    this.v = new Float64Array(n);
  }

  /** Applies one step to x in place. A non-finite gradient entry is skipped (treated as 0). */
  step(x: Float64Array, g: Float64Array): void {
    const n = x.length;
    if (g.length !== n || this.rates.length !== n) throw new RangeError(`LensAdam.step: x, g and rates differ in length (${n}, ${g.length}, ${this.rates.length})`);
    this.t++;
    const c1 = 1 - this.beta1 ** this.t;
    const c2 = 1 - this.beta2 ** this.t;
    for (let j = 0; j < n; j++) {
      const gj = Number.isFinite(g[j]) ? g[j] : 0;
      this.m[j] = this.beta1 * this.m[j] + (1 - this.beta1) * gj;
      this.v[j] = this.beta2 * this.v[j] + (1 - this.beta2) * gj * gj;
      x[j] -= (this.rates[j] * (this.m[j] / c1)) / (Math.sqrt(this.v[j] / c2) + this.epsilon);
      if (this.lower && x[j] < this.lower[j]) x[j] = this.lower[j];
      if (this.upper && x[j] > this.upper[j]) x[j] = this.upper[j];
    }
  }

  /** Forgets the moments (after a rejected step). */
  reset(): void {
    this.t = 0;
    this.m.fill(0);
    this.v.fill(0);
  }

  getState(): LensAdamState {
    return { t: this.t, m: Array.from(this.m), v: Array.from(this.v) };
  }

  /** @throws Error for a state of another size */
  setState(s: LensAdamState): void {
    if (s.m.length !== this.m.length || s.v.length !== this.v.length) throw new Error(`lens optimizer state has ${s.m.length} variables, expected ${this.m.length}`);
    this.t = s.t;
    this.m.set(s.m);
    this.v.set(s.v);
  }
}
