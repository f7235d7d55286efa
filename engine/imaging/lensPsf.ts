/**
 * Field-dependent PSFs of a real lens on the sensor, from real rays, and the exact gradient of any
 * loss of those PSFs with respect to lens parameters (splat adjoint, then the real-ray adjoint).
 *
 * Field nodes: an nx × ny grid of sensor positions spanning the active area, corner to corner.
 * Each node's field is the one whose paraxial image lands there: for an object at infinity the
 * ray direction ∝ (x/k, y/k, 1) with k the paraxial image height per unit tan θ (primary
 * wavelength); for a finite object the object point (x/k, y/k) with k the magnification (see
 * engine/paraxial/pupil.ts imageHeightPerField). Node fields are fixed when the LensPsf is built, so
 * distortion and changes of focal length during optimization show up as PSF shifts and scale, not
 * as a moving field.
 *
 * Per node and sensor channel, rays through the pupil samples (hexapolar rings or a square grid,
 * aimed paraxially or at the real stop as the system says: trace/rayAiming.ts launchAimed; rays
 * that cannot be aimed are flagged and left out) are traced at each of the channel's wavelengths and splatted
 * (engine/imaging/psf.ts) onto a K × K grid of sensor pixels centred on the node's primary-wavelength
 * chief ray; each wavelength's PSF is normalised, then they are mixed with the channel's weights:
 *   PSF_c = Σ_k ω_k PSF_{c,k} / Σ_k ω_k.
 * The centring on the chief ray means the rendered image ignores distortion (the scene is mapped
 * to the sensor by the ideal paraxial image) but keeps lateral colour.
 *
 * Rotational symmetry: when every surface is rotationally symmetric about z (spheres, conics, even
 * aspheres, ideal lenses; no coordinate break, XY polynomial or off-axis field), only one field per
 * distinct node radius r is traced, on the +y axis, and its intercepts are rotated by the node's
 * azimuth. That is exact: it samples the same pupil pattern rotated, which is as valid a sampling.
 *
 * Gradients: for G = ∂L/∂(PSF grid), `gradient(G)` returns ∂L/∂θ for the parameters given at
 * construction, from ∂L/∂(x_i, y_i) of every ray (splat adjoint, rotated back) seeded into
 * engine/trace/adjoint.ts traceAdjoint, which differentiates the trace and the aiming (paraxial,
 * or real aiming implicitly at the converged aim).
 */
import { maxField, type LensSystem } from '../optics/system.ts';
import type { ParamRef } from '../optics/params.ts';
import { entrancePupil, imageHeightPerField, objectField } from '../paraxial/pupil.ts';
import { traceAdjoint } from '../trace/adjoint.ts';
import { gridPupil, hexapolar } from '../trace/pupilSampling.ts';
import { RayBatch, RayStatus } from '../trace/rayBatch.ts';
import { launchAimed, launchContext } from '../trace/rayAiming.ts';
import { TraceRecord, traceBatch } from '../trace/realTrace.ts';
import { splatPsf, splatPsfAdjoint, type SplatResult } from './psf.ts';
import type { PsfFieldGrid } from './render.ts';
import { makeSensor, sensorHalfSizeMm, type Sensor } from './sensor.ts';

const DEG = Math.PI / 180;

export interface LensPsfOptions {
  /** Field nodes across the sensor (≥ 1 each; default 5 × 5). */
  nx?: number;
  ny?: number;
  /** PSF grid size K in pixels (odd; default 21). */
  psfSize?: number;
  /** Pupil sampling: hexapolar rings (default 10 → 331 rays) or an n × n grid clipped to the disk. */
  pupil?: { type: 'hexapolar'; rings: number } | { type: 'grid'; n: number };
  /** Trace one field per node radius when the lens is rotationally symmetric (default true). */
  useSymmetry?: boolean;
}

/** One traced bundle (a field at one wavelength) kept for the adjoint. */
interface Bundle {
  fx: number;
  fy: number;
  w: number;
  /** Launch pupil coordinates (after real aiming, when the system aims real rays). */
  px: ArrayLike<number>;
  py: ArrayLike<number>;
  rec: TraceRecord;
  x: Float64Array;
  y: Float64Array;
  valid: Uint8Array;
}

/** The rotation taking the traced +y-axis field to a node: (x, y) → (x cos φ − y sin φ, x sin φ + y cos φ). */
interface NodeRef {
  /** Index into the traced fields. */
  field: number;
  cos: number;
  sin: number;
}

/** True when every surface is rotationally symmetric about the axis. */
export function isRotationallySymmetric(system: LensSystem): boolean {
  return system.surfaces.every((s) => s.kind !== 'coordinateBreak' && s.kind !== 'xyPolynomial' && s.decenterX === 0 && s.decenterY === 0);
}

/** Field value (system units) whose paraxial image is at sensor position (x, y) mm. */
export function fieldForImagePoint(system: LensSystem, x: number, y: number): [number, number] {
  const k = imageHeightPerField(system);
  const atInfinity = !Number.isFinite(system.objectDistance);
  switch (system.fieldType) {
    case 'paraxialImageHeight':
      return [x, y];
    case 'objectHeight':
      return [x / k, y / k];
    case 'angle': {
      if (atInfinity) return [Math.atan(x / k) / DEG, Math.atan(y / k) / DEG];
      // objectField: object point = −l tan θ with l = d + EPL
      const l = system.objectDistance + entrancePupil(system).epl;
      return [Math.atan(-x / k / l) / DEG, Math.atan(-y / k / l) / DEG];
    }
  }
}

/**
 * The default sensor for a lens: square, inscribed in the paraxial image circle of the largest
 * field (half-diagonal = paraxial image height there), `pitchUm` pixels; RGB from three of the
 * lens's wavelengths (see ./sensor.ts makeSensor) unless `mono` or the lens has fewer than three.
 * @returns the sensor and a note when RGB was asked for but mono is used
 * @throws Error when the lens has no field of view
 */
export function sensorForLens(system: LensSystem, pitchUm: number, mono: boolean): { sensor: Sensor; note?: string } {
  const F = maxField(system);
  let h: number;
  if (system.fieldType === 'paraxialImageHeight') h = F;
  else if (system.fieldType === 'objectHeight') h = Math.abs(imageHeightPerField(system) * F);
  else {
    // angle fields: the field of an image point is atan(h / c) for a constant c (fieldForImagePoint),
    // so the image height of the largest angle is tan(F) / tan(field of h = 1 mm)
    const [, f1] = fieldForImagePoint(system, 0, 1);
    h = Math.abs(Math.tan(F * DEG) / Math.tan(f1 * DEG));
  }
  if (!(h > 0 && Number.isFinite(h))) throw new Error('the lens has no field of view (largest field is 0): cannot size the sensor');
  const n = Math.floor((2 * h) / Math.SQRT2 / (pitchUm * 1e-3));
  const wl = Array.from(system.wavelengthsUm);
  const rgb = !mono && wl.length >= 3;
  const sensor = makeSensor({
    pixelPitchUm: pitchUm,
    width: n,
    height: n,
    mode: rgb ? 'rgb' : 'mono',
    wavelengthsUm: wl,
    wavelengthWeights: Array.from(system.wavelengthWeights),
    primaryIndex: system.primaryIndex,
  });
  return { sensor, note: !mono && !rgb ? `the lens has ${wl.length} wavelength(s): a mono sensor is used` : undefined };
}

/** Real-ray PSFs of a lens on a grid of field nodes, with their lens-parameter adjoint. */
export class LensPsf {
  readonly nx: number;
  readonly ny: number;
  readonly size: number;
  readonly xMm: Float64Array;
  readonly yMm: Float64Array;
  readonly channels: number;
  readonly pitchMm: number;
  readonly symmetric: boolean;
  private readonly px: Float64Array;
  private readonly py: Float64Array;
  /** Traced fields: (fx, fy) in system units. */
  private readonly fields: [number, number][] = [];
  private readonly nodes: NodeRef[] = [];
  /** Wavelength indices into system.wavelengthsUm per channel, and their weights. */
  private readonly channelWl: { w: number; weight: number }[][];
  private bundles: Bundle[][] = []; // [field][wavelength index in system]
  private chief: Bundle[] = []; // [field], primary wavelength
  private splats: SplatResult[][][] = []; // [node][channel][k]

  /**
   * @param system the lens (its current parameters are read at every `compute`)
   * @param sensor pixel pitch, size and channels (wavelengths must be among the system's)
   * @param params the lens parameters gradients are taken with respect to
   * @throws Error for a channel wavelength the system does not have, or bad options
   */
  constructor(
    readonly system: LensSystem,
    readonly sensor: Sensor,
    readonly params: readonly ParamRef[],
    options: LensPsfOptions = {},
  ) {
    this.nx = options.nx ?? 5;
    this.ny = options.ny ?? 5;
    this.size = options.psfSize ?? 21;
    if (!(this.nx >= 1 && this.ny >= 1 && Number.isInteger(this.nx) && Number.isInteger(this.ny))) {
      throw new Error(`field grid must be at least 1 × 1 nodes (got ${this.nx} × ${this.ny})`);
    }
    if (!(this.size >= 1 && this.size % 2 === 1)) throw new Error(`PSF size must be a positive odd number of pixels (got ${this.size})`);
    const pupil = options.pupil ?? { type: 'hexapolar', rings: 10 };
    ({ px: this.px, py: this.py } = pupil.type === 'hexapolar' ? hexapolar(pupil.rings) : gridPupil(pupil.n));
    this.pitchMm = sensor.pixelPitchUm * 1e-3;
    this.channels = sensor.channels.length;
    this.channelWl = sensor.channels.map((ch) =>
      ch.wavelengthsUm.map((um, k) => {
        const w = Array.from(system.wavelengthsUm).findIndex((v) => Math.abs(v - um) < 1e-9);
        if (w < 0) throw new Error(`sensor channel ${ch.name}: wavelength ${um} µm is not one of the lens's (${Array.from(system.wavelengthsUm).join(', ')} µm)`);
        return { w, weight: ch.weights[k] };
      }),
    );
    const [hx, hy] = sensorHalfSizeMm(sensor);
    const line = (n: number, h: number) => Float64Array.from({ length: n }, (_, i) => (n === 1 ? 0 : -h + (2 * h * i) / (n - 1)));
    // Node positions at the centres of the outermost pixels' rows/columns, so the grid spans the sensor.
    this.xMm = line(this.nx, hx - this.pitchMm / 2);
    this.yMm = line(this.ny, hy - this.pitchMm / 2);
    this.symmetric = (options.useSymmetry ?? true) && isRotationallySymmetric(system);
    const radii = new Map<string, number>();
    for (let iy = 0; iy < this.ny; iy++) {
      for (let ix = 0; ix < this.nx; ix++) {
        const x = this.xMm[ix];
        const y = this.yMm[iy];
        if (this.symmetric) {
          const r = Math.hypot(x, y);
          const key = r.toPrecision(12);
          let f = radii.get(key);
          if (f === undefined) {
            f = this.fields.length;
            radii.set(key, f);
            this.fields.push(fieldForImagePoint(system, 0, r));
          }
          // (0, r) rotated by φ lands on (x, y): −r sin φ = x, r cos φ = y.
          const phi = r === 0 ? 0 : Math.atan2(-x, y);
          this.nodes.push({ field: f, cos: Math.cos(phi), sin: Math.sin(phi) });
        } else {
          this.nodes.push({ field: this.fields.length, cos: 1, sin: 0 });
          this.fields.push(fieldForImagePoint(system, x, y));
        }
      }
    }
  }

  /** Number of distinct fields traced per computation. */
  get tracedFields(): number {
    return this.fields.length;
  }

  /** Rays traced per computation (all fields and wavelengths, chief rays included). */
  get raysPerCompute(): number {
    const wls = new Set(this.channelWl.flat().map((c) => c.w));
    return this.fields.length * (wls.size * this.px.length + 1);
  }

  private trace(fx: number, fy: number, w: number, px: Float64Array, py: Float64Array, ctx: ReturnType<typeof launchContext>): Bundle {
    const n = px.length;
    const batch = new RayBatch(n);
    const launched = launchAimed(this.system, objectField(this.system, fx, fy, ctx.pupil), w, px, py, batch, ctx);
    const rec = new TraceRecord(this.system.surfaces.length, n);
    traceBatch(this.system, batch, w, { record: rec });
    const valid = new Uint8Array(n);
    for (let i = 0; i < n; i++) valid[i] = batch.status[i] === RayStatus.OK && Number.isFinite(batch.x[i]) && Number.isFinite(batch.y[i]) ? 1 : 0;
    return { fx, fy, w, px: launched.px, py: launched.py, rec, x: Float64Array.from(batch.x), y: Float64Array.from(batch.y), valid };
  }

  /**
   * Traces the lens in its current state and returns the PSF grid (float64, layout of
   * engine/imaging/render.ts PsfFieldGrid). Keeps what `gradient` needs.
   * @throws Error when a node's chief ray is lost (the lens no longer images that field)
   */
  compute(): PsfFieldGrid {
    const sys = this.system;
    const ctx = launchContext(sys);
    const wls = [...new Set(this.channelWl.flat().map((c) => c.w))];
    const zero = new Float64Array(1);
    this.bundles = this.fields.map(([fx, fy]) => {
      const per: Bundle[] = [];
      for (const w of wls) per[w] = this.trace(fx, fy, w, this.px, this.py, ctx);
      return per;
    });
    this.chief = this.fields.map(([fx, fy], f) => {
      const b = this.trace(fx, fy, sys.primaryIndex, zero, zero, ctx);
      if (!b.valid[0]) throw new Error(`the chief ray of field (${fx.toFixed(4)}, ${fy.toFixed(4)}) is lost: the lens no longer images field node ${f}`);
      return b;
    });
    const K = this.size;
    const KK = K * K;
    const C = this.channels;
    const psf = new Float64Array(this.nodes.length * C * KK);
    const spec = { size: K, pitchMm: this.pitchMm };
    this.splats = this.nodes.map((node, n) => {
      const { cx, cy } = this.chiefAt(node);
      return this.channelWl.map((list, c) => {
        const wsum = list.reduce((s, e) => s + e.weight, 0);
        return list.map(({ w, weight }) => {
          const spots = this.rotated(this.bundles[node.field][w], node);
          const res = splatPsf(spots, cx, cy, spec);
          const off = (n * C + c) * KK;
          for (let k = 0; k < KK; k++) psf[off + k] += (weight / wsum) * res.psf[k];
          return res;
        });
      });
    });
    return { nx: this.nx, ny: this.ny, xMm: this.xMm, yMm: this.yMm, channels: C, size: K, pitchMm: this.pitchMm, psf };
  }

  private chiefAt(node: NodeRef): { cx: number; cy: number } {
    const b = this.chief[node.field];
    return { cx: b.x[0] * node.cos - b.y[0] * node.sin, cy: b.x[0] * node.sin + b.y[0] * node.cos };
  }

  private rotated(b: Bundle, node: NodeRef): { x: Float64Array; y: Float64Array; valid: Uint8Array } {
    if (node.cos === 1 && node.sin === 0) return b;
    const n = b.x.length;
    const x = new Float64Array(n);
    const y = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      x[i] = b.x[i] * node.cos - b.y[i] * node.sin;
      y[i] = b.x[i] * node.sin + b.y[i] * node.cos;
    }
    return { x, y, valid: b.valid };
  }

  /**
   * ∂L/∂θ (length params.length) for G = ∂L/∂(PSF grid) at the last `compute`.
   * @throws Error if compute() has not run or G has the wrong length
   */
  gradient(dGrid: Float64Array): Float64Array {
    if (this.splats.length === 0) throw new Error('LensPsf.gradient: call compute() first');
    const K = this.size;
    const KK = K * K;
    const C = this.channels;
    if (dGrid.length !== this.nodes.length * C * KK) throw new Error(`LensPsf.gradient: expected ${this.nodes.length * C * KK} values, got ${dGrid.length}`);
    const spec = { size: K, pitchMm: this.pitchMm };
    // Accumulate ∂L/∂(x, y) of every traced ray (in the traced, unrotated frame).
    const seeds = this.bundles.map((per) => {
      const out: { x: Float64Array; y: Float64Array }[] = [];
      per.forEach((b, w) => (out[w] = { x: new Float64Array(b.x.length), y: new Float64Array(b.x.length) }));
      return out;
    });
    const chiefSeed = this.fields.map(() => ({ x: new Float64Array(1), y: new Float64Array(1) }));
    const dPsf = new Float64Array(KK);
    this.nodes.forEach((node, n) => {
      const { cx, cy } = this.chiefAt(node);
      this.channelWl.forEach((list, c) => {
        const wsum = list.reduce((s, e) => s + e.weight, 0);
        list.forEach(({ w, weight }, k) => {
          const off = (n * C + c) * KK;
          let any = false;
          for (let q = 0; q < KK; q++) {
            dPsf[q] = (weight / wsum) * dGrid[off + q];
            any ||= dPsf[q] !== 0;
          }
          if (!any) return;
          const b = this.bundles[node.field][w];
          const adj = splatPsfAdjoint(this.rotated(b, node), cx, cy, spec, this.splats[n][c][k], dPsf);
          const s = seeds[node.field][w];
          // rotate back: (dx, dy) in the traced frame = Rᵀ (dx', dy')
          for (let i = 0; i < b.x.length; i++) {
            s.x[i] += adj.dx[i] * node.cos + adj.dy[i] * node.sin;
            s.y[i] += -adj.dx[i] * node.sin + adj.dy[i] * node.cos;
          }
          chiefSeed[node.field].x[0] += adj.dCenterX * node.cos + adj.dCenterY * node.sin;
          chiefSeed[node.field].y[0] += -adj.dCenterX * node.sin + adj.dCenterY * node.cos;
        });
      });
    });
    const out = new Float64Array(this.params.length);
    const run = (b: Bundle, s: { x: Float64Array; y: Float64Array }) =>
      traceAdjoint(this.system, b.rec, { fx: b.fx, fy: b.fy, px: b.px, py: b.py, aimed: this.system.rayAiming === 'real' }, b.w, s, this.params, out);
    this.bundles.forEach((per, f) => per.forEach((b, w) => run(b, seeds[f][w])));
    this.chief.forEach((b, f) => run(b, chiefSeed[f]));
    return out;
  }
}
