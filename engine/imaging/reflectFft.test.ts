import { describe, expect, it } from 'vitest';
import { Fft2 } from './fft2.ts';
import { Rng } from './prng.ts';
import { ReflectFft2 } from './reflectFft.ts';

describe.each([2, 4, 8, 16])('DFT of the symmetric extension, P = %i', (P) => {
  const N = 2 * P;
  const ext = (i: number) => (i < P ? i : N - 1 - i);
  const rng = new Rng(P);
  const x = Float64Array.from({ length: 2 * P * P }, () => rng.normal());

  it('equals the N-point 2-D DFT of the explicit extension (spectrum transposed)', () => {
    const fft = new Fft2(N);
    const z = fft.spectrum();
    for (let r = 0; r < N; r++) {
      for (let c = 0; c < N; c++) {
        const i = ext(r) * P + ext(c);
        z.re[r * N + c] = x[2 * i];
        z.im[r * N + c] = x[2 * i + 1];
      }
    }
    fft.transform(z);
    const out = new Float64Array(2 * N * N);
    new ReflectFft2(P).forward(x, out);
    let m = 0;
    for (let u = 0; u < N; u++) {
      for (let v = 0; v < N; v++) {
        m = Math.max(m, Math.abs(out[2 * (v * N + u)] - z.re[u * N + v]), Math.abs(out[2 * (v * N + u) + 1] - z.im[u * N + v]));
      }
    }
    expect(m).toBeLessThan(1e-12 * N * N);
  });

  it('has an adjoint: ⟨forward x, a⟩ = ⟨x, adjoint a⟩ (complex inner products)', () => {
    const t = new ReflectFft2(P);
    const a = Float64Array.from({ length: 2 * N * N }, () => rng.normal());
    const fx = new Float64Array(2 * N * N);
    t.forward(x, fx);
    const ya = new Float64Array(2 * P * P);
    t.adjoint(a, ya);
    // ⟨p, q⟩ = Σ conj(p) q
    const dot = (p: Float64Array, q: Float64Array) => {
      let re = 0;
      let im = 0;
      for (let i = 0; i < p.length; i += 2) {
        re += p[i] * q[i] + p[i + 1] * q[i + 1];
        im += p[i] * q[i + 1] - p[i + 1] * q[i];
      }
      return [re, im];
    };
    const [l1, l2] = dot(fx, a);
    const [r1, r2] = dot(x, ya);
    expect(Math.abs(l1 - r1)).toBeLessThan(1e-11 * N * N);
    expect(Math.abs(l2 - r2)).toBeLessThan(1e-11 * N * N);
  });
});

describe('ReflectFft2', () => {
  it('rejects a size that is not a power of two', () => {
    expect(() => new ReflectFft2(6)).toThrow(/power of two/);
  });
});
