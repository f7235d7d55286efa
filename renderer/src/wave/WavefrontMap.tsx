/**
 * The wavefront map (OPD over the exit pupil, waves, referred to the chief ray) on a canvas: false
 * colour (turbo) from the map's minimum to its maximum with a colour bar in waves, the pupil
 * outline, normalised pupil axes (Px right, Py up) and the P-V and RMS the host computed. The host's
 * 64 × 64 cell grid is drawn smoothed; cells outside the pupil or whose rays are lost stay empty.
 */
import { useEffect, useRef } from 'react';
import type { WavefrontData } from '../../../app/contract/studioApi.ts';
import { useCanvasSize } from '../components/useCanvasSize.ts';
import { useTheme } from '../theme.ts';
import { colorTable, drawColorBar, niceTicks } from './colorMaps.ts';

const FONT = '10px "DejaVu Sans Mono", monospace';

function draw(canvas: HTMLCanvasElement, d: WavefrontData): void {
  const ctx = canvas.getContext('2d')!;
  const dpr = window.devicePixelRatio || 1;
  const W = canvas.width / dpr, H = canvas.height / dpr;
  ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
  ctx.clearRect(0, 0, W, H);
  const css = getComputedStyle(canvas);
  const text = css.getPropertyValue('--text').trim() || '#ddd';
  const muted = css.getPropertyValue('--muted').trim() || '#888';
  const line = css.getPropertyValue('--line-2').trim() || '#444';
  const barW = 14, right = 70, pad = 26;
  const side = Math.max(20, Math.min(W - right - pad - 10, H - 2 * pad));
  const x0 = pad + Math.max(0, (W - right - pad - side) / 2 - 10), y0 = (H - side) / 2;
  // The map: one pixel per cell on an offscreen canvas, drawn smoothed over the pupil square.
  const n = d.size;
  const span = d.max - d.min;
  const t = colorTable('turbo');
  const img = new ImageData(n, n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      const k = i * n + j;
      if (!d.valid[k]) continue;
      const c = span > 0 ? Math.round((255 * (d.opd[k] - d.min)) / span) : 128;
      const o = 4 * ((n - 1 - i) * n + j); // row 0 is Py = −1: drawn at the bottom
      img.data[o] = t[3 * c];
      img.data[o + 1] = t[3 * c + 1];
      img.data[o + 2] = t[3 * c + 2];
      img.data[o + 3] = 255;
    }
  }
  // Empty cells next to the map take a neighbour's colour, so smoothing does not fade the rim
  // (the circular clip below keeps everything outside the pupil empty).
  const src = new Uint8ClampedArray(img.data);
  for (let r = 0; r < n; r++) {
    for (let c = 0; c < n; c++) {
      const o = 4 * (r * n + c);
      if (src[o + 3]) continue;
      for (const [dr, dc] of [[0, 1], [0, -1], [1, 0], [-1, 0]]) {
        const rr = r + dr, cc = c + dc;
        if (rr < 0 || cc < 0 || rr >= n || cc >= n) continue;
        const q = 4 * (rr * n + cc);
        if (!src[q + 3]) continue;
        img.data.set(src.subarray(q, q + 4), o);
        break;
      }
    }
  }
  const off = document.createElement('canvas');
  off.width = n;
  off.height = n;
  off.getContext('2d')!.putImageData(img, 0, 0);
  ctx.save();
  ctx.beginPath();
  ctx.arc(x0 + side / 2, y0 + side / 2, side / 2, 0, 2 * Math.PI);
  ctx.clip();
  ctx.imageSmoothingEnabled = true;
  ctx.drawImage(off, x0, y0, side, side);
  ctx.restore();
  // Pupil outline and axes.
  ctx.strokeStyle = line;
  ctx.lineWidth = 1;
  ctx.beginPath();
  ctx.arc(x0 + side / 2, y0 + side / 2, side / 2, 0, 2 * Math.PI);
  ctx.stroke();
  ctx.setLineDash([2, 3]);
  ctx.beginPath();
  ctx.moveTo(x0, y0 + side / 2);
  ctx.lineTo(x0 + side, y0 + side / 2);
  ctx.moveTo(x0 + side / 2, y0);
  ctx.lineTo(x0 + side / 2, y0 + side);
  ctx.stroke();
  ctx.setLineDash([]);
  ctx.font = FONT;
  ctx.fillStyle = muted;
  ctx.textAlign = 'center';
  ctx.textBaseline = 'top';
  for (const v of [-1, 0, 1]) ctx.fillText(String(v).replace('-', '−'), x0 + ((v + 1) / 2) * side, y0 + side + 4);
  ctx.textAlign = 'left';
  ctx.fillText('Px', x0 + side + 6, y0 + side / 2 + 3);
  ctx.textAlign = 'right';
  ctx.textBaseline = 'middle';
  for (const v of [-1, 0, 1]) ctx.fillText(String(v).replace('-', '−'), x0 - 5, y0 + ((1 - v) / 2) * side);
  ctx.textAlign = 'center';
  ctx.textBaseline = 'bottom';
  ctx.fillText('Py', x0 + side / 2 + 10, y0 - 2);
  // Colour bar in waves.
  const bx = W - right + 6, by = y0, bh = side;
  drawColorBar(ctx, 'turbo', bx, by, barW, bh);
  ctx.strokeStyle = line;
  ctx.strokeRect(bx - 0.5, by - 0.5, barW + 1, bh + 1);
  ctx.fillStyle = text;
  ctx.textAlign = 'left';
  ctx.textBaseline = 'middle';
  // Decimals to about a hundredth of the span; a value that rounds to 0 is written 0.
  const decimals = span > 0 ? Math.min(6, Math.max(0, 2 - Math.floor(Math.log10(span)))) : 3;
  const label = (v: number) => {
    const t = v.toFixed(decimals);
    return Number(t) === 0 ? '0' : t.replace('-', '−');
  };
  if (span > 0) {
    // The extremes, and round values between them that do not crowd the extremes' labels.
    const yOf = (v: number) => by + bh - ((v - d.min) / span) * bh;
    const marks: [number, string][] = [[d.max, label(d.max)], [d.min, label(d.min)]];
    for (const v of niceTicks(d.min, d.max, 5)) if (Math.abs(yOf(v) - yOf(d.min)) > 14 && Math.abs(yOf(v) - yOf(d.max)) > 14) marks.push([v, label(v)]);
    for (const [v, text] of marks) {
      const y = yOf(v);
      ctx.fillRect(bx + barW, Math.round(y), 3, 1);
      ctx.fillText(text, bx + barW + 5, y);
    }
  } else ctx.fillText(label(d.min), bx + barW + 5, by + bh / 2);
  ctx.fillStyle = muted;
  ctx.textAlign = 'center';
  ctx.textBaseline = 'bottom';
  ctx.fillText('waves', bx + barW / 2 + 12, by - 10);
}

export function WavefrontMap({ data, onDrawn }: { data: WavefrontData; onDrawn?: () => void }) {
  const canvas = useRef<HTMLCanvasElement>(null);
  const size = useCanvasSize(canvas);
  // Axis and outline colours come from the theme: redraw when it changes.
  const theme = useTheme((s) => s.theme);
  useEffect(() => {
    const c = canvas.current;
    if (!c || size.width === 0) return;
    draw(c, data);
    onDrawn?.();
  }, [data, size, onDrawn, theme]);
  return <canvas ref={canvas} className="fill" aria-label="Wavefront map" data-testid="wavefront-canvas" />;
}
