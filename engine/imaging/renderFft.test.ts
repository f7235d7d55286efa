import { describe, expect, it } from 'vitest';
import { Fft2 } from './fft2.ts';
import { Rng } from './prng.ts';
import { renderImage, renderImageAdjointPsf, type PsfFieldGrid } from './render.ts';
import { PatchRenderer } from './renderFft.ts';

function grid(psf: Float64Array, C: number, K: number): PsfFieldGrid {
  return { nx: 1, ny: 1, xMm: Float64Array.of(0), yMm: Float64Array.of(0), channels: C, size: K, pitchMm: 0.01, psf };
}

describe('2-D FFT', () => {
  it('matches the DFT sum, and two real planes come out of one complex transform', () => {
    const N = 8;
    const fft = new Fft2(N);
    const rng = new Rng(1);
    const a = Float64Array.from({ length: N * N }, () => rng.normal());
    const b = Float64Array.from({ length: N * N }, () => rng.normal());
    const [A, B] = fft.forwardReal2(a, b);
    for (const [x, X] of [[a, A], [b, B!]] as const) {
      for (const [u, v] of [[0, 0], [1, 3], [5, 2], [7, 7]]) {
        let re = 0;
        let im = 0;
        for (let m = 0; m < N; m++) {
          for (let n = 0; n < N; n++) {
            const t = (-2 * Math.PI * (u * m + v * n)) / N;
            re += x[m * N + n] * Math.cos(t);
            im += x[m * N + n] * Math.sin(t);
          }
        }
        expect(X.re[u * N + v]).toBeCloseTo(re, 12);
        expect(X.im[u * N + v]).toBeCloseTo(im, 12);
      }
    }
    const [a2, b2] = fft.inverseReal2(A, B);
    for (let k = 0; k < N * N; k++) {
      expect(a2[k]).toBeCloseTo(a[k], 13);
      expect(b2![k]).toBeCloseTo(b[k], 13);
    }
  });

  it('rejects a size that is not a power of two', () => {
    expect(() => new Fft2(12)).toThrow(/power of two/);
  });
});

describe('patch rendering by FFT', () => {
  const P = 12;
  const K = 7;
  const C = 3;
  const S = P + K - 1;
  const rng = new Rng(7);
  const scenes = [0, 1, 2].map(() => Float64Array.from({ length: S * S * C }, () => rng.next()));
  const psfA = Float64Array.from({ length: C * K * K }, () => rng.next());
  const psfB = Float64Array.from({ length: C * K * K }, () => rng.next());
  const jobs = [
    { scene: scenes[0], psf: psfA },
    { scene: scenes[1], psf: psfB },
    { scene: scenes[2], psf: psfA },
  ];
  const place = { x0Mm: 0, y0Mm: 0, pitchMm: 0.01 };

  it('equals the direct patch-wise rendering (one PSF per patch)', () => {
    const r = new PatchRenderer(P, K, C);
    const { images } = r.render(jobs);
    jobs.forEach((j, b) => {
      const direct = renderImage(j.scene, grid(j.psf, C, K), place, { width: P, height: P, tile: P });
      for (let i = 0; i < direct.length; i++) expect(images[b][i]).toBeCloseTo(direct[i], 12);
    });
  });

  it('its PSF adjoint equals the direct rendering adjoint', () => {
    const r = new PatchRenderer(P, K, C);
    const { sceneSpectra } = r.render(jobs);
    const dOut = jobs.map(() => Float64Array.from({ length: P * P * C }, () => rng.normal()));
    const d = r.adjointPsf(jobs, dOut, sceneSpectra);
    jobs.forEach((j, b) => {
      const direct = renderImageAdjointPsf(j.scene, dOut[b], grid(j.psf, C, K), place, { width: P, height: P, tile: P });
      for (let i = 0; i < direct.length; i++) expect(d[b][i]).toBeCloseTo(direct[i], 11);
    });
  });

  it('names the wrong size', () => {
    const r = new PatchRenderer(P, K, C);
    expect(() => r.render([{ scene: new Float64Array(5), psf: psfA }])).toThrow(/scene has 5 values/);
  });
});
