/**
 * The display screen of the deflectometry rig.
 *
 * The screen is the world z = 0 plane (rig convention). Screen pixel coordinates (s, t) are
 * continuous: the pixel of column i and row j shows its value centred at (s, t) = (i, j), and the
 * screen covers s ∈ [−½, W − ½], t ∈ [−½, H − ½]. Screen millimetres are (x_s, y_s) = pitch·(s, t);
 * the pattern sits in the world at (x, y, 0) = (x_s + offsetX, y_s + offsetY, 0). The offset is the
 * display's unknown registration against the calibrated world frame (zero in the rig file, pixel
 * (0, 0) at the world origin) and is a fit parameter of the self-calibration ("screen offset" in
 * Wang et al. 2021).
 */
import type { RigScreen } from './rig.ts';

export class Screen {
  /**
   * @param widthPx, heightPx resolution in screen pixels
   * @param pitchMm pixel pitch, mm
   * @param offsetXMm, offsetYMm world position of screen-mm (0, 0), mm
   * @throws RangeError for a non-positive size or pitch
   */
  constructor(
    readonly widthPx: number,
    readonly heightPx: number,
    readonly pitchMm: number,
    public offsetXMm = 0,
    public offsetYMm = 0,
  ) {
    if (!(widthPx >= 1 && heightPx >= 1 && pitchMm > 0)) {
      throw new RangeError(`screen needs a positive size and pitch (got ${widthPx}×${heightPx} px, pitch ${pitchMm} mm)`);
    }
  }

  static fromRig(s: RigScreen, offsetXMm = 0, offsetYMm = 0): Screen {
    return new Screen(s.widthPx, s.heightPx, s.pitchMm, offsetXMm, offsetYMm);
  }

  /** Screen extent in screen mm: [xMin, xMax, yMin, yMax] (pixel edges). */
  extentMm(): [number, number, number, number] {
    const p = this.pitchMm;
    return [-0.5 * p, (this.widthPx - 0.5) * p, -0.5 * p, (this.heightPx - 0.5) * p];
  }

  /** Screen mm → continuous screen pixel coordinate (either axis). */
  mmToPx(mm: number): number {
    return mm / this.pitchMm;
  }

  /** Continuous screen pixel coordinate → screen mm (either axis). */
  pxToMm(px: number): number {
    return px * this.pitchMm;
  }

  /** Whether a point given in screen mm lies on the lit area of the screen. */
  containsMm(xMm: number, yMm: number): boolean {
    const p = this.pitchMm;
    return xMm >= -0.5 * p && xMm <= (this.widthPx - 0.5) * p && yMm >= -0.5 * p && yMm <= (this.heightPx - 0.5) * p;
  }

  /**
   * Intersects a world ray with the screen plane z = 0 and returns the hit in screen mm via `out`
   * ([x_s, y_s]). Formula: s = −o_z / d_z, hit = o + s·d, minus the screen offset.
   * @returns false (NaN in `out`) when the ray is parallel to the screen or points away from it
   */
  intersect(ox: number, oy: number, oz: number, dx: number, dy: number, dz: number, out: Float64Array): boolean {
    const s = -oz / dz;
    if (!(s >= 0) || !Number.isFinite(s)) {
      out[0] = NaN;
      out[1] = NaN;
      return false;
    }
    out[0] = ox + s * dx - this.offsetXMm;
    out[1] = oy + s * dy - this.offsetYMm;
    return true;
  }
}
