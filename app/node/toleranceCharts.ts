/**
 * The Monte Carlo charts of a tolerance report (PNG, Vega-Lite through ./chartPng.ts): the histogram
 * of a criterion over the trials and its empirical cumulative distribution, each with labelled
 * vertical markers (the nominal value, a percentile).
 */
import type { TopLevelSpec } from 'vega-lite';
import { vegaLitePng } from './chartPng.ts';

export interface PlotOptions {
  title: string;
  xLabel: string;
  yLabel: string;
  width?: number;
  height?: number;
  /** Vertical lines with labels, e.g. the nominal value or a percentile. */
  markers?: { x: number; label: string }[];
}

const MARK = '#c83228';
const BAR = '#4670b4';

/** The x domain holding the values and the markers, padded 2 % each side. */
function domain(values: readonly number[], o: PlotOptions): [number, number] {
  let lo = Infinity, hi = -Infinity;
  for (const v of values) if (Number.isFinite(v)) ((lo = Math.min(lo, v)), (hi = Math.max(hi, v)));
  for (const m of o.markers ?? []) if (Number.isFinite(m.x)) ((lo = Math.min(lo, m.x)), (hi = Math.max(hi, m.x)));
  if (!Number.isFinite(lo)) return [0, 1];
  if (hi === lo) hi = lo + (Math.abs(lo) || 1) * 1e-3;
  const pad = (hi - lo) * 0.02;
  return [lo - pad, hi + pad];
}

function markerLayers(o: PlotOptions): Layer[] {
  const markers = (o.markers ?? []).filter((m) => Number.isFinite(m.x));
  if (markers.length === 0) return [];
  const data = { values: markers.map((m, k) => ({ x: m.x, label: m.label, k })) };
  return [
    { data, mark: { type: 'rule', color: MARK, strokeWidth: 1.5 }, encoding: { x: { field: 'x', type: 'quantitative' } } },
    {
      data,
      mark: { type: 'text', color: MARK, align: 'left', baseline: 'top', dx: 4, fontSize: 11 },
      encoding: { x: { field: 'x', type: 'quantitative' }, y: { value: 4 }, yOffset: { field: 'k', type: 'quantitative', scale: { range: [0, 14 * markers.length] } }, text: { field: 'label' } },
    },
  ];
}

type Layer = NonNullable<Extract<TopLevelSpec, { layer: unknown }>['layer']>[number];

/** The chart: its main layer under the markers, titled and sized by `o`, as PNG bytes. */
function chart(o: PlotOptions, main: Layer): Promise<Uint8Array> {
  return vegaLitePng({
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: o.title,
    width: o.width ?? 520,
    height: o.height ?? 260,
    layer: [main, ...markerLayers(o)],
  });
}

/**
 * A histogram of `values` with `bins` equal bins (default 30) over the values and markers.
 * @returns PNG bytes
 */
export async function histogramPng(values: readonly number[], o: PlotOptions & { bins?: number }): Promise<Uint8Array> {
  const [lo, hi] = domain(values, o);
  return chart(o, {
    data: { values: values.filter(Number.isFinite).map((v) => ({ v })) },
    mark: { type: 'bar', color: BAR },
    encoding: {
      x: { field: 'v', type: 'quantitative', bin: { maxbins: o.bins ?? 30, extent: [lo, hi] }, title: o.xLabel, scale: { domain: [lo, hi] } },
      y: { aggregate: 'count', type: 'quantitative', title: o.yLabel },
    },
  });
}

/**
 * The empirical cumulative distribution of `values` (percent of trials at or below x), a step line.
 * @returns PNG bytes
 */
export async function cdfPng(values: readonly number[], o: PlotOptions): Promise<Uint8Array> {
  const [lo, hi] = domain(values, o);
  const sorted = values.filter(Number.isFinite).sort((a, b) => a - b);
  const n = sorted.length;
  const points = [{ x: lo, p: 0 }, ...sorted.map((x, i) => ({ x, p: (100 * (i + 1)) / n })), { x: hi, p: 100 }];
  return chart(o, {
    data: { values: points },
    mark: { type: 'line', interpolate: 'step-after', color: BAR },
    encoding: {
      x: { field: 'x', type: 'quantitative', title: o.xLabel, scale: { domain: [lo, hi] } },
      y: { field: 'p', type: 'quantitative', title: o.yLabel, scale: { domain: [0, 100] } },
    },
  });
}
