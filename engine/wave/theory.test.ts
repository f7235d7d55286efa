/**
 * Wave analyses against closed forms: a perfect paraboloid on axis (OPD 0, Strehl 1, the Airy MTF
 * (2/π)(φ − cos φ sin φ), φ = acos ν), the same mirror defocused (only the Zernike defocus term,
 * W020 = Δz/(8N²), in waves /λ; exact Strehl sinc²(πW020) of pure defocus, and Maréchal's
 * exp(−(2πσ)²) for small σ), and geometric/diffraction consistency of the PSF's energy.
 */
import { describe, expect, it } from 'vitest';
import type { Prescription } from '../io/prescription.ts';
import { GlassLibrary } from '../materials/glassLibrary.ts';
import { buildSystem } from '../paraxial/buildSystem.ts';
import { wavefrontMap, wavefrontStatistics } from './wavefront.ts';
import { fitZernike } from './zernike.ts';
import { strehlRatio } from './strehl.ts';
import { fftMtf, mtfAtFrequencies, throughFocusMtf } from './mtf.ts';
import { diffractionPsf } from './psf.ts';
import { psfEncircledEnergy } from './psfEnergy.ts';
import { diffractionLimitedMtf } from './pupilMapping.ts';

const LAMBDA_UM = 0.55;
/** F/10 paraboloid (f = 200 mm, EPD 20 mm); the image `dz` mm beyond the focus along the light. */
const paraboloid = (dz = 0, epd = 20): Prescription => ({
  format: 'lens-studio/1', name: 'paraboloid', units: 'mm', object: { distance: 'infinity' },
  aperture: { type: 'EPD', value: epd }, fields: { type: 'angle', points: [{ x: 0, y: 0 }] },
  wavelengths: { valuesUm: [LAMBDA_UM], primaryIndex: 0 },
  surfaces: [
    { type: 'standard', radius: null, thickness: 100, stop: true },
    { type: 'standard', radius: -400, conic: -1, thickness: -200 - dz, material: 'MIRROR' },
  ],
});
const lib = GlassLibrary.builtin();

describe('perfect paraboloid on axis', () => {
  const system = buildSystem(paraboloid(), lib);

  it('has OPD RMS < 1e-6 waves and Strehl 1', () => {
    const st = wavefrontStatistics(system, 0, 0);
    expect(st.rms!).toBeLessThan(1e-6);
    const s = strehlRatio(system, 0, 0);
    expect(s.undersampled).toBe(false);
    expect(Math.abs(s.peak! - 1)).toBeLessThan(1e-9);
    expect(Math.abs(s.atChiefRayPoint! - 1)).toBeLessThan(1e-9);
    // The FFT PSF peaks at 1 in Strehl units at the centre pixel.
    const psf = diffractionPsf(system, 0);
    expect(psf.data[(psf.size / 2) * psf.size + psf.size / 2]).toBeCloseTo(1, 9);
  });

  it('has the Airy MTF (2/π)(φ − cos φ sin φ): exactly at requested frequencies, to 1e-3 on the FFT curve', () => {
    const freqs = [10, 40, 80, 120, 160, 180];
    const m = mtfAtFrequencies(system, 0, freqs);
    // Cutoff 2·NA/λ: NA = sin of the marginal ray's angle, 10 / √(200² + 10²)... for a paraboloid
    // the marginal ray meets the focus from the mirror point at height 10, sag 10²/800.
    const na = 10 / Math.hypot(10, 200 - 100 / 800);
    expect(m.cutoffTangential).toBeCloseTo((2 * na) / (LAMBDA_UM * 1e-3), 6);
    freqs.forEach((f, i) => {
      const airy = diffractionLimitedMtf(f / m.cutoffTangential);
      const nu = f / m.cutoffTangential, phi = Math.acos(nu);
      expect(airy).toBeCloseTo((2 / Math.PI) * (phi - Math.cos(phi) * Math.sin(phi)), 14);
      expect(Math.abs(m.tangential[i]! - airy)).toBeLessThan(1e-6);
      expect(Math.abs(m.sagittal[i]! - airy)).toBeLessThan(1e-6);
      expect(Math.abs(m.diffractionLimitTangential[i] - airy)).toBeLessThan(1e-9);
    });
    // The FFT curve (a sampled disk) at 128 pupil samples: within 1e-3 at every grid frequency.
    const c = fftMtf(diffractionPsf(system, 0, { pupilSamples: 128 }));
    for (let s = 0; s < c.frequencies.length; s++) {
      const airy = diffractionLimitedMtf(c.frequencies[s] / m.cutoffTangential);
      expect(Math.abs(c.tangential[s] - airy)).toBeLessThan(1e-3);
      expect(Math.abs(c.sagittal[s] - airy)).toBeLessThan(1e-3);
    }
  });

  it('diffraction-limited PSF option: equals the aberration-free PSF, its FFT MTF the Airy MTF', () => {
    const dl = diffractionPsf(system, 0, { pupilSamples: 128, diffractionLimited: true });
    expect(diffractionPsf(system, 0, { pupilSamples: 128 }).diffractionLimitedData).toBeNull();
    const G = dl.size;
    expect(dl.diffractionLimitedData![(G / 2) * G + G / 2]).toBeCloseTo(1, 12);
    // A perfect mirror: the aberrated and aberration-free PSFs agree (OPD < 1e-6 waves).
    let maxDiff = 0;
    for (let i = 0; i < G * G; i++) maxDiff = Math.max(maxDiff, Math.abs(dl.data[i] - dl.diffractionLimitedData![i]));
    expect(maxDiff).toBeLessThan(1e-6);
    const cutoff = mtfAtFrequencies(system, 0, [1]).cutoffTangential;
    const c = fftMtf({ ...dl, data: dl.diffractionLimitedData! });
    for (let s = 0; s < c.frequencies.length; s++) {
      const airy = diffractionLimitedMtf(c.frequencies[s] / cutoff);
      expect(Math.abs(c.tangential[s] - airy)).toBeLessThan(1e-3);
      expect(Math.abs(c.sagittal[s] - airy)).toBeLessThan(1e-3);
    }
  });

  it('Airy encircled energy: 83.8 % inside the first dark ring 0.6098·λ/NA', () => {
    const psf = diffractionPsf(system, 0, { pupilSamples: 256, padding: 4 });
    const na = 10 / Math.hypot(10, 200 - 100 / 800);
    const [r] = psfEncircledEnergy(psf, [0.8378], 'circle');
    expect(Math.abs(r / ((0.6098 * LAMBDA_UM) / na) - 1)).toBeLessThan(0.02);
    // A square of half-width a contains the circle of radius a: ensquared half-width ≤ radius.
    const [sq] = psfEncircledEnergy(psf, [0.8378], 'square');
    expect(sq).toBeLessThan(r);
    expect(sq).toBeGreaterThan(r / Math.SQRT2);
  });
});

describe('diffraction-limited PSF of an aberrated, vignetted pupil', () => {
  it('keeps the clipped pupil (its FFT MTF is the Airy MTF of the smaller disk) and drops the OPD', () => {
    // The defocused mirror clipped to a semi-diameter of 9 mm: the collimated 20 mm beam keeps a
    // disk of 0.9 of the pupil radius, so the limit is the Airy MTF at ν = f / (0.9·cutoff).
    const p = paraboloid(0.2);
    (p.surfaces[1] as { semiDiameter?: number }).semiDiameter = 9;
    const system = buildSystem(p, lib);
    const psf = diffractionPsf(system, 0, { pupilSamples: 128, diffractionLimited: true });
    const G = psf.size;
    // Aberrated (0.2 mm of defocus): the peak drops; aberration-free: 1 at the centre pixel.
    expect(psf.data[(G / 2) * G + G / 2]).toBeLessThan(0.85);
    expect(psf.diffractionLimitedData![(G / 2) * G + G / 2]).toBeCloseTo(1, 12);
    const c = fftMtf({ ...psf, data: psf.diffractionLimitedData! });
    const cutoff = mtfAtFrequencies(buildSystem(paraboloid(), lib), 0, [1]).cutoffTangential;
    let checked = 0;
    for (let s = 1; s < c.frequencies.length; s++) {
      const nu = c.frequencies[s] / cutoff;
      if (nu > 0.85) break;
      expect(Math.abs(c.tangential[s] - diffractionLimitedMtf(nu / 0.9))).toBeLessThan(2e-3);
      expect(Math.abs(c.sagittal[s] - diffractionLimitedMtf(nu / 0.9))).toBeLessThan(2e-3);
      // Clearly below the unclipped pupil's limit at mid frequencies.
      if (nu > 0.2 && nu < 0.6) expect(c.tangential[s]).toBeLessThan(diffractionLimitedMtf(nu) - 0.02);
      checked++;
    }
    expect(checked).toBeGreaterThan(40);
  });
});

describe('defocused perfect lens', () => {
  it('has only the Zernike defocus term, W020 = Δz/(8N²)/λ', () => {
    const dz = 0.05; // mm beyond the focus: best focus in front of the image, OPD > 0 at the edge
    const system = buildSystem(paraboloid(dz), lib);
    const st = wavefrontStatistics(system, 0, 0);
    const q = st.quadrature;
    const fit = fitZernike('fringe', 37, q.px, q.py, st.samples.opd, q.weight);
    const N = 200 / 20;
    const w020 = dz / (8 * N * N) / (LAMBDA_UM * 1e-3);
    // W = W020 ρ² = (W020/2)(Z1 + Z4); terms of higher order in NA are (NA²/4) ~ 6e-4 relative.
    expect(fit.coefficients[3] / (w020 / 2)).toBeCloseTo(1, 2);
    expect(Math.abs(fit.coefficients[3] / (w020 / 2) - 1)).toBeLessThan(2e-3);
    // Every other term is at the round-off of the traced OPD (1e-12 mm ≈ 2e-9 waves).
    for (let j = 1; j < 37; j++) if (j !== 3 && j !== 8) expect(Math.abs(fit.coefficients[j])).toBeLessThan(1e-7);
    expect(Math.abs(fit.coefficients[8])).toBeLessThan(1e-3 * Math.abs(fit.coefficients[3])); // Z9: the NA² correction
    // The image shift option gives the same wavefront as the moved image surface.
    const shifted = wavefrontStatistics(buildSystem(paraboloid(), lib), 0, 0, { focusShiftMm: dz });
    expect(Math.abs(shifted.rms! - st.rms!)).toBeLessThan(1e-9);
  });

  it('wavefront map: W020·ρ² on the grid (chief-ray reference), masked outside the pupil', () => {
    const dz = 0.05;
    const system = buildSystem(paraboloid(dz), lib);
    const map = wavefrontMap(system, 0, 0, 32);
    const w020 = dz / (8 * 10 * 10) / (LAMBDA_UM * 1e-3);
    let inside = 0;
    for (let i = 0; i < 32; i++) {
      for (let j = 0; j < 32; j++) {
        const x = -1 + (2 * j + 1) / 32, y = -1 + (2 * i + 1) / 32, r2 = x * x + y * y;
        const k = i * 32 + j;
        expect(map.valid[k]).toBe(r2 <= 1 ? 1 : 0);
        if (r2 > 1) expect(map.opd[k]).toBe(0);
        else {
          inside++;
          expect(Math.abs(map.opd[k] - w020 * r2)).toBeLessThan(2e-3 * w020);
        }
      }
    }
    expect(inside).toBeGreaterThan(700);
    expect(map.max).toBeGreaterThan(0.9 * w020);
  });

  it('Strehl of pure defocus is sinc²(π·W020); Maréchal exp(−(2πσ)²) holds for small σ', () => {
    for (const dz of [0.005, 0.01, 0.02]) {
      const system = buildSystem(paraboloid(dz), lib);
      const st = wavefrontStatistics(system, 0, 0);
      const s = strehlRatio(system, 0, 0);
      const a = 2 * Math.sqrt(3) * st.rms!; // W = a ρ² has σ = a/√12
      const sinc = Math.sin(Math.PI * a) / (Math.PI * a);
      expect(Math.abs(s.peak! - sinc * sinc)).toBeLessThan(1e-4);
      const marechal = Math.exp(-((2 * Math.PI * st.rms!) ** 2));
      expect(Math.abs(s.peak! - marechal)).toBeLessThan(Math.PI ** 4 * a ** 4 / 90 + 1e-4);
      if (st.rms! < 0.03) expect(Math.abs(s.peak! - marechal)).toBeLessThan(2e-4);
    }
  });

  it('through-focus MTF peaks at the focus', () => {
    const system = buildSystem(paraboloid(), lib);
    const tf = throughFocusMtf(system, 0, 100, [-0.1, -0.05, 0, 0.05, 0.1]);
    expect(tf.tangential[2]).toBeCloseTo(diffractionLimitedMtf(100 / mtfAtFrequencies(system, 0, [1]).cutoffTangential), 6);
    expect(tf.tangential[1]!).toBeLessThan(tf.tangential[2]!);
    expect(tf.tangential[3]!).toBeLessThan(tf.tangential[2]!);
    // ±Δz are mirror images to first order in Δz (W → −W); the exact defocus breaks it at ~1e-5.
    expect(Math.abs(tf.tangential[1]! - tf.tangential[3]!)).toBeLessThan(1e-4);
  });
});
