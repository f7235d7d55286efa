/**
 * The per-pixel reprojection error map of one camera (µm) as a heat image on a canvas, with its
 * colour bar; pixels that are not lens rows are drawn dark grey. The scale tops out at the 99th
 * percentile so a few rim pixels do not wash the map out.
 */
import { useEffect, useMemo, useRef } from 'react';
import type { CalibrationCameraResult } from '../../../app/contract/studioApi.ts';
import { heat } from './labPlots.tsx';

export function ErrorMap(props: { camera: CalibrationCameraResult }) {
  const ref = useRef<HTMLCanvasElement>(null);
  const bar = useRef<HTMLCanvasElement>(null);
  const { camera } = props;
  const top = useMemo(() => {
    const v = Array.from(camera.errorMapUm).filter(Number.isFinite).sort((a, b) => a - b);
    return v.length ? Math.max(1e-6, v[Math.min(v.length - 1, Math.floor(0.99 * v.length))]) : 1;
  }, [camera]);

  useEffect(() => {
    const c = ref.current;
    if (!c) return;
    // Crop to the lens rows' bounding square (plus a margin): the lens covers a small part of the frame.
    const W = camera.width;
    let x0 = W, x1 = 0, y0 = camera.height, y1 = 0;
    for (const p of camera.pixels) {
      const x = p % W, y = Math.floor(p / W);
      x0 = Math.min(x0, x); x1 = Math.max(x1, x); y0 = Math.min(y0, y); y1 = Math.max(y1, y);
    }
    if (x1 < x0) return;
    const side = Math.max(x1 - x0, y1 - y0) + 1 + 8;
    const sx = Math.round((x0 + x1 + 1) / 2 - side / 2), sy = Math.round((y0 + y1 + 1) / 2 - side / 2);
    c.width = side;
    c.height = side;
    const ctx = c.getContext('2d')!;
    const img = ctx.createImageData(side, side);
    for (let j = 0; j < side; j++) {
      for (let i = 0; i < side; i++) {
        const x = sx + i, y = sy + j;
        const v = x >= 0 && y >= 0 && x < W && y < camera.height ? camera.errorMapUm[y * W + x] : NaN;
        const [r, g, b] = Number.isFinite(v) ? heat(v / top) : [34, 38, 46];
        img.data.set([r, g, b, 255], 4 * (j * side + i));
      }
    }
    ctx.putImageData(img, 0, 0);
    const b = bar.current;
    if (b) {
      b.width = 128;
      b.height = 1;
      const bctx = b.getContext('2d')!;
      const bi = bctx.createImageData(128, 1);
      for (let i = 0; i < 128; i++) {
        const [r, g, bl] = heat(i / 127);
        bi.data.set([r, g, bl, 255], 4 * i);
      }
      bctx.putImageData(bi, 0, 0);
    }
  }, [camera, top]);

  return (
    <figure className="errmap">
      <figcaption className="mono">
        <span title="Per pixel: the length |measured − modelled| of the screen-point error, µm. RMS over this camera's lens-region pixels, and over its reference (no-lens) rows.">
          {camera.name} · reprojection RMS {camera.lensRmsUm.toFixed(3)} µm over {camera.pixels.length} lens px
          {Number.isFinite(camera.referenceRmsUm) ? ` · reference rows ${camera.referenceRmsUm.toFixed(3)} µm` : ''}
        </span>
      </figcaption>
      <canvas ref={ref} className="lab-image" data-testid={`error-map-${camera.name}`} data-rms={camera.lensRmsUm} />
      <div className="colorbar mono">
        <span>0</span>
        <canvas ref={bar} />
        <span>{top.toPrecision(2)} µm</span>
      </div>
    </figure>
  );
}
