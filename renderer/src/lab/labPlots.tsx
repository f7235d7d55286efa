/**
 * Small drawing pieces of the lab panels: a live uPlot curve (one or two y series) and a preview
 * image (8-bit grey or RGBA from the host) drawn on a canvas, nearest-neighbour scaled, optionally
 * through a colour map.
 */
import { useEffect, useRef } from 'react';
import uPlot from 'uplot';
import type { PreviewImage } from '../../../app/contract/studioApi.ts';
import { useElementSize } from '../components/useCanvasSize.ts';
import { plotAxes } from '../components/plotTheme.ts';

export interface CurveSeries {
  label: string;
  color: string;
  values: number[];
  /** Right-hand axis (a second unit). */
  right?: boolean;
}

/** A live curve: x values and up to two series (left and right axis); log scale on the left when asked. */
export function LiveCurve(props: { x: number[]; series: CurveSeries[]; xLabel: string; yLabel: string; y2Label?: string; yLog?: boolean; testId: string; empty: string }) {
  const host = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | null>(null);
  const size = useElementSize(host);
  const { x, series, yLog } = props;
  const shape = series.map((s) => `${s.label}:${s.right ? 1 : 0}`).join(',');

  useEffect(() => {
    const el = host.current;
    if (!el || size.width < 40 || size.height < 40) return;
    const axes = plotAxes(props.xLabel, props.yLabel, { yLog });
    // Steps and iterations are whole numbers.
    axes[0] = { ...axes[0], incrs: [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10000] };
    if (props.y2Label) axes.push({ ...plotAxes('', props.y2Label)[1], scale: 'y2', side: 1, grid: { show: false } });
    const p = new uPlot(
      {
        width: size.width,
        height: size.height,
        legend: { show: false },
        cursor: { points: { show: false }, drag: { x: false, y: false } },
        scales: { x: { time: false }, y: yLog ? { distr: 3 } : {}, y2: {} },
        axes,
        series: [{}, ...series.map((s) => ({ label: s.label, stroke: s.color, width: 1.5, scale: s.right ? 'y2' : 'y', points: { show: true, size: 3, fill: s.color } }))],
      },
      [[], ...series.map(() => [])],
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
    plot.current?.setData([keep.map((i) => x[i]), ...series.map((s) => keep.map((i) => s.values[i]))]);
  }, [x, series, yLog, size.width, size.height, shape]);

  const first = series[0]?.values[0];
  const last = series[0]?.values[series[0].values.length - 1];
  return (
    <div className="lab-plot" ref={host} data-testid={props.testId} data-points={x.length} data-first={first ?? ''} data-last={last ?? ''}>
      {x.length === 0 && <div className="empty lab-plot-empty">{props.empty}</div>}
      {series.length > 1 && x.length > 0 && (
        <div className="overlay-legend">
          {series.map((s) => (
            <span key={s.label}>
              <span className="swatch" style={{ background: s.color }} /> {s.label}
            </span>
          ))}
        </div>
      )}
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
