import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadGlassDirs } from './glassDir.ts';

const AGF = 'CC test\r\nNM MY-GLASS 1 0 1.5 60 0 0\r\nCD 2.25 0 0 0 0 0\r\n';

function tempDir(files: Record<string, string | Uint8Array>): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ls-glass-'));
  for (const [name, body] of Object.entries(files)) fs.writeFileSync(path.join(dir, name), body);
  return dir;
}

describe('loadGlassDirs', () => {
  it('reads every .agf / .AGF file, in name order, named after the upper-cased stem', async () => {
    const dir = tempDir({ 'b.AGF': AGF, 'acme.agf': AGF.replace('MY-GLASS', 'OTHER'), 'notes.txt': 'x' });
    const cats = await loadGlassDirs([dir]);
    expect(cats.map((c) => c.name)).toEqual(['ACME', 'B']);
    expect(cats[0].get('other')?.index(0.5)).toBe(1.5);
    expect(cats[1].source).toBe(path.join(dir, 'b.AGF'));
  });

  it('keeps folders in the order given and accepts a single .agf file', async () => {
    const a = tempDir({ 'one.agf': AGF });
    const b = tempDir({ 'two.agf': AGF });
    expect((await loadGlassDirs([b, a])).map((c) => c.name)).toEqual(['TWO', 'ONE']);
    expect((await loadGlassDirs([path.join(a, 'one.agf')])).map((c) => c.name)).toEqual(['ONE']);
  });

  it('reads the shared catalogs, UTF-16 LE included', async () => {
    const dir = path.resolve(import.meta.dirname, '../../../shared/data/glass');
    const cats = await loadGlassDirs([dir]);
    expect(cats.map((c) => c.name)).toEqual(['CDGM', 'HOYA', 'HOYA_20200803', 'OHARA', 'OHARA_20200623', 'SCHOTT']);
    expect(cats.find((c) => c.name === 'OHARA_20200623')?.size).toBe(158);
  });

  it('names the folder or file that cannot be used', async () => {
    const missing = path.join(os.tmpdir(), 'ls-glass-does-not-exist');
    await expect(loadGlassDirs([missing])).rejects.toThrow(`glass folder ${missing}: cannot read (ENOENT)`);
    const empty = tempDir({ 'readme.txt': 'no catalogs' });
    await expect(loadGlassDirs([empty])).rejects.toThrow(`glass folder ${empty}: no .agf catalog in it`);
    const bad = tempDir({ 'bad.agf': `${AGF}NM X 2 0 1.5 60\r\nCD 1 zz\r\n` });
    await expect(loadGlassDirs([bad])).rejects.toThrow(
      `${path.join(bad, 'bad.agf')}: glass catalog BAD, line 5 (CD): field 2 "zz" is not a number`,
    );
  });

  it('warns about an empty or non-AGF catalog file and goes on with the others', async () => {
    const dir = tempDir({ 'a.agf': AGF, 'empty.agf': '', 'photo.agf': new Uint8Array([0x89, 0x50, 0x4e, 0x47, 13, 10, 26, 10, 0, 0, 0, 13]), 'notes.agf': 'just some notes\n42 lines\n' });
    const cats = await loadGlassDirs([dir]);
    expect(cats.map((c) => [c.name, c.size])).toEqual([['A', 1], ['EMPTY', 0], ['NOTES', 0], ['PHOTO', 0]]);
    expect(cats.flatMap((c) => c.warnings)).toEqual([
      `glass catalog ${path.join(dir, 'empty.agf')} is empty; ignored`,
      `glass catalog ${path.join(dir, 'notes.agf')} has no glass in it (not an AGF catalog?); ignored`,
      `glass catalog ${path.join(dir, 'photo.agf')} has no glass in it (not an AGF catalog?); ignored`,
    ]);
  });
});
