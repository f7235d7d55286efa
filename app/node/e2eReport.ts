/**
 * The end-to-end run report: `report.json` (machine-readable) and `report.md` (for people),
 * comparing on the held-out set (a) the initial lens with a network trained alone on its blur and
 * (b) the jointly optimized lens and network. The comparison is paired (same patches, sensor
 * positions and noise for both), so its uncertainty is the standard error of the per-example
 * differences, and the report says whether the difference exceeds two standard errors.
 */
import type { EvalResult, LensVariableValue } from '../../engine/e2e/train.ts';

export interface RunSummary {
  /** Held-out means: restored and blurred (input) PSNR (dB) and SSIM. */
  psnr: number;
  ssim: number;
  blurredPsnr: number;
  blurredSsim: number;
  steps: number;
  /** Wall time of the training steps (s), mean step (ms) and the optics' share of it. */
  trainSeconds: number;
  meanStepMs: number;
  opticsShare: number;
  /** Mean restoration loss over the last 10 % of steps. */
  finalLoss: number;
}

export interface PairedDifference {
  mean: number;
  stderr: number;
}

export interface E2eReport {
  format: 'lens-studio-e2e-report/1';
  lens: { file: string; name: string };
  data: string;
  notes: string[];
  backend: string;
  config: Record<string, unknown>;
  heldOut: { count: number; patch: number };
  baseline: RunSummary | null;
  joint: RunSummary;
  /** (b) − (a), per held-out example, mean and standard error. */
  comparison: { psnr: PairedDifference; ssim: PairedDifference } | null;
  lensChange: { variables: { label: string; initial: number; final: number }[]; efl: { initial: number; final: number } };
  files: Record<string, string>;
}

/** Mean and standard error of paired differences b − a. */
export function pairedDifference(a: readonly number[], b: readonly number[]): PairedDifference {
  const n = a.length;
  const d = a.map((v, i) => b[i] - v);
  const mean = d.reduce((s, v) => s + v, 0) / n;
  const varD = n > 1 ? d.reduce((s, v) => s + (v - mean) ** 2, 0) / (n - 1) : NaN;
  return { mean, stderr: Math.sqrt(varD / n) };
}

/** The paired comparison of two evaluations on the same held-out examples. */
export function compareRuns(a: EvalResult, b: EvalResult): E2eReport['comparison'] {
  return {
    psnr: pairedDifference(a.perExample.map((e) => e.psnr), b.perExample.map((e) => e.psnr)),
    ssim: pairedDifference(a.perExample.map((e) => e.ssim), b.perExample.map((e) => e.ssim)),
  };
}

/** Variable table rows from the initial and final lens summaries. */
export function lensChange(initial: LensVariableValue[], final: LensVariableValue[]): E2eReport['lensChange']['variables'] {
  return initial.map((v, j) => ({ label: v.label, initial: v.value, final: final[j].value }));
}

const f = (v: number, d = 2) => (Number.isFinite(v) ? v.toFixed(d) : String(v));
const sig = (v: number) => (Number.isFinite(v) ? Number(v.toPrecision(7)).toString() : String(v));

function verdict(d: PairedDifference, unit: string, digits: number): string {
  const s = `${d.mean >= 0 ? '+' : ''}${f(d.mean, digits)}${unit} ± ${f(d.stderr, digits)}${unit} (standard error)`;
  if (!Number.isFinite(d.stderr)) return s;
  if (Math.abs(d.mean) <= 2 * d.stderr) return `${s}: within two standard errors, not a significant difference`;
  return `${s}: ${d.mean > 0 ? 'better' : 'worse'} with the jointly designed lens (beyond two standard errors)`;
}

/** The human-readable report. */
export function reportMarkdown(r: E2eReport): string {
  const L: string[] = [];
  L.push(`# End-to-end lens + network design: ${r.lens.name}`, '');
  L.push(`- Lens: \`${r.lens.file}\``);
  L.push(`- Data: ${r.data}`);
  for (const n of r.notes) L.push(`- Note: ${n}`);
  L.push(`- TensorFlow.js backend: ${r.backend}`);
  L.push(`- Held-out set: ${r.heldOut.count} patches of ${r.heldOut.patch} × ${r.heldOut.patch} px at fixed sensor positions (centre to corner) with fixed noise, the same for both runs`);
  L.push('');
  L.push('## Held-out image quality', '');
  L.push('| run | restored PSNR (dB) | restored SSIM | sensor image PSNR (dB) | sensor image SSIM |');
  L.push('|---|---|---|---|---|');
  const row = (name: string, s: RunSummary) => L.push(`| ${name} | ${f(s.psnr)} | ${f(s.ssim, 4)} | ${f(s.blurredPsnr)} | ${f(s.blurredSsim, 4)} |`);
  if (r.baseline) row('(a) initial lens + network trained alone on its blur', r.baseline);
  row('(b) jointly optimized lens + network', r.joint);
  L.push('');
  if (r.comparison) {
    L.push(`(b) − (a), paired over the ${r.heldOut.count} held-out patches:`, '');
    L.push(`- PSNR: ${verdict(r.comparison.psnr, ' dB', 2)}`);
    L.push(`- SSIM: ${verdict(r.comparison.ssim, '', 4)}`);
    L.push('');
  } else {
    L.push('The baseline run (a) was skipped, so there is no comparison.', '');
  }
  L.push('## Lens', '');
  L.push('| variable | initial | optimized |', '|---|---|---|');
  for (const v of r.lensChange.variables) L.push(`| ${v.label} | ${sig(v.initial)} | ${sig(v.final)} |`);
  L.push(`| EFL (mm) | ${sig(r.lensChange.efl.initial)} | ${sig(r.lensChange.efl.final)} |`, '');
  L.push('Curvatures in 1/mm, thicknesses in mm (surface numbers from 1).', '');
  L.push('## Training', '');
  L.push('| run | steps | time (s) | mean step (ms) | optics share | final loss |', '|---|---|---|---|---|---|');
  const trow = (name: string, s: RunSummary) =>
    L.push(`| ${name} | ${s.steps} | ${f(s.trainSeconds, 1)} | ${f(s.meanStepMs, 0)} | ${f(100 * s.opticsShare, 0)} % | ${sig(s.finalLoss)} |`);
  if (r.baseline) trow('(a) network alone', r.baseline);
  trow('(b) joint', r.joint);
  L.push('');
  L.push('## Files', '');
  for (const [k, v] of Object.entries(r.files)) L.push(`- ${k}: \`${v}\``);
  L.push('');
  const ex = Object.entries(r.files).filter(([k]) => k.startsWith('example'));
  if (ex.length > 0) {
    const panels = r.baseline ? 'ground truth | sensor image (a) | restored (a) | sensor image (b) | restored (b)' : 'ground truth | sensor image (b) | restored (b)';
    L.push('## Examples', '', `Each strip: ${panels} (patches under 128 px enlarged 2×).`, '');
    for (const [k, v] of ex) L.push(`![${k}](${v})`);
    L.push('');
  }
  if (r.files['psf grid (initial)']) L.push('## PSF grids', '', `![initial](${r.files['psf grid (initial)']}) ![optimized](${r.files['psf grid (optimized)']})`, '');
  return L.join('\n');
}
