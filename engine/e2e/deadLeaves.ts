/**
 * Dead-leaves images: the standard texture model for camera image-quality testing (Cao, Guichard,
 * Hornung, "Dead leaves model for measuring texture quality on a digital camera", SPIE 7537, 2010;
 * IEEE P1858 / ISO 19567-2). Opaque disks fall on the plane one after another and occlude what lies
 * beneath; radii follow the scale-invariant density p(r) ∝ r⁻³ on [rMin, rMax], which gives the
 * image the 1/f² power spectrum and the occlusion edges of natural scenes.
 *
 * We draw the leaves front to back (each new disk lies *under* every earlier one, which has the same
 * law as back-to-front stacking seen from above): a pixel keeps the colour of the first disk that
 * covers it, and drawing stops when every pixel is covered. Disk centres are uniform over the image
 * grown by rMax on every side; disks that miss the image are discarded, so the statistics are those
 * of an unbounded stationary process seen through the window. A pixel belongs to a disk when its
 * centre (col + ½, row + ½) lies inside it. Radii are sampled by inverting the CDF:
 *   r = (rMin⁻² − u (rMin⁻² − rMax⁻²))^(−1/2),  u ~ U[0, 1).
 */
import { createImage, type FloatImage } from '../imaging/image.ts';
import { deriveSeed, Rng } from '../imaging/prng.ts';

export interface DeadLeavesOptions {
  /** Image width and height in pixels. */
  width: number;
  height: number;
  /** 1 (gray leaves) or 3 (independent uniform R, G, B per leaf). */
  channels: 1 | 3;
  /** Smallest and largest disk radius, pixels (0 < rMin < rMax). Defaults 1 and min(W, H) / 4. */
  rMin?: number;
  rMax?: number;
  /** Seed of the stream. */
  seed: number;
  /** Safety cap on the number of disks; pixels still uncovered then take the mean colour 0.5. */
  maxDisks?: number;
  /** Leaf intensities are drawn uniformly in [lo, hi]; default [0.05, 0.95]. */
  range?: [number, number];
}

/** Draws a radius from p(r) ∝ r⁻³ on [rMin, rMax] by inverse-CDF sampling. */
export function sampleRadius(rng: Rng, rMin: number, rMax: number): number {
  const a = 1 / (rMin * rMin);
  const b = 1 / (rMax * rMax);
  return 1 / Math.sqrt(a - rng.next() * (a - b));
}

/**
 * One dead-leaves image.
 * @throws Error for non-positive sizes or radii, or rMin ≥ rMax.
 */
export function deadLeaves(opts: DeadLeavesOptions): FloatImage {
  const { width: W, height: H, channels: C } = opts;
  const rMin = opts.rMin ?? 1;
  const rMax = opts.rMax ?? Math.min(W, H) / 4;
  if (!(rMin > 0) || !(rMax > rMin)) throw new Error(`deadLeaves: need 0 < rMin < rMax (got rMin ${rMin}, rMax ${rMax})`);
  const [lo, hi] = opts.range ?? [0.05, 0.95];
  const img = createImage(W, H, C);
  const covered = new Uint8Array(W * H);
  let remaining = W * H;
  const rng = new Rng(opts.seed);
  const maxDisks = opts.maxDisks ?? 400_000;
  const colour = new Float32Array(C);
  for (let disk = 0; disk < maxDisks && remaining > 0; disk++) {
    const r = sampleRadius(rng, rMin, rMax);
    const cx = rng.uniform(-rMax, W + rMax);
    const cy = rng.uniform(-rMax, H + rMax);
    for (let c = 0; c < C; c++) colour[c] = rng.uniform(lo, hi);
    const c0 = Math.max(0, Math.ceil(cx - r - 0.5));
    const c1 = Math.min(W - 1, Math.floor(cx + r - 0.5));
    const r0 = Math.max(0, Math.ceil(cy - r - 0.5));
    const r1 = Math.min(H - 1, Math.floor(cy + r - 0.5));
    const r2 = r * r;
    for (let row = r0; row <= r1; row++) {
      const dy = row + 0.5 - cy;
      const dy2 = dy * dy;
      for (let col = c0; col <= c1; col++) {
        const p = row * W + col;
        if (covered[p]) continue;
        const dx = col + 0.5 - cx;
        if (dx * dx + dy2 > r2) continue;
        covered[p] = 1;
        remaining--;
        for (let c = 0; c < C; c++) img.data[p * C + c] = colour[c];
      }
    }
  }
  if (remaining > 0) {
    for (let p = 0; p < W * H; p++) if (!covered[p]) for (let c = 0; c < C; c++) img.data[p * C + c] = 0.5;
  }
  return img;
}

/** Seeds of the built-in sets: training and held-out images never share a seed. */
export const DEAD_LEAVES_TRAIN_SEED = 1_000_003;
export const DEAD_LEAVES_HELDOUT_SEED = 2_000_003;

export interface DeadLeavesSetOptions extends Omit<DeadLeavesOptions, 'seed' | 'width' | 'height'> {
  /** Number of images and their (square) size in pixels. */
  count: number;
  size: number;
  /** Seed of the set; image i uses deriveSeed(seed, i). */
  seed: number;
}

/** A fixed set of `count` square dead-leaves images; the same seed always gives the same set. */
export function deadLeavesSet(opts: DeadLeavesSetOptions): FloatImage[] {
  const { count, size, seed, ...rest } = opts;
  const out: FloatImage[] = [];
  for (let i = 0; i < count; i++) out.push(deadLeaves({ ...rest, width: size, height: size, seed: deriveSeed(seed, i) }));
  return out;
}
