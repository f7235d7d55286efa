/**
 * Through-focus MTF at one frequency (uPlot): MTF against the image shift for every field,
 * tangential solid and sagittal dashed, and the in-focus diffraction limit as a grey dashed line.
 */
import { useMemo } from 'react';
import type uPlot from 'uplot';
import type { WaveThroughFocusData } from '../../../app/contract/studioApi.ts';
import { fieldColor } from '../colors.ts';
import { plotAxes } from '../components/plotTheme.ts';
import { UPlotBox } from './UPlotBox.tsx';
import { cssVar, useTheme } from '../theme.ts';


export function ThroughFocusPlot({ data, onDrawn }: { data: WaveThroughFocusData; onDrawn?: () => void }) {
  const aligned = useMemo(() => {
    const rows: (number | null)[][] = [];
    for (const f of data.fields) rows.push(f.tangential, f.sagittal);
    rows.push(data.shiftsMm.map(() => data.diffractionLimit));
    return [data.shiftsMm, ...rows] as uPlot.AlignedData;
  }, [data]);
  const lo = data.shiftsMm[0], hi = data.shiftsMm[data.shiftsMm.length - 1];
  const options = (width: number, height: number): uPlot.Options => {
    const series: uPlot.Series[] = [{}];
    for (const f of data.fields) {
      const c = fieldColor(f.fieldIndex);
      series.push({ label: `F${f.fieldIndex + 1} T`, stroke: c, width: 1.6, points: { show: true, size: 4, fill: c } });
      series.push({ label: `F${f.fieldIndex + 1} S`, stroke: c, width: 1.6, dash: [6, 4], points: { show: true, size: 4, fill: cssVar('--panel', '#161a20') } });
    }
    series.push({ label: 'diffraction limit', stroke: cssVar('--muted', '#8a95a3'), width: 1, dash: [12, 5], points: { show: false } });
    return {
      width,
      height,
      legend: { show: false },
      cursor: { points: { show: false }, drag: { x: false, y: false } },
      scales: { x: { time: false, range: [lo, hi] }, y: { range: [0, 1] } },
      axes: plotAxes('focus shift, mm (+ away from the lens)', `MTF at ${data.frequency} cycles/mm`),
      series,
    };
  };
  const theme = useTheme((s) => s.theme);
  const shapeKey = `${data.fields.length}|${lo}|${hi}|${data.frequency}|${theme}`;
  return <UPlotBox options={options} data={aligned} shapeKey={shapeKey} onDrawn={onDrawn} />;
}
