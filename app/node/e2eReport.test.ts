import { describe, expect, it } from 'vitest';
import { pairedDifference, reportMarkdown, type E2eReport, type RunSummary } from './e2eReport.ts';

const run = (psnr: number): RunSummary => ({ psnr, ssim: 0.8, blurredPsnr: 20, blurredSsim: 0.6, steps: 10, trainSeconds: 5, meanStepMs: 500, opticsShare: 0.2, finalLoss: 0.1 });

function report(mean: number, stderr: number): E2eReport {
  return {
    format: 'lens-studio-e2e-report/1',
    lens: { file: 'x.json', name: 'X' },
    data: 'dead leaves',
    notes: [],
    backend: 'wasm',
    config: {},
    heldOut: { count: 8, patch: 64 },
    baseline: run(25),
    joint: run(25 + mean),
    comparison: { psnr: { mean, stderr }, ssim: { mean: 0, stderr: 0.01 } },
    lensChange: { variables: [{ label: 'c1', initial: 0.04, final: 0.041 }], efl: { initial: 50, final: 50.1 } },
    files: {},
  };
}

describe('e2e report', () => {
  it('pairs differences: mean and standard error of b − a', () => {
    const d = pairedDifference([1, 2, 3], [2, 2, 5]);
    expect(d.mean).toBe(1);
    expect(d.stderr).toBeCloseTo(Math.sqrt(1 / 3), 14);
  });

  it('calls a difference significant only beyond two standard errors', () => {
    expect(reportMarkdown(report(0.5, 0.1))).toMatch(/PSNR: \+0\.50 dB ± 0\.10 dB \(standard error\): better with the jointly designed lens/);
    expect(reportMarkdown(report(-0.5, 0.1))).toMatch(/PSNR: -0\.50 dB .*: worse with the jointly designed lens/);
    expect(reportMarkdown(report(0.15, 0.1))).toMatch(/PSNR: \+0\.15 dB .*: within two standard errors, not a significant difference/);
    const md = reportMarkdown(report(0.5, 0.1));
    expect(md).toMatch(/\| \(a\) initial lens \+ network trained alone on its blur \| 25\.00 \|/);
    expect(md).toMatch(/\| c1 \| 0\.04 \| 0\.041 \|/);
  });
});
