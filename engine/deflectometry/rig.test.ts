import { describe, expect, it } from 'vitest';
import fs from 'node:fs';
import path from 'node:path';
import { PinholeCamera } from './camera.ts';
import { closestPointToLines, parsePose, poseAxis, poseRotation } from './pose.ts';
import { parseRig, rotationProblem, RigError } from './rig.ts';
import { mountPose } from './rigScene.ts';

const root = path.resolve(import.meta.dirname, '../..');
const rigFile = path.resolve(root, '../shared/data/deflectometry/rig-2021-04-03.json');
const rigText = fs.readFileSync(rigFile, 'utf8');
const raw = JSON.parse(rigText);

describe('rig file', () => {
  it('parses the real rig: two 2048² cameras, a 2560×1600 screen, periods 70/100/110, 4 steps', () => {
    const rig = parseRig(rigText, 'rig-2021-04-03.json');
    expect(rig.cameras.map((c) => c.name)).toEqual(['camera1', 'camera2']);
    expect(rig.cameras[0].widthPx).toBe(2048);
    expect(rig.screen).toEqual({ widthPx: 2560, heightPx: 1600, pitchMm: 0.11184999999999999 });
    expect(rig.periodsPx).toEqual([70, 100, 110]);
    expect(rig.steps).toBe(4);
  });

  it('rejects a matrix that is not orthonormal, naming the file and the camera', () => {
    const bad = structuredClone(raw);
    bad.cameras[1].R_matlab[0] = bad.cameras[1].R_matlab[0].map((v: number) => v * 1.001);
    expect(() => parseRig(JSON.stringify(bad), 'my-rig.json')).toThrow(/^my-rig\.json: cameras\[1\] \(camera2\): R_matlab is not a rotation: not orthonormal/);
  });

  it('rejects a reflection (det −1) although it is orthonormal', () => {
    const bad = structuredClone(raw);
    bad.cameras[0].R_matlab[2] = bad.cameras[0].R_matlab[2].map((v: number) => -v);
    expect(() => parseRig(JSON.stringify(bad), 'my-rig.json')).toThrow(/cameras\[0\] \(camera1\): R_matlab is not a rotation: det = -1\.0+ \(a reflection/);
  });

  it('accepts deviations within 1e-6 and refuses those beyond', () => {
    const r = Float64Array.from([1, 0, 0, 0, 1, 0, 0, 0, 1]);
    r[0] = 1 + 4e-7;
    expect(rotationProblem(r)).toBeNull();
    r[0] = 1 + 3e-6;
    expect(rotationProblem(r)).toMatch(/not orthonormal/);
  });

  it('names the field of a schema error and the line of a syntax error', () => {
    const bad = structuredClone(raw);
    bad.cameras[0].fx_px = 'fast';
    expect(() => parseRig(JSON.stringify(bad), 'r.json')).toThrow(/^r\.json: cameras\[0\]\.fx_px: /);
    const noScreen = structuredClone(raw);
    delete noScreen.screen;
    expect(() => parseRig(JSON.stringify(noScreen), 'r.json')).toThrow(/^r\.json: screen: /);
    expect(() => parseRig('{\n  "cameras": [,]\n}', 'r.json')).toThrow(/^r\.json: malformed JSON at line 2/);
    expect(() => parseRig(rigText, 'r.json')).not.toThrow(RigError);
  });
});

describe('pinhole camera in the MATLAB convention', () => {
  const rig = parseRig(rigText);

  it('projects world points as x_cam = X·R_matlab + t_matlab, u = fx x/z + cx (computed from the raw file)', () => {
    for (const [ci, c] of raw.cameras.entries()) {
      const cam = PinholeCamera.fromRig(rig.cameras[ci]);
      const R: number[][] = c.R_matlab;
      const t: number[] = c.t_matlab_mm;
      for (const X of [[40, 23, -49], [0, 0, 0], [100, 60, 0], [-20, 80, -120]]) {
        const xc = [0, 1, 2].map((j) => X[0] * R[0][j] + X[1] * R[1][j] + X[2] * R[2][j] + t[j]);
        const out = new Float64Array(2);
        expect(cam.project(X[0], X[1], X[2], out)).toBe(true);
        expect(out[0]).toBeCloseTo((c.fx_px * xc[0]) / xc[2] + c.cx_px, 8);
        expect(out[1]).toBeCloseTo((c.fy_px * xc[1]) / xc[2] + c.cy_px, 8);
      }
    }
  });

  it('puts the camera centre at −R t and round-trips pixel → ray → pixel', () => {
    const cam = PinholeCamera.fromRig(rig.cameras[1]);
    const out = new Float64Array(2);
    const ray = new Float64Array(6);
    for (const [u, v] of [[0.5, 0.5], [1021.86, 1013.33], [2047.5, 10.25], [300.1, 1900.7]]) {
      cam.pixelRay(u, v, ray);
      expect(Math.hypot(ray[3], ray[4], ray[5])).toBeCloseTo(1, 14);
      const s = 500;
      cam.project(ray[0] + s * ray[3], ray[1] + s * ray[4], ray[2] + s * ray[5], out);
      expect(out[0]).toBeCloseTo(u, 9);
      expect(out[1]).toBeCloseTo(v, 9);
    }
    // A point behind the camera does not project.
    const ax = cam.axis();
    expect(cam.project(cam.centre[0] - ax[0], cam.centre[1] - ax[1], cam.centre[2] - ax[2], out)).toBe(false);
    expect(Number.isNaN(out[0])).toBe(true);
  });

  it('bins n×n: the binned pixel k sees along the sensor ray at n(k + ½)', () => {
    const full = PinholeCamera.fromRig(rig.cameras[0]);
    const bin = PinholeCamera.fromRig(rig.cameras[0], 8);
    expect([bin.widthPx, bin.heightPx]).toEqual([256, 256]);
    const a = new Float64Array(6);
    const b = new Float64Array(6);
    const rays = bin.pixelRays([37 * 256 + 101]);
    full.pixelRay(8 * 101.5, 8 * 37.5, a);
    bin.pixelRay(101.5, 37.5, b);
    for (let k = 0; k < 6; k++) {
      expect(b[k]).toBeCloseTo(a[k], 12);
    }
    expect(rays.dx[0]).toBeCloseTo(a[3], 12);
    expect(rays.dy[0]).toBeCloseTo(a[4], 12);
    expect(() => full.binned(0)).toThrow(/positive integer/);
    expect(() => full.binned(4096)).toThrow(/leaves no pixel/);
  });

  it('locates the lens mount where the two cameras’ rotation-axis rays meet, about 49 mm before the screen', () => {
    const m = mountPose(rig);
    // Both rays pass within 0.02 mm of the point (they nearly intersect).
    const ray = new Float64Array(6);
    for (const c of rig.cameras) {
      PinholeCamera.fromRig(c).pixelRay(c.rotationAxisClickPx![0], c.rotationAxisClickPx![1], ray);
      const v = [m.xMm - ray[0], m.yMm - ray[1], m.zMm - ray[2]];
      const along = v[0] * ray[3] + v[1] * ray[4] + v[2] * ray[5];
      expect(Math.hypot(v[0] - along * ray[3], v[1] - along * ray[4], v[2] - along * ray[5])).toBeLessThan(0.02);
    }
    expect(m.zMm).toBeGreaterThan(-60);
    expect(m.zMm).toBeLessThan(-40);
    expect(() => closestPointToLines([[0, 0, 0], [1, 0, 0]], [[0, 0, 1], [0, 0, 1]])).toThrow(/parallel/);
  });
});

describe('lens pose', () => {
  it('is R = Ry(θy)·Rx(θx), a rotation with the stated axis and exact derivatives', () => {
    const pose = { xMm: 0, yMm: 0, zMm: 0, tiltXDeg: 12, tiltYDeg: -7 };
    const r = new Float64Array(9);
    const dx = new Float64Array(9);
    const dy = new Float64Array(9);
    poseRotation(pose, r, dx, dy);
    expect(rotationProblem(r, 1e-14)).toBeNull();
    const a = (12 * Math.PI) / 180;
    const b = (-7 * Math.PI) / 180;
    expect(poseAxis(pose)).toEqual([expect.closeTo(Math.sin(b) * Math.cos(a), 14), expect.closeTo(-Math.sin(a), 14), expect.closeTo(Math.cos(a) * Math.cos(b), 14)]);
    const h = 1e-6;
    const rp = new Float64Array(9);
    const rm = new Float64Array(9);
    poseRotation({ ...pose, tiltXDeg: 12 + (h * 180) / Math.PI }, rp);
    poseRotation({ ...pose, tiltXDeg: 12 - (h * 180) / Math.PI }, rm);
    for (let k = 0; k < 9; k++) expect(dx[k]).toBeCloseTo((rp[k] - rm[k]) / (2 * h), 8);
    poseRotation({ ...pose, tiltYDeg: -7 + (h * 180) / Math.PI }, rp);
    poseRotation({ ...pose, tiltYDeg: -7 - (h * 180) / Math.PI }, rm);
    for (let k = 0; k < 9; k++) expect(dy[k]).toBeCloseTo((rp[k] - rm[k]) / (2 * h), 8);
  });

  it('parses x,y,z,tiltX,tiltY and names a bad field', () => {
    expect(parsePose('1, 2,-3,0.5,-0.25')).toEqual({ xMm: 1, yMm: 2, zMm: -3, tiltXDeg: 0.5, tiltYDeg: -0.25 });
    expect(() => parsePose('1,2,3')).toThrow(/expected x,y,z,tiltX,tiltY/);
    expect(() => parsePose('1,2,zz,0,0')).toThrow(/z is not a number/);
  });
});
