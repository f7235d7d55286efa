/**
 * The diffraction PSF on a canvas: the host's window around the reference chief ray in inferno,
 * linear (relative to the peak) or log (four decades below the peak), with image-plane axes in µm
 * (x right, y up), a colour bar, and the aberration-free pupil's first dark ring (0.61 λ/NA)
 * dashed for scale.
 */
import { useEffect, useRef } from 'react';
import type { WavePsfData } from '../../../app/contract/studioApi.ts';
import { useCanvasSize } from '../components/useCanvasSize.ts';
import { useTheme } from '../theme.ts';
import { colorTable, drawColorBar, niceTicks } from './colorMaps.ts';

const FONT = '10px "DejaVu Sans Mono", monospace';
/** Decades shown by the log scale. */
export const LOG_DECADES = 4;
/** The linear scale shows the central part of the host's window (the log scale all of it, wings included). */
const LINEAR_ZOOM = 0.35;

function draw(canvas: HTMLCanvasElement, d: WavePsfData, log: boolean): void {
  const ctx = canvas.getContext('2d')!;
  const dpr = window.devicePixelRatio || 1;
  const W = canvas.width / dpr, H = canvas.height / dpr;
  ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
  ctx.clearRect(0, 0, W, H);
  if (!d.data) return;
  const css = getComputedStyle(canvas);
  const text = css.getPropertyValue('--text').trim() || '#ddd';
  const muted = css.getPropertyValue('--muted').trim() || '#888';
  const line = css.getPropertyValue('--line-2').trim() || '#444';
  const left = 44, bottom = 30, right = 70, top = 8, barW = 14;
  const side = Math.max(20, Math.min(W - left - right, H - top - bottom));
  const x0 = left + Math.max(0, (W - left - right - side) / 2), y0 = top + Math.max(0, (H - top - bottom - side) / 2);
  // The pixels drawn: all of the window (log), or its central part (linear), an odd count.
  const c = (d.size - 1) / 2;
  const k = log ? c : Math.max(8, Math.round(c * LINEAR_ZOOM));
  const n = 2 * Math.min(k, c) + 1;
  const first = c - (n - 1) / 2;
  let peak = 0;
  for (const v of d.data) peak = Math.max(peak, v);
  const t = colorTable('inferno');
  const img = new ImageData(n, n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      const v = peak > 0 ? d.data[(first + i) * d.size + first + j] / peak : 0;
      const u = log ? Math.max(0, 1 + Math.log10(Math.max(v, 1e-30)) / LOG_DECADES) : Math.max(0, v);
      const q = Math.min(255, Math.round(255 * u));
      const o = 4 * ((n - 1 - i) * n + j); // row 0 is the most negative y: drawn at the bottom
      img.data[o] = t[3 * q];
      img.data[o + 1] = t[3 * q + 1];
      img.data[o + 2] = t[3 * q + 2];
      img.data[o + 3] = 255;
    }
  }
  const off = document.createElement('canvas');
  off.width = n;
  off.height = n;
  off.getContext('2d')!.putImageData(img, 0, 0);
  // The host's pixels are twice finer than Nyquist (padding 4): drawn smoothed (bilinear).
  ctx.imageSmoothingEnabled = true;
  ctx.imageSmoothingQuality = 'high';
  ctx.drawImage(off, x0, y0, side, side);
  ctx.strokeStyle = line;
  ctx.lineWidth = 1;
  ctx.strokeRect(x0 - 0.5, y0 - 0.5, side + 1, side + 1);
  // Axes in µm: the window spans ±(n/2)·pixel about the centre pixel's centre.
  const half = (n / 2) * d.pixelUm;
  const px = (um: number) => x0 + ((um + half) / (2 * half)) * side;
  const py = (um: number) => y0 + side - ((um + half) / (2 * half)) * side;
  ctx.font = FONT;
  ctx.fillStyle = muted;
  ctx.textAlign = 'center';
  ctx.textBaseline = 'top';
  const ticks = niceTicks(-half, half, 6);
  for (const v of ticks) {
    ctx.fillRect(Math.round(px(v)), y0 + side, 1, 4);
    ctx.fillText(String(v).replace('-', '−'), px(v), y0 + side + 5);
  }
  ctx.fillText('x, µm', x0 + side / 2, y0 + side + 17);
  ctx.textAlign = 'right';
  ctx.textBaseline = 'middle';
  for (const v of ticks) {
    ctx.fillRect(x0 - 4, Math.round(py(v)), 4, 1);
    ctx.fillText(String(v).replace('-', '−'), x0 - 6, py(v));
  }
  ctx.save();
  ctx.translate(10, y0 + side / 2);
  ctx.rotate(-Math.PI / 2);
  ctx.textAlign = 'center';
  ctx.fillText('y, µm', 0, 0);
  ctx.restore();
  // First dark ring of the aberration-free pupil.
  const r = (d.airyRadiusUm / (2 * half)) * side;
  if (r > 2 && r < side) {
    ctx.strokeStyle = 'rgba(120, 200, 255, 0.75)';
    ctx.setLineDash([3, 3]);
    ctx.beginPath();
    ctx.arc(px(0), py(0), r, 0, 2 * Math.PI);
    ctx.stroke();
    ctx.setLineDash([]);
  }
  // Colour bar: relative to the peak (linear) or decades below it (log).
  const bx = x0 + side + 12;
  drawColorBar(ctx, 'inferno', bx, y0, barW, side);
  ctx.strokeStyle = line;
  ctx.strokeRect(bx - 0.5, y0 - 0.5, barW + 1, side + 1);
  ctx.fillStyle = text;
  ctx.textAlign = 'left';
  ctx.textBaseline = 'middle';
  const labels: [number, string][] = log
    ? Array.from({ length: LOG_DECADES + 1 }, (_, k) => [1 - k / LOG_DECADES, k === 0 ? '1' : `1e−${k}`])
    : [0, 0.25, 0.5, 0.75, 1].map((v) => [v, (v * peak).toPrecision(2)]);
  for (const [u, label] of labels) {
    const y = y0 + side - u * side;
    ctx.fillRect(bx + barW, Math.round(y), 3, 1);
    ctx.fillText(label, bx + barW + 5, y);
  }
  ctx.fillStyle = muted;
  ctx.save();
  ctx.translate(bx + barW + 56, y0 + side / 2);
  ctx.rotate(Math.PI / 2);
  ctx.textAlign = 'center';
  ctx.fillText(log ? 'relative to the peak' : 'Strehl units', 0, 0);
  ctx.restore();
}

export function PsfView({ data, log, onDrawn }: { data: WavePsfData; log: boolean; onDrawn?: () => void }) {
  const canvas = useRef<HTMLCanvasElement>(null);
  const size = useCanvasSize(canvas);
  // Axis and outline colours come from the theme: redraw when it changes.
  const theme = useTheme((s) => s.theme);
  useEffect(() => {
    const c = canvas.current;
    if (!c || size.width === 0) return;
    draw(c, data, log);
    onDrawn?.();
  }, [data, log, size, onDrawn, theme]);
  return <canvas ref={canvas} className="fill" aria-label="Diffraction PSF" data-testid="psf-canvas" />;
}
