/**
 * `lens-studio tolerance` as a user runs it: the report files, the JSON keys of issue 15, shards
 * that merge into exactly the single run, the written spec, one-line errors, and Ctrl-C / SIGTERM
 * (exit 130 / 143 with the partial report written).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PNG } from 'pngjs';
import { parsePrescriptionJson } from '../../engine/io/json.ts';
import { GlassLibrary } from '../../engine/materials/glassLibrary.ts';
import { prepareTolerancing } from '../../engine/tolerance/setup.ts';

const root = path.resolve(import.meta.dirname, '../..');
const bin = path.join(root, 'bin/lens-studio.js');
const run = (...args: string[]) => spawnSync(process.execPath, [bin, ...args], { cwd: root, encoding: 'utf8' });
let dir: string;

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ls-tolerance-'));
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('lens-studio tolerance', () => {
  it('writes the report, plots, worst trial and spec, and prints the JSON keys of the issue', () => {
    const out = path.join(dir, 'dg');
    const r = run('tolerance', 'lens-library/double-gauss.json', '--defaults', '--monte-carlo', '100', '--workers', '1', '--inverse', '0.002', '--out', out, '--json');
    expect(r.status, r.stderr).toBe(0);
    const j = JSON.parse(r.stdout);
    expect(Object.keys(j)).toEqual(expect.arrayContaining(['criterion', 'sensitivity', 'monte_carlo', 'inverse']));
    expect(j.criterion.name).toBe('rms-spot');
    expect(j.criterion.nominal).toBeGreaterThan(0.005);
    expect(j.criterion.nominal).toBeLessThan(0.03);
    expect(j.sensitivity.length).toBeGreaterThan(80);
    for (const k of ['operand', 'surface', 'limit_minus', 'limit_plus', 'criterion_minus', 'criterion_plus']) expect(j.sensitivity[0]).toHaveProperty(k);
    for (const k of ['trials', 'seed', 'mean', 'std', 'p10', 'p50', 'p90', 'p98', 'yield']) expect(j.monte_carlo).toHaveProperty(k);
    expect(j.monte_carlo.trials).toBe(100);
    expect(j.monte_carlo.p10).toBeLessThanOrEqual(j.monte_carlo.p50);
    expect(j.monte_carlo.p90).toBeLessThanOrEqual(j.monte_carlo.p98);
    for (const k of ['operand', 'surface', 'limit']) expect(j.inverse[0]).toHaveProperty(k);
    expect(r.stdout).not.toMatch(/NaN/);
    for (const f of ['report.md', 'tolerance.json', 'histogram.png', 'cdf.png', 'worst-trial.json', 'spec.json']) expect(fs.existsSync(path.join(out, f)), f).toBe(true);
    const md = fs.readFileSync(path.join(out, 'report.md'), 'utf8');
    for (const h of ['## Sensitivity analysis', '## Worst offenders', '## Estimated performance changes', '## Inverse sensitivity', '## Monte Carlo analysis', '90% <=']) expect(md).toContain(h);
    const png = PNG.sync.read(fs.readFileSync(path.join(out, 'histogram.png')));
    expect(png.width).toBeGreaterThan(100);
    const worst = parsePrescriptionJson(fs.readFileSync(path.join(out, 'worst-trial.json'), 'utf8'), 'worst-trial.json');
    expect(worst.surfaces.some((s) => s.type === 'coordinateBreak')).toBe(true);
  });

  it('two shards merged give exactly the statistics of the single run (also on two workers)', () => {
    const args = ['tolerance', 'lens-library/cooke-triplet.json', '--defaults', '--monte-carlo', '60', '--seed', '7'];
    const single = run(...args, '--workers', '1', '--json');
    expect(single.status, single.stderr).toBe(0);
    const shards = path.join(dir, 'shards');
    const a = run(...args, '--workers', '1', '--trials-range', '0:23', '--out', shards);
    const b = run(...args, '--workers', '2', '--trials-range', '23:60', '--out', shards);
    expect(a.status, a.stderr).toBe(0);
    expect(b.status, b.stderr).toBe(0);
    const all = path.join(dir, 'all.json');
    const m = run('tolerance', 'merge', path.join(shards, 'shard-23-60.json'), path.join(shards, 'shard-0-23.json'), '--out', all);
    expect(m.status, m.stderr).toBe(0);
    const merged = JSON.parse(fs.readFileSync(all, 'utf8'));
    expect(merged.monte_carlo).toEqual(JSON.parse(single.stdout).monte_carlo);
    expect(merged.worst_trial.lens.surfaces.length).toBeGreaterThan(7);
    // A missing shard is an error naming the gap.
    const gap = run('tolerance', 'merge', path.join(shards, 'shard-23-60.json'), '--out', path.join(dir, 'x.json'));
    expect(gap.status).toBe(1);
    expect(gap.stderr.trim()).toMatch(/^lens-studio: merge: the shards cover trials 23\.\.59 of 0\.\.59$/);
  });

  it('--write-spec writes the defaults, which --spec reads back to the same result', () => {
    const spec = path.join(dir, 'tol.json');
    const w = run('tolerance', 'lens-library/cooke-triplet.json', '--defaults', '--write-spec', spec);
    expect(w.status, w.stderr).toBe(0);
    const written = JSON.parse(fs.readFileSync(spec, 'utf8'));
    expect(written.format).toBe('lens-studio-tolerance/1');
    expect(written.operands.find((o: { type: string }) => o.type === 'TTHI').max).toBe(0.05);
    const a = JSON.parse(run('tolerance', 'lens-library/cooke-triplet.json', '--defaults', '--sensitivity', '--json').stdout);
    const b = JSON.parse(run('tolerance', 'lens-library/cooke-triplet.json', '--spec', spec, '--sensitivity', '--json').stdout);
    expect(b.sensitivity).toEqual(a.sensitivity);
    const none = JSON.parse(run('tolerance', 'lens-library/cooke-triplet.json', '--spec', spec, '--compensators', 'none', '--sensitivity', '--json').stdout);
    expect(none.criterion.nominal).toBeGreaterThan(a.criterion.nominal);
  });

  it('optimize --robust writes the robust lens and compares both designs over the same Monte Carlo trials', () => {
    const out = path.join(dir, 'robust.json');
    const r = run('optimize', 'lens-library/cooke-triplet.json', '--default-merit', '--vary', 'curvatures', '--robust', 'defaults', '--samples', '4', '--iterations', '3', '--monte-carlo', '30', '--max-nominal-rise', '0.1', '--out', out);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/robust design \(mean of the criterion over 4 samples, nominal within \+10 %, EFL held at [0-9.]+ mm, back focus compensator\), damped least squares on 6 variables/);
    for (const row of ['nominal (compensated)', 'Monte Carlo mean', '90% <=']) expect(r.stdout).toContain(row);
    const lens = parsePrescriptionJson(fs.readFileSync(out, 'utf8'), 'robust.json');
    const meta = lens.meta!.robust as { samples: number; monteCarlo: { trials: number; nominalDesign: { p90: number }; robustDesign: { p90: number } } };
    expect(meta.samples).toBe(4);
    expect(meta.monteCarlo.trials).toBe(30);
    expect(meta.monteCarlo.robustDesign.p90).toBeGreaterThan(0);
    expect(lens.tolerances!.operands.length).toBeGreaterThan(40);
    expect(r.stdout).not.toMatch(/NaN/);
    // The lens is written focused: its back focus is the compensated one.
    const t = prepareTolerancing(lens, lens.tolerances!, GlassLibrary.builtin());
    const zero = new Float64Array(t.model.operands.length);
    const compensated = t.evaluator.evaluate(zero).value;
    const asWritten = t.evaluator.evaluateFixed(zero, new Float64Array(t.model.compensators.length));
    expect(Math.abs(asWritten - compensated) / compensated).toBeLessThan(1e-9);
  });

  it('fails with one readable line', () => {
    const noSpec = run('tolerance', 'lens-library/cooke-triplet.json');
    expect(noSpec.status).toBe(2);
    expect(noSpec.stderr.trim()).toBe('lens-studio: cooke-triplet.json has no tolerances: give --spec tol.json or --defaults');
    const bad = path.join(dir, 'bad-tol.json');
    fs.writeFileSync(bad, JSON.stringify({ operands: [{ type: 'TSDX', surface: 2, min: 0.1, max: -0.1 }] }));
    const r = run('tolerance', 'lens-library/cooke-triplet.json', '--spec', bad);
    expect(r.status).toBe(1);
    expect(r.stderr.trim()).toBe(`lens-studio: ${bad}: operands[0].max: max -0.1 is below min 0.1`);
    const glassless = path.join(dir, 'air.json');
    fs.writeFileSync(glassless, JSON.stringify({ operands: [{ type: 'TIND', surface: 1, min: -0.001, max: 0.001 }] }));
    const r2 = run('tolerance', 'lens-library/cooke-triplet.json', '--spec', glassless);
    expect(r2.stderr.trim()).toBe(`lens-studio: cooke-triplet.json: ${glassless}: operands[0] (TIND): the medium after surface 1 is not a glass`);
    const mtf = run('tolerance', 'lens-library/cooke-triplet.json', '--defaults', '--criterion', 'mtf@-3');
    expect(mtf.status).toBe(2);
    expect(mtf.stderr.trim()).toBe('lens-studio: --criterion mtf@-3: expected mtf@FREQUENCY with a positive frequency in cycles/mm, e.g. mtf@30');
    const comp = run('tolerance', 'lens-library/cooke-triplet.json', '--defaults', '--compensators', 'focus');
    expect(comp.status).toBe(2);
    expect(comp.stderr.trim().split('\n')).toHaveLength(1);
  });

  it('tolerances on the RMS wavefront (two workers) and the MTF at a frequency (a small spec)', () => {
    const spec = path.join(dir, 'small-tol.json');
    fs.writeFileSync(spec, JSON.stringify({ operands: [{ type: 'TSDY', surface: 2, min: -0.05, max: 0.05 }, { type: 'TTHI', surface: 3, min: -0.1, max: 0.1 }] }));
    for (const [criterion, unit, trials] of [['wavefront', 'waves', 60], ['mtf@30', '', 6]] as const) {
      const r = run('tolerance', 'lens-library/cooke-triplet.json', '--spec', spec, '--criterion', criterion, '--sensitivity', '--monte-carlo', String(trials), '--workers', '2', '--json');
      expect(r.status, r.stderr).toBe(0);
      const j = JSON.parse(r.stdout);
      expect(j.criterion.name).toBe(criterion);
      expect(j.criterion.unit).toBe(unit);
      expect(j.criterion.nominal).toBeGreaterThan(0.05);
      expect(j.criterion.nominal).toBeLessThan(criterion === 'wavefront' ? 5 : 1);
      // Compensated: the nominal with its back focus re-optimized is no worse than as designed.
      expect(j.criterion.nominal).toBeLessThanOrEqual(j.criterion.nominal_as_designed);
      expect(j.sensitivity).toHaveLength(2);
      expect(j.monte_carlo.trials).toBe(trials);
      expect(j.monte_carlo.p90).toBeGreaterThan(j.monte_carlo.p10);
    }
  });

  for (const [sig, code] of [['SIGTERM', 143], ['SIGINT', 130]] as const) {
    it(`stops on ${sig} during the Monte Carlo run, writes the partial report and exits ${code}`, async () => {
      const out = path.join(dir, `stopped-${sig}`);
      const requested = 1_000_000;
      const child = spawn(process.execPath, [bin, 'tolerance', 'lens-library/double-gauss.json', '--defaults', '--monte-carlo', String(requested), '--workers', '1', '--out', out], {
        cwd: root,
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d) => (stdout += d));
      const exit = await new Promise<number | null>((resolve) => {
        let sent = false;
        child.stderr.on('data', (d) => {
          stderr += d;
          // Once the Monte Carlo run has started (and done some trials), send the signal.
          if (!sent && /Monte Carlo, 1000000 trials/.test(stderr)) {
            sent = true;
            setTimeout(() => child.kill(sig), 1500);
          }
        });
        child.on('exit', (c) => resolve(c));
      });
      expect(exit, stderr).toBe(code);
      expect(stderr).toContain(`stopping (${sig === 'SIGINT' ? 'Ctrl-C' : 'SIGTERM'} again to quit without writing)`);
      const j = JSON.parse(fs.readFileSync(path.join(out, 'tolerance.json'), 'utf8'));
      expect(j.sensitivity.length).toBeGreaterThan(80);
      expect(j.monte_carlo.trials).toBeGreaterThan(0);
      expect(j.monte_carlo.trials).toBeLessThan(requested);
      expect(fs.readFileSync(path.join(out, 'report.md'), 'utf8')).toContain('## Monte Carlo analysis');
      expect(fs.readdirSync(out).filter((f) => f.includes('.tmp'))).toEqual([]);
      expect(stdout).toContain('report:');
    });
  }
});
