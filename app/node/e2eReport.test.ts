import { describe, expect, it } from 'vitest';
import type { EvalResult } from '../../engine/e2e/train.ts';
import type { TaskAims } from '../../engine/io/e2eTask.ts';
import { buildReport, meanAndSe, reportMarkdown, type ArmName, type PhaseOutcome } from './e2eReport.ts';

const depths = [8000, 4500];

/** An outcome whose k-th patch scores psnr[k] at every depth (+0.5 dB at the near one). */
function outcome(arm: ArmName, seed: number, psnr: number[]): PhaseOutcome {
  const perExample = psnr.flatMap((p) => depths.map((z, d) => ({ psnr: p + 0.5 * d, ssim: 0.8, blurredPsnr: 20, blurredSsim: 0.5, xMm: 0, yMm: 0, depthMm: z })));
  const ev: EvalResult = { psnr: 0, ssim: 0.8, blurredPsnr: 20, blurredSsim: 0.5, perExample, images: [] };
  const lens = { lens: [{ label: 'a9@5', value: arm === 'joint' ? 1e-5 : 0 }], efl: 100 };
  return { arm, seed, eval: ev, lens, initialLens: { lens: [{ label: 'a9@5', value: 0 }], efl: 100 }, logK: -4, timing: { ms: 1000, opticsMs: 200, steps: 10, losses: [0.1] }, steps: 10, grids: [], prescription: {} as PhaseOutcome['prescription'] };
}

function report(outcomes: PhaseOutcome[], aims?: TaskAims) {
  return buildReport({
    task: { name: 'edof', file: 'edof.json' },
    aims,
    lens: { file: 'x.json', name: 'X' },
    data: 'photos',
    notes: [],
    backend: 'wasm',
    config: {},
    trainDepthsMm: depths,
    evalDepthsMm: depths,
    evalCount: 3,
    outcomes,
    sequential: null,
    wallSeconds: 60,
    files: {},
  });
}

describe('e2e report', () => {
  it("judges the task's aims on the paired units: met needs the figure and two standard errors, and report.md says which were missed", () => {
    // (c) − (a) units 1, 2, 1, 2, 1, 0 (mean 7/6, se 0.31); (a) restored − sensor: 0.25 + (20..22) − 20 per patch
    const outs = [outcome('nominal', 1, [20, 21, 22]), outcome('joint', 1, [21, 23, 23]), outcome('nominal', 2, [20, 20, 20]), outcome('joint', 2, [22, 21, 20])];
    const r = report(outs, { jointVsNominalDb: 1, jointVsSequentialDb: 0.5, nominalRestoreDb: 1, source: 'test' });
    expect(r.aims.map((a) => [a.key, a.met])).toEqual([
      ['joint_vs_nominal', true],
      ['joint_vs_sequential', null], // arm (b) did not run
      ['nominal_restore', false], // mean 0.25 + 3/6 = 0.75 < 1
    ]);
    expect(r.aims[0].measured_db).toBeCloseTo(7 / 6, 12);
    expect(r.aims[0].se_db).toBeCloseTo(r.paired.joint_vs_nominal!.se_db, 12);
    expect(r.aims[2].measured_db).toBeCloseTo(0.75, 12);
    expect(r.aims[2].n).toBe(6);
    // the same figure, asked higher: missed; a mean that reaches the figure but not two SE: missed
    expect(report(outs, { jointVsNominalDb: 1.2 }).aims[0].met).toBe(false);
    const noisy = [outcome('nominal', 1, [20, 20, 20]), outcome('joint', 1, [25, 18, 19])]; // units 5, −2, −1: mean 0.67, se 2.19
    expect(report(noisy, { jointVsNominalDb: 0.5 }).aims[0].met).toBe(false);
    // one held-out patch: no standard error, so not significant, hence not met however large
    const one = report([outcome('nominal', 1, [20]), outcome('joint', 1, [25])], { jointVsNominalDb: 1 }).aims[0];
    expect([one.measured_db, one.se_db, one.n, one.met]).toEqual([5, null, 1, false]);
    const md = reportMarkdown(r);
    expect(md).toContain('### Aims of this task');
    expect(md).toMatch(/\| \(c\) joint − \(a\) nominal, restored PSNR \| ≥ \+1\.00 dB, significant \| \+1\.17 ± 0\.31 dB \(n = 6\) \| \*\*met\*\* \|/);
    expect(md).toContain('This run misses 1 of the task\'s 3 aims (nominal_restore).');
    // no aims: no section
    expect(report(outs).aims).toEqual([]);
    expect(reportMarkdown(report(outs))).not.toContain('Aims of this task');
  });

  it('mean and standard error of differences', () => {
    const d = meanAndSe([1, 0, 2]);
    expect(d.mean).toBe(1);
    expect(d.se).toBeCloseTo(Math.sqrt(1 / 3), 14);
    expect(d.n).toBe(3);
  });

  it('pairs (c) − (a) per patch and seed, averaged over depths, with the exact report keys', () => {
    const r = report([outcome('nominal', 1, [20, 21, 22]), outcome('joint', 1, [21, 23, 23]), outcome('nominal', 2, [20, 20, 20]), outcome('joint', 2, [22, 21, 20])]);
    const p = r.paired.joint_vs_nominal!;
    // units: seed 1 → 1, 2, 1; seed 2 → 2, 1, 0
    expect(p.n).toBe(6);
    expect(p.mean_db).toBeCloseTo(7 / 6, 12);
    expect(p.se_db).toBeCloseTo(meanAndSe([1, 2, 1, 2, 1, 0]).se, 12);
    expect(p.per_seed.map((s) => s.mean_db)).toEqual([4 / 3, 1]);
    expect(r.paired.joint_vs_sequential).toBeNull();
    expect(r.arms.sequential).toBeNull();
    expect(Object.keys(r.arms.joint).slice(0, 5)).toEqual(['psnr_db', 'ssim', 'sensor_psnr_db', 'sensor_ssim', 'per_depth']);
    expect(r.arms.joint.per_depth.map((d) => [d.depth_mm, d.psnr_db])).toEqual([
      [8000, (21 + 23 + 23 + 22 + 21 + 20) / 6],
      [4500, (21 + 23 + 23 + 22 + 21 + 20) / 6 + 0.5],
    ]);
    expect(p.significant).toBe(true); // 1.17 > 2 × 0.31
    expect(p.sentence).toMatch(/^\(c\) − \(a\): \+1\.17 ± 0\.31 dB \(standard error, n = 6\): significant — the joint design is better/);
  });

  it('calls a difference within two standard errors not significant, and says so in report.md', () => {
    const r = report([outcome('nominal', 1, [20, 21, 22]), outcome('joint', 1, [20.5, 20.6, 22.2])]);
    expect(r.paired.joint_vs_nominal!.significant).toBe(false);
    const md = reportMarkdown(r);
    expect(md).toMatch(/\(c\) − \(a\): \+0\.10 ± 0\.\d\d dB .*not significant \(within two standard errors\)/);
    expect(md).toMatch(/\| ∞|8 m \|/);
    expect(md).toMatch(/\| a9@5 \| 0 \| 0\.00001 \|/);
  });

  it('reports each arm\'s Wiener bounds (first seed) and the joint lens\'s gap under both PSF choices', () => {
    const bound = (arm: ArmName, avg: number, truth: number): PhaseOutcome['wienerBounds'] => [
      { psf: 'depth-averaged', logK: -2, psnr: avg, perDepth: depths.map((z, d) => ({ depthMm: z, psnr: avg + d })) },
      { psf: 'true-depth', logK: arm === 'joint' ? -3 : -2.5, psnr: truth, perDepth: depths.map((z, d) => ({ depthMm: z, psnr: truth - d })) },
    ];
    const a = { ...outcome('nominal', 1, [20, 21, 22]), wienerBounds: bound('nominal', 30, 34) };
    const c = { ...outcome('joint', 1, [21, 23, 23]), wienerBounds: bound('joint', 33, 34.5) };
    const r = report([a, c, outcome('nominal', 2, [20, 20, 20]), outcome('joint', 2, [22, 21, 20])]);
    expect(r.arms.nominal!.wiener_bounds).toEqual({
      seed: 1,
      depth_averaged_psf: { log_k: -2, psnr_db: 30, per_depth: [{ depth_mm: 8000, psnr_db: 30 }, { depth_mm: 4500, psnr_db: 31 }] },
      true_depth_psf: { log_k: -2.5, psnr_db: 34, per_depth: [{ depth_mm: 8000, psnr_db: 34 }, { depth_mm: 4500, psnr_db: 33 }] },
    });
    const md = reportMarkdown(r);
    expect(md).toMatch(/### What a linear reconstruction reaches through each lens \(seed 1\)/);
    expect(md).toMatch(/\| joint \| 20\.00 \| 0\.00 \| 33\.00 \(33\.0 \/ 34\.0; log κ -2\.00\) \| 34\.50 \(34\.5 \/ 33\.5; log κ -3\.00\) \|/);
    expect(md).toMatch(/\(c\) − \(a\): \+3\.00 dB with the depth-averaged PSF, \+0\.50 dB with the true-depth PSF\./);
    // without bounds: no section
    expect(reportMarkdown(report([outcome('nominal', 1, [20]), outcome('joint', 1, [21])]))).not.toMatch(/linear reconstruction reaches/);
  });
});
