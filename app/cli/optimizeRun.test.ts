import { spawn } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { parsePrescriptionJson } from '../../engine/io/json.ts';
import { optimizeCommand, parseVary, type OptimizeCommandOptions } from './optimizeRun.ts';
import { IMAGE_DISTANCE_TARGET, imageDistanceProblem } from './optimizeRun.testProblems.ts';

const repoRoot = path.resolve(import.meta.dirname, '../..');
const cooke = path.join(repoRoot, 'lens-library/cooke-triplet.json');
let dir: string;

beforeAll(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'ls-optimize-'));
});
afterAll(async () => {
  await fs.rm(dir, { recursive: true, force: true });
});

function options(extra: Partial<OptimizeCommandOptions>): OptimizeCommandOptions {
  return { iterations: '50', algorithm: 'dls', out: path.join(dir, 'out.json'), glassDir: [], defaultMerit: true, ...extra };
}

/** Runs the command with stdout captured. */
async function run(o: OptimizeCommandOptions, signal?: AbortSignal) {
  let stdout = '';
  const spy = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    stdout += String(chunk);
    return true;
  });
  try {
    const result = await optimizeCommand(cooke, o, imageDistanceProblem, signal);
    return { result, stdout };
  } finally {
    spy.mockRestore();
  }
}

describe('lens-studio optimize (machinery)', () => {
  it('optimizes, writes a loadable lens with the merit and a record of the run, and reports before/after', async () => {
    const out = path.join(dir, 'dls.json');
    const { result, stdout } = await run(options({ out, vary: 'thicknesses' }));
    expect(result.stopReason).toBe('converged');
    const lens = parsePrescriptionJson(await fs.readFile(out, 'utf8'), 'dls.json');
    expect(lens.surfaces[5].thickness).toBeCloseTo(IMAGE_DISTANCE_TARGET, 8);
    expect(lens.merit).toEqual({ defaultMerit: {} });
    expect(lens.meta?.optimization).toMatchObject({ algorithm: 'dls', stopReason: 'converged', vary: ['thicknesses'] });
    expect(stdout).toMatch(/damped least squares on 1 variables/);
    expect(stdout).toMatch(/merit Σ r²/);
    expect(stdout).toMatch(/IMAGE_DISTANCE\s+47\s+42\.20778\s+47\s+100\.0%/);
    expect(stdout).toMatch(/RMS spot µm, field 3 \(20°\)/);
    // EFL does not depend on the image distance: before and after agree.
    const efl = /EFL mm\s+(\S+)\s+(\S+)/.exec(stdout)!;
    expect(efl[1]).toBe(efl[2]);
    expect(Number(efl[1])).toBeCloseTo(50, 0);
  });

  it('runs Adam too', async () => {
    const out = path.join(dir, 'adam.json');
    const { result } = await run(options({ out, algorithm: 'adam', iterations: '400', learningRate: '0.002' }));
    expect(result.merit).toBeLessThan(1e-3 * result.initialMerit);
    const lens = parsePrescriptionJson(await fs.readFile(out, 'utf8'));
    expect(Math.abs(lens.surfaces[5].thickness - IMAGE_DISTANCE_TARGET)).toBeLessThan(0.1);
  });

  it('writes the best lens so far when aborted', async () => {
    const out = path.join(dir, 'cancelled.json');
    const controller = new AbortController();
    controller.abort();
    const { result, stdout } = await run(options({ out }), controller.signal);
    expect(result.stopReason).toBe('cancelled');
    const lens = parsePrescriptionJson(await fs.readFile(out, 'utf8'));
    expect(lens.surfaces[5].thickness).toBe(42.20778); // the start: nothing better was found yet
    expect(stdout).toMatch(/stopped by Ctrl-C/);
  });

  it('rejects bad arguments with a clear message', async () => {
    expect(() => parseVary('curvatures,radii')).toThrow(/unknown group "radii"/);
    await expect(run(options({ merit: 'x.json', defaultMerit: true }))).rejects.toThrow(/either --merit .* or --default-merit/);
    await expect(run(options({ iterations: 'many' }))).rejects.toThrow(/--iterations: expected a whole number/);
    await expect(run(options({ algorithm: 'newton' }))).rejects.toThrow(/--algorithm: expected dls or adam/);
    await expect(run(options({ defaultMerit: false }))).rejects.toThrow(/has no merit function/);
    await expect(run(options({ vary: 'conics' }))).rejects.toThrow(/nothing to vary/);
    const spec = path.join(dir, 'bad-spec.json');
    await fs.writeFile(spec, JSON.stringify({ operands: [{ type: 'RMS_SPOT', field: 3 }] }));
    await expect(run(options({ merit: spec, defaultMerit: false }))).rejects.toThrow(
      /bad-spec\.json: merit\.operands\[0\]\.field: field 3 does not exist \(there are 3/,
    );
    await fs.writeFile(spec, JSON.stringify({ operands: [{ type: 'EFL', weight: -2 }] }));
    await expect(run(options({ merit: spec, defaultMerit: false }))).rejects.toThrow(/bad-spec\.json: operands\[0\]\.weight: expected a number ≥ 0/);
  });

  it('stops cleanly on Ctrl-C (SIGINT), writing the best lens so far, and exits 130', async () => {
    const out = path.join(dir, 'sigint.json');
    const child = spawn(
      process.execPath,
      [path.join(repoRoot, 'bin/run-ts.js'), 'app/cli/optimizeRun.sigint-fixture.ts', 'optimize', cooke, '--default-merit', '--iterations', '100000', '--out', out],
      { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let stdout = '';
    let stderr = '';
    let evaluations = 0;
    child.stdout.on('data', (d) => (stdout += d));
    const code = await new Promise<number | null>((resolve) => {
      child.stderr.on('data', (d) => {
        stderr += d;
        evaluations = (stderr.match(/evaluating/g) ?? []).length;
        // Interrupt once a few evaluations (≥ one accepted step) have happened.
        if (evaluations >= 4 && !child.killed) child.kill('SIGINT');
      });
      child.on('exit', (c) => resolve(c));
    });
    expect(stderr).toMatch(/stopping after this iteration/);
    expect(code).toBe(130);
    expect(stdout).toMatch(/stopped by Ctrl-C/);
    const lens = parsePrescriptionJson(await fs.readFile(out, 'utf8'));
    const t = lens.surfaces[5].thickness;
    // Some progress from 42.2 towards 47, and a complete file.
    expect(Math.abs(t - IMAGE_DISTANCE_TARGET)).toBeLessThan(Math.abs(42.20778 - IMAGE_DISTANCE_TARGET));
    expect(lens.meta?.optimization).toMatchObject({ stopReason: 'cancelled' });
    expect((await fs.readdir(dir)).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });
});
