/**
 * Small drawing pieces of the lab panels: a live uPlot curve (one or two y series, optionally the
 * raw values faint with an exponential moving average over them) and a preview image (8-bit grey
 * or RGBA from the host) drawn on a canvas, nearest-neighbour scaled, optionally through a colour
 * map.
 */
import { useEffect, useRef } from 'react';
import uPlot from 'uplot';
import type { PreviewImage } from '../../../app/contract/studioApi.ts';
import { useElementSize } from '../components/useCanvasSize.ts';
import { plotAxes } from '../components/plotTheme.ts';
import { emaSmooth } from './smoothing.ts';

declare global {
  interface Window {
    /** What each live curve drew last (x, and per series the raw and smoothed values), for the browser tests. */
    __labCurves?: Record<string, { x: number[]; series: { label: string; raw: number[]; smoothed: (number | null)[] | null }[] }>;
  }
}

/** A #rrggbb colour at opacity `alpha` (#rrggbbaa); other colour forms unchanged. */
function faded(color: string, alpha: number): string {
  return /^#[0-9a-f]{6}$/i.test(color) ? `${color}${Math.round(alpha * 255).toString(16).padStart(2, '0')}` : color;
}

export interface CurveSeries {
  label: string;
  color: string;
  values: number[];
  /** Right-hand axis (a second unit). */
  right?: boolean;
  /** Dash pattern (px) of the line; solid when absent. */
  dash?: number[];
  /** Listed in the legend (default true); series left out are explained by the curve's `legendNote`. */
  legend?: boolean;
}

/**
 * A live curve: x values and series on a left (and optionally a right) axis; log scale on the left
 * when asked. With `smoothing` w > 0 each series is drawn twice: its raw values faint (thin line and
 * points) and their exponential moving average (emaSmooth, TensorBoard's debiased EMA of weight w)
 * as a solid line over them. The legend is a row above the plot (it never covers the curves);
 * `legendNote` ends it (e.g. what the dashed lines are). With `xTicks` the x values are 1, 2, …
 * and tick i is labelled `xTicks[i − 1]` (categories such as object distances).
 */
export function LiveCurve(props: {
  x: number[];
  series: CurveSeries[];
  xLabel: string;
  yLabel: string;
  y2Label?: string;
  yLog?: boolean;
  smoothing?: number;
  testId: string;
  empty: string;
  legendNote?: string;
  xTicks?: string[];
}) {
  const host = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | null>(null);
  const size = useElementSize(host);
  const { x, series, yLog } = props;
  const smoothing = props.smoothing ?? 0;
  const smooth = smoothing > 0;
  const xTicks = props.xTicks;
  const shape = `${series.map((s) => `${s.label}:${s.right ? 1 : 0}:${s.dash?.join(' ') ?? ''}`).join(',')}|${smooth}|${xTicks?.join(',') ?? ''}`;

  useEffect(() => {
    const el = host.current;
    if (!el || size.width < 40 || size.height < 40) return;
    const axes = plotAxes(props.xLabel, props.yLabel, { yLog });
    // Steps and iterations are whole numbers.
    axes[0] = xTicks
      ? { ...axes[0], incrs: [1], values: (_u, splits) => splits.map((v) => (Number.isInteger(v) ? (xTicks[v - 1] ?? '') : '')) }
      : { ...axes[0], incrs: [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10000] };
    if (props.y2Label) axes.push({ ...plotAxes('', props.y2Label)[1], scale: 'y2', side: 1, grid: { show: false } });
    const p = new uPlot(
      {
        width: size.width,
        height: size.height,
        legend: { show: false },
        cursor: { points: { show: false }, drag: { x: false, y: false } },
        scales: { x: xTicks ? { time: false, range: [0.75, xTicks.length + 0.25] } : { time: false }, y: yLog ? { distr: 3 } : {}, y2: {} },
        axes,
        series: [
          {},
          ...series.map((s) =>
            smooth
              ? { label: `${s.label} raw`, stroke: faded(s.color, 0.4), width: 1, scale: s.right ? 'y2' : 'y', points: { show: true, size: 3, stroke: faded(s.color, 0.5), fill: faded(s.color, 0.5) } }
              : { label: s.label, stroke: s.color, width: 1.5, dash: s.dash, scale: s.right ? 'y2' : 'y', points: { show: true, size: 3, fill: s.color } },
          ),
          ...(smooth ? series.map((s) => ({ label: `${s.label} EMA`, stroke: s.color, width: 2, scale: s.right ? 'y2' : 'y', points: { show: false } })) : []),
        ],
      },
      [[], ...series.map(() => []), ...(smooth ? series.map(() => []) : [])],
      el,
    );
    plot.current = p;
    return () => {
      p.destroy();
      plot.current = null;
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps -- rebuilt on size or series shape only
  }, [size.width, size.height, shape, yLog]);

  useEffect(() => {
    const keep = x.map((_, i) => i).filter((i) => series.every((s) => Number.isFinite(s.values[i]) && (!yLog || s.right || s.values[i] > 0)));
    const xs = keep.map((i) => x[i]);
    const raw = series.map((s) => keep.map((i) => s.values[i]));
    const smoothed = smooth ? raw.map((r) => emaSmooth(r, smoothing)) : [];
    plot.current?.setData([xs, ...raw, ...smoothed] as uPlot.AlignedData);
    window.__labCurves ??= {};
    window.__labCurves[props.testId] = { x: xs, series: series.map((s, k) => ({ label: s.label, raw: raw[k], smoothed: smooth ? smoothed[k] : null })) };
  }, [x, series, yLog, size.width, size.height, shape, smoothing]);

  const first = series[0]?.values[0];
  const last = series[0]?.values[series[0].values.length - 1];
  const listed = series.filter((s) => s.legend !== false);
  return (
    <div className="lab-plot" data-testid={props.testId} data-points={x.length} data-first={first ?? ''} data-last={last ?? ''}>
      {(series.length > 1 || smooth) && x.length > 0 && (
        <div className="lab-plot-legend" data-testid={`${props.testId}-legend`}>
          {listed.map((s) => (
            <span key={s.label}>
              <span className="swatch" style={{ background: s.color }} /> {s.label}
            </span>
          ))}
          {smooth && <span className="muted">faint: raw · solid: EMA {smoothing}</span>}
          {props.legendNote && <span className="muted">{props.legendNote}</span>}
        </div>
      )}
      <div className="lab-plot-area" ref={host}>
        {x.length === 0 && <div className="empty lab-plot-empty">{props.empty}</div>}
      </div>
    </div>
  );
}

/** Maps a value in [0, 1] to the 'inferno'-like colour ramp used for error maps. */
export function heat(t: number): [number, number, number] {
  const stops: [number, number, number, number][] = [
    [0, 0, 0, 4],
    [0.25, 87, 16, 110],
    [0.5, 188, 55, 84],
    [0.75, 249, 142, 9],
    [1, 252, 255, 164],
  ];
  const v = Math.min(1, Math.max(0, t));
  for (let i = 1; i < stops.length; i++) {
    if (v <= stops[i][0]) {
      const [a0, r0, g0, b0] = stops[i - 1];
      const [a1, r1, g1, b1] = stops[i];
      const f = (v - a0) / (a1 - a0);
      return [r0 + f * (r1 - r0), g0 + f * (g1 - g0), b0 + f * (b1 - b0)];
    }
  }
  return [252, 255, 164];
}

/** Draws a host preview image on a canvas at its native size (CSS scales it, pixelated). */
export function PreviewCanvas(props: { image: PreviewImage | null; testId: string; className?: string; title?: string }) {
  const ref = useRef<HTMLCanvasElement>(null);
  const { image } = props;
  useEffect(() => {
    const c = ref.current;
    if (!c || !image) return;
    c.width = image.width;
    c.height = image.height;
    const ctx = c.getContext('2d')!;
    const data = ctx.createImageData(image.width, image.height);
    const n = image.width * image.height;
    for (let i = 0; i < n; i++) {
      if (image.channels === 1) {
        const v = image.pixels[i];
        data.data[4 * i] = data.data[4 * i + 1] = data.data[4 * i + 2] = v;
        data.data[4 * i + 3] = 255;
      } else {
        for (let k = 0; k < 4; k++) data.data[4 * i + k] = image.pixels[4 * i + k];
      }
    }
    ctx.putImageData(data, 0, 0);
  }, [image]);
  return (
    <canvas
      ref={ref}
      className={`lab-image ${props.className ?? ''}`}
      data-testid={props.testId}
      data-width={image?.width ?? 0}
      data-height={image?.height ?? 0}
      title={props.title}
    />
  );
}
