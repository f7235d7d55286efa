/**
 * The glass map (Abbe diagram) of the loaded catalogs, as OpticStudio's Glass Map: nd up, the Abbe
 * number Vd decreasing to the right (crowns left, flints right), every catalog glass a dot, the
 * lens's glasses marked with their surface numbers. The target is the surface selected in the lens
 * data editor (a click on a lens marker selects its surface); a click on a catalog glass puts that
 * glass on the target surface as one undoable edit. Canvas 2D (a scatter with hit-testing; the
 * points and nd / Vd come from the engine host's `glassMap`).
 */
import { useEffect, useMemo, useRef, useState } from 'react';
import type { GlassMapData } from '../../../app/contract/studioApi.ts';
import { useStudio } from '../store.ts';
import { useTheme } from '../theme.ts';
import { useCanvasSize } from './useCanvasSize.ts';

const CATALOG_COLORS = ['#6b8fb8', '#9a7fc0', '#5fa58a', '#c09a5a', '#b76b7d', '#6aa3b0', '#9aa05a', '#8a8a8a'];

interface Frame {
  left: number;
  top: number;
  width: number;
  height: number;
  vdMin: number;
  vdMax: number;
  ndMin: number;
  ndMax: number;
}

/** Canvas position of (Vd, nd): Vd decreases to the right, nd increases upwards. */
function toPx(f: Frame, vd: number, nd: number): [number, number] {
  return [f.left + ((f.vdMax - vd) / (f.vdMax - f.vdMin)) * f.width, f.top + ((f.ndMax - nd) / (f.ndMax - f.ndMin)) * f.height];
}

function frameFor(data: GlassMapData, W: number, H: number): Frame {
  const vds = [...data.glasses.map((g) => g.vd), ...data.lens.map((g) => g.vd)];
  const nds = [...data.glasses.map((g) => g.nd), ...data.lens.map((g) => g.nd)];
  const vdMin = Math.floor(Math.min(...vds, 20) / 10) * 10;
  const vdMax = Math.ceil(Math.max(...vds, 90) / 10) * 10;
  const ndMin = Math.floor(Math.min(...nds, 1.45) * 10) / 10;
  const ndMax = Math.ceil(Math.max(...nds, 1.95) * 10) / 10;
  return { left: 52, top: 10, width: Math.max(10, W - 64), height: Math.max(10, H - 44), vdMin, vdMax, ndMin, ndMax };
}

function draw(canvas: HTMLCanvasElement, data: GlassMapData, f: Frame, target: number, hover: number | null): void {
  const ctx = canvas.getContext('2d')!;
  const dpr = window.devicePixelRatio || 1;
  ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
  const css = getComputedStyle(canvas);
  const text = css.getPropertyValue('--text').trim() || '#ddd';
  const muted = css.getPropertyValue('--muted').trim() || '#888';
  const line = css.getPropertyValue('--line').trim() || '#333';
  const accent = css.getPropertyValue('--warn').trim() || '#f0b429';
  ctx.clearRect(0, 0, canvas.width / dpr, canvas.height / dpr);
  ctx.font = '10px "DejaVu Sans Mono", monospace';
  ctx.strokeStyle = line;
  ctx.fillStyle = muted;
  ctx.textAlign = 'center';
  ctx.textBaseline = 'top';
  for (let vd = f.vdMin; vd <= f.vdMax; vd += 10) {
    const [x] = toPx(f, vd, f.ndMin);
    ctx.beginPath();
    ctx.moveTo(x + 0.5, f.top);
    ctx.lineTo(x + 0.5, f.top + f.height);
    ctx.stroke();
    ctx.fillText(String(vd), x, f.top + f.height + 3);
  }
  ctx.fillText('Abbe number Vd', f.left + f.width / 2, f.top + f.height + 16);
  ctx.textAlign = 'right';
  ctx.textBaseline = 'middle';
  for (let k = Math.round(f.ndMin * 10); k <= Math.round(f.ndMax * 10); k++) {
    const nd = k / 10;
    const [, y] = toPx(f, f.vdMax, nd);
    ctx.beginPath();
    ctx.moveTo(f.left, y + 0.5);
    ctx.lineTo(f.left + f.width, y + 0.5);
    ctx.stroke();
    ctx.fillText(nd.toFixed(1), f.left - 4, y);
  }
  ctx.save();
  ctx.translate(12, f.top + f.height / 2);
  ctx.rotate(-Math.PI / 2);
  ctx.textAlign = 'center';
  ctx.fillText('nd', 0, 0);
  ctx.restore();
  const catalogs = [...new Set(data.glasses.map((g) => g.catalog))];
  data.glasses.forEach((g, i) => {
    const [x, y] = toPx(f, g.vd, g.nd);
    ctx.fillStyle = CATALOG_COLORS[catalogs.indexOf(g.catalog) % CATALOG_COLORS.length];
    ctx.beginPath();
    ctx.arc(x, y, i === hover ? 4 : 2.2, 0, 2 * Math.PI);
    ctx.fill();
  });
  ctx.textAlign = 'left';
  ctx.textBaseline = 'bottom';
  for (const g of data.lens) {
    const [x, y] = toPx(f, g.vd, g.nd);
    const isTarget = g.surfaceIndex === target;
    ctx.strokeStyle = isTarget ? accent : text;
    ctx.lineWidth = isTarget ? 2.5 : 1.5;
    ctx.beginPath();
    ctx.arc(x, y, isTarget ? 7 : 5.5, 0, 2 * Math.PI);
    ctx.stroke();
    ctx.lineWidth = 1;
    ctx.fillStyle = isTarget ? accent : text;
    ctx.fillText(`${g.surfaceIndex + 1}: ${g.glass}`, x + 8, y - 3);
  }
  // Catalog legend, bottom left inside the plot.
  ctx.textBaseline = 'middle';
  catalogs.forEach((c, k) => {
    const y = f.top + f.height - 10 - 13 * (catalogs.length - 1 - k);
    ctx.fillStyle = CATALOG_COLORS[k % CATALOG_COLORS.length];
    ctx.beginPath();
    ctx.arc(f.left + 10, y, 3, 0, 2 * Math.PI);
    ctx.fill();
    ctx.fillStyle = muted;
    ctx.fillText(c, f.left + 17, y);
  });
}

export function GlassMap() {
  const api = useStudio((s) => s.api);
  const revision = useStudio((s) => s.lens?.revision ?? -1);
  const target = useStudio((s) => s.selectedSurface);
  const theme = useTheme((t) => t.theme);
  const [data, setData] = useState<GlassMapData | null>(null);
  const [hover, setHover] = useState<number | null>(null);
  const canvas = useRef<HTMLCanvasElement>(null);
  const size = useCanvasSize(canvas);

  useEffect(() => {
    if (!api || revision < 0) return;
    let live = true;
    api
      .glassMap()
      .then((d) => live && setData(d))
      .catch((e) => useStudio.getState().notify('error', `Glass map: ${(e as Error).message}`));
    return () => {
      live = false;
    };
  }, [api, revision]);

  const frame = useMemo(() => (data && size.width ? frameFor(data, size.width, size.height) : null), [data, size.width, size.height]);

  useEffect(() => {
    if (canvas.current && data && frame) draw(canvas.current, data, frame, target, hover);
  }, [data, frame, target, hover, theme]);

  /** The nearest catalog glass or lens marker within 7 px. */
  const pick = (e: React.MouseEvent<HTMLCanvasElement>): { lens?: number; glass?: number } | null => {
    if (!data || !frame) return null;
    const r = e.currentTarget.getBoundingClientRect();
    const mx = e.clientX - r.left, my = e.clientY - r.top;
    const d = (vd: number, nd: number) => {
      const [x, y] = toPx(frame, vd, nd);
      return Math.hypot(x - mx, y - my);
    };
    const lens = data.lens.findIndex((g) => d(g.vd, g.nd) <= 8);
    if (lens >= 0) return { lens };
    let best = -1, bestD = 7;
    data.glasses.forEach((g, i) => {
      const di = d(g.vd, g.nd);
      if (di < bestD) [best, bestD] = [i, di];
    });
    return best >= 0 ? { glass: best } : null;
  };

  const targetGlass = data?.lens.find((g) => g.surfaceIndex === target);
  const hovered = hover !== null ? data?.glasses[hover] : undefined;
  return (
    <div className="glass-map" data-testid="glass-map" data-revision={data?.revision ?? -1} data-frame={frame ? JSON.stringify(frame) : ''}>
      <div className="row glass-map-head">
        {targetGlass ? (
          <span>
            Click a glass to use it on surface <b>{target + 1}</b> (now <b>{targetGlass.glass}</b>, nd {targetGlass.nd.toFixed(5)}, Vd {targetGlass.vd.toFixed(2)}) · Ctrl+Z undoes
          </span>
        ) : (
          <span className="muted">Select a surface with glass (in the lens data, or its marker here) to substitute its glass.</span>
        )}
        <span className="spacer" />
        <span className="mono muted" data-testid="glass-hover">
          {hovered ? `${hovered.catalog} ${hovered.name}  nd ${hovered.nd.toFixed(5)}  Vd ${hovered.vd.toFixed(2)}` : `${data?.glasses.length ?? 0} glasses`}
        </span>
      </div>
      <canvas
        ref={canvas}
        className="fill"
        aria-label="Glass map: nd against Abbe number"
        style={{ cursor: hovered ? 'pointer' : undefined }}
        onMouseMove={(e) => {
          const p = pick(e);
          setHover(p?.glass ?? null);
        }}
        onMouseLeave={() => setHover(null)}
        onClick={(e) => {
          const p = pick(e);
          if (!p || !data) return;
          if (p.lens !== undefined) return useStudio.getState().setSelectedSurface(data.lens[p.lens].surfaceIndex);
          const g = data.glasses[p.glass!];
          if (!targetGlass) return useStudio.getState().notify('info', 'Select a surface with glass first (click its row in the lens data or its marker on the map).');
          void useStudio
            .getState()
            .edit({ op: 'setSurface', index: target, field: 'material', value: `${g.catalog}:${g.name}` })
            .then((err) => err && useStudio.getState().notify('error', err));
        }}
      />
    </div>
  );
}
