/**
 * The camera of an end-to-end run: scene crops at object distances → noisy sensor patches, and the
 * adjoint from ∂L/∂(sensor patch) back to ∂L/∂(PSF grid) per depth.
 *
 * Each patch is rendered by FFT (./renderFft.ts) with the PSF of its depth interpolated at the patch
 * centre (./render.ts interpolatePsf; one PSF per patch), then Poisson–Gaussian noise from its own
 * seed is added (./sensor.ts; treated as lens-independent in the adjoint). For a depth-blind
 * reconstruction the imager also hands out the depth-averaged PSF at each patch centre, the mean
 * being over `meanDepthsMm` (the training depths), and takes back its gradient: ∂L/∂grid_d gets
 * 1/D of the mean grid's gradient for each of those D depths.
 *
 * Patch placement: output pixel (0, 0) of a P × P patch centred at sensor (x, y) mm sits at
 * (x − (P − 1)/2 p, y + (P − 1)/2 p), as everywhere in ./render.ts.
 */
import type { DepthPsfStack } from './depthPsf.ts';
import type { FloatImage } from './image.ts';
import { Rng } from './prng.ts';
import { fieldWeights, interpolatePsf, interpolatePsfAdjoint, type PsfFieldGrid } from './render.ts';
import { PatchRenderer, type PatchJob } from './renderFft.ts';
import { addSensorNoise, type Sensor } from './sensor.ts';
import type { Spectrum } from './fft2.ts';

/** A scene crop ((P + K − 1)² × C) placed on the sensor at an object distance, with a noise seed. */
export interface SceneAtDepth {
  readonly scene: FloatImage;
  readonly xMm: number;
  readonly yMm: number;
  readonly noiseSeed: number;
  /** Object distance, mm (one of the stack's depths); absent = the stack's first depth. */
  readonly depthMm?: number;
}

/** One captured batch, with what the adjoint needs. */
export interface Shot {
  readonly patch: number;
  readonly examples: readonly SceneAtDepth[];
  /** Stack depth index of each example. */
  readonly depthIndex: number[];
  readonly jobs: PatchJob[];
  /** Noisy sensor patches, P × P × C float64. */
  readonly images: Float64Array[];
  /** Sharp targets (central P × P crops of the scenes), B × P × P × C. */
  readonly targets: Float32Array;
  /** Depth-averaged PSF at each patch centre (shared arrays for equal interpolation weights). */
  readonly meanPsfs: Float64Array[] | null;
  readonly sceneSpectra: Spectrum[][];
  /** Where each distinct mean-PSF array was interpolated. */
  readonly meanAt: Map<Float64Array, { xMm: number; yMm: number }>;
  readonly grids: PsfFieldGrid[];
}

export class SensorImager {
  private readonly renderers = new Map<number, PatchRenderer>();
  private cacheFor: PsfFieldGrid[] | null = null;
  private mean: PsfFieldGrid | null = null;
  private psfCache = new Map<string, Float64Array>();
  private readonly meanIndex: number[];

  constructor(
    readonly stack: DepthPsfStack,
    readonly sensor: Sensor,
    meanDepthsMm: readonly number[],
    readonly noise = true,
  ) {
    this.meanIndex = meanDepthsMm.map((z) => {
      const i = stack.depthsMm.indexOf(z);
      if (i < 0) throw new Error(`SensorImager: object distance ${z} mm is not one of the stack's`);
      return i;
    });
  }

  private renderer(P: number): PatchRenderer {
    let r = this.renderers.get(P);
    if (!r) {
      r = new PatchRenderer(P, this.stack.lensPsf.size, this.sensor.channels.length);
      this.renderers.set(P, r);
    }
    return r;
  }

  private depthIndex(z: number | undefined): number {
    if (z === undefined) return 0;
    const i = this.stack.depthsMm.indexOf(z);
    if (i < 0) throw new Error(`no PSFs were traced for an object at ${z} mm`);
    return i;
  }

  /** The mean grid over the mean depths (cached with the grids). */
  meanGrid(): PsfFieldGrid {
    this.refresh();
    if (!this.mean) {
      const grids = this.cacheFor!;
      const psf = new Float64Array(grids[0].psf.length);
      for (const d of this.meanIndex) for (let k = 0; k < psf.length; k++) psf[k] += grids[d].psf[k] / this.meanIndex.length;
      this.mean = { ...grids[0], psf };
    }
    return this.mean;
  }

  private refresh(): PsfFieldGrid[] {
    const grids = this.stack.grids();
    if (grids !== this.cacheFor) {
      this.cacheFor = grids;
      this.mean = null;
      this.psfCache = new Map();
    }
    return grids;
  }

  /** The PSF (C × K × K) at a sensor position from a grid, shared between equal interpolations. */
  private psfAt(tag: string, grid: PsfFieldGrid, x: number, y: number): Float64Array {
    const { node, w } = fieldWeights(grid, x, y);
    const key = `${tag}|${node.join(',')}|${w.join(',')}`;
    let p = this.psfCache.get(key);
    if (!p) {
      p = interpolatePsf(grid, x, y);
      this.psfCache.set(key, p);
    }
    return p;
  }

  /**
   * Renders a batch of P × P patches through the current lens (tracing the PSFs if it changed).
   * @param withMean also hand out the depth-averaged PSF of each patch
   */
  capture(examples: readonly SceneAtDepth[], P: number, withMean: boolean): Shot {
    const grids = this.refresh();
    const K = this.stack.lensPsf.size;
    const C = this.sensor.channels.length;
    const depthIndex = examples.map((ex) => this.depthIndex(ex.depthMm));
    const jobs: PatchJob[] = examples.map((ex, b) => ({ scene: ex.scene.data, psf: this.psfAt(`d${depthIndex[b]}`, grids[depthIndex[b]], ex.xMm, ex.yMm) }));
    const { images, sceneSpectra } = this.renderer(P).render(jobs);
    if (this.noise) images.forEach((img, b) => addSensorNoise(img, this.sensor, new Rng(examples[b].noiseSeed)));
    const n = P * P * C;
    const targets = new Float32Array(examples.length * n);
    const h = (K - 1) / 2;
    examples.forEach((ex, b) => {
      const S = ex.scene.width;
      if (S !== P + K - 1 || ex.scene.height !== S) throw new Error(`scene crop is ${ex.scene.width}×${ex.scene.height}, expected ${P + K - 1}² for ${P}-px patches and ${K}-px PSFs`);
      for (let r = 0; r < P; r++) {
        const src = ((r + h) * S + h) * C;
        targets.set(ex.scene.data.subarray(src, src + P * C), b * n + r * P * C);
      }
    });
    const meanAt = new Map<Float64Array, { xMm: number; yMm: number }>();
    let meanPsfs: Float64Array[] | null = null;
    if (withMean) {
      const mean = this.meanGrid();
      meanPsfs = examples.map((ex) => {
        const p = this.psfAt('mean', mean, ex.xMm, ex.yMm);
        meanAt.set(p, { xMm: ex.xMm, yMm: ex.yMm });
        return p;
      });
    }
    return { patch: P, examples, depthIndex, jobs, images, targets, meanPsfs, sceneSpectra, meanAt, grids };
  }

  /**
   * ∂L/∂(PSF grid) per stack depth (null where no example was) from ∂L/∂(sensor patch) and, for a
   * Wiener reconstruction, ∂L/∂(mean PSF) per distinct mean-PSF array of the shot.
   */
  adjoint(shot: Shot, dSensor: readonly ArrayLike<number>[], dMeanPsf?: Map<Float64Array, Float64Array>): (Float64Array | null)[] {
    const grids = shot.grids;
    const dGrids: (Float64Array | null)[] = grids.map(() => null);
    const at = (d: number) => (dGrids[d] ??= new Float64Array(grids[d].psf.length));
    const dPsf = this.renderer(shot.patch).adjointPsf(shot.jobs, dSensor, shot.sceneSpectra);
    shot.examples.forEach((ex, b) => interpolatePsfAdjoint(grids[shot.depthIndex[b]], ex.xMm, ex.yMm, dPsf[b], at(shot.depthIndex[b])));
    if (dMeanPsf && dMeanPsf.size > 0) {
      const dMean = new Float64Array(grids[0].psf.length);
      for (const [psf, d] of dMeanPsf) {
        const where = shot.meanAt.get(psf);
        if (!where) throw new Error('SensorImager.adjoint: a mean-PSF gradient for a PSF this shot did not use');
        interpolatePsfAdjoint(grids[0], where.xMm, where.yMm, d, dMean);
      }
      const D = this.meanIndex.length;
      for (const i of this.meanIndex) {
        const g = at(i);
        for (let k = 0; k < g.length; k++) g[k] += dMean[k] / D;
      }
    }
    return dGrids;
  }
}
