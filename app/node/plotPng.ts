/**
 * Small raster plots for reports written by the command line (PNG through pngjs): a histogram and
 * a cumulative distribution, with axes, ticks, labels and vertical markers. Text uses a built-in
 * 5×7 pixel font (upper case, digits and common signs), drawn at 2× — enough for axis labels
 * without a font renderer.
 */
import { PNG } from 'pngjs';

const GLYPHS: Record<string, number[]> = {
  '0': [0x0e, 0x11, 0x13, 0x15, 0x19, 0x11, 0x0e], '1': [0x04, 0x0c, 0x04, 0x04, 0x04, 0x04, 0x0e],
  '2': [0x0e, 0x11, 0x01, 0x02, 0x04, 0x08, 0x1f], '3': [0x1f, 0x02, 0x04, 0x02, 0x01, 0x11, 0x0e],
  '4': [0x02, 0x06, 0x0a, 0x12, 0x1f, 0x02, 0x02], '5': [0x1f, 0x10, 0x1e, 0x01, 0x01, 0x11, 0x0e],
  '6': [0x06, 0x08, 0x10, 0x1e, 0x11, 0x11, 0x0e], '7': [0x1f, 0x01, 0x02, 0x04, 0x08, 0x08, 0x08],
  '8': [0x0e, 0x11, 0x11, 0x0e, 0x11, 0x11, 0x0e], '9': [0x0e, 0x11, 0x11, 0x0f, 0x01, 0x02, 0x0c],
  A: [0x0e, 0x11, 0x11, 0x11, 0x1f, 0x11, 0x11], B: [0x1e, 0x11, 0x11, 0x1e, 0x11, 0x11, 0x1e],
  C: [0x0e, 0x11, 0x10, 0x10, 0x10, 0x11, 0x0e], D: [0x1c, 0x12, 0x11, 0x11, 0x11, 0x12, 0x1c],
  E: [0x1f, 0x10, 0x10, 0x1e, 0x10, 0x10, 0x1f], F: [0x1f, 0x10, 0x10, 0x1e, 0x10, 0x10, 0x10],
  G: [0x0e, 0x11, 0x10, 0x17, 0x11, 0x11, 0x0f], H: [0x11, 0x11, 0x11, 0x1f, 0x11, 0x11, 0x11],
  I: [0x0e, 0x04, 0x04, 0x04, 0x04, 0x04, 0x0e], J: [0x07, 0x02, 0x02, 0x02, 0x02, 0x12, 0x0c],
  K: [0x11, 0x12, 0x14, 0x18, 0x14, 0x12, 0x11], L: [0x10, 0x10, 0x10, 0x10, 0x10, 0x10, 0x1f],
  M: [0x11, 0x1b, 0x15, 0x15, 0x11, 0x11, 0x11], N: [0x11, 0x11, 0x19, 0x15, 0x13, 0x11, 0x11],
  O: [0x0e, 0x11, 0x11, 0x11, 0x11, 0x11, 0x0e], P: [0x1e, 0x11, 0x11, 0x1e, 0x10, 0x10, 0x10],
  Q: [0x0e, 0x11, 0x11, 0x11, 0x15, 0x12, 0x0d], R: [0x1e, 0x11, 0x11, 0x1e, 0x14, 0x12, 0x11],
  S: [0x0f, 0x10, 0x10, 0x0e, 0x01, 0x01, 0x1e], T: [0x1f, 0x04, 0x04, 0x04, 0x04, 0x04, 0x04],
  U: [0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x0e], V: [0x11, 0x11, 0x11, 0x11, 0x11, 0x0a, 0x04],
  W: [0x11, 0x11, 0x11, 0x15, 0x15, 0x15, 0x0a], X: [0x11, 0x11, 0x0a, 0x04, 0x0a, 0x11, 0x11],
  Y: [0x11, 0x11, 0x11, 0x0a, 0x04, 0x04, 0x04], Z: [0x1f, 0x01, 0x02, 0x04, 0x08, 0x10, 0x1f],
  ' ': [0, 0, 0, 0, 0, 0, 0], '.': [0, 0, 0, 0, 0, 0x0c, 0x0c], '-': [0, 0, 0, 0x1f, 0, 0, 0],
  '+': [0, 0x04, 0x04, 0x1f, 0x04, 0x04, 0], '%': [0x18, 0x19, 0x02, 0x04, 0x08, 0x13, 0x03],
  '(': [0x02, 0x04, 0x08, 0x08, 0x08, 0x04, 0x02], ')': [0x08, 0x04, 0x02, 0x02, 0x02, 0x04, 0x08],
  ':': [0, 0x0c, 0x0c, 0, 0x0c, 0x0c, 0], '/': [0, 0x01, 0x02, 0x04, 0x08, 0x10, 0],
  ',': [0, 0, 0, 0, 0x0c, 0x04, 0x08], '=': [0, 0, 0x1f, 0, 0x1f, 0, 0],
};

type RGB = [number, number, number];
const BLACK: RGB = [0, 0, 0];
const GREY: RGB = [200, 200, 200];
const BAR: RGB = [70, 110, 180];
const MARK: RGB = [200, 50, 40];

class Canvas {
  readonly png: PNG;
  constructor(readonly width: number, readonly height: number) {
    this.png = new PNG({ width, height });
    this.png.data.fill(255);
  }
  pixel(x: number, y: number, c: RGB): void {
    x = Math.round(x);
    y = Math.round(y);
    if (x < 0 || y < 0 || x >= this.width || y >= this.height) return;
    const i = (y * this.width + x) * 4;
    this.png.data[i] = c[0];
    this.png.data[i + 1] = c[1];
    this.png.data[i + 2] = c[2];
    this.png.data[i + 3] = 255;
  }
  rect(x0: number, y0: number, x1: number, y1: number, c: RGB): void {
    for (let y = Math.round(Math.min(y0, y1)); y <= Math.round(Math.max(y0, y1)); y++) for (let x = Math.round(Math.min(x0, x1)); x <= Math.round(Math.max(x0, x1)); x++) this.pixel(x, y, c);
  }
  line(x0: number, y0: number, x1: number, y1: number, c: RGB): void {
    const n = Math.max(1, Math.ceil(Math.max(Math.abs(x1 - x0), Math.abs(y1 - y0))));
    for (let k = 0; k <= n; k++) this.pixel(x0 + ((x1 - x0) * k) / n, y0 + ((y1 - y0) * k) / n, c);
  }
  /** Text at (x, y) = top-left (align 'left'), centre ('center') or top-right ('right'); scale 2. */
  text(s: string, x: number, y: number, align: 'left' | 'center' | 'right' = 'left', c: RGB = BLACK, vertical = false): void {
    const str = s.replace(/µ/g, 'u').toUpperCase();
    const w = str.length * 12;
    const x0 = align === 'left' ? x : align === 'center' ? x - w / 2 : x - w;
    for (let k = 0; k < str.length; k++) {
      const g = GLYPHS[str[k]] ?? GLYPHS[' '];
      for (let row = 0; row < 7; row++) {
        for (let col = 0; col < 5; col++) {
          if (!((g[row] >> (4 - col)) & 1)) continue;
          for (let dy = 0; dy < 2; dy++) {
            for (let dx = 0; dx < 2; dx++) {
              const u = k * 12 + col * 2 + dx, v = row * 2 + dy;
              if (vertical) this.pixel(x + v, y + w - u, c); // rotated a quarter turn anticlockwise
              else this.pixel(x0 + u, y + v, c);
            }
          }
        }
      }
    }
  }
}

/** About `count` round tick values spanning [lo, hi]. */
export function niceTicks(lo: number, hi: number, count = 6): number[] {
  const span = hi - lo || Math.abs(hi) || 1;
  const raw = span / count;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((f) => f * mag).find((s) => span / s <= count) ?? 10 * mag;
  const out: number[] = [];
  for (let v = Math.ceil(lo / step) * step; v <= hi + step * 1e-9; v += step) out.push(Math.abs(v) < step * 1e-9 ? 0 : v);
  return out;
}

function tickLabel(v: number, ticks: number[]): string {
  const step = ticks.length > 1 ? Math.abs(ticks[1] - ticks[0]) : Math.abs(v) || 1;
  const digits = Math.max(0, Math.min(6, -Math.floor(Math.log10(step) + 1e-9) + (step / 10 ** Math.floor(Math.log10(step)) === 2.5 ? 1 : 0)));
  return v.toFixed(digits);
}

export interface PlotOptions {
  title: string;
  xLabel: string;
  yLabel: string;
  width?: number;
  height?: number;
  /** Vertical lines with labels, e.g. the nominal value or a percentile. */
  markers?: { x: number; label: string }[];
}

interface Frame {
  canvas: Canvas;
  px: (x: number) => number;
  py: (y: number) => number;
}

function frame(xlo: number, xhi: number, ylo: number, yhi: number, o: PlotOptions, yTicks?: number[]): Frame {
  const W = o.width ?? 800, H = o.height ?? 500;
  const L = 90, R = 30, T = 50, B = 70;
  const canvas = new Canvas(W, H);
  const px = (x: number) => L + ((x - xlo) / (xhi - xlo || 1)) * (W - L - R);
  const py = (y: number) => H - B - ((y - ylo) / (yhi - ylo || 1)) * (H - T - B);
  const xt = niceTicks(xlo, xhi, 7);
  const yt = yTicks ?? niceTicks(ylo, yhi, 5);
  for (const v of yt) canvas.line(L, py(v), W - R, py(v), GREY);
  canvas.line(L, H - B, W - R, H - B, BLACK);
  canvas.line(L, T, L, H - B, BLACK);
  for (const v of xt) {
    canvas.line(px(v), H - B, px(v), H - B + 6, BLACK);
    canvas.text(tickLabel(v, xt), px(v), H - B + 10, 'center');
  }
  for (const v of yt) {
    canvas.line(L - 6, py(v), L, py(v), BLACK);
    canvas.text(tickLabel(v, yt), L - 10, py(v) - 7, 'right');
  }
  canvas.text(o.title, W / 2, 14, 'center');
  canvas.text(o.xLabel, (L + W - R) / 2, H - 30, 'center');
  canvas.text(o.yLabel, 12, T, 'left', BLACK, true);
  return { canvas, px, py };
}

function markers(f: Frame, o: PlotOptions, ytop: number): void {
  (o.markers ?? []).forEach((m, k) => {
    const x = f.px(m.x);
    for (let y = f.py(0); y > f.py(ytop); y -= 4) f.canvas.line(x, y, x, y - 2, MARK);
    f.canvas.text(m.label, x + 4, f.py(ytop) + 4 + 16 * k, 'left', MARK);
  });
}

/**
 * A histogram of `values` with `bins` equal bins over [min, max] (default 30).
 * @returns PNG bytes
 */
export function histogramPng(values: readonly number[], o: PlotOptions & { bins?: number }): Buffer {
  const bins = o.bins ?? 30;
  let lo = Math.min(...values), hi = Math.max(...values);
  for (const m of o.markers ?? []) {
    lo = Math.min(lo, m.x);
    hi = Math.max(hi, m.x);
  }
  if (hi === lo) hi = lo + (Math.abs(lo) || 1) * 1e-3;
  const pad = (hi - lo) * 0.02;
  lo -= pad;
  hi += pad;
  const counts = new Array<number>(bins).fill(0);
  for (const v of values) counts[Math.min(bins - 1, Math.max(0, Math.floor(((v - lo) / (hi - lo)) * bins)))]++;
  const top = Math.max(...counts) * 1.1 || 1;
  const f = frame(lo, hi, 0, top, o);
  counts.forEach((c, b) => {
    if (c === 0) return;
    const x0 = f.px(lo + ((hi - lo) * b) / bins) + 1, x1 = f.px(lo + ((hi - lo) * (b + 1)) / bins) - 1;
    f.canvas.rect(x0, f.py(c), x1, f.py(0) - 1, BAR);
  });
  markers(f, o, top);
  return PNG.sync.write(f.canvas.png);
}

/**
 * The empirical cumulative distribution of `values` (percent of trials at or below x).
 * @returns PNG bytes
 */
export function cdfPng(values: readonly number[], o: PlotOptions): Buffer {
  const sorted = [...values].sort((a, b) => a - b);
  let lo = sorted[0], hi = sorted[sorted.length - 1];
  for (const m of o.markers ?? []) {
    lo = Math.min(lo, m.x);
    hi = Math.max(hi, m.x);
  }
  if (hi === lo) hi = lo + (Math.abs(lo) || 1) * 1e-3;
  const pad = (hi - lo) * 0.02;
  lo -= pad;
  hi += pad;
  const f = frame(lo, hi, 0, 100, o, [0, 20, 40, 60, 80, 100]);
  const n = sorted.length;
  let prevX = f.px(lo), prevY = f.py(0);
  sorted.forEach((v, i) => {
    const x = f.px(v), y = f.py((100 * (i + 1)) / n);
    f.canvas.line(prevX, prevY, x, prevY, BAR);
    f.canvas.line(x, prevY, x, y, BAR);
    prevX = x;
    prevY = y;
  });
  f.canvas.line(prevX, prevY, f.px(hi), prevY, BAR);
  markers(f, o, 100);
  return PNG.sync.write(f.canvas.png);
}
