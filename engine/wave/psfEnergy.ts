/**
 * Diffraction encircled and ensquared energy from an FFT PSF (engine/wave/psf.ts), about its centre
 * pixel (the reference chief ray). A pixel of side p whose centre is at distance d (circle) or at
 * Chebyshev distance d (square) from the centre counts with the fraction clamp((r − d)/p + ½, 0, 1)
 * — the exact coverage for a straight edge — so the energy is continuous in r. Energy is relative
 * to the total on the FFT grid (its field of view G·p; the undersampling guard keeps the PSF inside).
 */
import type { DiffractionPsf } from './psf.ts';

/** Radii (circle) or half-widths (square), µm, enclosing each fraction of the energy. */
export function psfEncircledEnergy(psf: DiffractionPsf, fractions: number[], shape: 'circle' | 'square' = 'circle'): number[] {
  const G = psf.size, p = psf.pixelUm;
  const d = new Float64Array(G * G);
  let total = 0;
  for (let i = 0; i < G; i++) {
    for (let j = 0; j < G; j++) {
      const dx = (j - G / 2) * p, dy = (i - G / 2) * p;
      d[i * G + j] = shape === 'circle' ? Math.hypot(dx, dy) : Math.max(Math.abs(dx), Math.abs(dy));
      total += psf.data[i * G + j];
    }
  }
  const energy = (r: number) => {
    let e = 0;
    for (let k = 0; k < d.length; k++) {
      const c = (r - d[k]) / p + 0.5;
      if (c <= 0) continue;
      e += psf.data[k] * (c >= 1 ? 1 : c);
    }
    return e / total;
  };
  return fractions.map((f) => {
    let lo = 0, hi = (G / 2) * p * Math.SQRT2;
    for (let it = 0; it < 50; it++) {
      const mid = (lo + hi) / 2;
      if (energy(mid) >= f) hi = mid;
      else lo = mid;
    }
    return hi;
  });
}
