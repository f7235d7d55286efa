/**
 * Ray-fan plots (uPlot): for each field, the tangential fan (image-plane Δy against Py) and the
 * sagittal fan (Δx against Px), one series per wavelength, in µm relative to the primary-
 * wavelength chief ray. One vertical scale for all plots, as OpticStudio: the largest aberration
 * rounded up to 1, 2 or 5 × 10ⁿ µm, stated above the plots ("Maximum scale ±… µm") beside the
 * wavelength legend. Tick labels are placed explicitly (0 and ±max always, ±max/2 when there is
 * room), so every plot keeps its numbers at any window size.
 */
import { useEffect, useRef } from 'react';
import uPlot from 'uplot';
import type { AnalysisBundle, FanData } from '../../../app/contract/studioApi.ts';
import { useStudio } from '../store.ts';
import { useTheme } from '../theme.ts';
import { wavelengthColor } from '../colors.ts';
import { useElementSize } from './useCanvasSize.ts';
import { plotAxes } from './plotTheme.ts';
import { niceCeil } from './spotDraw.ts';

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

/** The plots' common half-range, µm: the largest |Δ| over every fan, rounded up to 1, 2, 5 × 10ⁿ. */
let scaleCache: { bundle: AnalysisBundle | null; um: number } = { bundle: null, um: 1e-3 };

export function fanScaleUm(a: AnalysisBundle | null): number {
  if (a === scaleCache.bundle) return scaleCache.um;
  let m = 0;
  for (const f of a?.fans ?? []) {
    for (let i = 0; i < f.pupil.length; i++) {
      if (f.validTangential[i]) m = Math.max(m, Math.abs(f.tangentialY[i]));
      if (f.validSagittal[i]) m = Math.max(m, Math.abs(f.sagittalX[i]));
    }
  }
  scaleCache = { bundle: a, um: niceCeil(Math.max(m * 1000, 1e-3)) };
  return scaleCache.um;
}

/** Tick positions: the ends and 0 always, the halves when the axis has `px` ≥ `roomy` pixels. */
function splits(max: number, px: number, roomy: number): number[] {
  return px >= roomy ? [-max, -max / 2, 0, max / 2, max] : [-max, 0, max];
}

function labelled(u: uPlot, key: 'xLabels' | 'yLabels', labels: string[]): string[] {
  u.root.dataset[key] = labels.join('|');
  return labels;
}

function FanPlot({ field, kind, wavelengths, label, yMax }: { field: number; kind: Kind; wavelengths: number[]; label: string; yMax: number }) {
  const host = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | null>(null);
  const yMaxRef = useRef(yMax);
  yMaxRef.current = yMax;
  const size = useElementSize(host);
  const analysis = useStudio((s) => s.analysis);
  const theme = useTheme((t) => t.theme);
  const key = wavelengths.join(',');

  useEffect(() => {
    const el = host.current;
    if (!el || size.width < 20 || size.height < 20) return;
    const [xAxis, yAxis] = plotAxes(kind === 'tangential' ? 'Py' : 'Px', kind === 'tangential' ? 'Δy µm' : 'Δx µm');
    const compact = size.height < 110;
    const opts: uPlot.Options = {
      width: size.width,
      height: size.height,
      legend: { show: false },
      cursor: { show: true, points: { show: false }, drag: { x: false, y: false } },
      scales: {
        x: { time: false, range: [-1, 1] },
        y: { range: () => [-yMaxRef.current, yMaxRef.current] },
      },
      // The tick labels drawn are also written to the plot's element (data-x-labels, data-y-labels) for tests.
      axes: [
        {
          ...xAxis,
          size: compact ? 18 : 26,
          label: compact ? undefined : xAxis.label,
          splits: (u) => splits(1, u.bbox.width / devicePixelRatio, 140),
          values: (u, v) => labelled(u, 'xLabels', v.map((t) => String(+t.toFixed(2)))),
        },
        { ...yAxis, splits: (u) => splits(yMaxRef.current, u.bbox.height / devicePixelRatio, 70), values: (u, v) => labelled(u, 'yLabels', v.map((t) => String(+t.toPrecision(3)))) },
      ],
      series: [{}, ...wavelengths.map((w) => ({ stroke: wavelengthColor(w), width: 1.25, points: { show: false }, spanGaps: false }))],
    };
    const p = new uPlot(opts, [[]] as unknown as uPlot.AlignedData, el);
    plot.current = p;
    return () => {
      p.destroy();
      plot.current = null;
    };
    // Recreate only when the plot's shape or the theme changes; data updates go through setData.
  }, [size.width, size.height, key, kind, theme]);

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
        p.setData(data);
      }, 0);
    });
    return () => {
      cancelAnimationFrame(raf);
      if (timer !== undefined) clearTimeout(timer);
    };
  }, [analysis, field, kind, size.width, size.height, key, theme]);

  return (
    <div className="plot-cell">
      <div className="plot-title">{label}</div>
      <div ref={host} style={{ position: 'absolute', inset: '14px 0 0 0' }} />
    </div>
  );
}

export function RayFans() {
  const lens = useStudio((s) => s.lens);
  const yMax = useStudio((s) => fanScaleUm(s.analysis));
  useTheme((t) => t.theme);
  if (!lens) return <div className="plot-cell" />;
  const fields = lens.prescription.fields;
  const waves = lens.prescription.wavelengths.valuesUm;
  const unit = fields.type === 'angle' ? '°' : ' mm';
  return (
    <div className="fans" data-testid="ray-fans" data-max-scale-um={yMax}>
      <div className="fans-head">
        <span className="fans-legend" data-testid="fans-legend">
          {waves.map((w, i) => (
            <span key={i}>
              <span className="swatch" style={{ background: wavelengthColor(w) }} />
              {w} µm
            </span>
          ))}
        </span>
        <span className="spacer" />
        <span className="mono" data-testid="fans-max-scale" title="Half-range of every fan's vertical axis (the largest aberration, rounded up)">
          Maximum scale ±{+yMax.toPrecision(3)} µm
        </span>
      </div>
      <div className="plot-grid" style={{ gridTemplateColumns: 'minmax(0, 1fr) minmax(0, 1fr)', gridTemplateRows: `repeat(${fields.points.length}, minmax(0, 1fr))` }}>
        {fields.points.map((f, i) => {
          const name = `F${i + 1} ${+Math.hypot(f.x, f.y).toFixed(3)}${unit}`;
          return [
            <FanPlot key={`t${i}`} field={i} kind="tangential" wavelengths={waves} label={`${name} · tangential`} yMax={yMax} />,
            <FanPlot key={`s${i}`} field={i} kind="sagittal" wavelengths={waves} label={`${name} · sagittal`} yMax={yMax} />,
          ];
        })}
      </div>
    </div>
  );
}
