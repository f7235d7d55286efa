/** uPlot axes styled for the studio theme (colours read from CSS variables at creation: recreate plots when the theme changes). */
import type uPlot from 'uplot';
import { cssVar } from '../theme.ts';

export function plotAxes(xLabel: string, yLabel: string, opts: { yLog?: boolean } = {}): uPlot.Axis[] {
  const text = cssVar('--muted', '#8a95a3');
  const grid = cssVar('--line', '#2a313b');
  const font = '10px "DejaVu Sans Mono", monospace';
  const common = {
    stroke: text,
    font,
    labelFont: font,
    grid: { stroke: grid, width: 1 },
    ticks: { stroke: grid, width: 1, size: 3 },
  };
  return [
    { ...common, label: xLabel, labelSize: 12, size: 26, space: 40 },
    {
      ...common,
      label: yLabel,
      labelSize: 12,
      size: 46,
      space: 16,
      values: opts.yLog ? (_u, vals) => vals.map((v) => (v == null ? '' : v.toExponential(0))) : undefined,
    },
  ];
}
