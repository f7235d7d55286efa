/** `lens-studio e2e` as a user runs it: tiny configurations, real processes and files. */
import { describe, expect, it } from 'vitest';
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PNG } from 'pngjs';

const root = path.resolve(import.meta.dirname, '../..');
const bin = path.join(root, 'bin/lens-studio.js');
const photos = path.resolve(root, '../shared/data/images');
const run = (...args: string[]) =>
  spawnSync(process.execPath, [bin, 'e2e', ...args], { cwd: root, encoding: 'utf8', env: { ...process.env, LENS_STUDIO_TF_BACKEND: 'wasm' } });
const tiny = ['--lens', 'lens-library/cooke-triplet.json', '--steps', '3', '--warmup', '1', '--patch', '32', '--batch', '2', '--eval', '3',
  '--field-grid', '3', '--psf-size', '11', '--rings', '4', '--unet-levels', '2', '--unet-filters', '4', '--checkpoint-every', '2'];

describe('lens-studio e2e', () => {
  it('runs the three arms on dead leaves and writes the lenses, networks, report and pictures', () => {
    const out = fs.mkdtempSync(path.join(os.tmpdir(), 'ls-e2e-'));
    const r = run(...tiny, '--dead-leaves', '--sequential-iterations', '2', '--out', out);
    expect(r.stderr).toMatch(/TensorFlow.js backend: wasm/);
    expect(r.stderr).toMatch(/\(b\) sequential design: 2 iterations/);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/\| \(a\) nominal lens \+ reconstruction trained on its blur \|/);
    const report = JSON.parse(fs.readFileSync(path.join(out, 'report.json'), 'utf8'));
    expect(report.format).toBe('lens-studio-e2e-report/2');
    for (const arm of ['nominal', 'sequential', 'joint']) {
      for (const k of ['psnr_db', 'ssim', 'sensor_psnr_db', 'sensor_ssim']) expect(Number.isFinite(report.arms[arm][k])).toBe(true);
      expect(report.arms[arm].per_depth).toHaveLength(1); // the lens's own object distance (infinity)
      expect(report.arms[arm].per_depth[0].depth_mm).toBeNull();
      // one object distance: the depth-averaged and true-depth Wiener bounds are the same filter
      const b = report.arms[arm].wiener_bounds;
      expect(b.seed).toBe(1);
      expect(b.true_depth_psf.log_k).toBe(b.depth_averaged_psf.log_k);
      expect(Math.abs(b.true_depth_psf.psnr_db - b.depth_averaged_psf.psnr_db)).toBeLessThan(1e-9);
    }
    expect(fs.readFileSync(path.join(out, 'report.md'), 'utf8')).toMatch(/### What a linear reconstruction reaches through each lens \(seed 1\)/);
    expect(report.held_out).toEqual({ patches_per_seed: 3, depths: 1, seeds: 1 });
    expect(report.aims).toEqual([]); // a lens without a task states no aims
    expect(report.paired.joint_vs_nominal.n).toBe(3);
    expect(Number.isFinite(report.paired.joint_vs_sequential.mean_db)).toBe(true);
    // (a) never moves the lens, (c) does after the warm-up
    expect(report.arms.nominal.lens.every((v: { initial: number; final: number }) => v.final === v.initial)).toBe(true);
    expect(report.arms.joint.lens.some((v: { initial: number; final: number }) => v.final !== v.initial)).toBe(true);
    const lens = JSON.parse(fs.readFileSync(path.join(out, 'lens-optimized.json'), 'utf8'));
    expect(lens.format).toBe('lens-studio/1');
    expect(lens.meta.e2e.steps).toBe(3);
    expect(fs.readFileSync(path.join(out, 'report.md'), 'utf8')).toMatch(/\| \(c\) joint: lens and reconstruction trained together \|/);
    for (const f of ['network/checkpoint.json', 'nominal-network/checkpoint.json', 'sequential-network/checkpoint.json', 'lens-sequential.json', 'images/restorations.png', 'images/psf-depth.png', 'images/psnr-depth.png', 'images/layout.png']) {
      expect(fs.existsSync(path.join(out, f))).toBe(true);
    }
    const strip = PNG.sync.read(fs.readFileSync(path.join(out, 'images/restorations.png')));
    expect([strip.width, strip.height]).toEqual([6 * 64 + 5 * 4, 64]); // six 32-px patches enlarged 2×, one object distance
    const psfs = PNG.sync.read(fs.readFileSync(path.join(out, 'images/psf-depth.png')));
    expect([psfs.width, psfs.height]).toEqual([11 * 4 + 2 * 2, 3 * 11 * 4 + 4 * 2]); // three arms × one distance
    expect(JSON.stringify(report)).not.toMatch(/NaN/);

    // --resume after a finished run retrains nothing and reproduces the same report numbers
    const again = run(...tiny, '--dead-leaves', '--sequential-iterations', '2', '--out', out, '--resume');
    expect(again.status).toBe(0);
    expect(again.stderr).toMatch(/joint: already trained \(3 steps\)/);
    const report2 = JSON.parse(fs.readFileSync(path.join(out, 'report.json'), 'utf8'));
    expect(report2.arms.joint.psnr_db).toBe(report.arms.joint.psnr_db);
    expect(report2.arms.joint.lens).toEqual(report.arms.joint.lens);
  });

  it('runs on a folder of photographs (each split into training and held-out regions), skipping an unreadable file', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ls-e2e-img-'));
    for (const f of ['camera.png', 'coffee.png', 'rocket.jpg']) fs.symlinkSync(path.join(photos, f), path.join(dir, f));
    fs.writeFileSync(path.join(dir, 'corrupt.jpg'), 'not a jpeg');
    const out = fs.mkdtempSync(path.join(os.tmpdir(), 'ls-e2e-'));
    const r = run(...tiny, '--images', dir, '--no-baseline', '--no-sequential', '--out', out);
    expect(r.status).toBe(0);
    expect(r.stderr).toMatch(/warning: .*corrupt\.jpg: skipped, cannot decode/);
    const report = JSON.parse(fs.readFileSync(path.join(out, 'report.json'), 'utf8'));
    expect(report.data).toMatch(/3 photographs, each split: the right 30 % of its width/);
    expect(report.arms.nominal).toBeNull();
    expect(report.paired).toEqual({ joint_vs_nominal: null, joint_vs_sequential: null });
    const out2 = fs.mkdtempSync(path.join(os.tmpdir(), 'ls-e2e-'));
    const r2 = run(...tiny, '--images', dir, '--holdout', 'photos', '--no-baseline', '--no-sequential', '--steps', '1', '--out', out2);
    expect(r2.status).toBe(0);
    expect(JSON.parse(fs.readFileSync(path.join(out2, 'report.json'), 'utf8')).data).toMatch(/2 training, 1 held-out/);
  });

  it('Ctrl-C saves a checkpoint and exits 130; --resume finishes the run', async () => {
    const out = fs.mkdtempSync(path.join(os.tmpdir(), 'ls-e2e-'));
    const args = [...tiny, '--steps', '60', '--no-baseline', '--no-sequential', '--out', out]; // a later --steps wins
    const child = spawn(process.execPath, [bin, 'e2e', ...args], { cwd: root, env: { ...process.env, LENS_STUDIO_TF_BACKEND: 'wasm' } });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    const ckpt = path.join(out, 'checkpoints/joint/checkpoint.json');
    for (let i = 0; i < 600 && !fs.existsSync(ckpt); i++) await new Promise((r) => setTimeout(r, 100));
    expect(fs.existsSync(ckpt)).toBe(true);
    child.kill('SIGINT');
    const code = await new Promise<number | null>((r) => child.on('exit', r));
    expect(code).toBe(130);
    expect(stderr).toMatch(/interrupted: checkpoint saved in .*joint; run again with --resume/);
    const saved = JSON.parse(fs.readFileSync(ckpt, 'utf8'));
    expect(saved.step).toBeGreaterThan(0);
    expect(saved.step).toBeLessThan(60);
    expect(fs.existsSync(path.join(out, 'report.json'))).toBe(false);
    const resumed = spawnSync(process.execPath, [bin, 'e2e', ...args, '--resume'], { cwd: root, encoding: 'utf8', env: { ...process.env, LENS_STUDIO_TF_BACKEND: 'wasm' } });
    expect(resumed.status).toBe(0);
    expect(fs.existsSync(path.join(out, 'report.json'))).toBe(true);
    expect(JSON.parse(fs.readFileSync(path.join(out, 'lens-optimized.json'), 'utf8')).meta.e2e.steps).toBe(60);
  });

  it('rejects bad options with one readable line', () => {
    const out = fs.mkdtempSync(path.join(os.tmpdir(), 'ls-e2e-'));
    const both = run(...tiny, '--dead-leaves', '--images', photos, '--out', out);
    expect(both.status).toBe(2);
    expect(both.stderr).toMatch(/either --images <dir> or --dead-leaves/);
    const odd = run(...tiny, '--patch', '33', '--out', out);
    expect(odd.status).toBe(2);
    expect(odd.stderr).toMatch(/--patch: 33 is not a multiple of 2/);
    const mix = run(...tiny, '--images', photos, '--mix-dead-leaves', '1', '--out', out);
    expect(mix.status).toBe(2);
    expect(mix.stderr).toMatch(/--mix-dead-leaves: expected a fraction in \[0, 1\), got "1"/);
    const mixAlone = run(...tiny, '--dead-leaves', '--mix-dead-leaves', '0.5', '--out', out);
    expect(mixAlone.status).not.toBe(0);
    expect(mixAlone.stderr).toMatch(/--mix-dead-leaves: needs --images/);
    const missing = run(...tiny, '--images', path.join(out, 'nope'), '--out', out);
    expect(missing.status).toBe(1);
    expect(missing.stderr.trim().split('\n').pop()).toMatch(/nope: cannot read the image folder/);
  });
});
