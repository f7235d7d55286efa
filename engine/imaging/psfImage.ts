/**
 * Pictures for reports and the studio: the PSF grid as one image (nodes laid out as on the
 * sensor, +y up), and a side-by-side strip of example patches.
 */
import { createImage, type FloatImage } from './image.ts';
import type { PsfFieldGrid } from './render.ts';

/**
 * Tiles every node's PSF (channels as R, G, B; mono as gray) into one image, each tile scaled by
 * `zoom` (nearest neighbour) and separated by `gap` pixels of mid gray. Each PSF is divided by its
 * own peak and shown with a square-root stretch (√(v / peak)), so faint wings stay visible. Values
 * are display values (not linear light).
 */
export function psfGridImage(grid: PsfFieldGrid, zoom = 4, gap = 2): FloatImage {
  const K = grid.size;
  const T = K * zoom;
  const W = grid.nx * T + (grid.nx + 1) * gap;
  const H = grid.ny * T + (grid.ny + 1) * gap;
  const img = createImage(W, H, 3);
  img.data.fill(0.35);
  const C = grid.channels;
  const KK = K * K;
  for (let iy = 0; iy < grid.ny; iy++) {
    // node row iy has sensor y = yMm[iy] (ascending): draw the largest y at the top
    const top = gap + (grid.ny - 1 - iy) * (T + gap);
    for (let ix = 0; ix < grid.nx; ix++) {
      const left = gap + ix * (T + gap);
      const off = (iy * grid.nx + ix) * C * KK;
      let peak = 0;
      for (let k = 0; k < C * KK; k++) peak = Math.max(peak, grid.psf[off + k]);
      for (let r = 0; r < T; r++) {
        for (let c = 0; c < T; c++) {
          const k = Math.floor(r / zoom) * K + Math.floor(c / zoom);
          const p = ((top + r) * W + left + c) * 3;
          for (let ch = 0; ch < 3; ch++) {
            const v = grid.psf[off + (C === 1 ? 0 : ch) * KK + k];
            img.data[p + ch] = peak > 0 ? Math.sqrt(Math.max(0, v) / peak) : 0;
          }
        }
      }
    }
  }
  return img;
}

/** Nearest-neighbour enlargement by an integer factor. */
export function upscale(img: FloatImage, factor: number): FloatImage {
  if (factor <= 1) return img;
  const out = createImage(img.width * factor, img.height * factor, img.channels);
  const C = img.channels;
  for (let r = 0; r < out.height; r++) {
    for (let c = 0; c < out.width; c++) {
      const src = (Math.floor(r / factor) * img.width + Math.floor(c / factor)) * C;
      for (let ch = 0; ch < C; ch++) out.data[(r * out.width + c) * C + ch] = img.data[src + ch];
    }
  }
  return out;
}

/** Places images of equal height side by side with `gap` pixels of white between them. */
export function hstack(images: FloatImage[], gap = 4): FloatImage {
  const H = Math.max(...images.map((i) => i.height));
  const C = Math.max(...images.map((i) => i.channels));
  const W = images.reduce((s, i) => s + i.width, 0) + gap * (images.length - 1);
  const out = createImage(W, H, C);
  out.data.fill(1);
  let x0 = 0;
  for (const im of images) {
    for (let r = 0; r < im.height; r++) {
      for (let c = 0; c < im.width; c++) {
        for (let ch = 0; ch < C; ch++) out.data[(r * W + x0 + c) * C + ch] = im.data[(r * im.width + c) * im.channels + (im.channels === 1 ? 0 : ch)];
      }
    }
    x0 += im.width + gap;
  }
  return out;
}

/** Stacks images of equal width vertically with `gap` pixels of white between them. */
export function vstack(images: FloatImage[], gap = 4): FloatImage {
  const W = Math.max(...images.map((i) => i.width));
  const C = Math.max(...images.map((i) => i.channels));
  const H = images.reduce((s, i) => s + i.height, 0) + gap * (images.length - 1);
  const out = createImage(W, H, C);
  out.data.fill(1);
  let y0 = 0;
  for (const im of images) {
    for (let r = 0; r < im.height; r++) {
      for (let c = 0; c < im.width; c++) {
        for (let ch = 0; ch < C; ch++) out.data[((y0 + r) * W + c) * C + ch] = im.data[(r * im.width + c) * im.channels + (im.channels === 1 ? 0 : ch)];
      }
    }
    y0 += im.height + gap;
  }
  return out;
}

/**
 * PSF strips: one row per list of grids (e.g. one lens), one column per grid (e.g. one object
 * distance), each tile the grid's central node's PSF, `zoom`× enlarged, divided by its own peak
 * with a square-root stretch (display values), on mid gray with `gap`-pixel gaps.
 */
export function psfStripImage(rows: readonly (readonly PsfFieldGrid[])[], zoom = 3, gap = 2): FloatImage {
  const K = rows[0][0].size;
  const T = K * zoom;
  const cols = Math.max(...rows.map((r) => r.length));
  const W = cols * T + (cols + 1) * gap;
  const H = rows.length * T + (rows.length + 1) * gap;
  const img = createImage(W, H, 3);
  img.data.fill(0.35);
  const KK = K * K;
  rows.forEach((grids, i) => {
    grids.forEach((grid, j) => {
      const C = grid.channels;
      const node = Math.floor(grid.ny / 2) * grid.nx + Math.floor(grid.nx / 2);
      const off = node * C * KK;
      let peak = 0;
      for (let k = 0; k < C * KK; k++) peak = Math.max(peak, grid.psf[off + k]);
      const top = gap + i * (T + gap);
      const left = gap + j * (T + gap);
      for (let r = 0; r < T; r++) {
        for (let c = 0; c < T; c++) {
          const k = Math.floor(r / zoom) * K + Math.floor(c / zoom);
          const p = ((top + r) * W + left + c) * 3;
          for (let ch = 0; ch < 3; ch++) img.data[p + ch] = peak > 0 ? Math.sqrt(Math.max(0, grid.psf[off + (C === 1 ? 0 : ch) * KK + k]) / peak) : 0;
        }
      }
    });
  });
  return img;
}
