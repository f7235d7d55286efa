/**
 * The wave-optics oracle (../shared/oracles/wave/cooke_triplet.json, optiland 0.6.0 + independent
 * re-computation): every value of its `expected` block (sampling-converged continuum values of the
 * README's definitions) reproduced from the library prescription at the engine's default sampling,
 * within the file's `tolerance` (|Δ| ≤ atol + rtol·|expected|), through the `analyze --wave` JSON
 * keys where the issue defines them. And the fast F/1 singlet, whose diffraction analyses must say
 * they are undersampled instead of printing aliased numbers (the PSF and Strehl; the MTF at the
 * frequencies its quadrature cannot converge).
 */
import { describe, expect, it } from 'vitest';
import fs from 'node:fs';
import path from 'node:path';
import { parsePrescriptionJson } from '../../engine/io/json.ts';
import type { LensSystem } from '../../engine/optics/system.ts';
import { buildSystem } from '../../engine/paraxial/buildSystem.ts';
import { GlassLibrary } from '../../engine/materials/glassLibrary.ts';
import { wavefrontStatistics } from '../../engine/wave/wavefront.ts';
import { strehlRatio } from '../../engine/wave/strehl.ts';
import { mtfAtFrequencies } from '../../engine/wave/mtf.ts';
import { geometricEncircledEnergy, geometricMtf } from '../../engine/wave/geometric.ts';
import { diffractionPsf } from '../../engine/wave/psf.ts';
import { waveReport, type WaveReportJson } from '../../engine/wave/waveReport.ts';

const root = path.resolve(import.meta.dirname, '../..');
const oracle = JSON.parse(fs.readFileSync(path.resolve(root, '../shared/oracles/wave/cooke_triplet.json'), 'utf8'));
const tol = oracle.tolerance;
const exp = oracle.expected;

const lens = (file: string): LensSystem => buildSystem(parsePrescriptionJson(fs.readFileSync(path.join(root, 'lens-library', file), 'utf8'), file), GlassLibrary.builtin());

/** Max |Δ| over the arrays; throws naming the first value outside atol + rtol·|expected|. */
function compare(what: string, actual: (number | null)[], expected: number[], t: { atol?: number; rtol?: number }): number {
  let worst = 0;
  expect(actual.length, `${what}: length`).toBe(expected.length);
  expected.forEach((e, i) => {
    const a = actual[i];
    expect(a, `${what}[${i}] is a number`).not.toBeNull();
    const err = Math.abs(a! - e);
    worst = Math.max(worst, err);
    if (!(err <= (t.atol ?? 0) + (t.rtol ?? 0) * Math.abs(e))) throw new Error(`${what}[${i}]: got ${a}, expected ${e} (|Δ| = ${err.toExponential(3)})`);
  });
  return worst;
}

describe('wave oracle: Cooke triplet (expected block, default sampling)', () => {
  const system = lens('cooke-triplet.json');
  const nf = exp.opd_waves.rms.length;
  let report: WaveReportJson;
  const report_ = () => (report ??= waveReport(system, { frequencies: exp.mtf.frequencies_cyc_per_mm }));

  it('OPD statistics: RMS (piston removed, raw, piston+tilt removed), mean, P-V', () => {
    for (let f = 0; f < nf; f++) {
      const st = wavefrontStatistics(system, f, system.primaryIndex);
      compare(`rms_piston_removed[${f}]`, [st.rms], [exp.opd_waves.rms_piston_removed[f]], tol.opd_waves);
      compare(`rms[${f}]`, [st.rmsRaw], [exp.opd_waves.rms[f]], tol.opd_waves);
      compare(`rms_piston_tilt_removed[${f}]`, [st.rmsPistonTilt], [exp.opd_waves.rms_piston_tilt_removed[f]], tol.opd_waves);
      compare(`mean[${f}]`, [st.mean], [exp.opd_waves.mean[f]], tol.opd_waves);
      compare(`pv[${f}]`, [st.pv], [exp.opd_waves.pv[f]], tol.pv_waves);
    }
  });

  it('analyze --wave keys: rms_waves, pv_waves, zernike_fringe (UA, Z37 = R12⁰), zernike_standard (Noll), strehl', () => {
    const r = report_();
    expect(r.wavelength_um).toBe(0.55);
    for (let f = 0; f < nf; f++) {
      const F = r.fields[f];
      expect(F.field_index).toBe(f);
      compare(`rms_waves[${f}]`, [F.rms_waves], [exp.opd_waves.rms_piston_removed[f]], tol.opd_waves);
      compare(`pv_waves[${f}]`, [F.pv_waves], [exp.opd_waves.pv[f]], tol.pv_waves);
      compare(`zernike_fringe[${f}]`, F.zernike_fringe, exp.zernike_waves.fringe_UA[f], tol.zernike_waves);
      compare(`zernike_standard[${f}]`, F.zernike_standard, exp.zernike_waves.noll[f], tol.zernike_waves);
      compare(`strehl[${f}]`, [F.strehl], [exp.strehl_peak[f]], tol.strehl);
    }
    expect(r.warnings).toEqual([]);
  });

  it('Strehl at the chief-ray point, per wavelength (monochromatic)', () => {
    for (let f = 0; f < nf; f++) {
      for (let w = 0; w < 3; w++) compare(`strehl_at_chief_ray_point[${f}][${w}]`, [strehlRatio(system, f, w).atChiefRayPoint], [exp.strehl_at_chief_ray_point_per_wavelength[f][w]], tol.strehl);
    }
  });

  it('MTF (direction-cosine mapping) at the requested frequencies, diffraction limits and cutoffs', () => {
    const r = report_();
    const dc = exp.mtf.direction_cosine_mapping;
    for (let f = 0; f < nf; f++) {
      const m = r.mtf[f];
      expect(m.frequencies_cyc_per_mm).toEqual(exp.mtf.frequencies_cyc_per_mm);
      compare(`mtf[${f}].tangential`, m.tangential, dc.tangential[f], tol.mtf);
      compare(`mtf[${f}].sagittal`, m.sagittal, dc.sagittal[f], tol.mtf);
      compare(`mtf[${f}].diffraction_limit_tangential`, m.diffraction_limit_tangential, dc.diffraction_limited_tangential[f], tol.mtf);
      compare(`mtf[${f}].diffraction_limit_sagittal`, m.diffraction_limit_sagittal, dc.diffraction_limited_sagittal[f], tol.mtf);
      const mm = mtfAtFrequencies(system, f, [1]);
      compare(`cutoff[${f}]`, [mm.cutoffTangential, mm.cutoffSagittal], [dc.cutoff_tangential[f], dc.cutoff_sagittal[f]], { rtol: 1e-9 });
    }
  });

  it('geometric MTF (scaled by the paraxial-F/# diffraction limit) and its unscaled form', () => {
    for (let f = 0; f < nf; f++) {
      const g = geometricMtf(system, f, exp.mtf.frequencies_cyc_per_mm);
      compare(`geometric_mtf.tangential[${f}]`, g.tangential, exp.geometric_mtf.tangential[f], tol.geometric_mtf);
      compare(`geometric_mtf.sagittal[${f}]`, g.sagittal, exp.geometric_mtf.sagittal[f], tol.geometric_mtf);
      const u = geometricMtf(system, f, exp.mtf.frequencies_cyc_per_mm, { scale: 'none' });
      compare(`unscaled_tangential[${f}]`, u.tangential, oracle.geometric_mtf.converged.unscaled_tangential[f], tol.geometric_mtf);
    }
  });

  it('geometric encircled energy radii about the chief ray (analyze --wave, µm) and the centroid', () => {
    const r = report_();
    const t = tol.encircled_energy_radius_mm;
    for (let f = 0; f < nf; f++) {
      const e = r.encircled_energy[f];
      compare(`encircled_energy[${f}] (µm → mm)`, [e.r50_um! / 1e3, e.r80_um! / 1e3], exp.encircled_energy_radius_mm.chief_ray[f], t);
      const c = geometricEncircledEnergy(system, f, [0.5, 0.8], { reference: 'centroid' });
      compare(`centroid EE[${f}]`, c.radiiMm, exp.encircled_energy_radius_mm.centroid[f], t);
    }
  });
});

describe('F/1 singlet (Edmund 49-847, hundreds of waves): undersampling is reported, not aliased', () => {
  const system = lens('edmund-49-847.json');

  it('OPD, Zernike and encircled energy are numbers; Strehl and PSF are flagged and null; MTF only where converged', () => {
    const r = waveReport(system, { frequencies: [5, 20] });
    for (const F of r.fields) {
      expect(F.rms_waves!).toBeGreaterThan(100);
      expect(F.zernike_fringe.every(Number.isFinite)).toBe(true);
      expect(F.strehl).toBeNull();
    }
    // The README's converged on-axis diffraction MTF at 5 cycles/mm is 0.078 (stated to 2 digits):
    // the exact-frequency quadrature reaches it; 20 cycles/mm is beyond its sampling and is null.
    expect(Math.abs(r.mtf[0].tangential[0]! - 0.078)).toBeLessThan(1e-3);
    for (const m of [...r.mtf, ...r.mtf_polychromatic]) {
      expect(m.undersampled).toBe(true);
      expect(m.tangential[1]).toBeNull();
      expect(m.sagittal[1]).toBeNull();
    }
    expect(r.encircled_energy.every((e) => e.r50_um! > 100 && e.r80_um! > e.r50_um!)).toBe(true);
    expect(r.warnings.filter((w) => /PSF is undersampled/.test(w))).toHaveLength(system.fieldY.length);
    expect(r.warnings.filter((w) => /MTF undersampled at .*20 cycles\/mm/.test(w))).toHaveLength(2 * system.fieldY.length);
    const psf = diffractionPsf(system, 0);
    expect(psf.undersampled).toBe(true);
    expect(psf.maxPhaseStepWaves).toBeGreaterThan(0.25);
  });
});
