/** The command line as a user runs it: real processes, real files, exit codes and stderr. */
import { describe, expect, it } from 'vitest';
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '../..');
const bin = path.join(root, 'bin/lens-studio.js');
const run = (...args: string[]) => spawnSync(process.execPath, [bin, ...args], { cwd: root, encoding: 'utf8' });

describe('lens-studio analyze', () => {
  it('prints the report keys of the issue with --json and no NaN', () => {
    const out = execFileSync(process.execPath, [bin, 'analyze', 'lens-library/double-gauss.json', '--json'], { cwd: root, encoding: 'utf8' });
    const r = JSON.parse(out);
    for (const k of ['name', 'units', 'wavelengths_um', 'primary_wavelength_um', 'fields', 'paraxial', 'spot', 'seidel', 'distortion_percent', 'field_curvature']) expect(r).toHaveProperty(k);
    for (const k of ['efl', 'bfl', 'ffl', 'fno', 'epd', 'epl', 'xpd', 'xpl', 'invariant']) expect(Number.isFinite(r.paraxial[k])).toBe(true);
    expect(r.spot).toHaveLength(9);
    expect(r.paraxial.efl).toBeCloseTo(100.00374787083724, 9);
    expect(r.distortion_percent[1].max_field).toBeCloseTo(-1.06, 2);
    expect(out).not.toMatch(/NaN/);
  });

  it('reads as a report', () => {
    const r = run('analyze', 'lens-library/cooke-triplet.json');
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/EFL\s+effective focal length\s+49\.99978/);
    expect(r.stdout).toMatch(/Seidel sums/);
  });

  it('fails with one readable line for a missing file, malformed JSON, a bad field, an unknown glass', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ls-cli-'));
    const missing = run('analyze', path.join(dir, 'nope.json'));
    expect(missing.status).not.toBe(0);
    expect(missing.stderr.trim().split('\n')).toHaveLength(1);
    expect(missing.stderr).toMatch(/nope\.json: cannot read/);

    const bad = path.join(dir, 'bad.json');
    fs.writeFileSync(bad, '{ "format": "lens-studio/1", ');
    const r1 = run('analyze', bad);
    expect(r1.status).toBe(1);
    expect(r1.stderr).toMatch(/bad\.json: malformed JSON/);
    expect(r1.stderr).not.toMatch(/at .*\.ts:\d+/);

    const lens = JSON.parse(fs.readFileSync(path.join(root, 'lens-library/cooke-triplet.json'), 'utf8'));
    lens.surfaces[3].thickness = 'thick';
    fs.writeFileSync(bad, JSON.stringify(lens));
    const r2 = run('analyze', bad);
    expect(r2.status).toBe(1);
    expect(r2.stderr).toMatch(/surfaces\[3\]\.thickness: expected a number/);

    lens.surfaces[3].thickness = 4;
    lens.surfaces[2].radius = 0;
    fs.writeFileSync(bad, JSON.stringify(lens));
    expect(run('analyze', bad).stderr).toMatch(/surfaces\[2\]\.radius: radius 0 is not a surface/);

    lens.surfaces[2].radius = -22;
    lens.surfaces[2].material = { name: 'N-BK77' };
    fs.writeFileSync(bad, JSON.stringify(lens));
    const r3 = run('analyze', bad);
    expect(r3.status).toBe(1);
    expect(r3.stderr).toMatch(/surfaces\[2\]\.material: unknown glass "N-BK77"/);
  });
});

describe('lens-studio ray', () => {
  it('traces the Cooke full-field chief ray as the oracle states', () => {
    const r = JSON.parse(execFileSync(process.execPath, [bin, 'ray', 'lens-library/cooke-triplet.json', '--field', '0,1', '--pupil', '0,0', '--json'], { cwd: root, encoding: 'utf8' }));
    expect(r.status).toBe('ok');
    expect(r.rows[0].y).toBeCloseTo(-4.053105622549454, 10);
    expect(r.rows[3].y).toBeCloseTo(0.2271851597781751, 10);
    expect(r.rows.at(-1).y).toBeCloseTo(18.136025932760994, 10);
  });

  it('flags a ray that misses instead of printing NaN', () => {
    const r = run('ray', 'lens-library/edmund-49-847.json', '--field', '0,1', '--pupil', '0,40');
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/miss|total internal reflection/);
    expect(r.stdout).not.toMatch(/NaN/);
  });
});
