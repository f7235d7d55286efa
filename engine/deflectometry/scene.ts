/**
 * The deflectometry scene: pinhole cameras looking through the lens under test at the screen.
 *
 * A camera pixel's ray (camera.ts) is moved into the lens frame with the lens pose (pose.ts):
 * o_l = Rᵀ(o − T), d_l = Rᵀ d; traced through the lens surfaces with the float64 sequential
 * tracer (engine/trace/realTrace.ts) at the rig's wavelength; the ray leaving the last surface is
 * moved back, p = T + R q, e = R f, and intersected with the screen plane z = 0 (screen.ts). The
 * same without the lens gives the reference. Lengths in mm, screen points in screen mm.
 *
 * The lens sits in a mount: an opaque ring from the clear semi-diameter out to
 * `mountOuterRadiusMm` around the lens axis, spanning the lens from its first to its last vertex
 * plane. A ray that meets neither the lens nor the ring (it passes further than the ring's outer
 * radius from the axis at both vertex planes) reaches the screen directly; a ray that is vignetted
 * by a clear aperture, totally internally reflected or lost is blocked (dark in the images).
 */
import type { LensSystem } from '../optics/system.ts';
import { RayBatch, RayStatus } from '../trace/rayBatch.ts';
import { traceBatch } from '../trace/realTrace.ts';
import type { PinholeCamera, RayBundle } from './camera.ts';
import { poseRotation, type LensPose } from './pose.ts';
import type { Screen } from './screen.ts';

/** What a camera pixel sees. */
export const PixelStatus = {
  /** The screen, directly (no lens in the way). */
  DIRECT: 0,
  /** The screen, through the lens. */
  LENS: 1,
  /** The mount, a lens edge, a lost ray: dark. */
  BLOCKED: 2,
  /** Beyond the screen's lit area (or away from it): dark. */
  OFF_SCREEN: 3,
} as const;
export type PixelStatus = (typeof PixelStatus)[keyof typeof PixelStatus];

/** The lens under test as the scene uses it. */
export interface SceneLens {
  /** Real surfaces then the image surface (the image surface is ignored here). */
  readonly system: LensSystem;
  /** Wavelength index into system.wavelengthsUm (the rig's wavelength). */
  readonly wavelengthIndex: number;
  /** Outer radius of the opaque mount ring around the lens axis, mm. */
  readonly mountOuterRadiusMm: number;
}

/** Screen points seen by a set of pixels. */
export interface ScreenHits {
  readonly count: number;
  /** Screen mm (NaN unless status is DIRECT or LENS and the point is on the screen). */
  readonly xMm: Float64Array;
  readonly yMm: Float64Array;
  readonly status: Uint8Array;
}

/** Thrown for a lens the scene cannot hold (mirrors, coordinate breaks inside the lens). */
export class SceneError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SceneError';
  }
}

/** Index of the last real surface (the image surface is excluded). */
export function lastLensSurface(system: LensSystem): number {
  return system.surfaces.length - 2;
}

/**
 * Checks that a system can be a lens under test: refracting surfaces only (no coordinate breaks or
 * mirrors), so that the last surface's frame is the lens frame shifted by the summed thicknesses.
 * @throws SceneError naming the surface
 */
export function checkSceneLens(system: LensSystem): void {
  const last = lastLensSurface(system);
  if (last < 0) throw new SceneError('lens under test: no surfaces');
  for (let s = 0; s <= last; s++) {
    const surf = system.surfaces[s];
    if (surf.kind === 'coordinateBreak') throw new SceneError(`lens under test: surfaces[${s}] is a coordinate break (give the lens pose instead)`);
    if (surf.mirror) throw new SceneError(`lens under test: surfaces[${s}] is a mirror (refractive lenses only)`);
  }
}

/** z of the last real surface's vertex in the lens frame: Σ thicknesses before it, mm. */
export function lastVertexZ(system: LensSystem): number {
  let z = 0;
  for (let s = 0; s < lastLensSurface(system); s++) z += system.surfaces[s].thickness;
  return z;
}

/**
 * Where each ray meets the screen, without the lens. Writes screen mm and DIRECT / OFF_SCREEN.
 * Shapes: `rays` has n rays; outputs have n entries.
 */
export function traceDirect(rays: RayBundle, screen: Screen): ScreenHits {
  const n = rays.count;
  const xMm = new Float64Array(n).fill(NaN);
  const yMm = new Float64Array(n).fill(NaN);
  const status = new Uint8Array(n).fill(PixelStatus.OFF_SCREEN);
  const hit = new Float64Array(2);
  for (let i = 0; i < n; i++) {
    if (!screen.intersect(rays.ox[i], rays.oy[i], rays.oz[i], rays.dx[i], rays.dy[i], rays.dz[i], hit)) continue;
    if (!screen.containsMm(hit[0], hit[1])) continue;
    xMm[i] = hit[0];
    yMm[i] = hit[1];
    status[i] = PixelStatus.DIRECT;
  }
  return { count: n, xMm, yMm, status };
}

/**
 * Moves world rays into the lens frame as a RayBatch ready for traceBatch (surface 0 first).
 * Formula: o_l = Rᵀ(o − T), d_l = Rᵀ d.
 */
export function raysToLensFrame(rays: RayBundle, pose: LensPose, batch = new RayBatch(rays.count)): RayBatch {
  const r = new Float64Array(9);
  poseRotation(pose, r);
  for (let i = 0; i < rays.count; i++) {
    const px = rays.ox[i] - pose.xMm, py = rays.oy[i] - pose.yMm, pz = rays.oz[i] - pose.zMm;
    const dx = rays.dx[i], dy = rays.dy[i], dz = rays.dz[i];
    batch.x[i] = r[0] * px + r[3] * py + r[6] * pz;
    batch.y[i] = r[1] * px + r[4] * py + r[7] * pz;
    batch.z[i] = r[2] * px + r[5] * py + r[8] * pz;
    batch.l[i] = r[0] * dx + r[3] * dy + r[6] * dz;
    batch.m[i] = r[1] * dx + r[4] * dy + r[7] * dz;
    batch.n[i] = r[2] * dx + r[5] * dy + r[8] * dz;
    batch.resetRay(i);
  }
  return batch;
}

/**
 * Where each ray meets the screen with the lens in place (module doc: trace, mount, screen).
 * @param rays world rays from the camera (n rays)
 * @returns screen mm and a PixelStatus per ray
 * @throws SceneError for a lens with mirrors or coordinate breaks
 */
export function traceThroughLens(rays: RayBundle, lens: SceneLens, pose: LensPose, screen: Screen): ScreenHits {
  const system = lens.system;
  checkSceneLens(system);
  const n = rays.count;
  const batch = raysToLensFrame(rays, pose);
  // Straight-line radial distances at the two vertex planes, for the mount test (before tracing).
  const zLast = lastVertexZ(system);
  const passesBy = new Uint8Array(n);
  const rm2 = lens.mountOuterRadiusMm * lens.mountOuterRadiusMm;
  for (let i = 0; i < n; i++) {
    let outside = true;
    for (const zp of [0, zLast]) {
      const s = (zp - batch.z[i]) / batch.n[i];
      const x = batch.x[i] + s * batch.l[i];
      const y = batch.y[i] + s * batch.m[i];
      if (!(x * x + y * y > rm2)) outside = false;
    }
    passesBy[i] = outside ? 1 : 0;
  }
  traceBatch(system, batch, lens.wavelengthIndex, { lastSurface: lastLensSurface(system) });
  const r = new Float64Array(9);
  poseRotation(pose, r);
  const xMm = new Float64Array(n).fill(NaN);
  const yMm = new Float64Array(n).fill(NaN);
  const status = new Uint8Array(n);
  const hit = new Float64Array(2);
  for (let i = 0; i < n; i++) {
    let ox: number, oy: number, oz: number, dx: number, dy: number, dz: number;
    let st: PixelStatus;
    if (passesBy[i]) {
      ox = rays.ox[i]; oy = rays.oy[i]; oz = rays.oz[i];
      dx = rays.dx[i]; dy = rays.dy[i]; dz = rays.dz[i];
      st = PixelStatus.DIRECT;
    } else if (batch.status[i] === RayStatus.OK) {
      const qx = batch.x[i], qy = batch.y[i], qz = batch.z[i] + zLast;
      const fx = batch.l[i], fy = batch.m[i], fz = batch.n[i];
      ox = pose.xMm + r[0] * qx + r[1] * qy + r[2] * qz;
      oy = pose.yMm + r[3] * qx + r[4] * qy + r[5] * qz;
      oz = pose.zMm + r[6] * qx + r[7] * qy + r[8] * qz;
      dx = r[0] * fx + r[1] * fy + r[2] * fz;
      dy = r[3] * fx + r[4] * fy + r[5] * fz;
      dz = r[6] * fx + r[7] * fy + r[8] * fz;
      st = PixelStatus.LENS;
    } else {
      status[i] = PixelStatus.BLOCKED;
      continue;
    }
    if (screen.intersect(ox, oy, oz, dx, dy, dz, hit) && screen.containsMm(hit[0], hit[1])) {
      xMm[i] = hit[0];
      yMm[i] = hit[1];
      status[i] = st;
    } else status[i] = PixelStatus.OFF_SCREEN;
  }
  return { count: n, xMm, yMm, status };
}

/**
 * Screen points seen by a camera's pixels (all pixels row-major, or the listed flat indices), with
 * the lens (when given) or without it.
 */
export function traceCamera(
  camera: PinholeCamera,
  screen: Screen,
  lens: SceneLens | null,
  pose: LensPose,
  pixels?: ArrayLike<number>,
): ScreenHits {
  const rays = camera.pixelRays(pixels);
  return lens ? traceThroughLens(rays, lens, pose, screen) : traceDirect(rays, screen);
}
