/** `lens-studio convert` and `lens-studio library` as a user runs them: real processes and files. */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parsePrescriptionJson } from '../../engine/io/json.ts';
import { decodeText } from '../../engine/io/text.ts';

const root = path.resolve(import.meta.dirname, '../..');
const bin = path.join(root, 'bin/lens-studio.js');
const data = path.resolve(root, '../shared/data');
const run = (...args: string[]) => spawnSync(process.execPath, [bin, ...args], { cwd: root, encoding: 'utf8' });
const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), 'ls-convert-'));

describe('lens-studio convert', () => {
  it('converts .zmx → .json → .zmx → .json keeping every number, warnings on stderr', () => {
    const dir = tmp();
    const a = path.join(dir, 'a.json');
    const b = path.join(dir, 'b.zmx');
    const c = path.join(dir, 'c.json');
    const glass = ['--glass-dir', path.join(data, 'glass')];
    const r1 = run('convert', path.join(data, 'zmx/OpticsDatabase__Telescope_Steinheil.zmx'), a, ...glass);
    expect(r1.status).toBe(0);
    expect(r1.stderr).toMatch(/^warning: OpticsDatabase__Telescope_Steinheil\.zmx: .*FTYP 3: real image heights/m);
    const r2 = run('convert', a, b);
    expect(r2.status).toBe(0);
    const zmx = decodeText(fs.readFileSync(b));
    expect(zmx.encoding).toBe('utf-16le');
    expect(zmx.text).toMatch(/^VERS .*\r\nMODE SEQ\r\n/);
    expect(zmx.text).toMatch(/GLAS SF1 0 0 1\.717/);
    const r3 = run('convert', b, c, ...glass);
    expect(r3.status).toBe(0);
    const first = parsePrescriptionJson(fs.readFileSync(a, 'utf8'));
    const third = parsePrescriptionJson(fs.readFileSync(c, 'utf8'));
    expect(third.surfaces).toEqual(first.surfaces);
    expect({ ...third, source: 0, meta: 0 }).toEqual({ ...first, source: 0, meta: 0 });
    expect(fs.readdirSync(dir).sort()).toEqual(['a.json', 'b.zmx', 'c.json']);
  });

  it('reads dO lens files', () => {
    const out = path.join(tmp(), 'la1131.json');
    const r = run('convert', path.join(data, 'dO/LA1131.txt'), out);
    expect(r.status).toBe(0);
    expect(parsePrescriptionJson(fs.readFileSync(out, 'utf8')).surfaces[0]).toMatchObject({ radius: 25.75, material: 'N-BK7' });
  });

  it('fails with one readable line and writes nothing for an unsupported surface, format or feature', () => {
    const dir = tmp();
    const out = path.join(dir, 'x.json');
    const tor = run('convert', path.join(data, 'zmx/optiland__thorlabs_lj1598l1.zmx'), out);
    expect(tor.status).toBe(1);
    expect(tor.stderr).toBe('lens-studio: optiland__thorlabs_lj1598l1.zmx:69: SURF 1: TYPE TOROIDAL is not supported yet\n');
    const ext = run('convert', path.join(data, 'dO/LA1131.txt'), path.join(dir, 'x.txt'));
    expect(ext.status).toBe(2);
    expect(ext.stderr).toMatch(/x\.txt: cannot write "\.txt" lens files \(supported: \.json, \.zmx\)/);
    const xy = run('convert', path.join(data, 'dO/end2end_edof.txt'), path.join(dir, 'x.zmx'));
    expect(xy.status).toBe(1);
    expect(xy.stderr).toMatch(/^lens-studio: x\.zmx: surfaces\[4\]: XY-polynomial .* cannot be written to \.zmx yet\n$/);
    expect(fs.readdirSync(dir)).toEqual([]);
  });
});

describe('lens-studio library', () => {
  it('lists the library with name, file, EFL, F#, field and source', () => {
    const r = run('library', '--json');
    expect(r.status).toBe(0);
    const entries = JSON.parse(r.stdout) as { file: string; name: string; efl: number; fno: number; field: { max: number }; source: string }[];
    expect(entries.length).toBeGreaterThanOrEqual(15);
    const tessar = entries.find((e) => e.file === 'tessar.json')!;
    expect(tessar.name).toMatch(/Tessar/);
    expect(tessar.efl).toBeCloseTo(101.6, 0);
    expect(tessar.fno).toBeCloseTo(4.5, 9);
    expect(tessar.field.max).toBe(20.5);
    expect(tessar.source).toMatch(/Laikin/);
    const table = run('library');
    expect(table.stdout).toMatch(/tessar\.json/);
  });
});
