/**
 * PSF grids of a lens for objects at several depths, with the sensor fixed, cached per lens state,
 * and the exact adjoint of any loss of them with respect to lens parameters.
 *
 * Depth d is an object distance zᵈ (mm from the object plane to surface 1's vertex, Infinity for an
 * object at infinity). For each depth, the lens's object distance is set to zᵈ and the real-ray PSF
 * grid is traced as in ./lensPsf.ts; the image distance (the last thickness) is not re-solved, so a
 * depth off the focus gives a defocused PSF, as on a real camera. The object distance the system
 * had is restored after every call. The scene at each depth is imagined scaled with its distance so
 * that it covers the same sensor area (as in dO's end-to-end examples), so depth changes only blur.
 *
 * Caching: the grids are kept with a snapshot of every number of the lens (curvatures, conics,
 * thicknesses, asphere and XY coefficients, decenters, tilts, indices, aperture) and recomputed only
 * when the snapshot differs — i.e. when the lens changes. `computations` counts recomputations.
 *
 * Depth sampling helpers: depths equally spaced in diopters (1/z) between a near and a far limit.
 */
import type { LensSystem } from '../optics/system.ts';
import type { ParamRef } from '../optics/params.ts';
import { LensPsf, type LensPsfOptions } from './lensPsf.ts';
import type { PsfFieldGrid } from './render.ts';
import type { Sensor } from './sensor.ts';

/**
 * `count` object distances equally spaced in diopters from `farMm` (may be Infinity) to `nearMm`,
 * far first; both ends included (count ≥ 2), or the harmonic middle for count = 1.
 * @throws Error for a bad range (near ≤ 0, near > far) or count < 1
 */
export function depthsInDiopters(nearMm: number, farMm: number, count: number): number[] {
  if (!(nearMm > 0) || !(farMm >= nearMm)) throw new Error(`depth range: expected 0 < near ≤ far (got near ${nearMm} mm, far ${farMm} mm)`);
  if (!(Number.isInteger(count) && count >= 1)) throw new Error(`depth count must be a positive integer (got ${count})`);
  const dNear = 1 / nearMm;
  const dFar = Number.isFinite(farMm) ? 1 / farMm : 0;
  if (count === 1) return [1 / ((dNear + dFar) / 2)];
  return Array.from({ length: count }, (_, i) => {
    const d = dFar + ((dNear - dFar) * i) / (count - 1);
    return d === 0 ? Infinity : 1 / d;
  });
}

/** Every number of the lens that the PSFs depend on (object distance excluded). */
export function lensSnapshot(system: LensSystem): Float64Array {
  const v: number[] = [system.apertureValue];
  for (const s of system.surfaces) {
    v.push(s.c, s.k, s.xyB, s.thickness, s.decenterX, s.decenterY, s.tiltX, s.tiltY, s.tiltZ, s.order, s.focalLength, s.semiDiameter, s.direction);
    v.push(s.asphere.length, ...s.asphere, s.xy.length, ...s.xy, ...s.nAfter);
  }
  return Float64Array.from(v);
}

function sameSnapshot(a: Float64Array, b: Float64Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i] && !(Number.isNaN(a[i]) && Number.isNaN(b[i]))) return false;
  return true;
}

/** Real-ray PSF grids through depth, cached per lens state. */
export class DepthPsfStack {
  readonly depthsMm: readonly number[];
  private readonly psfs: LensPsf[];
  private cache: { snapshot: Float64Array; grids: PsfFieldGrid[] } | null = null;
  /** How many times the grids were traced (for tests and progress displays). */
  computations = 0;

  /**
   * @param system the lens (read at every call; its object distance is restored after each)
   * @param depthsMm object distances (mm; Infinity allowed), at least one
   * @param params the parameters `gradient` differentiates with respect to
   * @throws Error for no depths, a non-positive depth, or what LensPsf throws
   */
  constructor(
    readonly system: LensSystem,
    readonly sensor: Sensor,
    readonly params: readonly ParamRef[],
    depthsMm: readonly number[],
    readonly options: LensPsfOptions = {},
  ) {
    if (depthsMm.length === 0) throw new Error('at least one object distance is needed');
    for (const z of depthsMm) if (!(z > 0)) throw new Error(`object distance must be positive (got ${z} mm)`);
    this.depthsMm = depthsMm.slice();
    this.psfs = this.depthsMm.map((z) => this.atDepth(z, () => new LensPsf(system, sensor, params, options)));
  }

  private atDepth<T>(z: number, f: () => T): T {
    const keep = this.system.objectDistance;
    this.system.objectDistance = z;
    try {
      return f();
    } finally {
      this.system.objectDistance = keep;
    }
  }

  /** PSF size K, grid nodes and channels (those of every depth's grid). */
  get lensPsf(): LensPsf {
    return this.psfs[0];
  }

  /** True when the next `grids()` call will trace (the lens changed since the last one). */
  get stale(): boolean {
    return !this.cache || !sameSnapshot(this.cache.snapshot, lensSnapshot(this.system));
  }

  /** Forgets the cached grids (the next `grids()` traces). */
  invalidate(): void {
    this.cache = null;
  }

  /**
   * The PSF grid at every depth (index as depthsMm), traced only when the lens changed.
   * @throws Error when a chief ray is lost at some depth (message names the depth)
   */
  grids(): PsfFieldGrid[] {
    const snapshot = lensSnapshot(this.system);
    if (this.cache && sameSnapshot(this.cache.snapshot, snapshot)) return this.cache.grids;
    const grids = this.psfs.map((lp, d) =>
      this.atDepth(this.depthsMm[d], () => {
        try {
          return lp.compute();
        } catch (err) {
          throw new Error(`object at ${formatDepth(this.depthsMm[d])}: ${(err as Error).message}`);
        }
      }),
    );
    this.computations++;
    this.cache = { snapshot, grids };
    return grids;
  }

  /**
   * The depth-averaged PSF grid (1/D Σ_d grid_d), the PSF a depth-blind reconstruction uses.
   */
  meanGrid(): PsfFieldGrid {
    const grids = this.grids();
    const psf = new Float64Array(grids[0].psf.length);
    for (const g of grids) for (let k = 0; k < psf.length; k++) psf[k] += g.psf[k] / grids.length;
    return { ...grids[0], psf };
  }

  /**
   * ∂L/∂θ for ∂L/∂(grid at depth d) given per depth (null or absent = zero), at the lens state of
   * the last `grids()` call.
   * @throws Error if the lens changed since then (the saved traces would be stale), or sizes differ
   */
  gradient(dGrids: readonly (Float64Array | null | undefined)[]): Float64Array {
    if (!this.cache) throw new Error('DepthPsfStack.gradient: call grids() first');
    if (!sameSnapshot(this.cache.snapshot, lensSnapshot(this.system))) throw new Error('DepthPsfStack.gradient: the lens changed since the PSFs were traced');
    if (dGrids.length > this.psfs.length) throw new Error(`DepthPsfStack.gradient: ${dGrids.length} gradients for ${this.psfs.length} depths`);
    const out = new Float64Array(this.params.length);
    dGrids.forEach((g, d) => {
      if (!g) return;
      const gd = this.atDepth(this.depthsMm[d], () => this.psfs[d].gradient(g));
      for (let j = 0; j < out.length; j++) out[j] += gd[j];
    });
    return out;
  }
}

/** "4.5 m", "850 mm", "∞" for reports and errors. */
export function formatDepth(zMm: number): string {
  if (!Number.isFinite(zMm)) return '∞';
  return zMm >= 1000 ? `${Number((zMm / 1000).toPrecision(4))} m` : `${Number(zMm.toPrecision(4))} mm`;
}
