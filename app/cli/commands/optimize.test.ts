import { execFile } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parsePrescriptionJson } from '../../../engine/io/json.ts';

const run = promisify(execFile);
const repoRoot = path.resolve(import.meta.dirname, '../../..');
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
