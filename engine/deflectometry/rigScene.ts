/**
 * Assembling a deflectometry scene from a rig: binned cameras, the screen, the lens under test at
 * the rig's wavelength, and the lens pose (by default the mount position of the rig: the point
 * closest to the cameras' rays through the clicked rotation axis, as in Wang et al. 2021, with
 * zero tilt).
 */
import type { Prescription } from '../io/prescription.ts';
import type { GlassResolver } from '../optics/system.ts';
import { buildSystem } from '../paraxial/buildSystem.ts';
import { PinholeCamera } from './camera.ts';
import { closestPointToLines, type LensPose } from './pose.ts';
import type { Rig } from './rig.ts';
import { checkSceneLens, traceCamera, type SceneLens, type ScreenHits } from './scene.ts';
import { Screen } from './screen.ts';

/** Default wavelength of the rig's illumination, µm (the rig file's 562 nm). */
export const RIG_WAVELENGTH_UM = 0.562;

/** Default outer radius of the lens mount ring beyond a 12.7 mm semi-diameter lens, mm. */
export const DEFAULT_MOUNT_OUTER_RADIUS_MM = 16;

export interface RigScene {
  readonly cameras: PinholeCamera[];
  readonly screen: Screen;
  readonly lens: SceneLens;
  pose: LensPose;
}

/**
 * The mount position of the rig's lens: the least-squares intersection of the full-resolution
 * cameras' rays through `rotation_axis_click_px`, zero tilt.
 * @throws RangeError when fewer than two cameras carry a click, or the rays are parallel
 */
export function mountPose(rig: Rig): LensPose {
  const pts: number[][] = [];
  const dirs: number[][] = [];
  const ray = new Float64Array(6);
  for (const c of rig.cameras) {
    if (!c.rotationAxisClickPx) continue;
    PinholeCamera.fromRig(c).pixelRay(c.rotationAxisClickPx[0], c.rotationAxisClickPx[1], ray);
    pts.push([ray[0], ray[1], ray[2]]);
    dirs.push([ray[3], ray[4], ray[5]]);
  }
  if (pts.length < 2) throw new RangeError('the rig needs rotation_axis_click_px on at least two cameras to locate the lens mount');
  const [x, y, z] = closestPointToLines(pts, dirs);
  return { xMm: x, yMm: y, zMm: z, tiltXDeg: 0, tiltYDeg: 0 };
}

/** A copy of a prescription that traces at the single wavelength λ (µm). */
export function atWavelength(p: Prescription, wavelengthUm: number): Prescription {
  return { ...p, wavelengths: { valuesUm: [wavelengthUm], primaryIndex: 0 } };
}

/**
 * Builds the lens under test: the prescription at the rig wavelength, checked for the scene.
 * @throws SystemError / SceneError naming the surface
 */
export function sceneLens(p: Prescription, glass: GlassResolver, wavelengthUm: number, mountOuterRadiusMm: number): SceneLens {
  const system = buildSystem(atWavelength(p, wavelengthUm), glass);
  checkSceneLens(system);
  return { system, wavelengthIndex: 0, mountOuterRadiusMm };
}

/** The rig's cameras (binned), screen (with offset), lens and pose. */
export function buildRigScene(
  rig: Rig,
  binning: number,
  lens: SceneLens,
  pose: LensPose,
  screenOffsetMm: readonly [number, number] = [0, 0],
  cameraNames?: readonly string[],
): RigScene {
  const cams = rig.cameras.filter((c) => !cameraNames || cameraNames.includes(c.name));
  return {
    cameras: cams.map((c) => PinholeCamera.fromRig(c, binning)),
    screen: Screen.fromRig(rig.screen, screenOffsetMm[0], screenOffsetMm[1]),
    lens,
    pose,
  };
}

/** Screen points seen by every pixel of camera `ci`, with the lens ("lens") or without ("reference"). */
export function captureHits(scene: RigScene, ci: number, capture: 'lens' | 'reference'): ScreenHits {
  return traceCamera(scene.cameras[ci], scene.screen, capture === 'lens' ? scene.lens : null, scene.pose);
}
