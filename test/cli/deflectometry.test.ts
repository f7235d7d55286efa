/**
 * `lens-studio deflectometry simulate | calibrate` as a user runs them: a simulated session of the
 * real rig (binned 16×, both cameras) round-trips to the true lens; bad input fails with one line.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { decodeGray16 } from '../../app/node/png16.ts';

const root = path.resolve(import.meta.dirname, '../..');
const bin = path.join(root, 'bin/lens-studio.js');
const rigFile = path.resolve(root, '../shared/data/deflectometry/rig-2021-04-03.json');
const lensFile = path.join(root, 'lens-library/thorlabs-le1234-a.json');
const run = (...args: string[]) => spawnSync(process.execPath, [bin, ...args], { cwd: root, encoding: 'utf8' });
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'ls-defl-cli-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

describe('lens-studio deflectometry', () => {
  it('simulate → calibrate round-trips the LE1234-A from a flat start', () => {
    const session = path.join(tmp, 'session');
    const sim = run('deflectometry', 'simulate', '--rig', rigFile, '--lens', lensFile, '--pose-offset', '0.3,-0.2,0.4,0.5,-0.4', '--screen-offset', '0.15,-0.25', '--bin', '16', '--seed', '2', '--out', session);
    expect(sim.stderr).toBe('');
    expect(sim.status).toBe(0);
    expect(sim.stdout).toMatch(/wrote 96 images \(camera1 128×128, camera2 128×128\)/);
    const manifest = JSON.parse(fs.readFileSync(path.join(session, 'session.json'), 'utf8'));
    expect(manifest.binning).toBe(16);
    const img = decodeGray16(fs.readFileSync(path.join(session, manifest.images[0].file)));
    expect([img.width, img.height, img.sourceBitDepth]).toEqual([128, 128, 16]);

    const out = path.join(tmp, 'result');
    const cal = run('deflectometry', 'calibrate', session, '--out', out);
    expect(cal.status).toBe(0);
    expect(cal.stdout).toMatch(/converged after \d+ iterations/);
    const result = JSON.parse(fs.readFileSync(path.join(out, 'result.json'), 'utf8'));
    const truthPose = manifest.simulation.pose;
    expect(Math.abs(result.surfaces[0].radiusMm / -82.23 - 1)).toBeLessThan(1e-3);
    expect(Math.abs(result.surfaces[1].radiusMm / -32.14 - 1)).toBeLessThan(1e-3);
    expect(Math.abs(result.pose.zMm - truthPose.zMm)).toBeLessThan(0.01);
    expect(Math.abs(result.pose.tiltXDeg - truthPose.tiltXDeg)).toBeLessThan(0.01);
    expect(result.variables.find((v: { label: string }) => v.label === 'c1').initial).toBe(0);
    expect(result.lossHistory.length).toBeGreaterThan(2);
    expect(result.reprojection.rmsUm).toBeLessThan(2);
    // The fitted lens is a valid prescription the other commands read.
    const fitted = run('analyze', path.join(out, 'fitted-lens.json'), '--json');
    expect(fitted.status).toBe(0);
    expect(JSON.parse(fitted.stdout).paraxial.efl).toBeGreaterThan(95);
    // Error maps: 16-bit, the camera's size, 65535 off the lens, small values on it.
    const map = decodeGray16(fs.readFileSync(path.join(out, 'error-map-camera1.png')));
    expect([map.width, map.height]).toEqual([128, 128]);
    const used = Array.from(map.data).filter((v) => v !== 65535);
    expect(used.length).toBe(result.reprojection.cameras[0].lensPixels);
    expect(Math.max(...used)).toBeLessThan(2000); // < 20 µm
    expect(fs.readFileSync(path.join(out, 'loss-history.csv'), 'utf8')).toMatch(/^iteration,merit_mm2,rms_um\n0,/);
  });

  it('fails with one readable line for bad input', () => {
    const badRig = path.join(tmp, 'bad-rig.json');
    const raw = JSON.parse(fs.readFileSync(rigFile, 'utf8'));
    raw.cameras[0].R_matlab[0][0] = 2;
    fs.writeFileSync(badRig, JSON.stringify(raw));
    const r1 = run('deflectometry', 'simulate', '--rig', badRig, '--lens', lensFile, '--out', path.join(tmp, 'x'));
    expect(r1.status).toBe(1);
    expect(r1.stderr.trim().split('\n')).toHaveLength(1);
    expect(r1.stderr).toMatch(/bad-rig\.json: cameras\[0\] \(camera1\): R_matlab is not a rotation/);
    expect(fs.existsSync(path.join(tmp, 'x'))).toBe(false);

    const r2 = run('deflectometry', 'simulate', '--rig', rigFile, '--lens', lensFile, '--pose', '300,300,-49,0,0', '--bin', '32', '--out', path.join(tmp, 'y'));
    expect(r2.status).toBe(1);
    expect(r2.stderr).toMatch(/thorlabs-le1234-a\.json: the lens at \(300\.00, 300\.00, -49\.00\) mm is outside the view of camera1/);
    expect(fs.existsSync(path.join(tmp, 'y', 'session.json'))).toBe(false);

    const r3 = run('deflectometry', 'calibrate', path.join(tmp, 'no-session'), '--out', path.join(tmp, 'z'));
    expect(r3.status).toBe(1);
    expect(r3.stderr).toMatch(/no-session: no such session folder/);

    const r4 = run('deflectometry', 'simulate', '--rig', rigFile, '--lens', lensFile, '--bin', 'two', '--out', path.join(tmp, 'w'));
    expect(r4.status).toBe(2);
    expect(r4.stderr).toMatch(/--bin: expected a positive integer, got "two"/);
  });
});
