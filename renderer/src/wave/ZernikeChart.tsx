/**
 * Zernike coefficients as a bar chart (uPlot bars), terms 1…37 of the Fringe or Standard (Noll)
 * ordering, in waves, with the largest terms named beside it (piston, tilt, defocus, astigmatism,
 * coma, spherical... from the (n, m) the host sends).
 */
import { useMemo } from 'react';
import uPlot from 'uplot';
import type { WaveZernikeData } from '../../../app/contract/studioApi.ts';
import { plotAxes } from '../components/plotTheme.ts';
import { UPlotBox } from './UPlotBox.tsx';
import { cssVar, useTheme } from '../theme.ts';
import { num } from './waveCommon.tsx';

const NAMES: Record<string, string> = {
  '0,0': 'piston',
  '1,1': 'tilt x',
  '1,-1': 'tilt y',
  '2,0': 'defocus',
  '2,2': 'astigmatism 0°',
  '2,-2': 'astigmatism 45°',
  '3,1': 'coma x',
  '3,-1': 'coma y',
  '4,0': 'spherical',
  '3,3': 'trefoil x',
  '3,-3': 'trefoil y',
  '4,2': '2nd astigmatism 0°',
  '4,-2': '2nd astigmatism 45°',
  '5,1': '2nd coma x',
  '5,-1': '2nd coma y',
  '6,0': '2nd spherical',
  '4,4': 'tetrafoil 0°',
  '4,-4': 'tetrafoil 22.5°',
  '8,0': '3rd spherical',
  '10,0': '4th spherical',
  '12,0': '5th spherical',
};

/** "Z4 defocus" or "Z17 (4, 4)" style label of term j (1-based). */
export function zernikeLabel(j: number, [n, m]: [number, number]): string {
  const name = NAMES[`${n},${m}`];
  return name ? `Z${j} ${name}` : `Z${j} (${n}, ${m})`;
}


export function ZernikeChart({ data, onDrawn }: { data: WaveZernikeData; onDrawn?: () => void }) {
  const maxAbs = Math.max(1e-6, ...data.coefficients.map(Math.abs));
  const aligned = useMemo(() => {
    const x = data.coefficients.map((_, j) => j + 1);
    // Bars under half a percent of the largest would be under a pixel tall: not drawn.
    const seen = (c: number) => Math.abs(c) >= 0.005 * maxAbs;
    return [x, data.coefficients.map((c) => (c >= 0 && seen(c) ? c : null)), data.coefficients.map((c) => (c < 0 && seen(c) ? c : null))] as uPlot.AlignedData;
  }, [data, maxAbs]);
  const bars = uPlot.paths.bars!({ size: [0.7, 18], align: 0 });
  const options = (width: number, height: number): uPlot.Options => ({
    width,
    height,
    legend: { show: false },
    cursor: { points: { show: false }, drag: { x: false, y: false } },
    scales: { x: { time: false, range: [0.3, data.coefficients.length + 0.7] }, y: { range: () => [-1.1 * maxAbs, 1.1 * maxAbs] } },
    axes: plotAxes(`term (${data.basis === 'fringe' ? 'Fringe' : 'Standard / Noll'})`, 'coefficient, waves'),
    series: [
      {},
      { label: '> 0', fill: cssVar('--accent', '#4ea1ff'), stroke: cssVar('--accent', '#4ea1ff'), paths: bars, points: { show: false } },
      { label: '< 0', fill: '#f0b429', stroke: '#f0b429', paths: bars, points: { show: false } },
    ],
  });
  // The scale follows the data: recreate when its magnitude changes by more than a few per cent.
  const theme = useTheme((s) => s.theme);
  const shapeKey = `${data.basis}|${data.coefficients.length}|${maxAbs.toPrecision(2)}|${theme}`;
  const largest = data.coefficients
    .map((c, j) => ({ c, j }))
    .filter(({ c }) => Math.abs(c) >= 5e-5)
    .sort((a, b) => Math.abs(b.c) - Math.abs(a.c))
    .slice(0, 8);
  return (
    <div className="zernike-layout">
      <div className="zernike-plot">
        <UPlotBox options={options} data={aligned} shapeKey={shapeKey} onDrawn={onDrawn} />
      </div>
      <table className="wave-table zernike-list" data-testid="zernike-largest">
        <thead>
          <tr>
            <th>largest terms</th>
            <th>waves</th>
          </tr>
        </thead>
        <tbody>
          {largest.map(({ c, j }) => (
            <tr key={j}>
              <td>{zernikeLabel(j + 1, data.nm[j])}</td>
              <td data-testid={`zernike-${j + 1}`} data-value={String(c)}>
                {num(c, 4)}
              </td>
            </tr>
          ))}
          <tr className="muted">
            <td>fit residual RMS</td>
            <td>{num(data.residualRmsWaves, 5)}</td>
          </tr>
        </tbody>
      </table>
    </div>
  );
}
