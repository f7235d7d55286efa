/**
 * The scene's frame changes and screen intersection, checked on a tilted plane-parallel plate,
 * whose effect is textbook: the ray leaves parallel to itself, displaced by
 * t·sin(θ − θ′)/cos θ′ (θ the angle of incidence, sin θ = n sin θ′).
 */
import { describe, expect, it } from 'vitest';
import type { Prescription } from '../io/prescription.ts';
import { GlassLibrary } from '../materials/glassLibrary.ts';
import { allocateRays } from './camera.ts';
import { poseAxis } from './pose.ts';
import { sceneLens } from './rigScene.ts';
import { PixelStatus, traceDirect, traceThroughLens } from './scene.ts';
import { Screen } from './screen.ts';

const plate: Prescription = {
  format: 'lens-studio/1',
  name: 'plate',
  units: 'mm',
  object: { distance: 'infinity' },
  aperture: { type: 'EPD', value: 20 },
  fields: { type: 'angle', points: [{ x: 0, y: 0 }] },
  wavelengths: { valuesUm: [0.5876], primaryIndex: 0 },
  surfaces: [
    { type: 'standard', radius: null, thickness: 6, material: 'N-BK7', semiDiameter: 10 },
    { type: 'standard', radius: null, thickness: 20, material: null, semiDiameter: 10 },
  ],
};

const glass = GlassLibrary.builtin();
const screen = new Screen(2560, 1600, 0.11185, 0.3, -0.2);

function rays(list: [number, number, number, number, number, number][]) {
  const r = allocateRays(list.length);
  list.forEach(([ox, oy, oz, dx, dy, dz], i) => {
    const n = Math.hypot(dx, dy, dz);
    r.ox[i] = ox; r.oy[i] = oy; r.oz[i] = oz;
    r.dx[i] = dx / n; r.dy[i] = dy / n; r.dz[i] = dz / n;
  });
  return r;
}

describe('scene tracing', () => {
  it('sends direct rays to the screen plane z = 0 in screen mm (offset removed)', () => {
    const h = traceDirect(rays([[100, 50, -800, 0.01, -0.02, 1], [100, 50, -800, 0, 0, -1], [100, 50, -800, -0.2, 0, 1]]), screen);
    expect(h.xMm[0]).toBeCloseTo(100 + 8 - 0.3, 12);
    expect(h.yMm[0]).toBeCloseTo(50 - 16 + 0.2, 12);
    expect(Array.from(h.status)).toEqual([PixelStatus.DIRECT, PixelStatus.OFF_SCREEN, PixelStatus.OFF_SCREEN]);
  });

  it('displaces rays through a tilted plate by t·sin(θ − θ′)/cos θ′, keeping their direction', () => {
    const lens = sceneLens(plate, glass, 0.5876, 14);
    const n = lens.system.surfaces[0].nAfter[0];
    const pose = { xMm: 120, yMm: 80, zMm: -60, tiltXDeg: 8, tiltYDeg: -15 };
    const axis = poseAxis(pose);
    const list: [number, number, number, number, number, number][] = [];
    for (const [sx, sy] of [[0, 0], [3, -2], [-4, 3], [2, 5]]) {
      const target = [pose.xMm + sx, pose.yMm + sy, pose.zMm + 3];
      const origin = [90, 60, -850];
      list.push([origin[0], origin[1], origin[2], target[0] - origin[0], target[1] - origin[1], target[2] - origin[2]]);
    }
    const r = rays(list);
    const through = traceThroughLens(r, lens, pose, screen);
    const direct = traceDirect(r, screen);
    for (let i = 0; i < r.count; i++) {
      expect(through.status[i]).toBe(PixelStatus.LENS);
      const d = [r.dx[i], r.dy[i], r.dz[i]];
      const cosT = Math.abs(d[0] * axis[0] + d[1] * axis[1] + d[2] * axis[2]);
      const theta = Math.acos(cosT);
      const thetaP = Math.asin(Math.sin(theta) / n);
      const expected = (6 * Math.sin(theta - thetaP)) / Math.cos(thetaP);
      // Both lines are parallel to d: their distance is |(hit − hit₀) × d|.
      const v = [through.xMm[i] - direct.xMm[i], through.yMm[i] - direct.yMm[i], 0];
      const cross = Math.hypot(v[1] * d[2] - v[2] * d[1], v[2] * d[0] - v[0] * d[2], v[0] * d[1] - v[1] * d[0]);
      expect(cross).toBeCloseTo(expected, 10);
      expect(expected).toBeGreaterThan(0.1);
    }
  });

  it('blocks rays on the mount ring, lets rays beyond it pass, and keeps the lens clear aperture', () => {
    const lens = sceneLens(plate, glass, 0.5876, 14);
    const pose = { xMm: 120, yMm: 80, zMm: -60, tiltXDeg: 0, tiltYDeg: 0 };
    const r = rays([
      [120, 80, -800, 0, 0, 1], // on axis: through the lens
      [120 + 9.5, 80, -800, 0, 0, 1], // inside the clear aperture
      [120 + 12, 80, -800, 0, 0, 1], // on the mount ring
      [120, 80 - 20, -800, 0, 0, 1], // beyond the ring: the screen directly
    ]);
    const h = traceThroughLens(r, lens, pose, screen);
    expect(Array.from(h.status)).toEqual([PixelStatus.LENS, PixelStatus.LENS, PixelStatus.BLOCKED, PixelStatus.DIRECT]);
    // Normal incidence on a plate: no displacement.
    expect(h.xMm[0]).toBeCloseTo(120 - 0.3, 12);
    expect(h.yMm[3]).toBeCloseTo(60 + 0.2, 12);
    expect(Number.isNaN(h.xMm[2])).toBe(true);
  });

  it('refuses mirrors and coordinate breaks inside the lens under test', () => {
    const withCb: Prescription = { ...plate, surfaces: [{ type: 'coordinateBreak', thickness: 0, tiltX: 3 }, ...plate.surfaces] };
    expect(() => sceneLens(withCb, glass, 0.5876, 14)).toThrow(/surfaces\[0\] is a coordinate break/);
  });
});
