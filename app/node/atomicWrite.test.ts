import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { writeFileAtomic, writeFileAtomicSync } from './atomicWrite.ts';

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'ls-atomic-'));
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

/** Every file under `dir`, relative, sorted (temporary files included). */
function tree(dir: string): string[] {
  return (fs.readdirSync(dir, { recursive: true }) as string[]).map(String).sort();
}

describe.each([
  ['writeFileAtomic', writeFileAtomic],
  ['writeFileAtomicSync', writeFileAtomicSync],
] as const)('%s', (name, write) => {
  it('writes text and bytes, replaces an existing file, creates a missing folder, leaves no temporary file', async () => {
    const dir = path.join(root, `${name}-ok`);
    const file = path.join(dir, 'a', 'lens.json');
    await write(file, '{"v":1}\n');
    expect(fs.readFileSync(file, 'utf8')).toBe('{"v":1}\n');
    await write(file, Uint8Array.of(0, 255, 7));
    expect([...fs.readFileSync(file)]).toEqual([0, 255, 7]);
    expect(tree(dir)).toEqual(['a', path.join('a', 'lens.json')]);
  });

  it('fails naming the file and the error code, removing its temporary file and leaving the target as it was', async () => {
    const dir = path.join(root, `${name}-fail`);
    // The target is a folder: the rename over it fails after the temporary file was written.
    const target = path.join(dir, 'out.json');
    fs.mkdirSync(path.join(target, 'inside'), { recursive: true });
    let err: unknown;
    try {
      await write(target, 'data');
    } catch (e) {
      err = e;
    }
    expect((err as Error).message).toMatch(new RegExp(`^${target.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: cannot write \\((EISDIR|EEXIST|ENOTEMPTY|EPERM)\\)$`));
    expect(((err as Error).cause as NodeJS.ErrnoException).code).toBeDefined();
    expect(tree(dir)).toEqual(['out.json', path.join('out.json', 'inside')]);
    // A path below a regular file: the folder cannot be created.
    const blocker = path.join(dir, 'plain');
    fs.writeFileSync(blocker, 'x');
    await expect(async () => write(path.join(blocker, 'x.json'), 'data')).rejects.toThrow(/plain[/\\]x\.json: cannot write \((ENOTDIR|EEXIST)\)/);
    expect(fs.readFileSync(blocker, 'utf8')).toBe('x');
  });
});
