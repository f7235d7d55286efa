/**
 * Colour maps of the wave panels as 256-entry RGB tables, from d3-scale-chromatic: turbo for the
 * wavefront (a rainbow, as optical engineers read OPD maps, but perceptually ordered) and inferno
 * for the PSF (monotonic in lightness, so a log scale reads as a log scale).
 */
import { interpolateInferno, interpolateTurbo } from 'd3-scale-chromatic';

export type ColorMapName = 'turbo' | 'inferno';

const tables = new Map<ColorMapName, Uint8ClampedArray>();

function parse(css: string): [number, number, number] {
  if (css.startsWith('#')) {
    const n = parseInt(css.slice(1), 16);
    return [(n >> 16) & 255, (n >> 8) & 255, n & 255];
  }
  const m = css.match(/\d+(\.\d+)?/g) ?? ['0', '0', '0'];
  return [Number(m[0]), Number(m[1]), Number(m[2])];
}

/** The 256 × RGB table of a colour map. */
export function colorTable(name: ColorMapName): Uint8ClampedArray {
  let t = tables.get(name);
  if (!t) {
    const f = name === 'turbo' ? interpolateTurbo : interpolateInferno;
    t = new Uint8ClampedArray(256 * 3);
    for (let i = 0; i < 256; i++) t.set(parse(f(i / 255)), 3 * i);
    tables.set(name, t);
  }
  return t;
}

/** Draws a vertical colour bar (low at the bottom) into a rectangle of a 2-D context. */
export function drawColorBar(ctx: CanvasRenderingContext2D, name: ColorMapName, x: number, y: number, w: number, h: number): void {
  const t = colorTable(name);
  for (let k = 0; k < h; k++) {
    const i = Math.round((255 * (h - 1 - k)) / Math.max(1, h - 1));
    ctx.fillStyle = `rgb(${t[3 * i]}, ${t[3 * i + 1]}, ${t[3 * i + 2]})`;
    ctx.fillRect(x, y + k, w, 1);
  }
}

/** Round tick values (1, 2, 5 × 10^k steps) covering [lo, hi], about `count` of them. */
export function niceTicks(lo: number, hi: number, count = 5): number[] {
  if (!(hi > lo)) return [lo];
  const raw = (hi - lo) / count;
  const e = Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * 10 ** e).find((s) => s >= raw) ?? 10 ** (e + 1);
  const out: number[] = [];
  for (let v = Math.ceil(lo / step - 1e-9) * step; v <= hi + step * 1e-9; v += step) out.push(Math.abs(v) < step * 1e-9 ? 0 : Number(v.toPrecision(12)));
  return out;
}
