/**
 * Input validation on the command line (issue 12 items 5–8, 11): a misspelt key is a warning
 * naming the closest known key (an error with --strict, kept under meta by convert), physically
 * meaningless values exit non-zero with one clear line, oversized inputs are refused before any
 * work, and degenerate systems are reported as such.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const root = path.resolve(import.meta.dirname, '../..');
const bin = path.join(root, 'bin/lens-studio.js');
const run = (...args: string[]) => spawnSync(process.execPath, [bin, ...args], { cwd: root, encoding: 'utf8' });
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ls-validate-'));
const cooke = () => JSON.parse(fs.readFileSync(path.join(root, 'lens-library/cooke-triplet.json'), 'utf8'));
const write = (name: string, value: unknown) => {
  const f = path.join(dir, name);
  fs.writeFileSync(f, typeof value === 'string' ? value : JSON.stringify(value, null, 2));
  return f;
};

describe('unknown keys', () => {
  const lens = cooke();
  lens.surfaces[2].semiDiamter = 4.5;
  const file = write('typo.json', lens);

  it('warn with the JSON path and the closest known key, and the run goes on', () => {
    const r = run('analyze', file);
    expect(r.status).toBe(0);
    expect(r.stderr).toContain('warning: typo.json: surfaces[2].semiDiamter: unknown key — did you mean semiDiameter?');
  });

  it('are an error with --strict', () => {
    const r = run('analyze', file, '--strict');
    expect(r.status).toBe(1);
    expect(r.stderr.trim()).toBe('lens-studio: typo.json: surfaces[2].semiDiamter: unknown key — did you mean semiDiameter? (--strict)');
    expect(run('--strict', 'analyze', path.join(root, 'lens-library/cooke-triplet.json')).status).toBe(0);
  });

  it('convert keeps them under meta.unknownKeys (.json) or refuses (.zmx)', () => {
    const out = path.join(dir, 'converted.json');
    const r = run('convert', file, out);
    expect(r.status).toBe(0);
    expect(r.stderr).toMatch(/converted\.json: kept 1 unknown key under meta\.unknownKeys/);
    const converted = JSON.parse(fs.readFileSync(out, 'utf8'));
    expect(converted.meta.unknownKeys).toEqual({ 'surfaces[2].semiDiamter': 4.5 });
    const zmx = path.join(dir, 'converted.zmx');
    const z = run('convert', file, zmx);
    expect(z.status).toBe(1);
    expect(z.stderr).toMatch(/semiDiamter: unknown key .*a \.zmx file cannot keep unknown keys/);
    expect(fs.existsSync(zmx)).toBe(false);
  });

  it('in a merit spec too', () => {
    const spec = write('spec.json', { defaultMerit: {}, operands: [{ type: 'EFL', target: 50, wieght: 1 }] });
    const r = run('optimize', path.join(root, 'lens-library/cooke-triplet.json'), '--merit', spec, '--vary', 'curvatures', '--iterations', '1', '--out', path.join(dir, 'o.json'), '--strict');
    expect(r.status).toBe(1);
    expect(r.stderr.trim()).toBe('lens-studio: spec.json: operands[0].wieght: unknown key — did you mean weight? (--strict)');
  });
});

describe('nesting and sizes', () => {
  it('refuses JSON nested deeper than 64 levels with one clear line', () => {
    const lens = cooke();
    const text = JSON.stringify({ ...lens, meta: { deep: '@' } }).replace('"@"', `${'['.repeat(100_000)}1${']'.repeat(100_000)}`);
    const file = write('deep.json', text);
    const r = run('analyze', file);
    expect(r.status).toBe(1);
    expect(r.stderr.trim()).toMatch(/^lens-studio: deep\.json: JSON nested deeper than 64 levels at line 1, column \d+$/);
    expect(r.stderr).not.toMatch(/Maximum call stack/);
  });
});
