/** `lens-studio glass` as a user runs it: a real process, exit codes and stderr. */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const root = path.resolve(import.meta.dirname, '../../..');
const bin = path.join(root, 'bin/lens-studio.js');
const run = (...args: string[]) => spawnSync(process.execPath, [bin, 'glass', ...args], { cwd: root, encoding: 'utf8' });

describe('lens-studio glass', () => {
  it('prints n at F, d, C, nd and Vd from the formula and as the catalog states them', () => {
    const r = run('N-BK7');
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^SCHOTT:N-BK7 {2}formula 2 \(Sellmeier 1\)/);
    // SCHOTT data sheet: nF = 1.52238, nd = 1.51680, nC = 1.51432, Vd = 64.17
    expect(r.stdout).toMatch(/0\.4861327 +1\.52237/);
    expect(r.stdout).toMatch(/0\.6562725 +1\.51432/);
    expect(r.stdout).toMatch(/nd {2}1\.516800 +\(catalog 1\.5168\)/);
    expect(r.stdout).toMatch(/Vd {2}64\.167\d +\(catalog 64\.17\)/);
  });

  it('--json with --catalog, --wavelengths and --glass-dir', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ls-glass-cli-'));
    fs.writeFileSync(path.join(dir, 'acme.agf'), 'NM N-BK7 1 0 1.5 60 0 0\nCD 2.25 0 0 0 0 0\n');
    const r = run('n-bk7', '--catalog', 'acme', '--glass-dir', dir, '--wavelengths', '0.5,1', '--json');
    expect(r.status).toBe(0);
    const j = JSON.parse(r.stdout);
    expect(j).toMatchObject({ name: 'N-BK7', catalog: 'ACME', formula: 1, wavelengths_um: [0.5, 1], n: [1.5, 1.5], catalog_nd: 1.5 });
    expect(j.vd).toBeNull();
    // Without --catalog the user folder is searched before the built-in table.
    expect(JSON.parse(run('N-BK7', '--glass-dir', dir, '--json').stdout).catalog).toBe('ACME');
  });

  it('unknown glass: one line with suggestions, exit 1; a bad wavelength list: exit 2', () => {
    const r = run('N-BK8');
    expect(r.status).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/unknown glass "N-BK8".*did you mean SCHOTT:N-BK7/);
    const w = run('N-BK7', '--wavelengths', '0.5,-1');
    expect(w.status).toBe(2);
    expect(w.stderr).toMatch(/--wavelengths: "-1" is not a wavelength/);
  });
});
