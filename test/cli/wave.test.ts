/**
 * The wave commands as a user runs them: `analyze --wave` (the JSON keys), `mtf`, `psf`
 * (PNG written atomically; refused when undersampled), and readable errors for bad options.
 */
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '../..');
const bin = path.join(root, 'bin/lens-studio.js');
const run = (...args: string[]) => spawnSync(process.execPath, [bin, ...args], { cwd: root, encoding: 'utf8' });

describe('lens-studio analyze --wave', () => {
  it('adds one `wave` object with exactly the issue keys, and no NaN', () => {
    const r = run('analyze', 'lens-library/double-gauss.json', '--wave', '--frequencies', '10,40', '--json');
    expect(r.status).toBe(0);
    expect(r.stdout).not.toMatch(/NaN/);
    const { wave } = JSON.parse(r.stdout);
    expect(wave.wavelength_um).toBe(0.5876);
    expect(wave.fields).toHaveLength(3);
    for (const k of ['field_index', 'rms_waves', 'pv_waves', 'zernike_fringe', 'zernike_standard', 'strehl']) expect(wave.fields[0]).toHaveProperty(k);
    expect(wave.fields[1].zernike_fringe).toHaveLength(37);
    expect(wave.fields[1].zernike_standard).toHaveLength(37);
    for (const k of ['field_index', 'frequencies_cyc_per_mm', 'tangential', 'sagittal', 'diffraction_limit_tangential', 'diffraction_limit_sagittal']) expect(wave.mtf[2]).toHaveProperty(k);
    expect(wave.mtf[2].frequencies_cyc_per_mm).toEqual([10, 40]);
    expect(wave.mtf_polychromatic).toHaveLength(3);
    for (const k of ['field_index', 'r50_um', 'r80_um']) expect(wave.encircled_energy[0]).toHaveProperty(k);
    // Diffraction-limited values bound the MTF; Strehl is a fraction.
    for (const m of wave.mtf) m.tangential.forEach((v: number, i: number) => expect(v).toBeLessThanOrEqual(m.diffraction_limit_tangential[i] + 1e-9));
    for (const f of wave.fields) expect(f.strehl > 0 && f.strehl < 1).toBe(true);
  });

  it('reads as a wavefront and MTF report', () => {
    const r = run('analyze', 'lens-library/cooke-triplet.json', '--wave');
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/RMS \(to chief\)/);
    expect(r.stdout).toMatch(/Zernike Fringe coefficients/);
    expect(r.stdout).toMatch(/Diffraction MTF/);
    expect(r.stdout).toMatch(/Geometric encircled energy/);
  });

  it('rejects a bad --frequencies list with one readable line', () => {
    const r = run('analyze', 'lens-library/cooke-triplet.json', '--wave', '--frequencies', '5,x');
    expect(r.status).toBe(2);
    expect(r.stderr.trim()).toMatch(/--frequencies: "x" is not a frequency/);
  });
});

describe('lens-studio mtf and psf', () => {
  it('mtf --json gives per-field T/S and the polychromatic MTF', () => {
    const r = run('mtf', 'lens-library/cooke-triplet.json', '--frequencies', '20', '--field', '3', '--json');
    expect(r.status).toBe(0);
    const j = JSON.parse(r.stdout);
    expect(j.mtf).toHaveLength(1);
    expect(j.mtf[0].field_index).toBe(2);
    expect(j.mtf[0].tangential[0]).toBeCloseTo(0.594185520320275, 3);
    expect(j.mtf_polychromatic[0].sagittal[0]).toBeGreaterThan(0);
  });

  it('psf writes a PNG and JSON with the sampling stated; refuses an undersampled PSF', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ls-psf-'));
    const png = path.join(dir, 'psf.png');
    const r = run('psf', 'lens-library/cooke-triplet.json', '--field', '1', '--png', png, '--json');
    expect(r.status).toBe(0);
    const j = JSON.parse(r.stdout);
    expect(j.size).toBe(128);
    expect(j.intensity).toHaveLength(128);
    expect(j.strehl).toBeCloseTo(0.3090151761153229, 3);
    expect(j.pixel_um).toBeGreaterThan(0);
    expect(fs.readFileSync(png).subarray(1, 4).toString()).toBe('PNG');
    const bad = path.join(dir, 'aliased.png');
    const u = run('psf', 'lens-library/edmund-49-847.json', '--field', '1', '--png', bad);
    expect(u.status).toBe(1);
    expect(u.stderr).toMatch(/undersampled/);
    expect(fs.existsSync(bad)).toBe(false);
    expect(run('psf', 'lens-library/cooke-triplet.json', '--field', '7').stderr).toMatch(/--field: "7" is not a field number 1…3/);
  });
});
