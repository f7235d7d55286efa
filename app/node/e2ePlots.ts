/**
 * A small raster plot for reports: restored PSNR against object distance (x in diopters, labelled
 * in metres) for each arm, with the sensor-image PSNR dashed, drawn into a float RGB image (written
 * with pngjs). Text uses a built-in 5 × 7 pixel font of the few characters a plot's ticks, axis
 * names and legend need (digits, some lowercase letters and signs).
 */
import { createImage, type FloatImage } from '../../engine/imaging/image.ts';
import type { ArmName, PhaseOutcome } from './e2eReport.ts';

/** 5 × 7 glyphs of the characters plots and pictures use, rows top to bottom, '#' = ink. */
const GLYPHS: Record<string, readonly string[]> = {
  '0': [' ### ', '#   #', '#  ##', '# # #', '##  #', '#   #', ' ### '],
  '1': ['  #  ', ' ##  ', '  #  ', '  #  ', '  #  ', '  #  ', ' ### '],
  '2': [' ### ', '#   #', '    #', '   # ', '  #  ', ' #   ', '#####'],
  '3': ['#### ', '    #', '    #', ' ### ', '    #', '    #', '#### '],
  '4': ['   # ', '  ## ', ' # # ', '#  # ', '#####', '   # ', '   # '],
  '5': ['#####', '#    ', '#### ', '    #', '    #', '#   #', ' ### '],
  '6': [' ### ', '#    ', '#    ', '#### ', '#   #', '#   #', ' ### '],
  '7': ['#####', '    #', '   # ', '  #  ', ' #   ', ' #   ', ' #   '],
  '8': [' ### ', '#   #', '#   #', ' ### ', '#   #', '#   #', ' ### '],
  '9': [' ### ', '#   #', '#   #', ' ####', '    #', '    #', ' ### '],
  '.': ['     ', '     ', '     ', '     ', '     ', ' ##  ', ' ##  '],
  '-': ['     ', '     ', '     ', ' ### ', '     ', '     ', '     '],
  ' ': ['     ', '     ', '     ', '     ', '     ', '     ', '     '],
  '(': ['   # ', '  #  ', ' #   ', ' #   ', ' #   ', '  #  ', '   # '],
  ')': [' #   ', '  #  ', '   # ', '   # ', '   # ', '  #  ', ' #   '],
  '∞': ['     ', '     ', ' # # ', '# # #', ' # # ', '     ', '     '],
  a: ['     ', '     ', ' ### ', '    #', ' ####', '#   #', ' ####'],
  b: ['#    ', '#    ', '#### ', '#   #', '#   #', '#   #', '#### '],
  c: ['     ', '     ', ' ####', '#    ', '#    ', '#    ', ' ####'],
  d: ['    #', '    #', ' ####', '#   #', '#   #', '#   #', ' ####'],
  e: ['     ', '     ', ' ### ', '#   #', '#####', '#    ', ' ### '],
  i: ['  #  ', '     ', ' ##  ', '  #  ', '  #  ', '  #  ', ' ### '],
  j: ['   # ', '     ', '  ## ', '   # ', '   # ', '#  # ', ' ##  '],
  l: [' ##  ', '  #  ', '  #  ', '  #  ', '  #  ', '  #  ', ' ### '],
  m: ['     ', '     ', '## # ', '# # #', '# # #', '# # #', '# # #'],
  n: ['     ', '     ', '#### ', '#   #', '#   #', '#   #', '#   #'],
  o: ['     ', '     ', ' ### ', '#   #', '#   #', '#   #', ' ### '],
  p: ['     ', '#### ', '#   #', '#   #', '#### ', '#    ', '#    '],
  q: ['     ', ' ####', '#   #', '#   #', ' ####', '    #', '    #'],
  r: ['     ', '     ', '# ## ', '##   ', '#    ', '#    ', '#    '],
  s: ['     ', '     ', ' ####', '#    ', ' ### ', '    #', '#### '],
  t: ['  #  ', '  #  ', ' ### ', '  #  ', '  #  ', '  #  ', '   ##'],
  u: ['     ', '     ', '#   #', '#   #', '#   #', '#   #', ' ####'],
  x: ['     ', '     ', '#   #', ' # # ', '  #  ', ' # # ', '#   #'],
};

function glyph(ch: string): readonly string[] {
  return GLYPHS[ch] ?? GLYPHS[ch.toLowerCase()] ?? GLYPHS[' '];
}

/** Draws text with its top-left corner at (x, y), each font pixel `scale` image pixels (5 × 7 glyphs). */
export function drawText(img: FloatImage, text: string, x: number, y: number, color: readonly number[], scale = 1): void {
  let cx = x;
  for (const ch of text) {
    const g = glyph(ch);
    for (let r = 0; r < 7; r++) {
      for (let c = 0; c < 5; c++) {
        if (g[r][c] !== '#') continue;
        for (let i = 0; i < scale; i++) for (let j = 0; j < scale; j++) setPixel(img, cx + c * scale + j, y + r * scale + i, color);
      }
    }
    cx += 6 * scale;
  }
}

function setPixel(img: FloatImage, x: number, y: number, color: readonly number[]): void {
  if (x < 0 || y < 0 || x >= img.width || y >= img.height) return;
  const p = (Math.round(y) * img.width + Math.round(x)) * 3;
  img.data[p] = color[0];
  img.data[p + 1] = color[1];
  img.data[p + 2] = color[2];
}

/** A line of width ~2 px; dashed when `dash` > 0 (dash length in px). */
export function drawLine(img: FloatImage, x0: number, y0: number, x1: number, y1: number, color: readonly number[], dash = 0): void {
  const n = Math.max(1, Math.ceil(Math.hypot(x1 - x0, y1 - y0)));
  for (let i = 0; i <= n; i++) {
    if (dash > 0 && Math.floor(i / dash) % 2 === 1) continue;
    const x = x0 + ((x1 - x0) * i) / n;
    const y = y0 + ((y1 - y0) * i) / n;
    setPixel(img, x, y, color);
    setPixel(img, x + 1, y, color);
    setPixel(img, x, y + 1, color);
  }
}

const COLORS: Record<ArmName, number[]> = { nominal: [0.85, 0.2, 0.15], sequential: [0.1, 0.45, 0.85], joint: [0.1, 0.6, 0.2] };

/**
 * Restored (solid) and sensor (dashed) PSNR against object distance for each arm, averaged over
 * patches and seeds. x: diopters (far at the left), ticks labelled in metres.
 */
export function psnrDepthPlot(outcomes: readonly PhaseOutcome[], depthsMm: readonly number[], width = 560, height = 340): FloatImage {
  const img = createImage(width, height, 3);
  img.data.fill(1);
  const arms = (['nominal', 'sequential', 'joint'] as const).filter((a) => outcomes.some((o) => o.arm === a));
  const series = arms.map((arm) => {
    const all = outcomes.filter((o) => o.arm === arm).flatMap((o) => o.eval.perExample);
    const at = (z: number, k: 'psnr' | 'blurredPsnr') => {
      const v = all.filter((e) => e.depthMm === z).map((e) => e[k]);
      return v.reduce((s, x) => s + x, 0) / v.length;
    };
    return { arm, restored: depthsMm.map((z) => at(z, 'psnr')), sensor: depthsMm.map((z) => at(z, 'blurredPsnr')) };
  });
  const values = series.flatMap((s) => [...s.restored, ...s.sensor]).filter(Number.isFinite);
  const lo = Math.floor(Math.min(...values) - 0.5);
  const hi = Math.ceil(Math.max(...values) + 0.5);
  const dpt = depthsMm.map((z) => (Number.isFinite(z) ? 1000 / z : 0));
  const dLo = Math.min(...dpt);
  const dHi = Math.max(...dpt) > dLo ? Math.max(...dpt) : dLo + 1;
  const L = 60;
  const R = width - 20;
  const T = 40;
  const B = height - 50;
  const X = (d: number) => L + ((d - dLo) / (dHi - dLo)) * (R - L);
  const Y = (v: number) => B - ((v - lo) / (hi - lo)) * (B - T);
  const ink = [0.15, 0.15, 0.15];
  const grid = [0.85, 0.85, 0.85];
  const step = hi - lo > 12 ? 4 : hi - lo > 6 ? 2 : 1;
  for (let v = lo; v <= hi; v += step) {
    drawLine(img, L, Y(v), R, Y(v), grid);
    drawText(img, String(v), L - 8 - 6 * String(v).length, Y(v) - 3, ink);
  }
  depthsMm.forEach((z, i) => {
    drawLine(img, X(dpt[i]), T, X(dpt[i]), B, grid);
    const label = Number.isFinite(z) ? `${Number((z / 1000).toPrecision(3))}` : '∞';
    drawText(img, label, X(dpt[i]) - 3 * label.length, B + 8, ink);
  });
  drawLine(img, L, B, R, B, ink);
  drawLine(img, L, T, L, B, ink);
  drawText(img, 'object distance (m)', (L + R) / 2 - 57, B + 26, ink);
  drawText(img, 'psnr (db)', 8, 12, ink);
  for (const s of series) {
    for (let i = 1; i < depthsMm.length; i++) {
      drawLine(img, X(dpt[i - 1]), Y(s.restored[i - 1]), X(dpt[i]), Y(s.restored[i]), COLORS[s.arm]);
      drawLine(img, X(dpt[i - 1]), Y(s.sensor[i - 1]), X(dpt[i]), Y(s.sensor[i]), COLORS[s.arm], 6);
    }
  }
  let lx = L + 110;
  for (const s of series) {
    drawLine(img, lx, 16, lx + 24, 16, COLORS[s.arm]);
    drawText(img, s.arm, lx + 30, 12, ink);
    lx += 40 + 6 * s.arm.length + 10;
  }
  drawLine(img, lx, 16, lx + 24, 16, ink, 6);
  drawText(img, 'sensor', lx + 30, 12, ink);
  return img;
}
