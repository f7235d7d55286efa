/**
 * Image formation by patch-wise convolution with field-dependent PSFs, and its adjoint with respect
 * to the PSFs. Float64 throughout.
 *
 * Images are H × W × C, interleaved, row 0 at the top (as ./image.ts). A PSF h (K × K per channel,
 * K odd, h = (K − 1)/2, centred on the point's ideal image) maps a scene x to the blurred image
 *   y[r, c] = Σ_{a,b} h[a, b] · x[r + h − (a − h), c + h − (b − h)]   ('valid' convolution),
 * so the input is larger than the output by K − 1 in each direction and no border is invented.
 *
 * Field dependence: PSFs are known on a grid of field nodes at sensor positions (mm) xs[0..nx−1] ×
 * ys[0..ny−1] (both ascending; y up). The PSF at a sensor position is the bilinear interpolation of
 * the four surrounding nodes (clamped to the grid's edge outside it). A large image is rendered tile
 * by tile: each T × T output tile is convolved with the PSF interpolated at the tile's centre. The
 * adjoints: ∂L/∂h[a, b] = Σ_{r,c} ∂L/∂y[r, c] · x[r + K − 1 − a, c + K − 1 − b], then spread back to
 * the four nodes with the same bilinear weights.
 */

/** PSFs on a grid of field nodes: psf[((iy·nx + ix)·C + ch)·K² + row·K + col]. */
export interface PsfFieldGrid {
  readonly nx: number;
  readonly ny: number;
  /** Node sensor positions, mm, ascending. */
  readonly xMm: Float64Array;
  readonly yMm: Float64Array;
  readonly channels: number;
  /** PSF size K (odd) and pixel pitch, mm. */
  readonly size: number;
  readonly pitchMm: number;
  readonly psf: Float64Array;
}

/** Where an output image sits on the sensor: pixel pitch and the sensor position of its pixel (0, 0). */
export interface SensorPlacement {
  /** Sensor x, y (mm) of the centre of output pixel row 0, column 0. */
  readonly x0Mm: number;
  readonly y0Mm: number;
  readonly pitchMm: number;
}

/** Bilinear node weights for a sensor position: four (node index, weight) pairs. */
export function fieldWeights(grid: PsfFieldGrid, xMm: number, yMm: number): { node: number[]; w: number[] } {
  const locate = (nodes: Float64Array, v: number): [number, number] => {
    const n = nodes.length;
    if (n === 1 || v <= nodes[0]) return [0, 0];
    if (v >= nodes[n - 1]) return [n - 2, 1];
    let k = 0;
    while (k < n - 2 && v > nodes[k + 1]) k++;
    return [k, (v - nodes[k]) / (nodes[k + 1] - nodes[k])];
  };
  const [ix, tx] = locate(grid.xMm, xMm);
  const [iy, ty] = locate(grid.yMm, yMm);
  const ix1 = Math.min(ix + 1, grid.nx - 1);
  const iy1 = Math.min(iy + 1, grid.ny - 1);
  return {
    node: [iy * grid.nx + ix, iy * grid.nx + ix1, iy1 * grid.nx + ix, iy1 * grid.nx + ix1],
    w: [(1 - tx) * (1 - ty), tx * (1 - ty), (1 - tx) * ty, tx * ty],
  };
}

/** The C × K × K PSF at a sensor position, bilinearly interpolated between grid nodes. */
export function interpolatePsf(grid: PsfFieldGrid, xMm: number, yMm: number, out?: Float64Array): Float64Array {
  const n = grid.channels * grid.size * grid.size;
  const res = out ?? new Float64Array(n);
  res.fill(0);
  const { node, w } = fieldWeights(grid, xMm, yMm);
  for (let q = 0; q < 4; q++) {
    if (w[q] === 0) continue;
    const off = node[q] * n;
    for (let k = 0; k < n; k++) res[k] += w[q] * grid.psf[off + k];
  }
  return res;
}

/** Adds the adjoint of `interpolatePsf` into dGrid (same layout as grid.psf). */
export function interpolatePsfAdjoint(grid: PsfFieldGrid, xMm: number, yMm: number, dPsf: Float64Array, dGrid: Float64Array): void {
  const n = grid.channels * grid.size * grid.size;
  const { node, w } = fieldWeights(grid, xMm, yMm);
  for (let q = 0; q < 4; q++) {
    if (w[q] === 0) continue;
    const off = node[q] * n;
    for (let k = 0; k < n; k++) dGrid[off + k] += w[q] * dPsf[k];
  }
}

/**
 * Copies the input window a tile reads (rows r0 … r0+th+K−2, columns c0 … c0+tw+K−2) into one
 * contiguous float64 plane per channel, so the inner loops run over contiguous memory.
 */
function planes(input: ArrayLike<number>, inW: number, C: number, K: number, r0: number, c0: number, th: number, tw: number): Float64Array[] {
  const ph = th + K - 1;
  const pw = tw + K - 1;
  const out: Float64Array[] = [];
  for (let ch = 0; ch < C; ch++) {
    const p = new Float64Array(ph * pw);
    for (let r = 0; r < ph; r++) {
      const src = ((r0 + r) * inW + c0) * C + ch;
      for (let c = 0; c < pw; c++) p[r * pw + c] = input[src + c * C];
    }
    out.push(p);
  }
  return out;
}

/**
 * 'valid' convolution of one tile with a per-channel PSF (C × K × K), written into the W × H × C
 * output at rows [r0, r0+th) and columns [c0, c0+tw). Zero PSF taps are skipped (exactly).
 */
function convolveRegion(
  input: ArrayLike<number>,
  inW: number,
  C: number,
  psf: Float64Array,
  K: number,
  out: Float64Array,
  outW: number,
  r0: number,
  c0: number,
  th: number,
  tw: number,
): void {
  const KK = K * K;
  const pw = tw + K - 1;
  const planeIn = planes(input, inW, C, K, r0, c0, th, tw);
  const acc = new Float64Array(th * tw);
  for (let ch = 0; ch < C; ch++) {
    acc.fill(0);
    const src = planeIn[ch];
    for (let a = 0; a < K; a++) {
      for (let b = 0; b < K; b++) {
        const h = psf[ch * KK + a * K + b];
        if (h === 0) continue;
        // y[r, c] += h · x[r + K−1−a, c + K−1−b]
        for (let r = 0; r < th; r++) {
          const si = (r + K - 1 - a) * pw + K - 1 - b;
          const oi = r * tw;
          for (let c = 0; c < tw; c++) acc[oi + c] += h * src[si + c];
        }
      }
    }
    for (let r = 0; r < th; r++) for (let c = 0; c < tw; c++) out[((r0 + r) * outW + c0 + c) * C + ch] = acc[r * tw + c];
  }
}

/**
 * Adds ∂L/∂h for one tile into dPsf (C × K × K), at the taps where `mask` (K × K, shared by the
 * channels) is non-zero, or at every tap without a mask.
 */
function convolveRegionAdjointPsf(
  input: ArrayLike<number>,
  inW: number,
  C: number,
  dOut: ArrayLike<number>,
  outW: number,
  K: number,
  dPsf: Float64Array,
  r0: number,
  c0: number,
  th: number,
  tw: number,
  mask?: Uint8Array,
): void {
  const KK = K * K;
  const pw = tw + K - 1;
  const planeIn = planes(input, inW, C, K, r0, c0, th, tw);
  const g = new Float64Array(th * tw);
  for (let ch = 0; ch < C; ch++) {
    for (let r = 0; r < th; r++) for (let c = 0; c < tw; c++) g[r * tw + c] = dOut[((r0 + r) * outW + c0 + c) * C + ch];
    const src = planeIn[ch];
    for (let a = 0; a < K; a++) {
      for (let b = 0; b < K; b++) {
        if (mask && !mask[a * K + b]) continue;
        let s = 0;
        for (let r = 0; r < th; r++) {
          const si = (r + K - 1 - a) * pw + K - 1 - b;
          const gi = r * tw;
          for (let c = 0; c < tw; c++) s += g[gi + c] * src[si + c];
        }
        dPsf[ch * KK + a * K + b] += s;
      }
    }
  }
}

/**
 * The taps whose PSF adjoint the lens gradient can read: the support of the PSF at this position
 * (any channel) grown by one pixel (8-neighbourhood). A ray's splat adjoint reads only the four
 * pixels around it, all within one pixel of a pixel it deposits on, and the energy normalisation
 * reads only the support; so restricting the rendering adjoint to this mask leaves ∂L/∂θ exact.
 */
export function psfAdjointMask(psf: Float64Array, K: number, C: number, out = new Uint8Array(K * K)): Uint8Array {
  out.fill(0);
  const KK = K * K;
  for (let a = 0; a < K; a++) {
    for (let b = 0; b < K; b++) {
      let on = false;
      for (let ch = 0; ch < C && !on; ch++) on = psf[ch * KK + a * K + b] !== 0;
      if (!on) continue;
      for (let i = Math.max(0, a - 1); i <= Math.min(K - 1, a + 1); i++) for (let j = Math.max(0, b - 1); j <= Math.min(K - 1, b + 1); j++) out[i * K + j] = 1;
    }
  }
  return out;
}

export interface RenderShape {
  /** Output width and height in pixels; the input is (W + K − 1) × (H + K − 1) × C. */
  width: number;
  height: number;
  /** Tile size T (px); default 64. One PSF per tile. */
  tile?: number;
}

function checkRender(input: ArrayLike<number>, grid: PsfFieldGrid, shape: RenderShape): void {
  const K = grid.size;
  const need = (shape.width + K - 1) * (shape.height + K - 1) * grid.channels;
  if (input.length !== need) {
    throw new Error(
      `render: input has ${input.length} values; a ${shape.width}×${shape.height} output with a ${K}×${K} PSF and ${grid.channels} channel(s) needs ${shape.width + K - 1}×${shape.height + K - 1}×${grid.channels} = ${need}`,
    );
  }
}

/** Calls f(r0, c0, th, tw, xMm, yMm) for each output tile and its centre's sensor position. */
function forEachTile(
  shape: RenderShape,
  place: SensorPlacement,
  f: (r0: number, c0: number, th: number, tw: number, xMm: number, yMm: number) => void,
): void {
  const T = shape.tile ?? 64;
  for (let r0 = 0; r0 < shape.height; r0 += T) {
    const th = Math.min(T, shape.height - r0);
    for (let c0 = 0; c0 < shape.width; c0 += T) {
      const tw = Math.min(T, shape.width - c0);
      const xMm = place.x0Mm + (c0 + (tw - 1) / 2) * place.pitchMm;
      const yMm = place.y0Mm - (r0 + (th - 1) / 2) * place.pitchMm;
      f(r0, c0, th, tw, xMm, yMm);
    }
  }
}

/**
 * Renders the blurred image of a scene: each output tile is the 'valid' convolution of the scene
 * with the PSF interpolated at the tile centre.
 * @param input scene, (W + K − 1) × (H + K − 1) × C, interleaved
 * @returns the W × H × C blurred image (float64)
 * @throws Error if the input size does not match
 */
export function renderImage(input: ArrayLike<number>, grid: PsfFieldGrid, place: SensorPlacement, shape: RenderShape): Float64Array {
  checkRender(input, grid, shape);
  const K = grid.size;
  const C = grid.channels;
  const out = new Float64Array(shape.width * shape.height * C);
  const psf = new Float64Array(C * K * K);
  const inW = shape.width + K - 1;
  forEachTile(shape, place, (r0, c0, th, tw, xMm, yMm) => {
    interpolatePsf(grid, xMm, yMm, psf);
    convolveRegion(input, inW, C, psf, K, out, shape.width, r0, c0, th, tw);
  });
  return out;
}

/**
 * The adjoint of `renderImage` with respect to the grid's PSFs: ∂L/∂grid.psf (same layout) given
 * ∂L/∂output (W × H × C), accumulated into dGrid. With `supportOnly`, only the taps of
 * {@link psfAdjointMask} are computed (the others are left untouched): enough for the exact lens
 * gradient through engine/imaging/lensPsf.ts, and much cheaper for compact PSFs.
 */
export function renderImageAdjointPsf(
  input: ArrayLike<number>,
  dOut: ArrayLike<number>,
  grid: PsfFieldGrid,
  place: SensorPlacement,
  shape: RenderShape,
  dGrid: Float64Array = new Float64Array(grid.psf.length),
  options: { supportOnly?: boolean } = {},
): Float64Array {
  checkRender(input, grid, shape);
  const K = grid.size;
  const C = grid.channels;
  if (dOut.length !== shape.width * shape.height * C) throw new Error(`renderImageAdjointPsf: dOut has ${dOut.length} values, expected ${shape.width * shape.height * C}`);
  const dPsf = new Float64Array(C * K * K);
  const psf = new Float64Array(C * K * K);
  const mask = new Uint8Array(K * K);
  const inW = shape.width + K - 1;
  forEachTile(shape, place, (r0, c0, th, tw, xMm, yMm) => {
    dPsf.fill(0);
    if (options.supportOnly) psfAdjointMask(interpolatePsf(grid, xMm, yMm, psf), K, C, mask);
    convolveRegionAdjointPsf(input, inW, C, dOut, shape.width, K, dPsf, r0, c0, th, tw, options.supportOnly ? mask : undefined);
    interpolatePsfAdjoint(grid, xMm, yMm, dPsf, dGrid);
  });
  return dGrid;
}
