/**
 * Ray-fan plots (uPlot): for each field, the tangential fan (image-plane Δy against Py) and the
 * sagittal fan (Δx against Px), one series per wavelength, in µm relative to the primary-
 * wavelength chief ray. One vertical scale for all plots (the largest aberration), as OpticStudio.
 */
import { useEffect, useRef } from 'react';
import uPlot from 'uplot';
import type { AnalysisBundle, FanData } from '../../../app/contract/studioApi.ts';
import { useStudio } from '../store.ts';
import { wavelengthColor } from '../colors.ts';
import { useElementSize } from './useCanvasSize.ts';
import { plotAxes } from './plotTheme.ts';

type Kind = 'tangential' | 'sagittal';

function seriesData(fans: FanData[], field: number, kind: Kind): uPlot.AlignedData {
  const mine = fans.filter((f) => f.fieldIndex === field).sort((a, b) => a.wavelengthIndex - b.wavelengthIndex);
  if (!mine.length) return [[]];
  const x = Array.from(mine[0].pupil);
  const ys = mine.map((f) => {
    const v = kind === 'tangential' ? f.tangentialY : f.sagittalX;
    const ok = kind === 'tangential' ? f.validTangential : f.validSagittal;
    return Array.from(v, (val, i) => (ok[i] ? val * 1000 : null));
  });
  return [x, ...ys];
}

function maxAbs(a: AnalysisBundle): number {
  let m = 0;
  for (const f of a.fans) {
    for (let i = 0; i < f.pupil.length; i++) {
      if (f.validTangential[i]) m = Math.max(m, Math.abs(f.tangentialY[i]));
      if (f.validSagittal[i]) m = Math.max(m, Math.abs(f.sagittalX[i]));
    }
  }
  return m * 1000;
}

function FanPlot({ field, kind, wavelengths, label }: { field: number; kind: Kind; wavelengths: number[]; label: string }) {
  const host = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | null>(null);
  const yMax = useRef(1);
  const size = useElementSize(host);
  const analysis = useStudio((s) => s.analysis);
  const key = wavelengths.join(',');

  useEffect(() => {
    const el = host.current;
    if (!el || size.width < 20 || size.height < 20) return;
    const opts: uPlot.Options = {
      width: size.width,
      height: size.height,
      legend: { show: false },
      cursor: { show: true, points: { show: false }, drag: { x: false, y: false } },
      scales: {
        x: { time: false, range: [-1, 1] },
        y: { range: () => [-yMax.current, yMax.current] },
      },
      axes: plotAxes(kind === 'tangential' ? 'Py' : 'Px', kind === 'tangential' ? 'Δy µm' : 'Δx µm'),
      series: [{}, ...wavelengths.map((w) => ({ stroke: wavelengthColor(w), width: 1.25, points: { show: false }, spanGaps: false }))],
    };
    const p = new uPlot(opts, [[]] as unknown as uPlot.AlignedData, el);
    plot.current = p;
    return () => {
      p.destroy();
      plot.current = null;
    };
    // Recreate only when the plot's shape changes; data updates go through setData.
  }, [size.width, size.height, key, kind]);

  useEffect(() => {
    const p = plot.current;
    if (!p || !analysis) return;
    // Fans follow one frame after the layout and spots (they are secondary while typing): their
    // redraw is queued after the next frame instead of delaying it.
    let timer: ReturnType<typeof setTimeout> | undefined;
    const raf = requestAnimationFrame(() => {
      timer = setTimeout(() => {
        const data = seriesData(analysis.fans, field, kind);
        // An analysis of the previous lens (another wavelength count) waits for the next one.
        if (data.length !== wavelengths.length + 1) return;
        yMax.current = Math.max(1e-3, maxAbs(analysis) * 1.05);
        p.setData(data);
      }, 0);
    });
    return () => {
      cancelAnimationFrame(raf);
      if (timer !== undefined) clearTimeout(timer);
    };
  }, [analysis, field, kind, size.width, size.height, key]);

  return (
    <div className="plot-cell">
      <div className="plot-title">{label}</div>
      <div ref={host} style={{ position: 'absolute', inset: '14px 0 0 0' }} />
    </div>
  );
}

export function RayFans() {
  const lens = useStudio((s) => s.lens);
  if (!lens) return <div className="plot-cell" />;
  const fields = lens.prescription.fields;
  const waves = lens.prescription.wavelengths.valuesUm;
  const unit = fields.type === 'angle' ? '°' : ' mm';
  return (
    <div className="plot-grid" style={{ gridTemplateColumns: '1fr 1fr', gridTemplateRows: `repeat(${fields.points.length}, 1fr)` }} data-testid="ray-fans">
      {fields.points.map((f, i) => {
        const name = `F${i + 1} ${+Math.hypot(f.x, f.y).toFixed(3)}${unit}`;
        return [
          <FanPlot key={`t${i}`} field={i} kind="tangential" wavelengths={waves} label={`${name} · tangential`} />,
          <FanPlot key={`s${i}`} field={i} kind="sagittal" wavelengths={waves} label={`${name} · sagittal`} />,
        ];
      })}
    </div>
  );
}
