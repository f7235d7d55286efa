import { describe, expect, it } from 'vitest';
import { Rng } from './prng.ts';
import { splatPsf, splatPsfAdjoint, type RaySpots } from './psf.ts';

const spec = { size: 9, pitchMm: 0.005 };

function randomSpots(n: number, seed: number, spreadPx = 3): RaySpots {
  const rng = new Rng(seed);
  const x = new Float64Array(n);
  const y = new Float64Array(n);
  const w = new Float64Array(n);
  const valid = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    x[i] = 1.2 + rng.normal() * spreadPx * spec.pitchMm;
    y[i] = -0.7 + rng.normal() * spreadPx * spec.pitchMm;
    w[i] = 0.5 + rng.next();
    valid[i] = rng.next() < 0.9 ? 1 : 0;
  }
  return { x, y, valid, weight: w };
}

function loss(spots: RaySpots, cx: number, cy: number, G: Float64Array): number {
  const { psf } = splatPsf(spots, cx, cy, spec);
  let s = 0;
  for (let k = 0; k < psf.length; k++) s += G[k] * psf[k];
  return s;
}

describe('geometric PSF splat', () => {
  it('a ray on the reference point fills the centre pixel', () => {
    const { psf, energy } = splatPsf({ x: Float64Array.of(2), y: Float64Array.of(3), valid: Uint8Array.of(1) }, 2, 3, spec);
    expect(energy).toBe(1);
    expect(psf[4 * 9 + 4]).toBe(1);
    expect(psf.reduce((a, b) => a + b)).toBe(1);
  });

  it('orientation: +x moves right (column up), +y moves up (row down)', () => {
    const p = spec.pitchMm;
    const right = splatPsf({ x: Float64Array.of(p / 2), y: Float64Array.of(0), valid: Uint8Array.of(1) }, 0, 0, spec).psf;
    expect(right[4 * 9 + 4]).toBeCloseTo(0.5, 12);
    expect(right[4 * 9 + 5]).toBeCloseTo(0.5, 12);
    const up = splatPsf({ x: Float64Array.of(0), y: Float64Array.of(p / 4), valid: Uint8Array.of(1) }, 0, 0, spec).psf;
    expect(up[4 * 9 + 4]).toBeCloseTo(0.75, 12);
    expect(up[3 * 9 + 4]).toBeCloseTo(0.25, 12);
  });

  it('normalises to unit energy and ignores invalid, NaN and far-away rays', () => {
    const s = randomSpots(500, 1);
    const x = Float64Array.from(s.x);
    x[0] = NaN;
    x[1] = 1e9;
    const { psf, energy } = splatPsf({ ...s, x }, 1.2, -0.7, spec);
    expect(psf.reduce((a, b) => a + b)).toBeCloseTo(1, 12);
    expect(energy).toBeGreaterThan(0);
    expect(psf.every(Number.isFinite)).toBe(true);
  });

  it('gives an all-zero PSF and zero gradients when nothing lands on the grid', () => {
    const spots = { x: Float64Array.of(10), y: Float64Array.of(0), valid: Uint8Array.of(1) };
    const fwd = splatPsf(spots, 0, 0, spec);
    expect(fwd.energy).toBe(0);
    expect(fwd.psf.every((v) => v === 0)).toBe(true);
    const adj = splatPsfAdjoint(spots, 0, 0, spec, fwd, new Float64Array(81).fill(1));
    expect(adj.dx[0]).toBe(0);
  });

  it('rejects an even grid size and mismatched arrays', () => {
    expect(() => splatPsf(randomSpots(3, 1), 0, 0, { size: 8, pitchMm: 0.01 })).toThrow(/odd/);
    expect(() => splatPsf({ x: new Float64Array(2), y: new Float64Array(3), valid: new Uint8Array(2) }, 0, 0, spec)).toThrow(/same length/);
  });

  it('adjoint matches central finite differences for ray positions, weights and the reference', () => {
    const spots = randomSpots(200, 7);
    const rng = new Rng(99);
    const G = Float64Array.from({ length: 81 }, () => rng.normal());
    const cx = 1.2 + 0.3 * spec.pitchMm;
    const cy = -0.7 - 0.2 * spec.pitchMm;
    const fwd = splatPsf(spots, cx, cy, spec);
    const adj = splatPsfAdjoint(spots, cx, cy, spec, fwd, G);
    const h = 1e-7 * spec.pitchMm;
    let checked = 0;
    for (let i = 0; i < 200; i += 7) {
      for (const key of ['x', 'y', 'weight'] as const) {
        const plus = Float64Array.from(spots[key]!);
        const minus = Float64Array.from(spots[key]!);
        const step = key === 'weight' ? 1e-6 : h;
        plus[i] += step;
        minus[i] -= step;
        const fd = (loss({ ...spots, [key]: plus }, cx, cy, G) - loss({ ...spots, [key]: minus }, cx, cy, G)) / (2 * step);
        const an = key === 'x' ? adj.dx[i] : key === 'y' ? adj.dy[i] : adj.dWeight[i];
        if (!spots.valid[i]) expect(an).toBe(0);
        expect(Math.abs(an - fd)).toBeLessThanOrEqual(1e-6 * Math.max(1, Math.abs(fd)));
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(60);
    const fdCx = (loss(spots, cx + h, cy, G) - loss(spots, cx - h, cy, G)) / (2 * h);
    const fdCy = (loss(spots, cx, cy + h, G) - loss(spots, cx, cy - h, G)) / (2 * h);
    expect(Math.abs(adj.dCenterX - fdCx)).toBeLessThanOrEqual(1e-6 * Math.abs(fdCx));
    expect(Math.abs(adj.dCenterY - fdCy)).toBeLessThanOrEqual(1e-6 * Math.abs(fdCy));
  });

  it('adjoint is exact for rays straddling the grid border', () => {
    const K = spec.size;
    const p = spec.pitchMm;
    // u = K − 0.6 (beyond the last centre), v = −0.3 (above the first row).
    const spots = { x: Float64Array.of((K - 0.6 - 4) * p, 0.1 * p), y: Float64Array.of(-(-0.3 - 4) * p, 0.2 * p), valid: Uint8Array.of(1, 1) };
    const rng = new Rng(3);
    const G = Float64Array.from({ length: K * K }, () => rng.normal());
    const adj = splatPsfAdjoint(spots, 0, 0, spec, splatPsf(spots, 0, 0, spec), G);
    const h = 1e-7 * p;
    for (const key of ['x', 'y'] as const) {
      const plus = Float64Array.from(spots[key]);
      const minus = Float64Array.from(spots[key]);
      plus[0] += h;
      minus[0] -= h;
      const fd = (loss({ ...spots, [key]: plus }, 0, 0, G) - loss({ ...spots, [key]: minus }, 0, 0, G)) / (2 * h);
      const an = key === 'x' ? adj.dx[0] : adj.dy[0];
      expect(Math.abs(fd)).toBeGreaterThan(0);
      expect(Math.abs(an - fd)).toBeLessThanOrEqual(1e-6 * Math.abs(fd));
    }
  });
});
