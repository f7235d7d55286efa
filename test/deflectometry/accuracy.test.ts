/**
 * Accuracy of the self-calibration on the real rig geometry (issue 7, item 5), at reduced
 * resolution: the LE1234-A meniscus in the rig of ../shared/data/deflectometry, both cameras
 * binned 8× (256×256), 16-bit images with photon shot noise (20 000 e⁻ full well per sensor pixel)
 * and read noise (0.1 % of full scale), the lens decentred, shifted and tilted away from the mount
 * position and the screen offset; the fit starts from flat surfaces (curvatures 0), a 3.0 mm centre
 * thickness, the mount position with zero tilt and no screen offset.
 */
import { describe, expect, it } from 'vitest';
import fs from 'node:fs';
import path from 'node:path';
import { calibrate, type CalibrationResult, type CameraMeasurements } from '../../engine/deflectometry/calibrate.ts';
import { decodeScreenPoints } from '../../engine/deflectometry/fringe.ts';
import { makePatternSet, patternFrames } from '../../engine/deflectometry/patterns.ts';
import { parseRig } from '../../engine/deflectometry/rig.ts';
import { buildRigScene, captureHits, mountPose, sceneLens } from '../../engine/deflectometry/rigScene.ts';
import { PixelStatus, type ScreenHits } from '../../engine/deflectometry/scene.ts';
import { DEFAULT_SENSOR, frameSeed, NOISELESS_SENSOR, renderFrame } from '../../engine/deflectometry/simulate.ts';
import { parsePrescriptionJson } from '../../engine/io/json.ts';
import type { Prescription } from '../../engine/io/prescription.ts';
import { GlassLibrary } from '../../engine/materials/glassLibrary.ts';

const root = path.resolve(import.meta.dirname, '../..');
const rig = parseRig(fs.readFileSync(path.resolve(root, '../shared/data/deflectometry/rig-2021-04-03.json'), 'utf8'));
const truth = parsePrescriptionJson(fs.readFileSync(path.join(root, 'lens-library/thorlabs-le1234-a.json'), 'utf8'));
const glass = GlassLibrary.builtin();
const mount = mountPose(rig);
const pose = { xMm: mount.xMm + 0.3, yMm: mount.yMm - 0.2, zMm: mount.zMm + 0.4, tiltXDeg: 0.5, tiltYDeg: -0.4 };
const screenOffset: [number, number] = [0.15, -0.25];
const radius = (p: Prescription, i: number): number => (p.surfaces[i] as { radius: number }).radius;

function simulateSession(binning: number) {
  const scene = buildRigScene(rig, binning, sceneLens(truth, glass, 0.562, 16), pose, screenOffset);
  const set = makePatternSet(rig.periodsPx, rig.steps);
  const frames = patternFrames(set);
  const truthHits: ScreenHits[] = [];
  const measurements: CameraMeasurements[] = scene.cameras.map((cam, ci) => {
    const capture = (kind: 'lens' | 'reference') => {
      const hits = captureHits(scene, ci, kind);
      if (kind === 'lens') truthHits.push(hits);
      const images = frames.map((f, k) => renderFrame(hits, set, f, scene.screen, DEFAULT_SENSOR, frameSeed(3, ci, kind === 'lens' ? 0 : 1, k), binning));
      return decodeScreenPoints(images, cam.widthPx, cam.heightPx, set, rig.screen);
    };
    return { camera: cam, lens: capture('lens'), reference: capture('reference') };
  });
  return { measurements, truthHits };
}

/** RMS distance (µm) between decoded and true screen points over the pixels the fit used. */
function noiseFloorUm(result: CalibrationResult, measurements: CameraMeasurements[], truthHits: ScreenHits[]): number {
  let s2 = 0;
  let n = 0;
  result.cameras.forEach((c, ci) => {
    const m = measurements[ci].lens;
    const h = truthHits[ci];
    c.errorMapUm.forEach((e, p) => {
      if (!Number.isFinite(e)) return;
      expect(h.status[p]).toBe(PixelStatus.LENS);
      s2 += (m.xMm[p] - h.xMm[p]) ** 2 + (m.yMm[p] - h.yMm[p]) ** 2;
      n++;
    });
  });
  return Math.sqrt(s2 / n) * 1000;
}

describe('deflectometry self-calibration accuracy (LE1234-A, real rig, binned 8×)', () => {
  const session = simulateSession(8);
  const nominal: Prescription = { ...truth, surfaces: truth.surfaces.map((s, i) => (i === 0 ? { ...s, thickness: 3.0 } : s)) };

  it('recovers radii to 0.1 %, thickness to 5 µm, position to 10 µm, tilt to 0.01° from flat surfaces', async () => {
    const history: number[] = [];
    const result = await calibrate(
      { measurements: session.measurements, nominal, glass, wavelengthUm: 0.562, initialPose: mount, vary: ['curvatures', 'thickness', 'pose', 'screen-offset'], start: 'flat' },
      { onProgress: (p) => history.push(p.rmsUm) },
    );
    expect(result.stopReason).toBe('converged');
    expect(result.variables.find((v) => v.label === 'c1')!.initial).toBe(0);
    for (const i of [0, 1]) {
      const rel = Math.abs(radius(result.prescription, i) - radius(truth, i)) / Math.abs(radius(truth, i));
      expect(rel, `radius ${i + 1}`).toBeLessThan(1e-3);
    }
    expect(Math.abs(result.prescription.surfaces[0].thickness - 3.59) * 1000).toBeLessThan(5);
    expect(Math.abs(result.pose.xMm - pose.xMm) * 1000).toBeLessThan(10);
    expect(Math.abs(result.pose.yMm - pose.yMm) * 1000).toBeLessThan(10);
    expect(Math.abs(result.pose.zMm - pose.zMm) * 1000).toBeLessThan(10);
    expect(Math.abs(result.pose.tiltXDeg - pose.tiltXDeg)).toBeLessThan(0.01);
    expect(Math.abs(result.pose.tiltYDeg - pose.tiltYDeg)).toBeLessThan(0.01);
    expect(Math.abs(result.screenOffsetMm[0] - screenOffset[0]) * 1000).toBeLessThan(10);
    expect(Math.abs(result.screenOffsetMm[1] - screenOffset[1]) * 1000).toBeLessThan(10);
    // Both cameras contribute; the reprojection error is the measurement noise, no more.
    for (const c of result.cameras) expect(c.lensPixels).toBeGreaterThan(1000);
    const floor = noiseFloorUm(result, session.measurements, session.truthHits);
    expect(floor).toBeGreaterThan(0.3);
    expect(result.lensRmsUm).toBeGreaterThan(0.9 * floor);
    expect(result.lensRmsUm).toBeLessThan(1.05 * floor);
    // The loss fell by orders of magnitude from the flat start.
    expect(history[0] / history[history.length - 1]).toBeGreaterThan(100);
    expect(result.lossHistory.length).toBe(history.length);
  });

  it('recovers a known even-asphere term (16-bit quantisation only, binned 16×, nominal start)', async () => {
    // Truth: surface 2 made aspheric, A4 = 1e-6 mm⁻³ (26 µm of sag at the 12.7 mm rim).
    const aspheric: Prescription = {
      ...truth,
      surfaces: truth.surfaces.map((s, i) => (i === 1 && s.type === 'standard' ? { ...s, type: 'evenAsphere' as const, asphere: [0, 1e-6] } : s)),
    };
    const binning = 16;
    const scene = buildRigScene(rig, binning, sceneLens(aspheric, glass, 0.562, 16), pose, screenOffset);
    const set = makePatternSet(rig.periodsPx, rig.steps);
    const measurements = scene.cameras.map((cam, ci) => {
      const capture = (kind: 'lens' | 'reference') => {
        const hits = captureHits(scene, ci, kind);
        const images = patternFrames(set).map((f, k) => renderFrame(hits, set, f, scene.screen, NOISELESS_SENSOR, frameSeed(4, ci, kind === 'lens' ? 0 : 1, k), binning));
        return decodeScreenPoints(images, cam.widthPx, cam.heightPx, set, rig.screen);
      };
      return { camera: cam, lens: capture('lens'), reference: capture('reference') };
    });
    const result = await calibrate({
      measurements,
      nominal: truth,
      glass,
      wavelengthUm: 0.562,
      initialPose: mount,
      vary: ['curvatures', 'thickness', 'pose', 'screen-offset', 'aspheres'],
      start: 'nominal',
    });
    expect(result.stopReason).toBe('converged');
    const v = Object.fromEntries(result.variables.map((x) => [x.label, x.value]));
    expect(v['A4@2']).toBeCloseTo(1e-6, 8);
    // The other terms stay at zero: under 0.05 µm of sag at the rim.
    for (const label of ['A4@1', 'A6@1']) expect(Math.abs(v[label]) * 12.7 ** (label.startsWith('A4') ? 4 : 6) * 1000, label).toBeLessThan(0.05);
    expect(Math.abs(v['A6@2']) * 12.7 ** 6 * 1000).toBeLessThan(0.05);
    for (const i of [0, 1]) expect(Math.abs(radius(result.prescription, i) / radius(truth, i) - 1), `radius ${i + 1}`).toBeLessThan(1e-5);
    expect(result.prescription.surfaces[1].type).toBe('evenAsphere');
    expect(result.lensRmsUm).toBeLessThan(0.05);
  });
});
