/**
 * Monte Carlo plots of the Tolerancing workspace (uPlot): the histogram of the criterion and its
 * cumulative distribution, redrawn as trial values arrive, with the nominal and the 90 % point marked.
 */
import { useEffect, useMemo, useRef } from 'react';
import uPlot from 'uplot';
import { useElementSize } from '../components/useCanvasSize.ts';
import { plotAxes } from '../components/plotTheme.ts';

const BAR = '#4ea1ff';
const MARK = '#f0b429';

/** A vertical line at x with its label (nominal, 90 % point). */
type Marker = { x: number; label: string };
type PlotProps = { values: number[]; markers: Marker[]; xLabel: string; testId: string };

/** Bins of `values` over [lo, hi]: bin centres and counts. */
export function histogram(values: readonly number[], bins: number): { centres: number[]; counts: number[] } {
  if (values.length === 0) return { centres: [], counts: [] };
  let lo = Math.min(...values), hi = Math.max(...values);
  if (hi === lo) hi = lo + Math.abs(lo || 1) * 1e-3;
  const w = (hi - lo) / bins;
  const counts = new Array<number>(bins).fill(0);
  for (const v of values) counts[Math.min(bins - 1, Math.floor((v - lo) / w))]++;
  return { centres: counts.map((_, i) => lo + (i + 0.5) * w), counts };
}

function markerHook(markers: Marker[]) {
  return (u: uPlot) => {
    const ctx = u.ctx;
    ctx.save();
    ctx.strokeStyle = MARK;
    ctx.fillStyle = MARK;
    ctx.setLineDash([4, 3]);
    ctx.font = '10px "DejaVu Sans Mono", monospace';
    for (const m of markers) {
      const x = u.valToPos(m.x, 'x', true);
      if (!Number.isFinite(x)) continue;
      ctx.beginPath();
      ctx.moveTo(x, u.bbox.top);
      ctx.lineTo(x, u.bbox.top + u.bbox.height);
      ctx.stroke();
      ctx.fillText(m.label, x + 3, u.bbox.top + 10);
    }
    ctx.restore();
  };
}

function usePlot(host: React.RefObject<HTMLDivElement | null>, make: (w: number, h: number, el: HTMLDivElement) => uPlot, deps: unknown[]) {
  const size = useElementSize(host);
  const plot = useRef<uPlot | null>(null);
  useEffect(() => {
    const el = host.current;
    if (!el || size.width < 40 || size.height < 40) return;
    const p = make(size.width, size.height, el);
    plot.current = p;
    return () => {
      p.destroy();
      plot.current = null;
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps -- rebuilt with the data
  }, [size.width, size.height, ...deps]);
}

/**
 * A uPlot of Monte Carlo values: `data` drawn as `series` against `yLabel`, the markers as dashed
 * lines over it, `empty` shown until the first value; rebuilt when the data or the markers change.
 */
function MonteCarloPlot(props: PlotProps & { data: uPlot.AlignedData; yLabel: string; scales: uPlot.Scales; series: uPlot.Series; empty: string }) {
  const host = useRef<HTMLDivElement>(null);
  const { data, markers } = props;
  usePlot(
    host,
    (width, height, el) =>
      new uPlot(
        {
          width,
          height,
          legend: { show: false },
          cursor: { show: false },
          scales: props.scales,
          axes: plotAxes(props.xLabel, props.yLabel),
          series: [{}, props.series],
          hooks: { draw: [markerHook(markers)] },
        },
        data,
        el,
      ),
    [data, markers],
  );
  return (
    <div className="lab-plot" ref={host} data-testid={props.testId} data-count={props.values.length}>
      {props.values.length === 0 && <div className="empty lab-plot-empty">{props.empty}</div>}
    </div>
  );
}

/** Histogram of Monte Carlo values (µm) with markers. */
export function HistogramPlot(props: PlotProps) {
  const data = useMemo(() => {
    const { centres, counts } = histogram(props.values, Math.max(8, Math.min(40, Math.round(Math.sqrt(props.values.length) * 2))));
    return [centres, counts] as [number[], number[]];
  }, [props.values]);
  const markers = props.markers;
  return (
    <MonteCarloPlot
      {...props}
      data={data}
      yLabel="trials"
      scales={{ x: { time: false, range: (_u, lo, hi) => [Math.min(lo, ...markers.map((m) => m.x)), Math.max(hi, ...markers.map((m) => m.x))] } }}
      series={{ label: 'trials', stroke: BAR, fill: `${BAR}66`, width: 1, paths: uPlot.paths.bars!({ size: [0.9, 60] }), points: { show: false } }}
      empty="Run Monte Carlo to see the histogram fill in."
    />
  );
}

/** Cumulative distribution (% of trials at or below) of Monte Carlo values (µm). */
export function CdfPlot(props: PlotProps) {
  const data = useMemo(() => {
    const s = [...props.values].sort((a, b) => a - b);
    return [s, s.map((_, i) => (100 * (i + 1)) / s.length)] as [number[], number[]];
  }, [props.values]);
  return (
    <MonteCarloPlot
      {...props}
      data={data}
      yLabel="% at or below"
      scales={{ x: { time: false }, y: { range: [0, 100] } }}
      series={{ label: 'CDF', stroke: BAR, width: 1.5, paths: uPlot.paths.stepped!({ align: 1 }), points: { show: false } }}
      empty="The cumulative distribution follows the histogram."
    />
  );
}
