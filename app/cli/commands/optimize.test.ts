import { execFile, spawn } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { parsePrescriptionJson } from '../../../engine/io/json.ts';
import { loadLensBytes } from '../../../engine/io/loaders.ts';
import { optimizeCommand, type OptimizeCommandOptions } from './optimize.ts';
import { parseVary } from '../optimizeArgs.ts';
import { IMAGE_DISTANCE_TARGET, imageDistanceProblem } from './optimize.testProblems.ts';

const run = promisify(execFile);
const repoRoot = path.resolve(import.meta.dirname, '../../..');
const cooke = path.join(repoRoot, 'lens-library/cooke-triplet.json');
let dir: string;

beforeAll(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'ls-optimize-cmd-'));
});
afterAll(async () => {
  await fs.rm(dir, { recursive: true, force: true });
});

describe('lens-studio optimize', () => {
  it('improves a perturbed Cooke triplet with the default merit function, varying curvatures', async () => {
    // Every curvature of the library Cooke triplet scaled by 1.03 (radii divided by 1.03).
    const lens = JSON.parse(await fs.readFile(path.join(repoRoot, 'lens-library/cooke-triplet.json'), 'utf8'));
    for (const s of lens.surfaces) if (typeof s.radius === 'number') s.radius /= 1.03;
    const input = path.join(dir, 'perturbed.json');
    const out = path.join(dir, 'optimized.json');
    await fs.writeFile(input, JSON.stringify(lens));
    const { stdout } = await run(
      process.execPath,
      ['bin/lens-studio.js', 'optimize', input, '--default-merit', '--vary', 'curvatures', '--iterations', '40', '--out', out],
      { cwd: repoRoot },
    );
    expect(stdout).toMatch(/damped least squares on 6 variables/);
    const merit = /merit Σ r²\s+(\S+)\s+(\S+)/.exec(stdout)!;
    expect(Number(merit[2])).toBeLessThan(0.1 * Number(merit[1]));
    // Every field's RMS spot shrinks.
    const spots = [...stdout.matchAll(/RMS spot µm, field \d .*?\)\s+(\S+)\s+(\S+)/g)];
    expect(spots).toHaveLength(3);
    for (const [, before, after] of spots) expect(Number(after)).toBeLessThan(Number(before));
    const optimized = parsePrescriptionJson(await fs.readFile(out, 'utf8'), 'optimized.json');
    expect(optimized.merit).toEqual({ defaultMerit: {} });
    expect(optimized.meta?.optimization).toMatchObject({ algorithm: 'dls', vary: ['curvatures'] });
    expect(optimized.surfaces.map((s) => s.thickness)).toEqual(lens.surfaces.map((s: { thickness: number }) => s.thickness));
  });

  it('exits with one readable line for a lens without a merit function', async () => {
    const err = await run(process.execPath, ['bin/lens-studio.js', 'optimize', 'lens-library/cooke-triplet.json', '--out', path.join(dir, 'x.json')], {
      cwd: repoRoot,
    }).catch((e: { code: number; stderr: string }) => e);
    expect((err as { code: number }).code).toBe(2);
    expect((err as { stderr: string }).stderr.trim()).toBe(
      'lens-studio: cooke-triplet.json has no merit function: give --merit <spec.json> or --default-merit',
    );
  });
});

function options(extra: Partial<OptimizeCommandOptions>): OptimizeCommandOptions {
  return { iterations: '50', algorithm: 'dls', out: path.join(dir, 'out.json'), glassDir: [], defaultMerit: true, ...extra };
}

/** Runs the command with stdout captured. */
async function runCommand(o: OptimizeCommandOptions, signal?: AbortSignal, onEvaluate?: () => void) {
  let stdout = '';
  const spy = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    stdout += String(chunk);
    return true;
  });
  try {
    const build: typeof imageDistanceProblem = onEvaluate ? (...a) => (onEvaluate(), imageDistanceProblem(...a)) : imageDistanceProblem;
    const result = await optimizeCommand(cooke, o, build, signal);
    return { result, stdout };
  } finally {
    spy.mockRestore();
  }
}

describe('lens-studio optimize (machinery, on a toy problem)', () => {
  it('optimizes, writes a loadable lens with the merit and a record of the run, and reports before/after', async () => {
    const out = path.join(dir, 'dls.json');
    const { result, stdout } = await runCommand(options({ out, vary: 'thicknesses' }));
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
    const { result } = await runCommand(options({ out, algorithm: 'adam', iterations: '400', learningRate: '0.002' }));
    expect(result.merit).toBeLessThan(1e-3 * result.initialMerit);
    const lens = parsePrescriptionJson(await fs.readFile(out, 'utf8'));
    expect(Math.abs(lens.surfaces[5].thickness - IMAGE_DISTANCE_TARGET)).toBeLessThan(0.1);
  });

  it('writes the best lens so far when aborted', async () => {
    const out = path.join(dir, 'cancelled.json');
    const controller = new AbortController();
    controller.abort();
    const { result, stdout } = await runCommand(options({ out }), controller.signal);
    expect(result.stopReason).toBe('cancelled');
    const lens = parsePrescriptionJson(await fs.readFile(out, 'utf8'));
    expect(lens.surfaces[5].thickness).toBe(42.20778); // the start: nothing better was found yet
    expect(stdout).toMatch(/stopped by Ctrl-C/);
  });

  it('rejects bad arguments with a clear message', async () => {
    expect(() => parseVary('curvatures,radii')).toThrow(/unknown group "radii"/);
    await expect(runCommand(options({ merit: 'x.json', defaultMerit: true }))).rejects.toThrow(/either --merit .* or --default-merit/);
    await expect(runCommand(options({ iterations: 'many' }))).rejects.toThrow(/--iterations: expected a whole number/);
    await expect(runCommand(options({ algorithm: 'newton' }))).rejects.toThrow(/--algorithm: expected dls or adam/);
    await expect(runCommand(options({ defaultMerit: false }))).rejects.toThrow(/has no merit function/);
    await expect(runCommand(options({ vary: 'conics' }))).rejects.toThrow(/nothing to vary/);
    const spec = path.join(dir, 'bad-spec.json');
    await fs.writeFile(spec, JSON.stringify({ operands: [{ type: 'RMS_SPOT', field: 3 }] }));
    await expect(runCommand(options({ merit: spec, defaultMerit: false }))).rejects.toThrow(
      /bad-spec\.json: merit\.operands\[0\]\.field: field 3 does not exist \(there are 3/,
    );
    await fs.writeFile(spec, JSON.stringify({ operands: [{ type: 'EFL', weight: -2 }] }));
    await expect(runCommand(options({ merit: spec, defaultMerit: false }))).rejects.toThrow(/bad-spec\.json: operands\[0\]\.weight: expected a number ≥ 0/);
  });

  /** Runs the slow fixture, sends `sig` after a few evaluations; returns exit code, outputs and the file. */
  async function interrupted(sig: 'SIGINT' | 'SIGTERM', out: string) {
    const child = spawn(
      process.execPath,
      [path.join(repoRoot, 'bin/run-ts.js'), 'app/cli/commands/optimize.sigint-fixture.ts', 'optimize', cooke, '--default-merit', '--iterations', '100000', '--out', out],
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
        if (evaluations >= 4 && !child.killed) child.kill(sig);
      });
      child.on('exit', (c) => resolve(c));
    });
    return { code, stdout, stderr };
  }

  it('stops cleanly on Ctrl-C (SIGINT), writing the best lens so far, and exits 130', async () => {
    const out = path.join(dir, 'sigint.json');
    const { code, stdout, stderr } = await interrupted('SIGINT', out);
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

  it('saves the best lens on SIGTERM as on Ctrl-C, and exits 143', async () => {
    const out = path.join(dir, 'sigterm.json');
    const { code, stdout, stderr } = await interrupted('SIGTERM', out);
    expect(stderr).toMatch(/stopping after this iteration… \(SIGTERM again/);
    expect(code).toBe(143);
    expect(stdout).toMatch(/stopped by SIGTERM/);
    const lens = parsePrescriptionJson(await fs.readFile(out, 'utf8'));
    expect(Math.abs(lens.surfaces[5].thickness - IMAGE_DISTANCE_TARGET)).toBeLessThan(Math.abs(42.20778 - IMAGE_DISTANCE_TARGET));
    expect(lens.meta?.optimization).toMatchObject({ stopReason: 'cancelled' });
  });

  it('--out decides the format: .zmx writes OpticStudio, other extensions are refused before the run', async () => {
    const zmx = path.join(dir, 'result.ZMX');
    const { result } = await runCommand(options({ out: zmx, vary: 'thicknesses' }));
    expect(result.stopReason).toBe('converged');
    const bytes = await fs.readFile(zmx);
    expect([bytes[0], bytes[1]]).toEqual([0xff, 0xfe]); // UTF-16 LE, as OpticStudio writes
    expect(bytes.subarray(0, 200).toString('utf16le')).toMatch(/VERS|MODE/);
    const back = loadLensBytes('result.zmx', new Uint8Array(bytes), {}).prescription;
    expect(back.surfaces[5].thickness).toBeCloseTo(IMAGE_DISTANCE_TARGET, 8);
    for (const bad of ['result.txt', 'result', 'result.json.bak']) {
      const out = path.join(dir, bad);
      let ran = false;
      await expect(
        runCommand(options({ out, vary: 'thicknesses' }), undefined, () => (ran = true)),
      ).rejects.toThrow(/cannot write .* lens files \(supported: \.json, \.zmx\)/);
      expect(ran).toBe(false);
      await expect(fs.stat(out)).rejects.toThrow(/ENOENT/);
    }
  });
});
