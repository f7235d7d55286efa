/**
 * The rigid pose of the lens under test in the deflectometry rig's world frame.
 *
 * The lens frame is the prescription's frame: surface 1's vertex at the origin, optical axis +z,
 * light (from the cameras) travelling towards +z, i.e. towards the screen. The pose places that
 * frame in the world: X_world = T + R · X_lens with T = (x, y, z) in mm (the position of surface
 * 1's vertex, the "lens origin" of Wang et al. 2021) and R = R_y(θy) · R_x(θx), the tilt about
 * the lens x axis followed by the tilt about the world y axis (angles in degrees here, right-handed:
 * R_x(θ) = [[1,0,0],[0,cos θ,−sin θ],[0,sin θ,cos θ]], R_y(θ) = [[cos θ,0,sin θ],[0,1,0],
 * [−sin θ,0,cos θ]]). With zero tilt the lens axis is the world +z axis.
 */

export interface LensPose {
  /** Position of surface 1's vertex in world mm. */
  readonly xMm: number;
  readonly yMm: number;
  readonly zMm: number;
  /** Tilt about x, then about y, degrees. */
  readonly tiltXDeg: number;
  readonly tiltYDeg: number;
}

const DEG = Math.PI / 180;

/**
 * Rotation R (lens → world, row-major 3×3) of a pose and its derivatives with respect to θx and
 * θy in radians, written to `r`, `drx`, `dry` (each length 9).
 */
export function poseRotation(pose: LensPose, r: Float64Array, drx?: Float64Array, dry?: Float64Array): void {
  const a = pose.tiltXDeg * DEG;
  const b = pose.tiltYDeg * DEG;
  const ca = Math.cos(a), sa = Math.sin(a);
  const cb = Math.cos(b), sb = Math.sin(b);
  // R = Ry(b) Rx(a) = [[cb, sb sa, sb ca], [0, ca, −sa], [−sb, cb sa, cb ca]].
  r[0] = cb; r[1] = sb * sa; r[2] = sb * ca;
  r[3] = 0; r[4] = ca; r[5] = -sa;
  r[6] = -sb; r[7] = cb * sa; r[8] = cb * ca;
  if (drx) {
    drx[0] = 0; drx[1] = sb * ca; drx[2] = -sb * sa;
    drx[3] = 0; drx[4] = -sa; drx[5] = -ca;
    drx[6] = 0; drx[7] = cb * ca; drx[8] = -cb * sa;
  }
  if (dry) {
    dry[0] = -sb; dry[1] = cb * sa; dry[2] = cb * ca;
    dry[3] = 0; dry[4] = 0; dry[5] = 0;
    dry[6] = -cb; dry[7] = -sb * sa; dry[8] = -sb * ca;
  }
}

/** The lens axis (lens +z) in world coordinates, unit vector. */
export function poseAxis(pose: LensPose): [number, number, number] {
  const r = new Float64Array(9);
  poseRotation(pose, r);
  return [r[2], r[5], r[8]];
}

/** Parses "x,y,z,tiltX,tiltY" (mm, mm, mm, deg, deg). @throws RangeError naming the bad field. */
export function parsePose(text: string): LensPose {
  const parts = text.split(',').map((s) => s.trim());
  if (parts.length !== 5) throw new RangeError(`pose "${text}": expected x,y,z,tiltX,tiltY (mm, mm, mm, deg, deg)`);
  const names = ['x', 'y', 'z', 'tiltX', 'tiltY'];
  const v = parts.map((p, i) => {
    const x = Number(p);
    if (p === '' || !Number.isFinite(x)) throw new RangeError(`pose "${text}": ${names[i]} is not a number`);
    return x;
  });
  return { xMm: v[0], yMm: v[1], zMm: v[2], tiltXDeg: v[3], tiltYDeg: v[4] };
}

/**
 * The point closest to a set of lines in the least-squares sense (Σ of squared distances), each
 * line given by a point and a unit direction; used for the lens mount position from the cameras'
 * rays through the clicked rotation axis (as in Wang et al. 2021).
 * @throws RangeError when the lines are (nearly) parallel, leaving the point undetermined
 */
export function closestPointToLines(points: readonly ArrayLike<number>[], dirs: readonly ArrayLike<number>[]): [number, number, number] {
  const a = new Float64Array(9);
  const b = new Float64Array(3);
  points.forEach((p, k) => {
    const d = dirs[k];
    for (let i = 0; i < 3; i++) {
      for (let j = 0; j < 3; j++) {
        const m = (i === j ? 1 : 0) - d[i] * d[j];
        a[i * 3 + j] += m;
        b[i] += m * p[j];
      }
    }
  });
  const det3 = (m: ArrayLike<number>): number =>
    m[0] * (m[4] * m[8] - m[5] * m[7]) - m[1] * (m[3] * m[8] - m[5] * m[6]) + m[2] * (m[3] * m[7] - m[4] * m[6]);
  const det = det3(a);
  if (!(Math.abs(det) > 1e-12)) throw new RangeError('the lines are parallel: their closest point is undetermined');
  const out: [number, number, number] = [0, 0, 0];
  for (let k = 0; k < 3; k++) {
    const m = Float64Array.from(a);
    for (let i = 0; i < 3; i++) m[i * 3 + k] = b[i];
    out[k] = det3(m) / det;
  }
  return out;
}
