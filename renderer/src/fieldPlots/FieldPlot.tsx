/**
 * One field plot (uPlot), rotated as OpticStudio draws it: the independent variable (field, pupil
 * or wavelength) runs up the vertical axis and the aberration along the horizontal one, with a
 * zero line; one curve per wavelength in that wavelength's colour (sagittal dashed); optional
 * reference marks (e.g. the Airy radius on the lateral colour plot) as dashed vertical lines.
 *
 * What each plot drew is written to `window.__fieldPlots[id]` (the lens revision and the very
 * arrays handed to uPlot) for the browser tests.
 */
import { useCallback, useMemo } from 'react';
import type uPlot from 'uplot';
import { wavelengthColor } from '../colors.ts';
import { plotAxes } from '../components/plotTheme.ts';
import { cssVar, useTheme } from '../theme.ts';
import { UPlotBox } from '../wave/UPlotBox.tsx';
import { valueRange, type PlotCurves } from './fieldPlotData.ts';

export interface FieldPlotDrawn {
  revision: number;
  y: number[];
  series: (number | null)[][];
  at: number;
}

declare global {
  interface Window {
    __fieldPlots?: Record<string, FieldPlotDrawn>;
  }
}

/** The value range drawn: the curves and the marks, with zero. */
function range(plot: PlotCurves, marks: number[]): [number, number] {
  return valueRange(marks.length ? [...plot.curves, { label: '', wavelengthUm: null, dashed: false, values: marks }] : plot.curves);
}

function options(plot: PlotCurves, marks: number[], width: number, height: number): uPlot.Options {
  const [fieldAxis, valueAxis] = plotAxes(plot.yLabel, plot.xLabel);
  const text = cssVar('--text', '#d5dae1');
  const zero = cssVar('--muted', '#8a95a3');
  const [lo, hi] = range(plot, marks);
  const y0 = plot.y[0] ?? 0, y1 = plot.y[plot.y.length - 1] ?? 1;
  return {
    width,
    height,
    legend: { show: false },
    cursor: { points: { show: false }, drag: { x: false, y: false } },
    // uPlot's "x" is the independent variable: drawn vertically (ori 1), increasing upwards.
    scales: {
      x: { time: false, ori: 1, dir: 1, range: [y0, y1 > y0 ? y1 : y0 + 1] },
      y: { ori: 0, dir: 1, range: [lo, hi] },
    },
    axes: [
      { ...fieldAxis, side: 3, size: 50, labelSize: 14, space: 24 },
      { ...valueAxis, side: 2, size: 30, labelSize: 14, space: 50 },
    ],
    series: [
      {},
      ...plot.curves.map((c) => ({
        label: c.label,
        stroke: c.wavelengthUm === null ? text : wavelengthColor(c.wavelengthUm),
        width: 1.5,
        dash: c.dashed ? [6, 4] : undefined,
        spanGaps: false,
        points: { show: false },
      })),
    ],
    hooks: {
      // The zero line (the image plane, the primary wavelength's focus, no distortion).
      drawAxes: [
        (u: uPlot) => {
          const ctx = u.ctx;
          const line = (v: number, dash: number[]) => {
            const px = Math.round(u.valToPos(v, 'y', true)) + 0.5;
            ctx.setLineDash(dash.map((d) => d * devicePixelRatio));
            ctx.beginPath();
            ctx.moveTo(px, u.bbox.top);
            ctx.lineTo(px, u.bbox.top + u.bbox.height);
            ctx.stroke();
          };
          ctx.save();
          ctx.strokeStyle = zero;
          ctx.lineWidth = devicePixelRatio;
          line(0, []);
          for (const m of marks) line(m, [4, 3]);
          ctx.restore();
        },
      ],
    },
  };
}

export function FieldPlot({ plot, revision, marks = [] }: { plot: PlotCurves; revision: number; marks?: number[] }) {
  const theme = useTheme((s) => s.theme);
  const data = useMemo(() => [plot.y, ...plot.curves.map((c) => c.values)] as uPlot.AlignedData, [plot]);
  const [lo, hi] = range(plot, marks);
  // The value range is fixed when the plot is made: a lens whose aberrations change makes it again.
  const shapeKey = `${plot.curves.map((c) => `${c.label}${c.dashed}`).join(',')}|${plot.y[0]}|${plot.y[plot.y.length - 1]}|${lo}|${hi}|${marks.join(',')}|${theme}`;
  const onDrawn = useCallback(() => {
    window.__fieldPlots ??= {};
    window.__fieldPlots[plot.id] = { revision, y: data[0] as number[], series: data.slice(1) as (number | null)[][], at: performance.now() };
  }, [plot.id, revision, data]);
  return (
    <div className="fp-cell" data-testid={`field-plot-${plot.id}`} data-revision={revision}>
      <div className="fp-title">{plot.title}</div>
      <div className="fp-plot">
        <UPlotBox options={(w, h) => options(plot, marks, w, h)} data={data} shapeKey={shapeKey} onDrawn={onDrawn} />
      </div>
    </div>
  );
}
