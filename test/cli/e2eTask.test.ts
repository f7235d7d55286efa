/**
 * The three-arm protocol of `lens-studio e2e --task FILE` on a tiny task (dO's EDOF lens, 2 object
 * distances, 16-px patches, 2 steps, 2 seeds): the report's structure and exact keys, the pairing
 * (n = held-out patches × seeds), the pictures. Nothing here depends on which arm wins.
 */
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PNG } from 'pngjs';

const root = path.resolve(import.meta.dirname, '../..');
const bin = path.join(root, 'bin/lens-studio.js');

function tinyTask(dir: string): string {
  const t = JSON.parse(fs.readFileSync(path.join(root, 'lens-library/e2e/edof.json'), 'utf8'));
  t.name = 'tiny-edof';
  t.depths = { nearMm: 4500, farMm: 8000, train: 2, eval: 2 };
  t.sensor = { ...t.sensor, widthPx: 64, heightPx: 64 };
  t.psf = { sizePx: 11, fieldGrid: 1, pupilGrid: 8 };
  t.defaults = { recon: 'wiener+unet', steps: 2, warmup: 0, networkStart: 1, patch: 16, evalPatch: 16, batch: 1, margin: 2, eval: 2, unetLevels: 2, unetFilters: 2, lensEvery: 1, sequentialIterations: 1 };
  const file = path.join(dir, 'tiny.json');
  fs.writeFileSync(file, JSON.stringify(t));
  return file;
}

describe('lens-studio e2e --task: the three arms', () => {
  it('trains (a) nominal, (b) sequential, (c) joint per seed and reports them with the exact keys', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ls-e2e-task-'));
    const out = path.join(dir, 'out');
    const r = spawnSync(process.execPath, [bin, 'e2e', '--task', tinyTask(dir), '--seeds', '2', '--dead-leaves', '--out', out], { cwd: root, encoding: 'utf8', env: { ...process.env, LENS_STUDIO_TF_BACKEND: 'wasm' } });
    expect(r.stderr).not.toMatch(/lens-studio: /);
    expect(r.status).toBe(0);
    const report = JSON.parse(fs.readFileSync(path.join(out, 'report.json'), 'utf8'));
    expect(report.task.name).toBe('tiny-edof');
    expect(Object.keys(report.arms)).toEqual(['nominal', 'sequential', 'joint']);
    for (const arm of ['nominal', 'sequential', 'joint']) {
      const a = report.arms[arm];
      for (const k of ['psnr_db', 'ssim', 'sensor_psnr_db', 'sensor_ssim']) expect(typeof a[k]).toBe('number');
      expect(a.per_depth.map((d: { depth_mm: number }) => Math.round(d.depth_mm))).toEqual([8000, 4500]);
      for (const d of a.per_depth) expect(Object.keys(d)).toEqual(expect.arrayContaining(['depth_mm', 'psnr_db', 'ssim']));
      expect(a.per_seed.map((s: { seed: number }) => s.seed)).toEqual([1, 2]);
      // wiener+unet: the Wiener stage alone is scored too, and the blend's sensor share is in (0, 1)
      expect(Number.isFinite(a.wiener_stage_psnr_db)).toBe(true);
      expect(a.wiener_sensor_share).toBeGreaterThan(0);
      expect(a.wiener_sensor_share).toBeLessThan(1);
    }
    expect(fs.readFileSync(path.join(out, 'report.md'), 'utf8')).toMatch(/\| Wiener stage PSNR \|/);
    expect(Object.keys(report.paired)).toEqual(['joint_vs_nominal', 'joint_vs_sequential']);
    for (const p of Object.values(report.paired) as { mean_db: number; se_db: number; n: number; significant: boolean; sentence: string }[]) {
      expect(Object.keys(p)).toEqual(expect.arrayContaining(['mean_db', 'se_db', 'n']));
      expect(p.n).toBe(2 * 2); // held-out patches × seeds
      expect(Number.isFinite(p.mean_db) && Number.isFinite(p.se_db)).toBe(true);
      expect(p.sentence).toMatch(p.significant ? /: significant/ : /: not significant/);
    }
    expect(report.depths.train_mm.map(Math.round)).toEqual([8000, 4500]);
    expect(report.sequential_design.rms_spot_um).toHaveLength(2);
    // the sequential lens moved the image distance; the nominal arm kept the task's lens
    expect(report.arms.sequential.lens.find((v: { label: string }) => v.label === 't5').initial).not.toBe(96);
    expect(report.arms.nominal.lens.find((v: { label: string }) => v.label === 't5').final).toBe(96);
    const md = fs.readFileSync(path.join(out, 'report.md'), 'utf8');
    expect(md).toMatch(/\(c\) − \(a\): [+-]\d+\.\d\d ± \d+\.\d\d dB \(standard error, n = 4\)/);
    expect(md).toMatch(/Per seed: /);
    // the preset's aims travel with the copied task: each judged (met or missed, whichever it is)
    expect(report.aims.map((a: { key: string }) => a.key)).toEqual(['joint_vs_nominal', 'joint_vs_sequential', 'nominal_restore']);
    for (const a of report.aims) {
      expect(Number.isFinite(a.measured_db) && Number.isFinite(a.se_db)).toBe(true);
      expect(a.n).toBe(4);
      expect(typeof a.met).toBe('boolean');
    }
    expect(report.aims[0].measured_db).toBe(report.paired.joint_vs_nominal.mean_db);
    expect(md).toMatch(/### Aims of this task/);
    expect(md).toMatch(/\| \(a\) restored − \(a\) sensor image, PSNR \(the reconstruction restores\) \| ≥ \+3\.00 dB, significant \| [+-]\d+\.\d\d ± \d+\.\d\d dB \(n = 4\) \| \*\*(met|missed)\*\* \|/);
    for (const f of ['lens-optimized.json', 'lens-joint-seed2.json', 'lens-sequential.json', 'images/psf-depth.png', 'images/restorations.png', 'images/psnr-depth.png', 'images/layout.png', 'images/plate-sag.png']) {
      expect(fs.existsSync(path.join(out, f))).toBe(true);
    }
    // PSF strips: 3 arms × 2 distances of 11-px PSFs at zoom 4
    const strip = PNG.sync.read(fs.readFileSync(path.join(out, 'images/psf-depth.png')));
    expect([strip.width, strip.height]).toEqual([2 * 44 + 3 * 2, 3 * 44 + 4 * 2]);
    // restorations: one row per held-out distance
    const rest = PNG.sync.read(fs.readFileSync(path.join(out, 'images/restorations.png')));
    expect(rest.height).toBe(2 * 32 + 4);
  });

  it('runs wiener+unet with --unet-sensor-input, --net-schedule cosine and --loss psnr, records them, and refuses a bad value', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ls-e2e-sensorin-'));
    const out = path.join(dir, 'out');
    const task = tinyTask(dir);
    const env = { ...process.env, LENS_STUDIO_TF_BACKEND: 'wasm' };
    const r = spawnSync(process.execPath, [bin, 'e2e', '--task', task, '--unet-sensor-input', '--net-schedule', 'cosine', '--loss', 'psnr', '--no-sequential', '--dead-leaves', '--out', out], { cwd: root, encoding: 'utf8', env });
    expect(r.stderr).not.toMatch(/lens-studio: /);
    expect(r.status).toBe(0);
    const report = JSON.parse(fs.readFileSync(path.join(out, 'report.json'), 'utf8'));
    expect(report.config.unetSensorInput).toBe(true);
    expect(report.config.netSchedule).toBe('cosine');
    expect(report.config.loss.kind).toBe('psnr');
    // the U-Net of a sensor-input run takes the Wiener stage and the sensor image: 2 × 3 planes
    const ck = JSON.parse(fs.readFileSync(path.join(out, 'checkpoints', 'joint', 'checkpoint.json'), 'utf8'));
    expect(ck.unet.inputChannels).toBe(6);
    for (const arm of ['nominal', 'joint']) expect(Number.isFinite(report.arms[arm].psnr_db)).toBe(true);
    const bad = spawnSync(process.execPath, [bin, 'e2e', '--task', task, '--net-schedule', 'step', '--out', path.join(dir, 'bad')], { cwd: root, encoding: 'utf8', env });
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/--net-schedule: expected constant or cosine/);
  });

  it('names a bad task file and exits 1; a bad --depths exits 2', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ls-e2e-task-'));
    fs.writeFileSync(path.join(dir, 'bad.json'), '{"format": "lens-studio-e2e-task/1", "name": 3}');
    const bad = spawnSync(process.execPath, [bin, 'e2e', '--task', path.join(dir, 'bad.json'), '--out', dir], { cwd: root, encoding: 'utf8' });
    expect(bad.status).toBe(1);
    expect(bad.stderr).toMatch(/bad\.json: name: /);
    const depths = spawnSync(process.execPath, [bin, 'e2e', '--task', 'edof', '--depths', '4500', '--out', dir], { cwd: root, encoding: 'utf8' });
    expect(depths.status).toBe(2);
    expect(depths.stderr).toMatch(/--depths: expected two object distances/);
  });
});
