/**
 * The measured and modelled screen intersections of one camera as a spot-diagram-style overlay on
 * a canvas: left, the screen points (screen mm) of the pixels that look through the lens — measured
 * (decoded fringes) as dots, modelled (traced through the fitted lens) as crosses; right, the
 * residual measured − modelled of every such pixel (µm) about the origin with its RMS circle.
 * Before a calibration only the measured points are drawn.
 */
import { useEffect, useRef } from 'react';
import type { CalibrationCameraResult, DeflectometryCamera } from '../../../app/contract/studioApi.ts';
import { useCanvasSize } from '../components/useCanvasSize.ts';

const MEASURED = '#4ea1ff';
const MODELLED = '#f0b429';

function niceStep(span: number, target: number): number {
  const raw = span / target;
  const p = 10 ** Math.floor(Math.log10(raw));
  for (const m of [1, 2, 5, 10]) if (m * p >= raw) return m * p;
  return 10 * p;
}

export function ScreenOverlay(props: { camera: DeflectometryCamera | null; result: CalibrationCameraResult | null }) {
  const ref = useRef<HTMLCanvasElement>(null);
  const size = useCanvasSize(ref);
  const { camera, result } = props;

  useEffect(() => {
    const c = ref.current;
    if (!c || size.width < 10 || !camera) return;
    const dpr = c.width / size.width;
    const ctx = c.getContext('2d')!;
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    const css = getComputedStyle(document.documentElement);
    const fg = css.getPropertyValue('--muted').trim() || '#8a95a3';
    const line = css.getPropertyValue('--line').trim() || '#2a313b';
    ctx.clearRect(0, 0, size.width, size.height);
    ctx.font = '10px "DejaVu Sans Mono", monospace';
    const W = size.width;
    const H = size.height;
    const panels = result ? 2 : 1;
    const pw = W / panels;

    // Panel 1: screen points.
    const mx = result ? result.measuredXMm : camera.xMm;
    const my = result ? result.measuredYMm : camera.yMm;
    let x0 = Infinity, x1 = -Infinity, y0 = Infinity, y1 = -Infinity;
    for (let i = 0; i < mx.length; i++) {
      if (!Number.isFinite(mx[i]) || !Number.isFinite(my[i])) continue;
      x0 = Math.min(x0, mx[i]); x1 = Math.max(x1, mx[i]);
      y0 = Math.min(y0, my[i]); y1 = Math.max(y1, my[i]);
    }
    if (!(x1 > x0)) return;
    const pad = 28;
    const span = Math.max(x1 - x0, y1 - y0) * 1.06;
    const cx = (x0 + x1) / 2, cy = (y0 + y1) / 2;
    const scale = Math.min(pw - 2 * pad, H - 2 * pad - 14) / span;
    const ox = pw / 2, oy = H / 2 + 6;
    const X = (x: number) => ox + (x - cx) * scale;
    const Y = (y: number) => oy + (y - cy) * scale; // screen y grows downwards (screen px rows)
    // grid
    const step = niceStep(span, 5);
    ctx.strokeStyle = line;
    ctx.fillStyle = fg;
    ctx.lineWidth = 1;
    for (let g = Math.ceil((cx - span / 2) / step) * step; g <= cx + span / 2; g += step) {
      ctx.beginPath(); ctx.moveTo(X(g), Y(cy - span / 2)); ctx.lineTo(X(g), Y(cy + span / 2)); ctx.stroke();
      ctx.fillText(g.toFixed(step < 1 ? 1 : 0), X(g) + 2, Y(cy + span / 2) + 11);
    }
    for (let g = Math.ceil((cy - span / 2) / step) * step; g <= cy + span / 2; g += step) {
      ctx.beginPath(); ctx.moveTo(X(cx - span / 2), Y(g)); ctx.lineTo(X(cx + span / 2), Y(g)); ctx.stroke();
    }
    ctx.fillText(`screen x, y (mm) · ${camera.name} · ${mx.length} px`, 8, 14);
    const dot = Math.max(1.2, Math.min(3, 600 / Math.sqrt(mx.length + 1) / 6));
    ctx.fillStyle = MEASURED;
    for (let i = 0; i < mx.length; i++) ctx.fillRect(X(mx[i]) - dot / 2, Y(my[i]) - dot / 2, dot, dot);
    if (result) {
      ctx.strokeStyle = MODELLED;
      ctx.lineWidth = 1;
      ctx.beginPath();
      const a = dot + 1;
      for (let i = 0; i < result.modelledXMm.length; i++) {
        const u = X(result.modelledXMm[i]), v = Y(result.modelledYMm[i]);
        if (!Number.isFinite(u) || !Number.isFinite(v)) continue;
        ctx.moveTo(u - a, v - a); ctx.lineTo(u + a, v + a);
        ctx.moveTo(u - a, v + a); ctx.lineTo(u + a, v - a);
      }
      ctx.stroke();
    }

    // Panel 2: residual spot diagram, µm.
    if (result) {
      const n = result.pixels.length;
      const dx = new Float64Array(n), dy = new Float64Array(n);
      let s2 = 0, k = 0, rmax = 0;
      for (let i = 0; i < n; i++) {
        dx[i] = (result.measuredXMm[i] - result.modelledXMm[i]) * 1000;
        dy[i] = (result.measuredYMm[i] - result.modelledYMm[i]) * 1000;
        if (!Number.isFinite(dx[i]) || !Number.isFinite(dy[i])) continue;
        const r2 = dx[i] * dx[i] + dy[i] * dy[i];
        s2 += r2; k++;
        rmax = Math.max(rmax, Math.sqrt(r2));
      }
      const rms = Math.sqrt(s2 / Math.max(1, k));
      const half = Math.max(1e-3, Math.min(rmax, 4 * rms)) * 1.1;
      const left = pw;
      const sc = Math.min(pw - 2 * pad, H - 2 * pad - 14) / (2 * half);
      const qx = left + pw / 2, qy = H / 2 + 6;
      ctx.strokeStyle = line;
      ctx.strokeRect(qx - half * sc, qy - half * sc, 2 * half * sc, 2 * half * sc);
      ctx.beginPath(); ctx.moveTo(qx - half * sc, qy); ctx.lineTo(qx + half * sc, qy); ctx.moveTo(qx, qy - half * sc); ctx.lineTo(qx, qy + half * sc); ctx.stroke();
      ctx.fillStyle = fg;
      ctx.fillText('residual measured − modelled (µm)', left + 8, 14);
      ctx.fillText(`±${half.toPrecision(2)} µm`, qx + half * sc - 62, qy + half * sc + 12);
      ctx.fillStyle = MODELLED;
      for (let i = 0; i < n; i++) {
        if (!Number.isFinite(dx[i])) continue;
        ctx.fillRect(qx + dx[i] * sc - 1, qy + dy[i] * sc - 1, 2, 2);
      }
      ctx.strokeStyle = MEASURED;
      ctx.setLineDash([3, 3]);
      ctx.beginPath(); ctx.arc(qx, qy, rms * sc, 0, 2 * Math.PI); ctx.stroke();
      ctx.setLineDash([]);
      ctx.fillStyle = fg;
      ctx.fillText(`RMS ${rms.toFixed(3)} µm · max ${rmax.toFixed(3)} µm`, left + 8, 28);
    }
  }, [camera, result, size.width, size.height]);

  return (
    <div className="lab-canvas-host">
      <canvas ref={ref} data-testid="screen-overlay" data-modelled={result ? result.pixels.length : 0} data-measured={camera?.pixels.length ?? 0} />
      <div className="overlay-legend">
        <span><span className="swatch" style={{ background: MEASURED }} /> measured</span>
        {result && <span><span className="swatch" style={{ background: MODELLED }} /> modelled (fitted lens)</span>}
      </div>
    </div>
  );
}
