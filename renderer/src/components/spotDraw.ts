/**
 * Drawing of spot-diagram grids on a 2D canvas (Canvas 2D, not SVG or uPlot: thousands of points
 * redraw in well under a millisecond, and a spot box is not a chart). A grid has rows (fields),
 * columns (wavelengths, or focus planes) and one square box per cell, all drawn at the scale the
 * caller gives: one for the whole grid (one scale bar, bottom right) or one per row (a scale bar
 * at the end of each row). A cell shows its rays (one colour per wavelength), optionally the Airy
 * disk (circle of radius 1.22 λ N_w around the reference) and the centroid (+), and a caption.
 * A single cell drawn large gets µm tick labels on its box.
 */
import type { SpotData } from '../../../app/contract/studioApi.ts';
import { wavelengthColor } from '../colors.ts';

export interface SpotCell {
  /** One spot (monochromatic) or several (polychromatic overlay); coordinates mm. */
  spots: SpotData[];
  /** Half-width of the box, mm. */
  halfMm: number;
  /** Airy-disk radius to draw, mm (omitted: none). */
  airyMm?: number;
  showCentroid: boolean;
  caption: string;
}

export interface SpotGrid {
  rows: { label: string; sub: string; scaleMm?: number }[];
  cols: { label: string; color?: string }[];
  /** cells[row][col]; null leaves the place empty. */
  cells: (SpotCell | null)[][];
  /** Bottom-left note (what the numbers are). */
  footer: string;
  /** One scale bar for the grid (common scale): the box half-width, mm. */
  commonScaleMm?: number;
  /** Tick labels in µm on the box (the single large spot). */
  ticks?: boolean;
}

/** Where a cell was drawn (CSS px), for hit-testing clicks. */
export interface CellRect {
  row: number;
  col: number;
  x: number;
  y: number;
  size: number;
}

/** The smallest 1, 2, 5 × 10^k that is ≥ v. */
export function niceCeil(v: number): number {
  if (!(v > 0) || !Number.isFinite(v)) return 1;
  const e = Math.floor(Math.log10(v));
  for (const m of [1, 2, 5, 10]) if (m * 10 ** e >= v * (1 - 1e-12)) return m * 10 ** e;
  return 10 ** (e + 1);
}

/** The largest 1, 2, 5 × 10^k that is ≤ v. */
export function niceFloor(v: number): number {
  if (!(v > 0) || !Number.isFinite(v)) return 1;
  const e = Math.floor(Math.log10(v));
  for (const m of [5, 2, 1]) if (m * 10 ** e <= v * (1 + 1e-12)) return m * 10 ** e;
  return 10 ** (e - 1);
}

/** A length in mm as µm (or mm when large), 3 significant digits. */
export function lengthLabel(mm: number): string {
  const um = mm * 1000;
  return Math.abs(um) >= 10_000 ? `${+mm.toPrecision(3)} mm` : `${+um.toPrecision(3)} µm`;
}

interface Colors {
  text: string;
  muted: string;
  line: string;
}

function scaleBar(ctx: CanvasRenderingContext2D, c: Colors, xRight: number, y: number, px: number, label: string): void {
  ctx.strokeStyle = c.text;
  ctx.lineWidth = 2;
  ctx.beginPath();
  ctx.moveTo(xRight - px, y);
  ctx.lineTo(xRight, y);
  ctx.moveTo(xRight - px, y - 4);
  ctx.lineTo(xRight - px, y + 2);
  ctx.moveTo(xRight, y - 4);
  ctx.lineTo(xRight, y + 2);
  ctx.stroke();
  ctx.lineWidth = 1;
  ctx.fillStyle = c.text;
  ctx.textAlign = 'right';
  ctx.textBaseline = 'bottom';
  ctx.fillText(label, xRight - px - 6, y + 4);
  ctx.textAlign = 'left';
}

function drawCell(ctx: CanvasRenderingContext2D, c: Colors, cell: SpotCell, cx: number, cy: number, size: number, ticks: boolean): void {
  const half = size / 2;
  const k = half / cell.halfMm; // px per mm
  const bx = Math.round(cx - half) + 0.5;
  const by = Math.round(cy - half) + 0.5;
  ctx.strokeStyle = c.line;
  ctx.lineWidth = 1;
  ctx.strokeRect(bx, by, Math.round(size), Math.round(size));
  ctx.beginPath();
  ctx.moveTo(bx, cy);
  ctx.lineTo(bx + size, cy);
  ctx.moveTo(cx, by);
  ctx.lineTo(cx, by + size);
  ctx.setLineDash([2, 3]);
  ctx.stroke();
  ctx.setLineDash([]);
  const dot = size > 300 ? 3 : 2;
  for (const s of cell.spots) {
    ctx.fillStyle = wavelengthColor(s.wavelengthUm);
    const { x, y, valid } = s;
    for (let i = 0; i < x.length; i++) {
      if (!valid[i]) continue;
      const px = cx + x[i] * k;
      const py = cy - y[i] * k; // +y up
      if (Math.abs(px - cx) > half + 1 || Math.abs(py - cy) > half + 1) continue;
      ctx.fillRect(px - dot / 2, py - dot / 2, dot, dot);
    }
  }
  if (cell.airyMm !== undefined && Number.isFinite(cell.airyMm) && cell.airyMm > 0) {
    const r = cell.airyMm * k;
    if (r > 0.5 && r < 4 * size) {
      ctx.save();
      ctx.beginPath();
      ctx.rect(bx, by, size, size);
      ctx.clip();
      ctx.strokeStyle = c.text;
      ctx.globalAlpha = 0.75;
      ctx.beginPath();
      ctx.arc(cx, cy, r, 0, 2 * Math.PI);
      ctx.stroke();
      ctx.restore();
    }
  }
  if (cell.showCentroid) {
    for (const s of cell.spots) {
      const [mx, my] = s.centroid;
      if (!Number.isFinite(mx) || !Number.isFinite(my)) continue;
      const px = cx + mx * k, py = cy - my * k;
      if (Math.abs(px - cx) > half || Math.abs(py - cy) > half) continue;
      const arm = size > 300 ? 7 : 4;
      ctx.strokeStyle = cell.spots.length > 1 ? wavelengthColor(s.wavelengthUm) : c.text;
      ctx.lineWidth = 1.5;
      ctx.beginPath();
      ctx.moveTo(px - arm, py);
      ctx.lineTo(px + arm, py);
      ctx.moveTo(px, py - arm);
      ctx.lineTo(px, py + arm);
      ctx.stroke();
      ctx.lineWidth = 1;
    }
  }
  if (ticks) {
    const step = niceFloor(cell.halfMm / 2);
    ctx.fillStyle = c.muted;
    ctx.strokeStyle = c.line;
    for (let v = -Math.floor(cell.halfMm / step) * step; v <= cell.halfMm * (1 + 1e-9); v += step) {
      const t = Math.abs(v) < step * 1e-6 ? 0 : v;
      const label = `${+(t * 1000).toPrecision(3)}`;
      ctx.textAlign = 'center';
      ctx.textBaseline = 'top';
      ctx.fillText(label, cx + t * k, by + size + 3);
      ctx.textAlign = 'right';
      ctx.textBaseline = 'middle';
      ctx.fillText(label, bx - 4, cy - t * k);
      ctx.beginPath();
      ctx.moveTo(cx + t * k, by + size);
      ctx.lineTo(cx + t * k, by + size - 4);
      ctx.moveTo(bx, cy - t * k);
      ctx.lineTo(bx + 4, cy - t * k);
      ctx.stroke();
    }
    ctx.textAlign = 'left';
  }
  ctx.fillStyle = c.text;
  ctx.textBaseline = 'top';
  ctx.textAlign = 'center';
  ctx.fillText(cell.caption, cx, by + size + (ticks ? 17 : 2));
  ctx.textAlign = 'left';
}

/** Draws `grid` on `canvas` (backing store already sized × devicePixelRatio); returns the cell boxes. */
export function drawSpotGrid(canvas: HTMLCanvasElement, grid: SpotGrid): CellRect[] {
  const ctx = canvas.getContext('2d')!;
  const dpr = window.devicePixelRatio || 1;
  const W = canvas.width / dpr;
  const H = canvas.height / dpr;
  ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
  const css = getComputedStyle(canvas);
  const c: Colors = {
    text: css.getPropertyValue('--text').trim() || '#ddd',
    muted: css.getPropertyValue('--muted').trim() || '#888',
    line: css.getPropertyValue('--line-2').trim() || '#333',
  };
  ctx.clearRect(0, 0, W, H);
  const nR = grid.rows.length, nC = grid.cols.length;
  if (!nR || !nC) return [];
  const perRow = grid.rows.some((r) => r.scaleMm !== undefined);
  const left = grid.ticks ? 84 : 54; // field labels (and tick labels)
  const right = perRow ? 78 : 6; // per-row scale bars
  const top = 20; // column labels
  const footer = 20; // scale bar and note
  const textRow = grid.ticks ? 30 : 13;
  const cw = (W - left - right) / nC;
  const ch = (H - top - footer) / nR;
  const size = Math.max(8, Math.min(cw - 8, ch - textRow - 6));
  ctx.font = `${grid.ticks ? 12 : 10.5}px "DejaVu Sans Mono", monospace`;
  ctx.textBaseline = 'top';
  ctx.textAlign = 'center';
  grid.cols.forEach((col, j) => {
    ctx.fillStyle = col.color ?? c.text;
    ctx.fillText(col.label, left + (j + 0.5) * cw, 4);
  });
  const rects: CellRect[] = [];
  grid.rows.forEach((row, i) => {
    const cy = top + i * ch + (ch - textRow) / 2;
    ctx.textAlign = 'left';
    ctx.textBaseline = 'middle';
    ctx.fillStyle = c.text;
    ctx.fillText(row.label, 6, cy - 7);
    ctx.fillStyle = c.muted;
    ctx.fillText(row.sub, 6, cy + 7);
    grid.cells[i]?.forEach((cell, j) => {
      if (!cell) return;
      const cx = left + (j + 0.5) * cw;
      drawCell(ctx, c, cell, cx, cy, size, !!grid.ticks);
      rects.push({ row: i, col: j, x: cx - size / 2, y: cy - size / 2, size });
    });
    if (row.scaleMm !== undefined) {
      // Per-row scale: a round length that fits the margin, in this row's scale.
      const pxPerMm = size / 2 / row.scaleMm;
      const mm = niceFloor(60 / pxPerMm);
      const px = mm * pxPerMm;
      const x0 = W - right + 8;
      ctx.strokeStyle = c.text;
      ctx.lineWidth = 2;
      ctx.beginPath();
      ctx.moveTo(x0, cy);
      ctx.lineTo(x0 + px, cy);
      ctx.moveTo(x0, cy - 4);
      ctx.lineTo(x0, cy + 2);
      ctx.moveTo(x0 + px, cy - 4);
      ctx.lineTo(x0 + px, cy + 2);
      ctx.stroke();
      ctx.lineWidth = 1;
      ctx.fillStyle = c.text;
      ctx.textAlign = 'left';
      ctx.textBaseline = 'top';
      ctx.fillText(lengthLabel(mm), x0, cy + 6);
    }
  });
  if (grid.commonScaleMm !== undefined) {
    const barPx = size / 2;
    scaleBar(ctx, c, W - 12, H - 7, barPx, lengthLabel(grid.commonScaleMm));
  }
  ctx.fillStyle = c.muted;
  ctx.textAlign = 'left';
  ctx.textBaseline = 'bottom';
  ctx.fillText(grid.footer, 6, H - 3);
  return rects;
}
