/**
 * Spot diagrams for every field × wavelength on one canvas (fields in rows, wavelengths in
 * columns), all at one scale so they compare honestly, with RMS and geometric radii in µm, the
 * reference (primary-wavelength chief ray) cross-hair and a µm scale bar. Canvas 2D, not SVG:
 * thousands of points redraw in well under a millisecond.
 */
import { useEffect, useRef, useState } from 'react';
import type { AnalysisBundle, SpotData } from '../../../app/contract/studioApi.ts';
import { useStudio } from '../store.ts';
import { wavelengthColor } from '../colors.ts';
import { micrometres } from '../format.ts';
import { perfDrawn } from '../perf.ts';
import { useCanvasSize } from './useCanvasSize.ts';

/** The smallest 1, 2, 5 × 10^k that is ≥ v. */
export function niceCeil(v: number): number {
  if (!(v > 0) || !Number.isFinite(v)) return 1;
  const e = Math.floor(Math.log10(v));
  for (const m of [1, 2, 5, 10]) if (m * 10 ** e >= v * (1 - 1e-12)) return m * 10 ** e;
  return 10 ** (e + 1);
}

function draw(canvas: HTMLCanvasElement, a: AnalysisBundle, fieldLabels: string[], scaleMode: 'common' | 'row'): void {
  const ctx = canvas.getContext('2d')!;
  const dpr = window.devicePixelRatio || 1;
  const W = canvas.width / dpr;
  const H = canvas.height / dpr;
  ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
  const css = getComputedStyle(canvas);
  const text = css.getPropertyValue('--text').trim() || '#ddd';
  const muted = css.getPropertyValue('--muted').trim() || '#888';
  const line = css.getPropertyValue('--line-2').trim() || '#333';
  ctx.clearRect(0, 0, W, H);
  const spots = a.spots;
  if (!spots.length) return;
  const nF = Math.max(...spots.map((s) => s.fieldIndex)) + 1;
  const nW = Math.max(...spots.map((s) => s.wavelengthIndex)) + 1;
  const left = 54; // field labels
  const top = 18; // wavelength labels
  const footer = 20; // scale bar
  const cw = (W - left) / nW;
  const ch = (H - top - footer) / nF;
  const textRow = 13;
  const size = Math.max(8, Math.min(cw - 8, ch - textRow - 6));
  const geo = (s: SpotData) => (Number.isFinite(s.geoRadius) ? s.geoRadius : 0);
  const common = niceCeil(Math.max(...spots.map(geo)) * 1.02); // mm
  const rowScale = Array.from({ length: nF }, (_, f) => niceCeil(Math.max(0, ...spots.filter((s) => s.fieldIndex === f).map(geo)) * 1.02));
  ctx.font = '10.5px "DejaVu Sans Mono", monospace';
  // Headers: wavelengths across, fields down.
  ctx.textBaseline = 'top';
  ctx.textAlign = 'center';
  const waves = new Map(spots.map((s) => [s.wavelengthIndex, s.wavelengthUm]));
  for (const [w, um] of waves) {
    ctx.fillStyle = wavelengthColor(um);
    ctx.fillText(`${um} µm`, left + (w + 0.5) * cw, 3);
  }
  ctx.textAlign = 'left';
  ctx.textBaseline = 'middle';
  for (let f = 0; f < nF; f++) {
    const [name, value] = (fieldLabels[f] ?? `F${f + 1}`).split(' ');
    const cy = top + f * ch + (ch - textRow) / 2;
    ctx.fillStyle = text;
    ctx.fillText(name, 6, cy - 7);
    ctx.fillStyle = muted;
    ctx.fillText(value ?? '', 6, cy + 7);
  }
  for (const s of spots) {
    const x0 = left + s.wavelengthIndex * cw;
    const y0 = top + s.fieldIndex * ch;
    const half = scaleMode === 'common' ? common : rowScale[s.fieldIndex];
    const cx = x0 + cw / 2;
    const cy = y0 + (ch - textRow) / 2;
    const k = size / 2 / half; // px per mm
    const bx = Math.round(cx - size / 2) + 0.5;
    const by = Math.round(cy - size / 2) + 0.5;
    ctx.strokeStyle = line;
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
    ctx.fillStyle = wavelengthColor(s.wavelengthUm);
    const { x, y, valid } = s;
    for (let i = 0; i < x.length; i++) {
      if (!valid[i]) continue;
      const px = cx + x[i] * k;
      const py = cy - y[i] * k; // +y up
      if (Math.abs(px - cx) > size / 2 + 1 || Math.abs(py - cy) > size / 2 + 1) continue;
      ctx.fillRect(px - 1, py - 1, 2, 2);
    }
    ctx.fillStyle = text;
    ctx.textBaseline = 'top';
    ctx.textAlign = 'center';
    ctx.fillText(`${micrometres(s.rmsRadius)} / ${micrometres(s.geoRadius)}`, cx, by + size + 2);
    ctx.textAlign = 'left';
  }
  // Scale bar: the half-width of a box, bottom right.
  const half = scaleMode === 'common' ? common : rowScale[nF - 1];
  const barPx = size / 2;
  const sx = W - 12 - barPx;
  const sy = H - 7;
  ctx.strokeStyle = text;
  ctx.lineWidth = 2;
  ctx.beginPath();
  ctx.moveTo(sx, sy);
  ctx.lineTo(sx + barPx, sy);
  ctx.moveTo(sx, sy - 4);
  ctx.lineTo(sx, sy + 2);
  ctx.moveTo(sx + barPx, sy - 4);
  ctx.lineTo(sx + barPx, sy + 2);
  ctx.stroke();
  ctx.lineWidth = 1;
  ctx.fillStyle = text;
  ctx.textBaseline = 'bottom';
  const label = `${+(half * 1000).toPrecision(3)} µm`;
  ctx.fillText(label, sx - ctx.measureText(label).width - 8, sy + 4);
  ctx.fillStyle = muted;
  ctx.fillText(`RMS / GEO radius, µm (chief-ray ref.)`, 6, sy + 4);
}

export function SpotDiagrams() {
  const analysis = useStudio((s) => s.analysis);
  // Labels as one string: a new lens snapshot with the same fields must not trigger a redraw.
  const labelText = useStudio((s) => {
    const f = s.lens?.prescription.fields;
    const unit = f?.type === 'angle' ? '°' : ' mm';
    return (f?.points ?? []).map((p, i) => `F${i + 1} ${+Math.hypot(p.x, p.y).toFixed(3)}${unit}`).join('\n');
  });
  const canvas = useRef<HTMLCanvasElement>(null);
  const size = useCanvasSize(canvas);
  const [scaleMode, setScaleMode] = useState<'common' | 'row'>('common');

  useEffect(() => {
    const c = canvas.current;
    if (!c || !analysis || size.width === 0) return;
    draw(c, analysis, labelText.split('\n'), scaleMode);
    perfDrawn('spots', analysis.revision);
  }, [analysis, size, labelText, scaleMode]);

  return (
    <div className="plot-cell" data-testid="spots" data-revision={analysis?.revision ?? -1}>
      <button
        className="btn small"
        style={{ position: 'absolute', left: 4, top: 1, zIndex: 3, fontSize: 10, padding: '0 4px' }}
        onClick={() => setScaleMode(scaleMode === 'common' ? 'row' : 'common')}
        title="One scale for every spot, or one per field"
      >
        {scaleMode === 'common' ? '1 scale' : 'per F'}
      </button>
      <canvas ref={canvas} className="fill" aria-label="Spot diagrams" />
    </div>
  );
}
