/**
 * File access of the studio in web mode (app/host/fileAccess.ts), through the StudioApi as a page
 * calls it: no call takes an arbitrary host path, none tells whether one exists, saving in place
 * goes only to a path the user opened, the start-up lens and the recent files still open, a
 * session folder comes in as uploaded files, and no error quotes the text of a file read from the
 * host's disk.
 */
import { copyFile, mkdir, mkdtemp, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { MessageChannel } from 'node:worker_threads';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parsePrescriptionJson } from '../../engine/io/json.ts';
import { StudioError } from '../../app/contract/studioApi.ts';
import { createStudioClient, serveStudio, type StudioClient } from '../../app/contract/studioRpc.ts';
import { messagePortFramePort, type MessagePortLike } from '../../app/contract/studioTransports.ts';
import { StudioSession } from '../../app/host/studioSession.ts';
import { redactFileText } from '../../app/host/fileAccess.ts';
import { checkUploadPath } from '../../app/host/sessionUpload.ts';
import { repoRoot } from './studioContract.ts';

const libraryDir = path.join(repoRoot, 'lens-library');
const SECRET = 'hunter2-SECRET-7f3a';

async function rejection(p: Promise<unknown>): Promise<StudioError> {
  const e = await p.then(
    () => new Error('expected a StudioError, got success'),
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(StudioError);
  return e as StudioError;
}

function connect(session: StudioSession): StudioClient {
  const { port1, port2 } = new MessageChannel();
  serveStudio(session, messagePortFramePort(port1 as unknown as MessagePortLike));
  return createStudioClient(messagePortFramePort(port2 as unknown as MessagePortLike));
}

async function filesUnder(dir: string, prefix = ''): Promise<string[]> {
  const out: string[] = [];
  for (const e of await readdir(dir, { withFileTypes: true })) {
    if (e.isDirectory()) out.push(...(await filesUnder(path.join(dir, e.name), `${prefix}${e.name}/`)));
    else out.push(`${prefix}${e.name}`);
  }
  return out;
}

describe('web-mode file access through the StudioApi', () => {
  let work: string;
  let startup: string;
  let session: StudioSession;
  let api: StudioClient;

  beforeAll(async () => {
    work = await mkdtemp(path.join(os.tmpdir(), 'lens-studio-files-'));
    startup = path.join(work, 'mine', 'triplet.json');
    await mkdir(path.dirname(startup));
    await copyFile(path.join(libraryDir, 'cooke-triplet.json'), startup);
    await writeFile(path.join(work, 'private.json'), JSON.stringify({ secret: SECRET }));
    session = new StudioSession({ libraryDir, stateDir: path.join(work, 'state'), mode: 'web', engineThread: 'main' });
    await session.openStartupLens(startup);
    api = connect(session);
  });
  afterAll(() => api?.close());

  it('refuses every path the user did not choose, with one message whether it exists or not', async () => {
    const existing = await rejection(api.openPath(path.join(work, 'private.json')));
    const missing = await rejection(api.openPath(path.join(work, 'no-such-file.json')));
    const folder = await rejection(api.openPath(work));
    expect(existing.code).toBe('BAD_REQUEST');
    expect(missing.message).toBe(existing.message);
    expect(folder.message).toBe(existing.message);
    expect(existing.message).not.toContain(SECRET);
    const s1 = await rejection(api.openDeflectometrySession(work));
    const s2 = await rejection(api.openDeflectometrySession(path.join(work, 'nope')));
    expect(s1.code).toBe('BAD_REQUEST');
    expect(s2.message).toBe(s1.message);
  });

  it('never writes outside what the user opened: no new file, no new folder', async () => {
    const target = path.join(work, 'new-folder', 'evil.json');
    const e = await rejection(api.saveLens(target));
    expect(e.code).toBe('BAD_REQUEST');
    await expect(stat(path.dirname(target))).rejects.toThrow(/ENOENT/);
    const over = await rejection(api.saveLens(path.join(work, 'private.json')));
    expect(over.code).toBe('BAD_REQUEST');
    expect(JSON.parse(await readFile(path.join(work, 'private.json'), 'utf8'))).toEqual({ secret: SECRET });
  });

  it('saves the start-up lens in place, and reopens it from the recent files', async () => {
    const snap = await api.getLens();
    expect(snap.source).toEqual({ kind: 'path', path: startup });
    await api.edit({ op: 'setSurface', index: 0, field: 'radius', value: 21.5 });
    expect((await api.getLens()).dirty).toBe(true);
    expect(await api.saveLens()).toEqual({ path: startup });
    expect((await api.getLens()).dirty).toBe(false);
    expect((parsePrescriptionJson(await readFile(startup, 'utf8')).surfaces[0] as { radius: number }).radius).toBe(21.5);
    // The same path given explicitly is the user's choice too.
    expect(await api.saveLens(startup)).toEqual({ path: startup });
    await api.openLibraryLens('double-gauss');
    const entry = (await api.recentFiles()).find((r) => r.path === startup)!;
    expect(entry.kind).toBe('path');
    const back = await api.openRecent(entry.id);
    expect(back.source).toEqual({ kind: 'path', path: startup });
    expect(await api.openPath(startup)).toMatchObject({ fileName: 'triplet.json' });
  });

  it('quotes no text of a file read from the host in its error', async () => {
    const entry = (await api.recentFiles()).find((r) => r.path === startup)!;
    // The file changed on disk since it was opened: JSON with a bare token.
    await writeFile(startup, `{\n  "format": "lens-studio/1",\n  "name": "x",\n  ${SECRET}\n}\n`);
    const json = await rejection(api.openRecent(entry.id));
    expect(json.code).toBe('BAD_FILE');
    expect(json.message).toMatch(/triplet\.json.*line 4/);
    expect(json.message).not.toContain(SECRET);
    expect(json.message).not.toContain('hunter');
    // A dO .txt file with a token where a row type belongs (it was echoed before).
    const txt = path.join(work, 'mine', 'lens.txt');
    await writeFile(txt, `name\n\nO 0 0 0 AIR\n${SECRET} 1 2 3 AIR\nS 1 "${SECRET}" 3 AIR\n`);
    // Named on the command line (so granted), then opened again from the page.
    await session.openStartupLens(txt).catch(() => {});
    const bad = await rejection(api.openPath(txt));
    expect(bad.code).toBe('BAD_FILE');
    expect(bad.message).toMatch(/lens\.txt:4/);
    expect(bad.message).not.toContain(SECRET);
  });

  it('quotes no text of an uploaded file in its error either', async () => {
    const e = await rejection(api.openFile('lens.txt', new TextEncoder().encode(`name\n\nO 0 0 0 AIR\n${SECRET} 1 2 3 AIR\n`)));
    expect(e.code).toBe('BAD_FILE');
    expect(e.message).toMatch(/^lens\.txt:4: /);
    expect(e.message).not.toContain(SECRET);
    const zmx = await rejection(api.openFile('lens.zmx', new TextEncoder().encode(`VERS 190513\nMODE SEQ\nSURF 0\nSURF 1\n  CURV ${SECRET}\nSURF 2\n`)));
    expect(zmx.message).toMatch(/^lens\.zmx:5: /);
    expect(zmx.message).not.toContain(SECRET);
  });

  it('takes a session folder as uploaded files, and refuses paths that leave it', async () => {
    const host = new StudioSession({ libraryDir, stateDir: null, mode: 'in-process', engineThread: 'main' });
    const simulated = await host.simulateDeflectometrySession({ binning: 32 });
    const files = await filesUnder(simulated.dir);
    let uploadId: string | undefined;
    for (const f of files) ({ uploadId } = await api.uploadDeflectometryFile(f, new Uint8Array(await readFile(path.join(simulated.dir, f))), uploadId));
    const info = await api.openDeflectometryUpload(uploadId!);
    expect(info.dir).not.toBe(simulated.dir);
    expect(info.cameras.map((c) => [c.name, c.width, c.height, c.pixels.length])).toEqual(simulated.cameras.map((c) => [c.name, c.width, c.height, c.pixels.length]));
    expect(Array.from(info.cameras[0].xMm)).toEqual(Array.from(simulated.cameras[0].xMm));
    // The uploaded folder is now a recent session, which may be reopened by path.
    expect(await api.recentDeflectometrySessions()).toContain(info.dir);
    expect((await api.openDeflectometrySession(info.dir)).dir).toBe(info.dir);
    const bytes = new Uint8Array([1, 2, 3]);
    for (const bad of ['../evil.json', '/etc/evil.json', 'a/../../evil.json', '.hidden.json', 'a//b.json', 'camera1\\..\\x.png', 'run.sh', 'a/b/c/d/e.png', '']) {
      expect((await rejection(api.uploadDeflectometryFile(bad, bytes))).code).toBe('BAD_REQUEST');
    }
    expect((await rejection(api.uploadDeflectometryFile('x.json', bytes, 'not-an-upload'))).code).toBe('NOT_FOUND');
    expect((await rejection(api.openDeflectometryUpload(uploadId!))).code).toBe('NOT_FOUND');
  });
});

describe('the file-access rules on their own', () => {
  it('upload paths: plain segments, at most 4, .json or .png', () => {
    expect(checkUploadPath('camera1/lens/x-p70-s0.png')).toEqual(['camera1', 'lens', 'x-p70-s0.png']);
    expect(checkUploadPath('session.json')).toEqual(['session.json']);
    expect(() => checkUploadPath('..')).toThrow(StudioError);
  });

  it('takes quoted file text and V8 JSON snippets out of messages', () => {
    expect(redactFileText(`a.json: malformed JSON at line 4, column 3: Unexpected token 'h', ..."e": "x",\n  hunter2\n}\n" is not valid JSON`)).toBe(
      'a.json: malformed JSON at line 4, column 3: Unexpected token "…"',
    );
    expect(redactFileText('lens.txt:4: row type hunter2 is not supported (expected O, S, A, X or I)')).not.toContain('hunter2');
    expect(redactFileText('lens.zmx:9: CURV: expected a number, got "hunter2"')).toBe('lens.zmx:9: CURV: expected a number, got "…"');
  });
});

