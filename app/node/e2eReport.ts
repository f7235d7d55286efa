/**
 * The end-to-end study report: `report.json` (machine-readable) and `report.md` (for people).
 *
 * Arms: (a) nominal lens, (b) sequential lens (optics-only design for the depth range), (c) joint
 * design, each with its reconstruction trained alone on its blur under the same budget and seed.
 * `arms.<arm>` gives held-out means over every patch, depth and seed (restored and sensor PSNR in dB,
 * SSIM) and the same per held-out depth. `paired.joint_vs_<arm>` is the paired difference of restored
 * PSNR, (c) − (a) or (c) − (b): the unit is one held-out patch of one seed, its difference averaged
 * over the held-out depths (the depths of one patch share its scene, so they are not independent);
 * mean_db and se_db = sd/√n over the n = patches × seeds units. "Significant" means |mean| > 2 se.
 * Per-seed means are listed too, so a reader sees the seed-to-seed spread the units' SE mixes in.
 * `aims` judges the task's stated aims (engine/io/e2eTask.ts TaskAims) on the same paired units:
 * met when the mean reaches the figure and is more than two standard errors above zero.
 */
import type { SequentialResult } from '../../engine/e2e/sequential.ts';
import type { EvalResult, LensVariableValue } from '../../engine/e2e/train.ts';
import { formatDepth } from '../../engine/imaging/depthPsf.ts';
import type { PsfFieldGrid } from '../../engine/imaging/render.ts';
import type { WienerBound } from '../../engine/e2e/wienerBounds.ts';
import type { Prescription } from '../../engine/io/prescription.ts';
import type { TaskAims } from '../../engine/io/e2eTask.ts';

export type ArmName = 'nominal' | 'sequential' | 'joint';

/** What one trained arm of one seed produced. */
export interface PhaseOutcome {
  arm: ArmName;
  seed: number;
  eval: EvalResult;
  lens: { lens: LensVariableValue[]; efl: number };
  initialLens: { lens: LensVariableValue[]; efl: number };
  logK: number | null;
  /** Sensor share α of the Wiener blend (null without Wiener). */
  wienerMix?: number | null;
  /** Held-out mean PSNR of the Wiener stage alone (network bypassed; null without both). */
  wienerStagePsnr?: number | null;
  timing: { ms: number; opticsMs: number; steps: number; losses: number[] };
  steps: number;
  /** PSF grids at the held-out depths, after training. */
  grids: PsfFieldGrid[];
  /** Linear-reconstruction bounds of the trained lens on the held-out set (first seed only; else null). */
  wienerBounds?: WienerBound[] | null;
  prescription: Prescription;
}

export interface PerDepth {
  /** Object distance in mm; null for an object at infinity (see `diopters`). */
  depth_mm: number | null;
  diopters: number;
  psnr_db: number;
  ssim: number;
  sensor_psnr_db: number;
  sensor_ssim: number;
}

/** One linear-reconstruction bound (engine/e2e/wienerBounds.ts) of an arm's lens. */
export interface WienerBoundReport {
  /** The κ of best held-out mean PSNR (natural log). */
  log_k: number;
  psnr_db: number;
  per_depth: { depth_mm: number | null; psnr_db: number }[];
}

export interface ArmReport {
  psnr_db: number;
  ssim: number;
  sensor_psnr_db: number;
  sensor_ssim: number;
  per_depth: PerDepth[];
  per_seed: { seed: number; psnr_db: number; sensor_psnr_db: number }[];
  lens: { label: string; initial: number; final: number }[];
  efl_mm: number;
  wiener_log_k: number | null;
  /** Sensor share α of the Wiener blend x̂ + α(y − x̂) (null without Wiener). */
  wiener_sensor_share: number | null;
  /** Held-out mean PSNR of the Wiener stage alone, before the U-Net (null unless wiener+unet). */
  wiener_stage_psnr_db: number | null;
  /**
   * What a Wiener filter reaches through this arm's lens on the held-out set of `seed` (the first),
   * κ chosen on that set: with the depth-averaged PSF (depth-blind) and with each patch's own PSF
   * (a depth oracle). Null when not computed.
   */
  wiener_bounds: { seed: number; depth_averaged_psf: WienerBoundReport; true_depth_psf: WienerBoundReport } | null;
  train_seconds: number;
  mean_step_ms: number;
  optics_share: number;
  final_loss: number;
}

export interface Paired {
  mean_db: number;
  se_db: number;
  n: number;
  per_seed: { seed: number; mean_db: number }[];
  significant: boolean;
  sentence: string;
}

/** One aim of the task (engine/io/e2eTask.ts TaskAims) and whether this run met it. */
export interface AimReport {
  /** 'joint_vs_nominal', 'joint_vs_sequential' or 'nominal_restore'. */
  key: 'joint_vs_nominal' | 'joint_vs_sequential' | 'nominal_restore';
  description: string;
  /** The figure asked for, dB. */
  aim_db: number;
  /** The run's mean (paired over held-out patches and seeds), dB; null when the arm did not run. */
  measured_db: number | null;
  se_db: number | null;
  n: number;
  /** measured ≥ aim and more than two standard errors above zero; null when not measured. */
  met: boolean | null;
}

export interface E2eReport {
  format: 'lens-studio-e2e-report/2';
  task: { name: string; file: string } | null;
  lens: { file: string; name: string };
  data: string;
  notes: string[];
  backend: string;
  config: Record<string, unknown>;
  depths: { train_mm: (number | null)[]; eval_mm: (number | null)[] };
  held_out: { patches_per_seed: number; depths: number; seeds: number };
  arms: { nominal: ArmReport | null; sequential: ArmReport | null; joint: ArmReport };
  paired: { joint_vs_nominal: Paired | null; joint_vs_sequential: Paired | null };
  /** The task's aims with the run's verdicts (empty without a task or when it states none). */
  aims: AimReport[];
  aims_source: string | null;
  sequential_design: { iterations: number; stop: string; rms_spot_um: { depth_mm: number | null; initial: number; final: number }[] } | null;
  wall_seconds: number;
  files: Record<string, string>;
}

const mm = (z: number) => (Number.isFinite(z) ? z : null);
const mean = (v: readonly number[]) => v.reduce((s, x) => s + x, 0) / v.length;

/** Mean, standard error (sd/√n, n − 1 in the variance) and n of a list of differences. */
export function meanAndSe(d: readonly number[]): { mean: number; se: number; n: number } {
  const n = d.length;
  const m = mean(d);
  const v = n > 1 ? d.reduce((s, x) => s + (x - m) ** 2, 0) / (n - 1) : NaN;
  return { mean: m, se: Math.sqrt(v / n), n };
}

function armReport(list: PhaseOutcome[], evalDepthsMm: readonly number[]): ArmReport {
  const all = list.flatMap((o) => o.eval.perExample);
  const perDepth = evalDepthsMm.map((z) => {
    const at = all.filter((e) => e.depthMm === z);
    return {
      depth_mm: mm(z),
      diopters: Number.isFinite(z) ? 1000 / z : 0,
      psnr_db: mean(at.map((e) => e.psnr)),
      ssim: mean(at.map((e) => e.ssim)),
      sensor_psnr_db: mean(at.map((e) => e.blurredPsnr)),
      sensor_ssim: mean(at.map((e) => e.blurredSsim)),
    };
  });
  const first = list[0];
  const ms = list.reduce((s, o) => s + o.timing.ms, 0);
  const steps = list.reduce((s, o) => s + o.timing.steps, 0);
  const tail = first.timing.losses.slice(-Math.max(1, Math.ceil(first.timing.losses.length / 10)));
  return {
    psnr_db: mean(all.map((e) => e.psnr)),
    ssim: mean(all.map((e) => e.ssim)),
    sensor_psnr_db: mean(all.map((e) => e.blurredPsnr)),
    sensor_ssim: mean(all.map((e) => e.blurredSsim)),
    per_depth: perDepth,
    per_seed: list.map((o) => ({ seed: o.seed, psnr_db: o.eval.psnr, sensor_psnr_db: o.eval.blurredPsnr })),
    lens: first.initialLens.lens.map((v, j) => ({ label: v.label, initial: v.value, final: first.lens.lens[j].value })),
    efl_mm: first.lens.efl,
    wiener_log_k: first.logK,
    wiener_sensor_share: first.wienerMix ?? null,
    wiener_stage_psnr_db: list.every((o) => typeof o.wienerStagePsnr === 'number') ? mean(list.map((o) => o.wienerStagePsnr as number)) : null,
    wiener_bounds: boundsReport(list),
    train_seconds: ms / 1000,
    mean_step_ms: steps ? ms / steps : NaN,
    optics_share: ms ? list.reduce((s, o) => s + o.timing.opticsMs, 0) / ms : NaN,
    final_loss: tail.length ? mean(tail) : NaN,
  };
}

function boundsReport(list: PhaseOutcome[]): ArmReport['wiener_bounds'] {
  const o = list.find((x) => x.wienerBounds?.length);
  if (!o) return null;
  const one = (kind: WienerBound['psf']): WienerBoundReport => {
    const b = o.wienerBounds!.find((x) => x.psf === kind);
    if (!b) throw new Error(`Wiener bounds of ${o.arm} lack the ${kind} PSF`);
    return { log_k: b.logK, psnr_db: b.psnr, per_depth: b.perDepth.map((d) => ({ depth_mm: mm(d.depthMm), psnr_db: d.psnr })) };
  };
  return { seed: o.seed, depth_averaged_psf: one('depth-averaged'), true_depth_psf: one('true-depth') };
}

/**
 * The paired units of one arm and seed: a held-out patch's consecutive `depths` examples, the
 * difference `diff(k)` of example k averaged over them (one unit per patch).
 */
function patchUnits(examples: number, depths: number, diff: (k: number) => number): number[] {
  const units: number[] = [];
  for (let i = 0; i + depths <= examples; i += depths) {
    let s = 0;
    for (let k = i; k < i + depths; k++) s += diff(k);
    units.push(s / depths);
  }
  return units;
}

/** Per-patch differences (c) − (x), averaged over depths, for every seed both arms ran. */
function paired(outcomes: PhaseOutcome[], other: ArmName, depths: number): Paired | null {
  const units: number[] = [];
  const perSeed: Paired['per_seed'] = [];
  for (const c of outcomes.filter((o) => o.arm === 'joint')) {
    const x = outcomes.find((o) => o.arm === other && o.seed === c.seed);
    if (!x) continue;
    const a = x.eval.perExample;
    const b = c.eval.perExample;
    if (a.length !== b.length) throw new Error(`held-out sets of ${other} and joint differ in size (${a.length} vs ${b.length})`);
    const seedUnits = patchUnits(b.length, depths, (k) => b[k].psnr - a[k].psnr);
    units.push(...seedUnits);
    perSeed.push({ seed: c.seed, mean_db: mean(seedUnits) });
  }
  if (units.length === 0) return null;
  const { mean: m, se, n } = meanAndSe(units);
  const significant = Number.isFinite(se) && Math.abs(m) > 2 * se;
  const name = other === 'nominal' ? '(c) − (a)' : '(c) − (b)';
  const sign = m >= 0 ? '+' : '';
  const sentence = !Number.isFinite(se)
    ? `${name}: ${sign}${m.toFixed(2)} dB (one unit: no standard error).`
    : `${name}: ${sign}${m.toFixed(2)} ± ${se.toFixed(2)} dB (standard error, n = ${n}): ${significant ? `significant — the joint design is ${m > 0 ? 'better' : 'worse'} by more than two standard errors` : 'not significant (within two standard errors)'}.`;
  return { mean_db: m, se_db: se, n, per_seed: perSeed, significant, sentence };
}

/** Per-patch (restored − sensor) PSNR of arm `arm`, averaged over the depths, pooled over seeds. */
function restoreGain(outcomes: PhaseOutcome[], arm: ArmName, depths: number): { mean: number; se: number; n: number } | null {
  const units = outcomes.filter((x) => x.arm === arm).flatMap((o) => patchUnits(o.eval.perExample.length, depths, (k) => o.eval.perExample[k].psnr - o.eval.perExample[k].blurredPsnr));
  return units.length ? meanAndSe(units) : null;
}

/** The task's aims, each with the run's figure and verdict. */
function aimsReport(aims: TaskAims | undefined, outcomes: PhaseOutcome[], paired: E2eReport['paired'], depths: number): AimReport[] {
  if (!aims) return [];
  const out: AimReport[] = [];
  const add = (key: AimReport['key'], description: string, aim: number | undefined, d: { mean: number; se: number; n: number } | null) => {
    if (aim === undefined) return;
    const se = d && Number.isFinite(d.se) ? d.se : null;
    // one unit has no standard error, so it cannot be significant (as `paired` says)
    out.push({ key, description, aim_db: aim, measured_db: d?.mean ?? null, se_db: se, n: d?.n ?? 0, met: d ? d.mean >= aim && se !== null && d.mean > 2 * se : null });
  };
  const fromPaired = (p: Paired | null) => (p ? { mean: p.mean_db, se: p.se_db, n: p.n } : null);
  add('joint_vs_nominal', '(c) joint − (a) nominal, restored PSNR', aims.jointVsNominalDb, fromPaired(paired.joint_vs_nominal));
  add('joint_vs_sequential', '(c) joint − (b) sequential, restored PSNR', aims.jointVsSequentialDb, fromPaired(paired.joint_vs_sequential));
  if (aims.nominalRestoreDb !== undefined) add('nominal_restore', '(a) restored − (a) sensor image, PSNR (the reconstruction restores)', aims.nominalRestoreDb, restoreGain(outcomes, 'nominal', depths));
  return out;
}

export interface ReportInput {
  task: E2eReport['task'];
  /** The task's aims (judged in the report). */
  aims?: TaskAims;
  lens: E2eReport['lens'];
  data: string;
  notes: string[];
  backend: string;
  config: Record<string, unknown>;
  trainDepthsMm: readonly number[];
  evalDepthsMm: readonly number[];
  evalCount: number;
  outcomes: PhaseOutcome[];
  sequential: SequentialResult | null;
  wallSeconds: number;
  files: Record<string, string>;
}

/** Builds report.json from the outcomes of every arm and seed. */
export function buildReport(r: ReportInput): E2eReport {
  const of = (arm: ArmName) => r.outcomes.filter((o) => o.arm === arm);
  const arm = (a: ArmName) => (of(a).length ? armReport(of(a), r.evalDepthsMm) : null);
  const D = r.evalDepthsMm.length;
  const pairs = { joint_vs_nominal: paired(r.outcomes, 'nominal', D), joint_vs_sequential: paired(r.outcomes, 'sequential', D) };
  return {
    format: 'lens-studio-e2e-report/2',
    task: r.task,
    lens: r.lens,
    data: r.data,
    notes: r.notes,
    backend: r.backend,
    config: r.config,
    depths: { train_mm: r.trainDepthsMm.map(mm), eval_mm: r.evalDepthsMm.map(mm) },
    held_out: { patches_per_seed: r.evalCount, depths: D, seeds: new Set(r.outcomes.map((o) => o.seed)).size },
    arms: { nominal: arm('nominal'), sequential: arm('sequential'), joint: arm('joint')! },
    paired: pairs,
    aims: aimsReport(r.aims, r.outcomes, pairs, D),
    aims_source: r.aims?.source ?? null,
    sequential_design: r.sequential
      ? {
          iterations: r.sequential.iterations,
          stop: r.sequential.stopReason,
          rms_spot_um: r.trainDepthsMm.map((z, d) => ({ depth_mm: mm(z), initial: r.sequential!.rmsUm.initial[d], final: r.sequential!.rmsUm.final[d] })),
        }
      : null,
    wall_seconds: r.wallSeconds,
    files: r.files,
  };
}

const f = (v: number, d = 2) => (Number.isFinite(v) ? v.toFixed(d) : String(v));
const sig = (v: number) => (Number.isFinite(v) ? Number(v.toPrecision(6)).toString() : String(v));
const depthLabel = (z: number | null) => (z === null ? '∞' : formatDepth(z));

/** The "what a linear reconstruction reaches" section (nothing when no arm has bounds). */
function boundsMarkdown(r: E2eReport, present: [ArmName, string][], L: string[]): void {
  const withB = present.filter(([k]) => r.arms[k]!.wiener_bounds);
  if (!withB.length) return;
  const seed = r.arms[withB[0][0]]!.wiener_bounds!.seed;
  L.push(`### What a linear reconstruction reaches through each lens (seed ${seed})`, '');
  L.push('The Wiener filter alone, its κ chosen on the held-out set for the best mean PSNR: with the PSF averaged over the training distances (what a depth-blind reconstruction can use) and with each patch\'s own PSF (as if the reconstruction knew the object distance). Held-out PSNR, dB, all distances and (in brackets) far to near:', '');
  L.push('| arm | sensor | restored (trained) | Wiener, depth-averaged PSF | Wiener, true-depth PSF |', '|---|---|---|---|---|');
  const seedOf = (k: ArmName) => r.arms[k]!.per_seed.find((x) => x.seed === seed);
  for (const [k] of withB) {
    const a = r.arms[k]!;
    const b = a.wiener_bounds!;
    const per = (x: WienerBoundReport) => `${f(x.psnr_db)} (${x.per_depth.map((d) => f(d.psnr_db, 1)).join(' / ')}; log κ ${f(x.log_k, 2)})`;
    const s = seedOf(k);
    L.push(`| ${k} | ${s ? f(s.sensor_psnr_db) : '—'} | ${s ? f(s.psnr_db) : '—'} | ${per(b.depth_averaged_psf)} | ${per(b.true_depth_psf)} |`);
  }
  const jb = r.arms.joint.wiener_bounds;
  const lines: string[] = [];
  for (const [k, name] of [['nominal', '(a)'], ['sequential', '(b)']] as const) {
    const ob = r.arms[k]?.wiener_bounds;
    if (!jb || !ob) continue;
    const d1 = jb.depth_averaged_psf.psnr_db - ob.depth_averaged_psf.psnr_db;
    const d2 = jb.true_depth_psf.psnr_db - ob.true_depth_psf.psnr_db;
    const sg = (v: number) => `${v >= 0 ? '+' : ''}${f(v)}`;
    lines.push(`- (c) − ${name}: ${sg(d1)} dB with the depth-averaged PSF, ${sg(d2)} dB with the true-depth PSF.`);
  }
  L.push('');
  if (lines.length) {
    L.push(...lines, '');
    L.push('A lens whose advantage holds with the depth-averaged PSF but shrinks with the true-depth PSF wins by making a depth-blind reconstruction possible; a reconstruction that infers the object distance (or a trained network that beats the true-depth figure) takes part of that advantage back.', '');
  }
}

/** The task's aims, each met or missed, in plain words (nothing when the task states none). */
function aimsMarkdown(r: E2eReport, L: string[]): void {
  if (!r.aims.length) return;
  L.push('### Aims of this task', '');
  if (r.aims_source) L.push(`Source: ${r.aims_source}`, '');
  L.push('| aim | asked | this run | verdict |', '|---|---|---|---|');
  const sg = (v: number) => `${v >= 0 ? '+' : ''}${f(v)}`;
  for (const a of r.aims) {
    const run = a.measured_db === null ? 'not run' : `${sg(a.measured_db)}${a.se_db === null ? '' : ` ± ${f(a.se_db)}`} dB (n = ${a.n})`;
    const v = a.met === null ? 'not measured' : a.met ? '**met**' : '**missed**';
    L.push(`| ${a.description} | ≥ ${sg(a.aim_db)} dB, significant | ${run} | ${v} |`);
  }
  const missed = r.aims.filter((a) => a.met === false);
  L.push('', missed.length ? `This run misses ${missed.length} of the task's ${r.aims.length} aims (${missed.map((a) => a.key).join(', ')}).` : r.aims.every((a) => a.met) ? 'This run meets every aim of the task.' : 'Some aims were not measured in this run.', '');
}

/** The human-readable report. */
export function reportMarkdown(r: E2eReport): string {
  const L: string[] = [];
  const ARMS: [ArmName, string][] = [
    ['nominal', '(a) nominal lens + reconstruction trained on its blur'],
    ['sequential', '(b) sequential: lens optimized by optics alone, then reconstruction'],
    ['joint', '(c) joint: lens and reconstruction trained together'],
  ];
  L.push(`# End-to-end design${r.task ? ` — task ${r.task.name}` : ''}: ${r.lens.name}`, '');
  L.push('## Held-out image quality', '');
  L.push(`Restored PSNR (dB) / SSIM on ${r.held_out.patches_per_seed} held-out patches × ${r.held_out.depths} object distances × ${r.held_out.seeds} seed(s); sensor = the raw noisy image.`, '');
  const stage = ARMS.some(([k]) => r.arms[k]?.wiener_stage_psnr_db != null);
  L.push(`| arm | restored PSNR | restored SSIM | sensor PSNR | sensor SSIM |${stage ? ' Wiener stage PSNR |' : ''}`, `|---|---|---|---|---|${stage ? '---|' : ''}`);
  for (const [k, label] of ARMS) {
    const a = r.arms[k];
    if (a) L.push(`| ${label} | ${f(a.psnr_db)} | ${f(a.ssim, 4)} | ${f(a.sensor_psnr_db)} | ${f(a.sensor_ssim, 4)} |${stage ? ` ${a.wiener_stage_psnr_db == null ? '—' : f(a.wiener_stage_psnr_db)} |` : ''}`);
  }
  if (stage) L.push('', 'Wiener stage: the learned blend of the Wiener estimate and the sensor image, before the U-Net (the network bypassed).');
  L.push('');
  for (const p of [r.paired.joint_vs_nominal, r.paired.joint_vs_sequential]) if (p) L.push(`- ${p.sentence}${p.per_seed.length > 1 ? ` Per seed: ${p.per_seed.map((s) => `${s.mean_db >= 0 ? '+' : ''}${f(s.mean_db)}`).join(', ')} dB.` : ''}`);
  L.push('');
  L.push('Paired unit: one held-out patch of one seed, its PSNR difference averaged over the object distances; SE = sd/√n.', '');
  aimsMarkdown(r, L);
  L.push('### Per object distance (restored PSNR, dB)', '');
  const present = ARMS.filter(([k]) => r.arms[k]);
  L.push(`| object distance | ${present.map(([k]) => k).join(' | ')} | sensor (${present.map(([k]) => k[0]).join('/')}) |`, `|---|${present.map(() => '---|').join('')}---|`);
  r.depths.eval_mm.forEach((z, d) => {
    L.push(`| ${depthLabel(z)} | ${present.map(([k]) => f(r.arms[k]!.per_depth[d].psnr_db)).join(' | ')} | ${present.map(([k]) => f(r.arms[k]!.per_depth[d].sensor_psnr_db)).join(' / ')} |`);
  });
  L.push('');
  boundsMarkdown(r, present, L);
  const pic = (key: string, caption: string) => r.files[key] && L.push(`![${caption}](${r.files[key]})`, '');
  pic('psnr vs depth', 'PSNR vs object distance');
  if (r.files['psf strips']) {
    L.push('### PSF through depth', '', 'Rows: (a) nominal, (b) sequential, (c) joint lens; columns: the held-out object distances, far to near (each PSF scaled to its own peak, square-root stretch).', '');
    pic('psf strips', 'PSFs through depth');
  }
  const ex = Object.keys(r.files).filter((k) => k.startsWith('restorations'));
  if (ex.length) {
    L.push('### Restorations', '', 'Each row one object distance (far to near): sensor image of (a) | restored (a) | restored (b) | restored (c) | ground truth | sensor image of (c).', '');
    for (const k of ex) pic(k, k);
  }
  if (r.files['layout']) {
    L.push('### Lens', '');
    pic('layout', 'lens layouts');
    pic('plate sag', 'XY plate departure');
  }
  L.push('## Lens variables', '');
  for (const [k] of ARMS) {
    const a = r.arms[k];
    if (!a || k === 'nominal') continue;
    L.push(`${k} (seed ${a.per_seed[0]?.seed}):`, '', '| variable | start | end |', '|---|---|---|');
    for (const v of a.lens) L.push(`| ${v.label} | ${sig(v.initial)} | ${sig(v.final)} |`);
    L.push('');
  }
  L.push('XY coefficients a_{j,i} of x^i y^(j−i) in mm^(1−j) (index 6 = y³, 9 = x³); thicknesses in mm; surfaces numbered from 1.', '');
  if (r.sequential_design) {
    L.push(`Sequential design: ${r.sequential_design.iterations} damped-least-squares iterations (${r.sequential_design.stop}); RMS spot (µm, centroid, all fields and wavelengths) per training distance:`, '');
    L.push(`| object distance | ${r.sequential_design.rms_spot_um.map((x) => depthLabel(x.depth_mm)).join(' | ')} |`, `|---|${r.sequential_design.rms_spot_um.map(() => '---|').join('')}`);
    L.push(`| nominal | ${r.sequential_design.rms_spot_um.map((x) => f(x.initial, 1)).join(' | ')} |`);
    L.push(`| sequential | ${r.sequential_design.rms_spot_um.map((x) => f(x.final, 1)).join(' | ')} |`, '');
  }
  L.push('## Run', '');
  L.push(`- Lens: \`${r.lens.file}\`${r.task ? `; task \`${r.task.file}\`` : ''}`);
  L.push(`- Data: ${r.data}`);
  for (const n of r.notes) L.push(`- Note: ${n}`);
  L.push(`- TensorFlow.js backend: ${r.backend}`);
  L.push(`- Training object distances: ${r.depths.train_mm.map(depthLabel).join(', ')} (equally spaced in diopters, drawn uniformly)`);
  L.push(`- Wall time: ${f(r.wall_seconds / 60, 1)} min`, '');
  L.push('| arm | steps/seed | train time (s, all seeds) | mean step (ms) | optics share | Wiener log κ | Wiener sensor share α | final loss |', '|---|---|---|---|---|---|---|---|');
  for (const [k] of ARMS) {
    const a = r.arms[k];
    if (a) L.push(`| ${k} | ${Math.round(a.train_seconds > 0 ? (a.train_seconds * 1000) / a.mean_step_ms / a.per_seed.length : 0)} | ${f(a.train_seconds, 0)} | ${f(a.mean_step_ms, 0)} | ${f(100 * a.optics_share, 0)} % | ${a.wiener_log_k === null ? '—' : f(a.wiener_log_k, 2)} | ${a.wiener_sensor_share == null ? '—' : f(a.wiener_sensor_share, 3)} | ${sig(a.final_loss)} |`);
  }
  L.push('', '## Files', '');
  for (const [k, v] of Object.entries(r.files)) L.push(`- ${k}: \`${v}\``);
  L.push('');
  return L.join('\n');
}
