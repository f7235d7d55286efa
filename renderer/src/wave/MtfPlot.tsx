/**
 * MTF against spatial frequency (uPlot): every field in its colour, tangential solid and sagittal
 * dashed (OpticStudio's convention), the diffraction limit of each field's pupil as thin faded
 * long dashes in the field's colour, and — from the refined pass — the exact values at the requested frequencies as
 * markers on the curves (filled T, open S) and in a table under the plot (the numbers of
 * `lens-studio analyze --wave --json`). The curves are the host's FFT MTF samples with the exact
 * samples merged in; an undersampled field draws no curve and says so below.
 */
import { useMemo } from 'react';
import type uPlot from 'uplot';
import type { WaveMtfData, WaveMtfField } from '../../../app/contract/studioApi.ts';
import { fieldColor } from '../colors.ts';
import { plotAxes } from '../components/plotTheme.ts';
import { UPlotBox } from './UPlotBox.tsx';
import { cssVar, useTheme } from '../theme.ts';
import { num } from './waveCommon.tsx';


/** The smallest 1, 1.5, 2, 2.5, 3, 4, 5, 6 or 8 × 10^k ≥ v. */
function roundUp(v: number): number {
  const e = Math.floor(Math.log10(v));
  for (const m of [1, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10]) if (m * 10 ** e >= v * (1 - 1e-12)) return Number((m * 10 ** e).toPrecision(12));
  return 10 ** (e + 1);
}

/**
 * The frequency range drawn, [0, max]: the setting; 'cutoff' for the whole curve (to the largest
 * cutoff); null (auto) for 1.25 × the largest exact frequency rounded up, within the cutoff.
 */
export function mtfRange(data: WaveMtfData, maxFrequency: number | 'cutoff' | null, frequencies: number[]): number {
  const end = Math.max(1, ...data.fields.map((f) => f.frequencies[f.frequencies.length - 1] ?? 0));
  if (typeof maxFrequency === 'number' && maxFrequency > 0) return maxFrequency;
  if (maxFrequency === 'cutoff') return end;
  const top = Math.max(0, ...frequencies);
  return top > 0 ? Math.min(end, roundUp(1.25 * top)) : end;
}

/** A colour at reduced opacity (#rrggbb → #rrggbbaa). */
function faded(color: string, alpha: number): string {
  return /^#[0-9a-f]{6}$/i.test(color) ? `${color}${Math.round(alpha * 255).toString(16).padStart(2, '0')}` : color;
}

type Row = (number | null)[];

/** Aligned uPlot data: the union of every field's frequencies (and the exact ones) up to `maxF`. */
function buildData(data: WaveMtfData, maxF: number): uPlot.AlignedData {
  const xs = new Set<number>();
  for (const m of data.fields) {
    // Up to the first sample beyond the range, so the lines run to the plot's edge.
    const last = m.frequencies.findIndex((f) => f >= maxF);
    const stop = last < 0 ? m.frequencies.length : last + 1;
    for (let k = 0; k < stop; k++) xs.add(m.frequencies[k]);
    for (const f of m.exact?.frequencies ?? []) if (f <= maxF) xs.add(f);
  }
  const x = [...xs].sort((a, b) => a - b);
  const at = new Map(x.map((v, i) => [v, i]));
  const lines: Row[] = [], limits: Row[] = [], marks: Row[] = [];
  const blank = () => new Array<number | null>(x.length).fill(null);
  for (const m of data.fields) {
    for (const axis of ['tangential', 'sagittal'] as const) {
      const curve = m[axis];
      const line = blank(), limit = blank(), mark = blank();
      const dl = axis === 'tangential' ? m.diffractionLimitTangential : m.diffractionLimitSagittal;
      m.frequencies.forEach((f, k) => {
        const i = at.get(f);
        if (i === undefined) return;
        if (curve) line[i] = curve[k];
        limit[i] = dl[k];
      });
      const ex = m.exact;
      ex?.frequencies.forEach((f, k) => {
        const i = at.get(f);
        const v = ex[axis][k];
        if (i === undefined || v === null) return;
        mark[i] = v;
        if (curve) line[i] = v; // the line passes through the exact value
      });
      lines.push(line);
      limits.push(limit);
      marks.push(mark);
    }
  }
  return [x, ...lines, ...limits, ...marks] as uPlot.AlignedData;
}

function options(fields: WaveMtfField[], maxF: number, width: number, height: number): uPlot.Options {
  const bg = cssVar('--panel', '#161a20');
  const series: uPlot.Series[] = [{}];
  for (const m of fields) {
    const c = fieldColor(m.fieldIndex);
    series.push({ label: `F${m.fieldIndex + 1} T`, stroke: c, width: 1.6, spanGaps: true, points: { show: false } });
    series.push({ label: `F${m.fieldIndex + 1} S`, stroke: c, width: 1.6, dash: [6, 4], spanGaps: true, points: { show: false } });
  }
  for (const m of fields) {
    // Each field's own limit (its pupil and cutoff), faded in its colour: long dashes.
    const c = faded(fieldColor(m.fieldIndex), 0.55);
    for (const a of ['T', 'S']) series.push({ label: `F${m.fieldIndex + 1} ${a} limit`, stroke: c, width: 1, dash: [12, 5], spanGaps: true, points: { show: false } });
  }
  for (const m of fields) {
    const c = fieldColor(m.fieldIndex);
    for (const a of ['T', 'S']) {
      series.push({ label: `F${m.fieldIndex + 1} ${a} exact`, stroke: c, paths: () => null, points: { show: true, size: 7, width: 1.5, stroke: c, fill: a === 'T' ? c : bg } });
    }
  }
  return {
    width,
    height,
    legend: { show: false },
    cursor: { points: { show: false }, drag: { x: false, y: false } },
    scales: { x: { time: false, range: [0, maxF] }, y: { range: [0, 1] } },
    axes: plotAxes('spatial frequency, cycles/mm', 'modulus of the OTF'),
    series,
  };
}

export function MtfPlot({ data, maxFrequency, frequencies, onDrawn }: { data: WaveMtfData; maxFrequency: number | 'cutoff' | null; frequencies: number[]; onDrawn?: () => void }) {
  const maxF = mtfRange(data, maxFrequency, frequencies);
  const aligned = useMemo(() => buildData(data, maxF), [data, maxF]);
  // Colours are read when the plot is made: a theme change makes it again.
  const theme = useTheme((s) => s.theme);
  const shapeKey = `${data.fields.map((f) => f.fieldIndex).join(',')}|${maxF}|${theme}`;
  return <UPlotBox options={(w, h) => options(data.fields, maxF, w, h)} data={aligned} shapeKey={shapeKey} onDrawn={onDrawn} />;
}

/** The exact MTF at the requested frequencies (refined pass), fields × T/S, and the limits. */
export function MtfTable({ data, labels }: { data: WaveMtfData; labels: string[] }) {
  const freqs = data.fields.find((m) => m.exact)?.exact?.frequencies;
  if (!freqs) return <div className="wave-table-note muted">Exact values at the requested frequencies come with the refined pass (when the lens is idle).</div>;
  return (
    <table className="wave-table" data-testid="mtf-table">
      <thead>
        <tr>
          <th>cycles/mm</th>
          {freqs.map((f) => (
            <th key={f}>{f}</th>
          ))}
        </tr>
      </thead>
      <tbody>
        {data.fields.flatMap((m) =>
          (['tangential', 'sagittal'] as const).map((axis) => (
            <tr key={`${m.fieldIndex}${axis}`}>
              <td>
                <span className="swatch" style={{ background: fieldColor(m.fieldIndex) }} />
                {labels[m.fieldIndex] ?? `F${m.fieldIndex + 1}`} {axis === 'tangential' ? 'T' : 'S'}
              </td>
              {freqs.map((f, k) => {
                const v = m.exact?.[axis][k] ?? null;
                return (
                  <td key={f} data-testid={`mtf-${m.fieldIndex}-${axis[0]}-${k}`} data-value={v === null ? 'null' : String(v)}>
                    {num(v, 3)}
                  </td>
                );
              })}
            </tr>
          )),
        )}
        <tr className="muted">
          <td>diffraction limit F1 T</td>
          {freqs.map((f, k) => (
            <td key={f}>{num(data.fields[0]?.exact?.diffractionLimitTangential[k], 3)}</td>
          ))}
        </tr>
      </tbody>
    </table>
  );
}
