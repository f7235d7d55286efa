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

describe('degenerate systems', () => {
  it('an afocal telescope is reported as afocal: EFL —, no NaN, null in JSON', () => {
    const file = write('telescope.json', {
      format: 'lens-studio/1', name: 'Keplerian 2x', units: 'mm', object: { distance: 'infinity' }, aperture: { type: 'EPD', value: 10 },
      fields: { type: 'angle', points: [{ x: 0, y: 0 }, { x: 0, y: 1 }] }, wavelengths: { valuesUm: [0.5875618], primaryIndex: 0 },
      surfaces: [{ type: 'paraxial', focalLength: 100, thickness: 150, stop: true }, { type: 'paraxial', focalLength: 50, thickness: 50 }],
    });
    const text = run('analyze', file);
    expect(text.status).toBe(0);
    expect(text.stdout).toMatch(/^afocal: EFL —, angular magnification -2×/m);
    expect(text.stdout).not.toMatch(/NaN|Infinity/);
    const json = JSON.parse(run('analyze', file, '--json').stdout);
    expect(json.paraxial).toMatchObject({ afocal: true, angular_magnification: -2, efl: null, bfl: null, fno: null });
  });
});

describe('physical limits on the command line', () => {
  it('exit non-zero with one clear line naming the field', () => {
    const cases: [string, (l: Record<string, any>) => void, RegExp][] = [ // eslint-disable-line @typescript-eslint/no-explicit-any
      ['angle.json', (l) => (l.fields.points[2].y = 95), /fields\.points\[2\]\.y: field angle 95° is outside \(−90°, 90°\)/],
      ['nm.json', (l) => (l.wavelengths.valuesUm = [486.1, 587.6, 656.3]), /wavelengths\.valuesUm\[0\]: expected a wavelength from 0\.1 to 20 µm/],
      ['weights.json', (l) => (l.wavelengths.weights = [1]), /wavelengths\.weights: expected one weight per wavelength \(3\), got 1/],
      ['fno.json', (l) => (l.aperture = { type: 'imageFNumber', value: 1e6 }), /aperture\.value: expected an F-number in \(0, 10000\]/],
      ['radius.json', (l) => (l.surfaces[0].radius = 1e-12), /surfaces\[0\]\.radius: \|radius\| below 1e-6 mm/],
    ];
    for (const [name, edit, message] of cases) {
      const lens = cooke();
      edit(lens);
      const r = run('analyze', write(name, lens));
      expect(r.status).toBe(1);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(r.stderr).toMatch(message);
    }
  });

  it('refuses more than 1000 surfaces', () => {
    const lens = cooke();
    lens.surfaces = Array.from({ length: 1200 }, (_, i) => ({ type: 'standard', radius: null, thickness: 1, ...(i === 0 && { stop: true }) }));
    const r = run('analyze', write('many.json', lens));
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/many\.json: surfaces: more than 1000 surfaces/);
  });
});

describe('glass on the command line', () => {
  it('analyze and optimize warn about a wavelength outside a glass range', () => {
    const lens = cooke();
    lens.wavelengths = { valuesUm: [0.5875618, 3.1], primaryIndex: 0 };
    lens.glassCatalogs = ['SCHOTT'];
    lens.surfaces = lens.surfaces.map((s: { material?: unknown }) => (s.material ? { ...s, material: 'N-BK7' } : s));
    const file = write('ir-lens.json', lens);
    const a = run('analyze', file);
    expect(a.stderr).toMatch(/warning: ir-lens\.json: N-BK7 \(SCHOTT\) at surfaces\[0\], surfaces\[2\], surfaces\[4\]: 3\.1 µm is outside its catalogued range 0\.3–2\.5 µm/);
    const o = run('optimize', file, '--default-merit', '--vary', 'curvatures', '--iterations', '0', '--out', path.join(dir, 'ir-out.json'));
    expect(o.stderr).toMatch(/warning: ir-lens\.json: N-BK7 \(SCHOTT\) .*outside its catalogued range/);
  });

  it('a catalog entry whose formula contradicts its nd is rejected, naming the glass and the catalog', () => {
    const glassDir = fs.mkdtempSync(path.join(os.tmpdir(), 'ls-agf-'));
    fs.writeFileSync(path.join(glassDir, 'acme.agf'), 'NM BADGLASS 2 517642 1.5268 64.17 0 1\nCD 1.03961212 6.00069867E-03 2.31792344E-01 2.00179144E-02 1.01046945 1.03560653E+02\n');
    fs.writeFileSync(path.join(glassDir, 'empty.agf'), '');
    const lens = cooke();
    lens.surfaces[0].material = 'ACME:BADGLASS';
    const r = run('analyze', write('uses-bad.json', lens), '--glass-dir', glassDir);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/warning: glass BADGLASS of catalog ACME \(line 1\) rejected: its formula gives nd = 1\.516800 but the catalog states nd = 1\.5268/);
    expect(r.stderr).toMatch(/warning: glass catalog .*empty\.agf is empty; ignored/);
    expect(r.stderr).toMatch(/lens-studio: uses-bad\.json: surfaces\[0\]\.material: glass BADGLASS of catalog ACME .*rejected/);
  });
});
