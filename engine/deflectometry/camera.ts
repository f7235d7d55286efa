/**
 * A pinhole camera of the deflectometry rig.
 *
 * Intrinsics: focal lengths fx, fy and principal point (cx, cy), in pixels. A camera-frame point
 * (x, y, z), z > 0 in front, images at u = fx·x/z + cx, v = fy·y/z + cy. Pixel coordinates are
 * continuous with the pixel of 0-based column i and row j covering [i, i+1) × [j, j+1), so its
 * centre is (i + ½, j + ½); this is how the original work (Wang et al. 2021, DiffDeflectometry)
 * samples the rig's MATLAB intrinsics. u grows along columns (camera +x), v along rows (camera +y).
 *
 * Extrinsics (MATLAB Camera Calibrator, see rig.ts): camera-to-world rotation R = R_matlab
 * (row-major here), camera centre C = −R_matlab · t_matlab. A camera-frame direction d maps to
 * the world direction R·d; a world point X to the camera frame as Rᵀ(X − C).
 *
 * Binning by n (n×n sensor pixels summed into one): binned pixel k covers sensor pixels
 * nk … nk+n−1, so u_binned = u / n, i.e. fx, fy, cx, cy all divide by n and the size is ⌊W/n⌋.
 * Lens distortion (k, p in the rig) is not modelled, as in the original work.
 */
import type { RigCamera } from './rig.ts';

/** Rays in structure-of-arrays form: origins and unit directions in world mm, float64. */
export interface RayBundle {
  readonly count: number;
  readonly ox: Float64Array;
  readonly oy: Float64Array;
  readonly oz: Float64Array;
  readonly dx: Float64Array;
  readonly dy: Float64Array;
  readonly dz: Float64Array;
}

/** Allocates an empty ray bundle of `count` rays. */
export function allocateRays(count: number): RayBundle {
  return {
    count,
    ox: new Float64Array(count),
    oy: new Float64Array(count),
    oz: new Float64Array(count),
    dx: new Float64Array(count),
    dy: new Float64Array(count),
    dz: new Float64Array(count),
  };
}

export class PinholeCamera {
  /** Camera centre in world mm. */
  readonly centre: Float64Array;

  /**
   * @param rotation camera-to-world rotation, row-major 3×3 (= R_matlab)
   * @param centre camera centre in world mm
   * @throws RangeError for non-positive size or focal length
   */
  constructor(
    readonly name: string,
    readonly widthPx: number,
    readonly heightPx: number,
    readonly fxPx: number,
    readonly fyPx: number,
    readonly cxPx: number,
    readonly cyPx: number,
    readonly rotation: Float64Array,
    centre: ArrayLike<number>,
  ) {
    if (!(widthPx >= 1 && heightPx >= 1 && fxPx > 0 && fyPx > 0)) {
      throw new RangeError(`camera ${name}: needs a positive size and focal length (got ${widthPx}×${heightPx}, fx=${fxPx}, fy=${fyPx})`);
    }
    this.centre = Float64Array.from(centre);
  }

  /**
   * The camera of a rig entry, optionally binned n×n.
   * @throws RangeError when n is not a positive integer or leaves no pixel
   */
  static fromRig(c: RigCamera, binning = 1): PinholeCamera {
    const r = c.rMatlab;
    const t = c.tMatlabMm;
    const centre = [
      -(r[0] * t[0] + r[1] * t[1] + r[2] * t[2]),
      -(r[3] * t[0] + r[4] * t[1] + r[5] * t[2]),
      -(r[6] * t[0] + r[7] * t[1] + r[8] * t[2]),
    ];
    const cam = new PinholeCamera(c.name, c.widthPx, c.heightPx, c.fxPx, c.fyPx, c.cxPx, c.cyPx, Float64Array.from(r), centre);
    return binning === 1 ? cam : cam.binned(binning);
  }

  /**
   * This camera with n×n binning (see the module doc).
   * @throws RangeError when n is not a positive integer or is larger than the sensor
   */
  binned(n: number): PinholeCamera {
    if (!Number.isInteger(n) || n < 1) throw new RangeError(`camera ${this.name}: binning must be a positive integer (got ${n})`);
    const w = Math.floor(this.widthPx / n);
    const h = Math.floor(this.heightPx / n);
    if (w < 1 || h < 1) throw new RangeError(`camera ${this.name}: binning ${n} leaves no pixel of a ${this.widthPx}×${this.heightPx} sensor`);
    return new PinholeCamera(this.name, w, h, this.fxPx / n, this.fyPx / n, this.cxPx / n, this.cyPx / n, this.rotation, this.centre);
  }

  /** Number of pixels, width × height. */
  get pixelCount(): number {
    return this.widthPx * this.heightPx;
  }

  /**
   * The ray through pixel coordinates (u, v) (continuous; see the module doc): origin at the
   * camera centre, unit direction in world. Writes [ox, oy, oz, dx, dy, dz] into `out`.
   */
  pixelRay(u: number, v: number, out: Float64Array): Float64Array {
    const xc = (u - this.cxPx) / this.fxPx;
    const yc = (v - this.cyPx) / this.fyPx;
    const inv = 1 / Math.sqrt(xc * xc + yc * yc + 1);
    const r = this.rotation;
    out[0] = this.centre[0];
    out[1] = this.centre[1];
    out[2] = this.centre[2];
    out[3] = (r[0] * xc + r[1] * yc + r[2]) * inv;
    out[4] = (r[3] * xc + r[4] * yc + r[5]) * inv;
    out[5] = (r[6] * xc + r[7] * yc + r[8]) * inv;
    return out;
  }

  /**
   * Rays through the centres of the given pixels (flat indices j·width + i), or of every pixel
   * in row-major order when `pixels` is omitted. Shapes: one ray per pixel.
   */
  pixelRays(pixels?: ArrayLike<number>): RayBundle {
    const n = pixels ? pixels.length : this.pixelCount;
    const rays = allocateRays(n);
    const tmp = new Float64Array(6);
    const w = this.widthPx;
    for (let k = 0; k < n; k++) {
      const p = pixels ? pixels[k] : k;
      const i = p % w;
      const j = (p - i) / w;
      this.pixelRay(i + 0.5, j + 0.5, tmp);
      rays.ox[k] = tmp[0];
      rays.oy[k] = tmp[1];
      rays.oz[k] = tmp[2];
      rays.dx[k] = tmp[3];
      rays.dy[k] = tmp[4];
      rays.dz[k] = tmp[5];
    }
    return rays;
  }

  /**
   * Projects a world point (mm) to continuous pixel coordinates; writes [u, v] into `out`.
   * @returns false (and NaN in `out`) when the point is not in front of the camera (z_cam ≤ 0)
   */
  project(x: number, y: number, z: number, out: Float64Array): boolean {
    const r = this.rotation;
    const px = x - this.centre[0];
    const py = y - this.centre[1];
    const pz = z - this.centre[2];
    // Camera frame = Rᵀ (X − C).
    const xc = r[0] * px + r[3] * py + r[6] * pz;
    const yc = r[1] * px + r[4] * py + r[7] * pz;
    const zc = r[2] * px + r[5] * py + r[8] * pz;
    if (!(zc > 0)) {
      out[0] = NaN;
      out[1] = NaN;
      return false;
    }
    out[0] = (this.fxPx * xc) / zc + this.cxPx;
    out[1] = (this.fyPx * yc) / zc + this.cyPx;
    return true;
  }

  /** The optical axis (camera +z) in world coordinates, unit vector. */
  axis(): [number, number, number] {
    const r = this.rotation;
    return [r[2], r[5], r[8]];
  }
}
