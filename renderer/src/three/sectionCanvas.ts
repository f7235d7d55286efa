/**
 * The y–z section of the layout on a 2D canvas: the fallback when WebGL is unavailable. Same
 * content as the three.js section view: element outlines, stop, image plane, ray fans per field.
 */
import type { LayoutData } from '../../../app/contract/studioApi.ts';
import { elementOutlines, layoutBounds } from './lensGeometry.ts';
import { PALETTES } from './scenePalette.ts';

/** Draws the section; returns its scale, pixels per mm (for a scale bar). */
export function drawSectionCanvas(canvas: HTMLCanvasElement, layout: LayoutData, fieldColors: string[]): number {
  const pal = PALETTES[document.documentElement.dataset.theme === 'light' ? 'light' : 'dark'];
  const dpr = window.devicePixelRatio || 1;
  const rect = canvas.getBoundingClientRect();
  canvas.width = Math.max(1, Math.round(rect.width * dpr));
  canvas.height = Math.max(1, Math.round(rect.height * dpr));
  const ctx = canvas.getContext('2d')!;
  ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
  const W = rect.width;
  const H = rect.height;
  ctx.clearRect(0, 0, W, H);
  const { zMin, zMax, yMax } = layoutBounds(layout.profiles, layout.rays);
  const k = Math.min((W - 40) / Math.max(zMax - zMin, 1e-6), (H - 40) / (2 * yMax));
  const X = (z: number) => 20 + (z - zMin) * k + ((W - 40) - (zMax - zMin) * k) / 2;
  const Y = (y: number) => H / 2 - y * k;
  ctx.strokeStyle = pal.axis;
  ctx.setLineDash([4, 3]);
  ctx.beginPath();
  ctx.moveTo(X(zMin), Y(0));
  ctx.lineTo(X(zMax), Y(0));
  ctx.stroke();
  ctx.setLineDash([]);
  for (const el of elementOutlines(layout.profiles)) {
    ctx.beginPath();
    el.r.forEach((r, i) => (i ? ctx.lineTo(X(el.z[i]), Y(r)) : ctx.moveTo(X(el.z[i]), Y(r))));
    for (let i = el.r.length - 1; i >= 0; i--) ctx.lineTo(X(el.z[i]), Y(-el.r[i]));
    ctx.closePath();
    ctx.globalAlpha = 0.22;
    ctx.fillStyle = `#${pal.glass.getHexString()}`;
    ctx.fill();
    ctx.globalAlpha = 1;
    ctx.strokeStyle = `#${pal.edge.getHexString()}`;
    ctx.stroke();
  }
  const stop = layout.profiles.find((p) => p.isStop);
  if (stop) {
    ctx.strokeStyle = pal.stop;
    ctx.lineWidth = 3;
    const o = stop.semiDiameter * 1.3 + 1;
    ctx.beginPath();
    ctx.moveTo(X(stop.z0), Y(stop.semiDiameter));
    ctx.lineTo(X(stop.z0), Y(o));
    ctx.moveTo(X(stop.z0), Y(-stop.semiDiameter));
    ctx.lineTo(X(stop.z0), Y(-o));
    ctx.stroke();
    ctx.lineWidth = 1;
  }
  for (const rp of layout.rays) {
    ctx.strokeStyle = fieldColors[rp.fieldIndex % fieldColors.length];
    ctx.beginPath();
    for (let r = 0; r < rp.nRays; r++) {
      let pen = false;
      for (let p = 0; p < rp.pointsPerRay; p++) {
        const i = r * rp.pointsPerRay + p;
        if (!rp.valid[i]) {
          pen = false;
          continue;
        }
        const x = X(rp.points[3 * i + 2]);
        const y = Y(rp.points[3 * i + 1]);
        if (pen) ctx.lineTo(x, y);
        else ctx.moveTo(x, y);
        pen = true;
      }
    }
    ctx.stroke();
  }
  return k;
}
