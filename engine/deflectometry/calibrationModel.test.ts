/**
 * The calibration model's exact Jacobian against central finite differences of its residuals,
 * for every kind of fit variable (curvature, thickness, even-asphere term, lens position, tilts,
 * screen offset), on the real rig geometry with a tilted, decentred LE1234-A.
 */
import { describe, expect, it } from 'vitest';
import fs from 'node:fs';
import path from 'node:path';
import { parsePrescriptionJson } from '../io/json.ts';
import { GlassLibrary } from '../materials/glassLibrary.ts';
import { PinholeCamera } from './camera.ts';
import { CalibrationModel, type CameraRows, type FitVariable } from './calibrationModel.ts';
import { buildFitSystem, FIT_LENS_OFFSET } from './fitSystem.ts';
import { parseRig } from './rig.ts';
import { mountPose } from './rigScene.ts';

const root = path.resolve(import.meta.dirname, '../..');
const rig = parseRig(fs.readFileSync(path.resolve(root, '../shared/data/deflectometry/rig-2021-04-03.json'), 'utf8'));
const lens = parsePrescriptionJson(fs.readFileSync(path.join(root, 'lens-library/thorlabs-le1234-a.json'), 'utf8'));

/** Rows for pixels on a coarse grid over the lens image of each camera (measured = 0). */
function rows(cam: PinholeCamera, pose: { xMm: number; yMm: number; zMm: number }): CameraRows {
  const centre = new Float64Array(2);
  cam.project(pose.xMm, pose.yMm, pose.zMm, centre);
  const pixels: number[] = [];
  for (let dv = -10; dv <= 10; dv += 4) {
    for (let du = -10; du <= 10; du += 4) {
      const u = Math.floor(centre[0]) + du;
      const v = Math.floor(centre[1]) + dv;
      pixels.push(v * cam.widthPx + u);
    }
  }
  const lensRays = cam.pixelRays(pixels);
  return {
    lensRays,
    lensMeasured: new Float64Array(2 * pixels.length),
    referenceDirect: Float64Array.from([40, 20, 41, 21]),
    referenceMeasured: Float64Array.from([40.1, 19.9, 41.05, 21.02]),
  };
}

describe('calibration model Jacobian', () => {
  it('matches central finite differences for every variable kind', () => {
    const fit = buildFitSystem(lens, GlassLibrary.builtin(), 0.562, 2);
    const s1 = FIT_LENS_OFFSET;
    const s2 = FIT_LENS_OFFSET + 1;
    // Give the aspheres non-zero values so their derivatives act through refraction too.
    fit.system.surfaces[s1].asphere[1] = 2e-6;
    fit.system.surfaces[s2].asphere[1] = -3e-6;
    const m = mountPose(rig);
    const pose = { xMm: m.xMm + 0.4, yMm: m.yMm - 0.3, zMm: m.zMm + 0.5, tiltXDeg: 1.5, tiltYDeg: -2 };
    const cams = rig.cameras.map((c) => PinholeCamera.fromRig(c, 8));
    const variables: FitVariable[] = [
      { kind: 'lens', label: 'c1', param: { kind: 'curvature', surface: s1 } },
      { kind: 'lens', label: 'c2', param: { kind: 'curvature', surface: s2 } },
      { kind: 'lens', label: 't1', param: { kind: 'thickness', surface: s1 } },
      { kind: 'lens', label: 'A4@1', param: { kind: 'asphere', surface: s1, index: 1 } },
      { kind: 'lens', label: 'A6@2', param: { kind: 'asphere', surface: s2, index: 2 } },
      { kind: 'pose', label: 'x', key: 'xMm' },
      { kind: 'pose', label: 'y', key: 'yMm' },
      { kind: 'pose', label: 'z', key: 'zMm' },
      { kind: 'pose', label: 'tiltX', key: 'tiltXDeg' },
      { kind: 'pose', label: 'tiltY', key: 'tiltYDeg' },
      { kind: 'screen', label: 'ox', axis: 0 },
      { kind: 'screen', label: 'oy', axis: 1 },
    ];
    const model = new CalibrationModel({ fit, pose, offset: [0.2, -0.1] }, variables, cams.map((c) => rows(c, pose)));
    const x0 = model.read();
    const { residuals, jacobian } = model.evaluate(x0, true);
    const r0 = Float64Array.from(residuals);
    const J = Float64Array.from(jacobian!);
    for (let i = 0; i < model.nLensRows; i++) expect(model.modelValid[i]).toBe(1);
    const steps = [1e-6, 1e-6, 1e-4, 1e-9, 1e-11, 1e-4, 1e-4, 1e-4, 1e-4, 1e-4, 1e-4, 1e-4];
    const nv = model.nVariables;
    variables.forEach((v, j) => {
      const h = steps[j];
      const xp = Float64Array.from(x0);
      const xm = Float64Array.from(x0);
      xp[j] += h;
      xm[j] -= h;
      const rp = Float64Array.from(model.evaluate(xp, false).residuals);
      const rm = Float64Array.from(model.evaluate(xm, false).residuals);
      let scale = 0;
      for (let i = 0; i < r0.length; i++) scale = Math.max(scale, Math.abs(J[i * nv + j]));
      expect(scale, v.label).toBeGreaterThan(0);
      let worst = 0;
      for (let i = 0; i < r0.length; i++) {
        const fd = (rp[i] - rm[i]) / (2 * h);
        worst = Math.max(worst, Math.abs(fd - J[i * nv + j]) / scale);
      }
      expect(worst, v.label).toBeLessThan(1e-6);
    });
    model.evaluate(x0, false);
  });
});
