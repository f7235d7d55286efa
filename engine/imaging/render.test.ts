import { describe, expect, it } from 'vitest';
import { Rng } from './prng.ts';
import { interpolatePsf, renderImage, renderImageAdjointPsf, type PsfFieldGrid } from './render.ts';

function randomGrid(nx: number, ny: number, C: number, K: number, seed: number): PsfFieldGrid {
  const rng = new Rng(seed);
  const psf = Float64Array.from({ length: nx * ny * C * K * K }, () => rng.next());
  return {
    nx,
    ny,
    xMm: Float64Array.from({ length: nx }, (_, i) => -1 + (2 * i) / Math.max(1, nx - 1)),
    yMm: Float64Array.from({ length: ny }, (_, i) => -1 + (2 * i) / Math.max(1, ny - 1)),
    channels: C,
    size: K,
    pitchMm: 0.01,
    psf,
  };
}

function deltaGrid(C: number, K: number, row: number, col: number): PsfFieldGrid {
  const g = randomGrid(1, 1, C, K, 1);
  g.psf.fill(0);
  for (let c = 0; c < C; c++) g.psf[c * K * K + row * K + col] = 1;
  return g;
}

const place = { x0Mm: -0.3, y0Mm: 0.4, pitchMm: 0.01 };

describe('patch-wise rendering', () => {
  it('a centred delta PSF returns the centre crop of the scene', () => {
    const K = 5;
    const W = 6;
    const H = 4;
    const C = 2;
    const rng = new Rng(2);
    const input = Float64Array.from({ length: (W + K - 1) * (H + K - 1) * C }, () => rng.next());
    const out = renderImage(input, deltaGrid(C, K, 2, 2), place, { width: W, height: H });
    for (let r = 0; r < H; r++) {
      for (let c = 0; c < W; c++) {
        for (let ch = 0; ch < C; ch++) expect(out[(r * W + c) * C + ch]).toBe(input[((r + 2) * (W + K - 1) + c + 2) * C + ch]);
      }
    }
  });

  it('a PSF displaced one pixel right (+x) moves the image right', () => {
    const K = 3;
    const W = 5;
    const H = 5;
    const rng = new Rng(3);
    const input = Float64Array.from({ length: (W + 2) * (H + 2) }, () => rng.next());
    const out = renderImage(input, deltaGrid(1, K, 1, 2), place, { width: W, height: H });
    for (let r = 0; r < H; r++) for (let c = 0; c < W; c++) expect(out[r * W + c]).toBe(input[(r + 1) * (W + 2) + c]);
  });

  it('interpolates PSFs bilinearly between field nodes and clamps outside the grid', () => {
    const g = randomGrid(3, 2, 1, 3, 4);
    const n = 9;
    const node = (ix: number, iy: number) => g.psf.subarray((iy * 3 + ix) * n, (iy * 3 + ix + 1) * n);
    expect(Array.from(interpolatePsf(g, 0, 1))).toEqual(Array.from(node(1, 1)));
    const mid = interpolatePsf(g, 0.5, 0);
    for (let k = 0; k < n; k++) {
      const expected = 0.25 * (node(1, 0)[k] + node(2, 0)[k] + node(1, 1)[k] + node(2, 1)[k]);
      expect(mid[k]).toBeCloseTo(expected, 14);
    }
    expect(Array.from(interpolatePsf(g, 5, -5))).toEqual(Array.from(node(2, 0)));
  });

  it('tiles join seamlessly when the PSF does not vary', () => {
    const g = randomGrid(1, 1, 3, 5, 5);
    const W = 20;
    const H = 13;
    const rng = new Rng(6);
    const input = Float64Array.from({ length: (W + 4) * (H + 4) * 3 }, () => rng.next());
    const big = renderImage(input, g, place, { width: W, height: H, tile: 64 });
    const small = renderImage(input, g, place, { width: W, height: H, tile: 6 });
    for (let i = 0; i < big.length; i++) expect(small[i]).toBeCloseTo(big[i], 12);
  });

  it('the PSF adjoint passes the dot-product test (⟨G, R δ⟩ = ⟨Rᵀ G, δ⟩) with varying PSFs', () => {
    const K = 5;
    const C = 3;
    const W = 23;
    const H = 17;
    const g = randomGrid(3, 3, C, K, 8);
    const place2 = { x0Mm: -1.1, y0Mm: 1.05, pitchMm: 0.1 }; // tiles spread over the whole node grid
    const shape = { width: W, height: H, tile: 8 };
    const rng = new Rng(9);
    const input = Float64Array.from({ length: (W + K - 1) * (H + K - 1) * C }, () => rng.next());
    const G = Float64Array.from({ length: W * H * C }, () => rng.normal());
    const delta = Float64Array.from({ length: g.psf.length }, () => rng.normal());
    const y = renderImage(input, { ...g, psf: delta }, place2, shape);
    let lhs = 0;
    for (let i = 0; i < y.length; i++) lhs += G[i] * y[i];
    const dGrid = renderImageAdjointPsf(input, G, g, place2, shape);
    let rhs = 0;
    for (let i = 0; i < delta.length; i++) rhs += dGrid[i] * delta[i];
    expect(Math.abs(lhs - rhs)).toBeLessThanOrEqual(1e-12 * Math.abs(lhs));
    expect(dGrid.some((v) => v !== 0)).toBe(true);
  });

  it('the support-only PSF adjoint equals the full one on the grown PSF support and skips the rest', () => {
    const K = 7;
    const C = 2;
    const W = 12;
    const H = 9;
    const g = randomGrid(2, 1, C, K, 11);
    // compact PSFs: zero outside a 3 × 3 block (node 0) and a single tap (node 1)
    for (let n = 0; n < 2; n++) {
      for (let ch = 0; ch < C; ch++) {
        for (let a = 0; a < K; a++) for (let b = 0; b < K; b++) {
          const keep = n === 0 ? a >= 2 && a <= 4 && b >= 2 && b <= 4 : a === 1 && b === 5;
          if (!keep) g.psf[((n * C + ch) * K + a) * K + b] = 0;
        }
      }
    }
    const place2 = { x0Mm: -0.4, y0Mm: 0, pitchMm: 0.05 };
    const shape = { width: W, height: H, tile: 6 };
    const rng = new Rng(12);
    const input = Float64Array.from({ length: (W + K - 1) * (H + K - 1) * C }, () => rng.next());
    const G = Float64Array.from({ length: W * H * C }, () => rng.normal());
    const full = renderImageAdjointPsf(input, G, g, place2, shape);
    const part = renderImageAdjointPsf(input, G, g, place2, shape, undefined, { supportOnly: true });
    let kept = 0;
    for (let i = 0; i < full.length; i++) {
      const k = i % (K * K);
      const a = Math.floor(k / K);
      const b = k % K;
      // the interpolated PSFs mix both nodes, so the mask is the union: rows 1..5 × cols 1..6 minus corners beyond
      const inBlock = a >= 1 && a <= 5 && b >= 1 && b <= 5;
      const nearTap = a >= 0 && a <= 2 && b >= 4 && b <= 6;
      if (inBlock || nearTap) {
        expect(part[i]).toBe(full[i]);
        kept++;
      } else expect(part[i]).toBe(0);
    }
    expect(kept).toBeGreaterThan(0);
    expect(kept).toBeLessThan(full.length);
  });

  it('rejects a scene of the wrong size', () => {
    const g = randomGrid(1, 1, 1, 3, 1);
    expect(() => renderImage(new Float64Array(10), g, place, { width: 4, height: 4 })).toThrow(/needs 6×6×1 = 36/);
  });
});
