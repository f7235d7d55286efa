/**
 * Text from files never reaches the terminal raw (issue 12 item 10): a lens name with an escape
 * sequence in a report, a bad token with a bell and an OSC clipboard write in an error line, a
 * bidi override in a warning — each is shown escaped, in text and in --json output alike.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const root = path.resolve(import.meta.dirname, '../..');
const bin = path.join(root, 'bin/lens-studio.js');
const run = (...args: string[]) => spawnSync(process.execPath, [bin, ...args], { cwd: root, encoding: 'utf8' });
// eslint-disable-next-line no-control-regex
const RAW_CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;

describe('terminal output of file text', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ls-term-'));
  const lens = JSON.parse(fs.readFileSync(path.join(root, 'lens-library/cooke-triplet.json'), 'utf8'));

  it('escapes a lens name with escape sequences in the analyze report and its JSON', () => {
    lens.name = 'Evil \u001b[2J\u001b]0;pwned\u0007 lens \u202etxt.exe';
    const file = path.join(dir, 'evil.json');
    fs.writeFileSync(file, JSON.stringify(lens));
    const text = run('analyze', file);
    expect(text.status).toBe(0);
    expect(text.stdout).not.toMatch(RAW_CONTROL);
    expect(text.stdout).toContain('Evil \\x1B[2J\\x1B]0;pwned\\x07 lens \\u202Etxt.exe');
    const json = run('analyze', file, '--json');
    expect(json.stdout).not.toMatch(RAW_CONTROL);
    expect(JSON.parse(json.stdout).name).toBe(lens.name);
  });

  it('escapes file text quoted in an error line', () => {
    const file = path.join(dir, 'bad.zmx');
    fs.writeFileSync(file, 'VERS 190513\nMODE SEQ\nSURF 0\nSURF 1\n  CURV 1\u001b]52;c;ZXZpbA==\u0007x\nSURF 2\n');
    const r = run('analyze', file);
    expect(r.status).toBe(1);
    expect(r.stderr).not.toMatch(RAW_CONTROL);
    expect(r.stderr).toMatch(/bad\.zmx:5: .*\\x1B\]52;c;ZXZpbA==\\x07/);
  });
});
