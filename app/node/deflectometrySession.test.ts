/** Session folders: writing, reading, and the errors for missing or wrong images and a bad rig. */
import { afterAll, describe, expect, it } from 'vitest';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PinholeCamera } from '../../engine/deflectometry/camera.ts';
import { makePatternSet, patternFrames } from '../../engine/deflectometry/patterns.ts';
import { parseRig } from '../../engine/deflectometry/rig.ts';
import { readCaptureImages, readSession, writeSession } from './deflectometrySession.ts';
import { encodeGray16 } from './png16.ts';

const root = path.resolve(import.meta.dirname, '../..');
const rigText = fs.readFileSync(path.resolve(root, '../shared/data/deflectometry/rig-2021-04-03.json'), 'utf8');
const rig = parseRig(rigText);
const set = makePatternSet(rig.periodsPx, rig.steps);
const binning = 64;
const cameras = rig.cameras.map((c) => PinholeCamera.fromRig(c, binning));
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'lens-studio-session-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

/** Frame k of camera ci, capture: a distinct constant image. */
const value = (ci: number, capture: string, k: number) => 1000 * ci + (capture === 'lens' ? 0 : 500) + k;

async function makeSession(name: string): Promise<string> {
  const dir = path.join(tmp, name);
  await writeSession(dir, { rigText, rig, set, binning, wavelengthUm: 0.562, mountOuterRadiusMm: 16 }, cameras, (ci, capture, k) =>
    new Uint16Array(cameras[ci].pixelCount).fill(value(ci, capture, k)),
  );
  return dir;
}

describe('deflectometry session folders', () => {
  it('write and read back: manifest, rig, every image in pattern order', async () => {
    const dir = await makeSession('ok');
    const s = await readSession(dir);
    expect(s.manifest.images).toHaveLength(2 * 2 * patternFrames(set).length);
    expect(s.cameras.map((c) => [c.name, c.widthPx, c.heightPx])).toEqual([['camera1', 32, 32], ['camera2', 32, 32]]);
    const imgs = await readCaptureImages(s, s.cameras[1], 'reference');
    expect(imgs.map((im) => im[0])).toEqual(patternFrames(set).map((_, k) => value(1, 'reference', k)));
    // No temporary files are left behind.
    const leftovers = fs.readdirSync(dir, { recursive: true }).filter((f) => String(f).endsWith('.tmp'));
    expect(leftovers).toEqual([]);
  });

  it('names a missing image and the manifest entry that lists it', async () => {
    const dir = await makeSession('missing');
    fs.rmSync(path.join(dir, 'camera2/lens/y-p100-s2.png'));
    await expect(readSession(dir)).rejects.toThrow(/camera2\/lens\/y-p100-s2\.png: missing \(listed in .*session\.json images\[\d+\]\)/);
  });

  it('names an image of the wrong size and the size expected', async () => {
    const dir = await makeSession('size');
    fs.writeFileSync(path.join(dir, 'camera1/lens/x-p070-s1.png'), encodeGray16({ width: 31, height: 32, data: new Uint16Array(31 * 32) }));
    const s = await readSession(dir);
    await expect(readCaptureImages(s, s.cameras[0], 'lens')).rejects.toThrow(/camera1\/lens\/x-p070-s1\.png: image is 31×32 px, expected 32×32 \(camera1, binned 64×\)/);
  });

  it('names a file that is not a PNG', async () => {
    const dir = await makeSession('notpng');
    fs.writeFileSync(path.join(dir, 'camera1/reference/x-p110-s3.png'), 'hello');
    const s = await readSession(dir);
    await expect(readCaptureImages(s, s.cameras[0], 'reference')).rejects.toThrow(/x-p110-s3\.png: not a readable PNG/);
  });

  it('rejects a rig whose camera matrix is not a rotation, naming the rig file and the camera', async () => {
    const dir = await makeSession('badrig');
    const raw = JSON.parse(rigText);
    raw.cameras[1].R_matlab[1][1] = 0.5;
    fs.writeFileSync(path.join(dir, 'rig.json'), JSON.stringify(raw));
    await expect(readSession(dir)).rejects.toThrow(/rig\.json: cameras\[1\] \(camera2\): R_matlab is not a rotation/);
  });

  it('rejects a manifest that lacks a frame, or points outside the folder', async () => {
    const dir = await makeSession('manifest');
    const file = path.join(dir, 'session.json');
    const m = JSON.parse(fs.readFileSync(file, 'utf8'));
    const dropped = m.images.filter((im: { camera: string; capture: string; direction: string; periodPx: number; step: number }) =>
      !(im.camera === 'camera2' && im.capture === 'reference' && im.direction === 'y' && im.periodPx === 110 && im.step === 3));
    fs.writeFileSync(file, JSON.stringify({ ...m, images: dropped }));
    await expect(readSession(dir)).rejects.toThrow(/session\.json: images: missing the reference image of camera2 for y fringes, period 110 px, step 3/);
    const original = m.images[4].file;
    m.images[4].file = '../../etc/passwd';
    fs.writeFileSync(file, JSON.stringify(m));
    await expect(readSession(dir)).rejects.toThrow(/session\.json: images\[4\]\.file: expected a path inside the session folder/);
    m.images[4].file = original;
    m.images[4].camera = 'camera9';
    fs.writeFileSync(file, JSON.stringify(m));
    await expect(readSession(dir)).rejects.toThrow(/images\[4\]\.camera: "camera9" is not a camera of the rig/);
  });

  it('says so when the folder or its manifest does not exist', async () => {
    await expect(readSession(path.join(tmp, 'nope'))).rejects.toThrow(/nope: no such session folder/);
    fs.mkdirSync(path.join(tmp, 'empty'));
    await expect(readSession(path.join(tmp, 'empty'))).rejects.toThrow(/empty\/session\.json: cannot read the session manifest \(no such file\)/);
  });

  it('never follows a symbolic link out of the session folder (image, rig, nominal lens)', async () => {
    const outside = fs.mkdtempSync(path.join(os.tmpdir(), 'lens-studio-outside-'));
    const secretPng = path.join(outside, 'secret.png');
    fs.writeFileSync(secretPng, encodeGray16({ width: 32, height: 32, data: new Uint16Array(32 * 32).fill(4242) }));
    // An image replaced by a link to a file outside: reading the capture refuses it.
    const dir = await makeSession('link-image');
    const img = path.join(dir, 'camera1/lens/x-p070-s1.png');
    fs.rmSync(img);
    fs.symlinkSync(secretPng, img);
    await expect(readSession(dir)).rejects.toThrow(/x-p070-s1\.png: a symbolic link out of the session folder/);
    // The rig file as a link out of the folder.
    const dir2 = await makeSession('link-rig');
    fs.copyFileSync(path.join(dir2, 'rig.json'), path.join(outside, 'rig.json'));
    fs.rmSync(path.join(dir2, 'rig.json'));
    fs.symlinkSync(path.join(outside, 'rig.json'), path.join(dir2, 'rig.json'));
    await expect(readSession(dir2)).rejects.toThrow(/rig\.json: a symbolic link out of the session folder/);
    // A link that stays inside the folder is fine, and so is a session folder that is itself a link.
    const dir3 = await makeSession('link-inside');
    const a = path.join(dir3, 'camera1/lens/x-p070-s1.png');
    fs.renameSync(a, path.join(dir3, 'camera1/lens/moved.png'));
    fs.symlinkSync(path.join(dir3, 'camera1/lens/moved.png'), a);
    const linkedDir = path.join(outside, 'linked-session');
    fs.symlinkSync(dir3, linkedDir);
    const s = await readSession(linkedDir);
    const imgs = await readCaptureImages(s, s.cameras[0], 'lens');
    expect(imgs[1][0]).toBe(value(0, 'lens', 1));
  });

  it('refuses a frame whose header declares another size before decoding it (a 20000² px PNG of a few hundred bytes)', async () => {
    const dir = await makeSession('bomb');
    const png = Buffer.from(encodeGray16({ width: 1, height: 1, data: new Uint16Array(1) }));
    png.writeUInt32BE(20000, 16); // IHDR width
    png.writeUInt32BE(20000, 20); // IHDR height (the CRC no longer matches: never read that far)
    fs.writeFileSync(path.join(dir, 'camera1/lens/x-p070-s1.png'), png);
    const s = await readSession(dir);
    await expect(readCaptureImages(s, s.cameras[0], 'lens')).rejects.toThrow(/x-p070-s1\.png: image is 20000×20000 px, expected 32×32/);
  });
});
