import { describe, expect, it } from 'vitest';
import fs from 'node:fs';
import path from 'node:path';
import { parsePrescriptionJson } from '../io/json.ts';
import { GlassLibrary } from '../materials/glassLibrary.ts';
import { PinholeCamera } from './camera.ts';
import { calibrate, CalibrationError, parseVary } from './calibrate.ts';
import type { ScreenMeasurement } from './fringe.ts';
import { parseRig } from './rig.ts';
import { mountPose } from './rigScene.ts';

const root = path.resolve(import.meta.dirname, '../..');
const rig = parseRig(fs.readFileSync(path.resolve(root, '../shared/data/deflectometry/rig-2021-04-03.json'), 'utf8'));
const lens = parsePrescriptionJson(fs.readFileSync(path.join(root, 'lens-library/thorlabs-le1234-a.json'), 'utf8'));

function emptyMeasurement(cam: PinholeCamera): ScreenMeasurement {
  const n = cam.pixelCount;
  return {
    width: cam.widthPx,
    height: cam.heightPx,
    xMm: new Float64Array(n).fill(NaN),
    yMm: new Float64Array(n).fill(NaN),
    valid: new Uint8Array(n),
    modulation: new Float64Array(n),
    misfitPx: new Float64Array(n).fill(NaN),
    maskedLowModulation: n,
    maskedInconsistent: 0,
  };
}

describe('calibrate: bad input', () => {
  it('says the lens misses the cameras’ view when no pixel sees through it', async () => {
    const cams = rig.cameras.map((c) => PinholeCamera.fromRig(c, 32));
    const measurements = cams.map((camera) => ({ camera, lens: emptyMeasurement(camera), reference: emptyMeasurement(camera) }));
    await expect(
      calibrate({ measurements, nominal: lens, glass: GlassLibrary.builtin(), wavelengthUm: 0.562, initialPose: mountPose(rig), vary: ['curvatures'], start: 'flat' }),
    ).rejects.toThrow(CalibrationError);
    await expect(
      calibrate({ measurements, nominal: lens, glass: GlassLibrary.builtin(), wavelengthUm: 0.562, initialPose: mountPose(rig), vary: ['curvatures'], start: 'flat' }),
    ).rejects.toThrow(/no camera pixel sees the screen through the lens at \(40\.11, 23\.40, -49\.20\) mm: the lens misses the cameras' view \(camera1, camera2\)/);
  });

  it('needs the nominal lens’s semi-diameter to know which pixels look through it', async () => {
    const cams = rig.cameras.map((c) => PinholeCamera.fromRig(c, 32));
    const measurements = cams.map((camera) => ({ camera, lens: emptyMeasurement(camera), reference: emptyMeasurement(camera) }));
    const bare = { ...lens, surfaces: lens.surfaces.map(({ semiDiameter: _sd, ...s }) => s) };
    await expect(
      calibrate({ measurements, nominal: bare, glass: GlassLibrary.builtin(), wavelengthUm: 0.562, initialPose: mountPose(rig), vary: ['pose'], start: 'nominal' }),
    ).rejects.toThrow(/no semiDiameter on any surface/);
  });

  it('parses --vary lists and names an unknown item', () => {
    expect(parseVary('curvatures, thickness,pose')).toEqual(['curvatures', 'thickness', 'pose']);
    expect(() => parseVary('curvatures,conics')).toThrow(/unknown --vary item "conics"/);
    expect(() => parseVary(' , ')).toThrow(/nothing to vary/);
  });
});
