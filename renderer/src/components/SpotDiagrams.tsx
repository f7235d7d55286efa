/**
 * Spot diagrams, as OpticStudio's Standard and Through Focus spot diagrams:
 * - the matrix: fields in rows, wavelengths in columns (or one polychromatic column with every
 *   wavelength overlaid), RMS / GEO radii in µm under each spot, the reference (primary-wavelength
 *   chief ray) cross-hair, the Airy disk (1.22 λ N_w, computed by the engine) and the centroid (+);
 *   one scale for all spots (one scale bar) or one per field (a scale bar per row);
 * - on the "Spot diagrams" tab, a click on a spot shows it large with µm ticks and its numbers;
 * - through focus: every field on planes −2Δ … +2Δ about the image (engine-computed, Δ the
 *   Rayleigh step 2 λ N_w² unless the user gives one).
 * The canvas drawing is in spotDraw.ts; every number comes from the engine host.
 */
import { useEffect, useRef, useState } from 'react';
import { create } from 'zustand';
import type { AnalysisBundle, SpotData, ThroughFocusData } from '../../../app/contract/studioApi.ts';
import { useStudio } from '../store.ts';
import { useTheme } from '../theme.ts';
import { wavelengthColor } from '../colors.ts';
import { micrometres } from '../format.ts';
import { perfDrawn } from '../perf.ts';
import { useCanvasSize } from './useCanvasSize.ts';
import { drawSpotGrid, lengthLabel, niceCeil, type CellRect, type SpotCell, type SpotGrid } from './spotDraw.ts';

export { niceCeil };

interface SpotOptions {
  scale: 'common' | 'row';
  airy: boolean;
  centroid: boolean;
  poly: boolean;
  view: 'grid' | 'single' | 'focus';
  /** The spot shown large: field, and wavelength index (−1: polychromatic). */
  single: { field: number; wave: number };
  /** Through-focus step in µm as typed ('' = the Rayleigh default). */
  focusStepUm: string;
  set(patch: Partial<Omit<SpotOptions, 'set'>>): void;
}

/** The spot options live beyond the component: switching tabs keeps them. */
export const useSpotOptions = create<SpotOptions>()((set) => ({
  scale: 'common',
  airy: true,
  centroid: true,
  poly: false,
  view: 'grid',
  single: { field: 0, wave: 0 },
  focusStepUm: '',
  set: (patch) => set(patch),
}));

const geo = (s: SpotData) => (Number.isFinite(s.geoRadius) ? s.geoRadius : 0);
const airy = (s: SpotData) => (Number.isFinite(s.airyRadius) ? s.airyRadius : 0);

/** Box half-width (mm) for a set of spots: the largest geometric radius, or the Airy radius when shown and larger. */
function halfWidth(spots: SpotData[], withAiry: boolean): number {
  return niceCeil(Math.max(0, ...spots.map((s) => Math.max(geo(s), withAiry ? airy(s) : 0))) * 1.02);
}

function fieldRows(labels: string[], n: number) {
  return Array.from({ length: n }, (_, f) => {
    const [label, sub] = (labels[f] ?? `F${f + 1}`).split(' ');
    return { label, sub: sub ?? '' };
  });
}

function rmsRange(spots: SpotData[]): string {
  const r = spots.map((s) => s.rmsRadius).filter(Number.isFinite);
  if (!r.length) return '—';
  const lo = Math.min(...r), hi = Math.max(...r);
  return lo === hi ? micrometres(lo) : `${micrometres(lo)}–${micrometres(hi)}`;
}

/** The matrix or the single spot of an analysis bundle. */
function bundleGrid(a: AnalysisBundle, labels: string[], primary: number, o: SpotOptions, single: boolean): SpotGrid {
  const spots = a.spots;
  const nF = Math.max(0, ...spots.map((s) => s.fieldIndex + 1));
  const waves = [...new Map(spots.map((s) => [s.wavelengthIndex, s.wavelengthUm])).entries()].sort((x, y) => x[0] - y[0]);
  const cellOf = (group: SpotData[], halfMm: number): SpotCell => {
    const ref = group.find((s) => s.wavelengthIndex === primary) ?? group[0];
    return {
      spots: group,
      halfMm,
      airyMm: o.airy ? ref.airyRadius : undefined,
      showCentroid: o.centroid,
      caption: group.length === 1 ? `${micrometres(group[0].rmsRadius)} / ${micrometres(group[0].geoRadius)}` : `RMS ${rmsRange(group)}`,
    };
  };
  const groupsOf = (f: number) => (o.poly ? [spots.filter((s) => s.fieldIndex === f)] : waves.map(([w]) => spots.filter((s) => s.fieldIndex === f && s.wavelengthIndex === w)));
  const rows = fieldRows(labels, nF);
  if (single) {
    const f = Math.min(o.single.field, nF - 1);
    const group = o.single.wave < 0 || o.poly ? spots.filter((s) => s.fieldIndex === f) : spots.filter((s) => s.fieldIndex === f && s.wavelengthIndex === o.single.wave);
    if (!group.length) return { rows: [], cols: [], cells: [], footer: '' };
    const half = halfWidth(group, o.airy);
    const cell = cellOf(group, half);
    const s0 = group.length === 1 ? group[0] : (group.find((s) => s.wavelengthIndex === primary) ?? group[0]);
    cell.caption =
      group.length === 1
        ? `RMS ${micrometres(s0.rmsRadius)} µm · GEO ${micrometres(s0.geoRadius)} µm · Airy ${micrometres(s0.airyRadius)} µm · centroid (${micrometres(s0.centroid[0])}, ${micrometres(s0.centroid[1])}) µm`
        : `RMS ${rmsRange(group)} µm over λ · Airy (λ primary) ${micrometres(s0.airyRadius)} µm`;
    return {
      rows: [rows[f]],
      cols: [group.length === 1 ? { label: `${s0.wavelengthUm} µm`, color: wavelengthColor(s0.wavelengthUm) } : { label: 'polychromatic' }],
      cells: [[cell]],
      footer: 'µm from the primary-wavelength chief ray · circle: Airy disk · +: centroid',
      commonScaleMm: half,
      ticks: true,
    };
  }
  const all = halfWidth(spots, o.airy);
  const rowHalf = Array.from({ length: nF }, (_, f) => halfWidth(spots.filter((s) => s.fieldIndex === f), o.airy));
  return {
    rows: rows.map((r, f) => (o.scale === 'row' ? { ...r, scaleMm: rowHalf[f] } : r)),
    cols: o.poly ? [{ label: 'polychromatic' }] : waves.map(([, um]) => ({ label: `${um} µm`, color: wavelengthColor(um) })),
    cells: rows.map((_, f) => groupsOf(f).map((g) => (g.length ? cellOf(g, o.scale === 'row' ? rowHalf[f] : all) : null))),
    footer: o.poly ? 'RMS radius over λ, µm (chief-ray ref.)' : 'RMS / GEO radius, µm (chief-ray ref.)',
    commonScaleMm: o.scale === 'common' ? all : undefined,
  };
}

/** The through-focus grid: fields × focus planes, polychromatic or at the primary wavelength. */
function focusGrid(tf: ThroughFocusData, labels: string[], primary: number, o: SpotOptions): SpotGrid {
  const spots = tf.spots.filter((s) => o.poly || s.wavelengthIndex === primary);
  const nF = Math.max(0, ...spots.map((s) => s.fieldIndex + 1));
  const all = halfWidth(spots, o.airy);
  const rowHalf = Array.from({ length: nF }, (_, f) => halfWidth(spots.filter((s) => s.fieldIndex === f), o.airy));
  const rows = fieldRows(labels, nF);
  return {
    rows: rows.map((r, f) => (o.scale === 'row' ? { ...r, scaleMm: rowHalf[f] } : r)),
    cols: tf.defocusMm.map((d) => ({ label: d === 0 ? 'focus' : `${d > 0 ? '+' : '−'}${lengthLabel(Math.abs(d))}` })),
    cells: rows.map((_, f) =>
      tf.defocusMm.map((_, k) => {
        const group = spots.filter((s) => s.fieldIndex === f && s.focusIndex === k);
        if (!group.length) return null;
        const ref = group.find((s) => s.wavelengthIndex === primary) ?? group[0];
        return {
          spots: group,
          halfMm: o.scale === 'row' ? rowHalf[f] : all,
          airyMm: o.airy ? ref.airyRadius : undefined,
          showCentroid: o.centroid,
          caption: group.length === 1 ? micrometres(group[0].rmsRadius) : rmsRange(group),
        };
      }),
    ),
    footer: `RMS radius, µm · Δ = ${lengthLabel(tf.stepMm)} between planes${useSpotOptions.getState().focusStepUm === '' ? ' (Rayleigh 2λN²)' : ''}`,
    commonScaleMm: o.scale === 'common' ? all : undefined,
  };
}

function Toggle({ on, set, label, title, testId }: { on: boolean; set: (v: boolean) => void; label: string; title: string; testId: string }) {
  return (
    <button className={`btn tiny${on ? ' on' : ''}`} onClick={() => set(!on)} title={title} aria-pressed={on} data-testid={testId}>
      {label}
    </button>
  );
}

export function SpotDiagrams({ full = false }: { full?: boolean }) {
  const analysis = useStudio((s) => s.analysis);
  const api = useStudio((s) => s.api);
  const primary = useStudio((s) => s.lens?.prescription.wavelengths.primaryIndex ?? 0);
  const waveText = useStudio((s) => (s.lens?.prescription.wavelengths.valuesUm ?? []).join(','));
  // Labels as one string: a new lens snapshot with the same fields must not trigger a redraw.
  const labelText = useStudio((s) => {
    const f = s.lens?.prescription.fields;
    const unit = f?.type === 'angle' ? '°' : ' mm';
    return (f?.points ?? []).map((p, i) => `F${i + 1} ${+Math.hypot(p.x, p.y).toFixed(3)}${unit}`).join('\n');
  });
  const o = useSpotOptions();
  const theme = useTheme((t) => t.theme);
  const canvas = useRef<HTMLCanvasElement>(null);
  const rects = useRef<CellRect[]>([]);
  const size = useCanvasSize(canvas);
  const [tf, setTf] = useState<ThroughFocusData | null>(null);
  const [stepDraft, setStepDraft] = useState(o.focusStepUm);
  const view = full ? o.view : 'grid';

  // Through-focus spots: asked for when shown, after the analysis of each revision (edits first).
  useEffect(() => {
    if (view !== 'focus' || !api || !analysis) return;
    let live = true;
    const um = Number(o.focusStepUm);
    api
      .throughFocusSpots(o.focusStepUm !== '' && um > 0 ? { stepMm: um / 1000 } : {})
      .then((d) => live && setTf(d))
      .catch((e) => useStudio.getState().notify('error', `Through-focus spots: ${(e as Error).message}`));
    return () => {
      live = false;
    };
  }, [view, api, analysis?.revision, o.focusStepUm]);

  const grid: SpotGrid | null = !analysis
    ? null
    : view === 'focus'
      ? tf && tf.revision >= 0
        ? focusGrid(tf, labelText.split('\n'), primary, o)
        : null
      : bundleGrid(analysis, labelText.split('\n'), primary, o, view === 'single');

  useEffect(() => {
    const c = canvas.current;
    if (!c || !analysis || size.width === 0) return;
    rects.current = grid ? drawSpotGrid(c, grid) : [];
    perfDrawn('spots', analysis.revision);
    // grid is derived from these:
  }, [analysis, tf, size, labelText, o.scale, o.airy, o.centroid, o.poly, view, o.single.field, o.single.wave, theme, primary, waveText]);

  const onClick = (e: React.MouseEvent<HTMLCanvasElement>) => {
    if (!full || view !== 'grid') return;
    const r = e.currentTarget.getBoundingClientRect();
    const x = e.clientX - r.left, y = e.clientY - r.top;
    const hit = rects.current.find((c) => x >= c.x && x <= c.x + c.size && y >= c.y && y <= c.y + c.size);
    if (hit) o.set({ view: 'single', single: { field: hit.row, wave: o.poly ? -1 : hit.col } });
  };

  const waves = waveText ? waveText.split(',').map(Number) : [];
  return (
    <div
      className="plot-cell"
      data-testid="spots"
      data-revision={analysis?.revision ?? -1}
      data-view={view}
      data-poly={o.poly}
      data-scale={o.scale}
      data-common-scale-mm={grid?.commonScaleMm ?? ''}
      data-row-scales-mm={grid?.rows.map((r) => r.scaleMm ?? '').join(',') ?? ''}
      data-airy-mm={grid?.cells.flat().map((c) => c?.airyMm ?? '').join(',') ?? ''}
      data-focus-mm={view === 'focus' ? (tf?.defocusMm.join(',') ?? '') : ''}
    >
      <div className="plot-tools">
        {full && view !== 'single' && (
          <>
            <button className={`btn tiny${view === 'grid' ? ' on' : ''}`} onClick={() => o.set({ view: 'grid' })} data-testid="spots-view-grid" title="Spot diagram matrix: fields × wavelengths (click a spot to enlarge it)">
              Matrix
            </button>
            <button className={`btn tiny${view === 'focus' ? ' on' : ''}`} onClick={() => o.set({ view: 'focus' })} data-testid="spots-view-focus" title="Through-focus spot diagrams">
              Through focus
            </button>
          </>
        )}
        {view === 'single' && (
          <button className="btn tiny" onClick={() => o.set({ view: 'grid' })} data-testid="spots-back" title="Back to every spot">
            ◂ All spots
          </button>
        )}
        {view !== 'single' && (
          <button className="btn tiny" onClick={() => o.set({ scale: o.scale === 'common' ? 'row' : 'common' })} title="One scale for every spot, or one per field (a scale bar per row)" data-testid="spots-scale">
            {o.scale === 'common' ? '1 scale' : 'scale per field'}
          </button>
        )}
        <Toggle on={o.airy} set={(v) => o.set({ airy: v })} label="◯ Airy" title="Airy disk: circle of radius 1.22 λ N_w about the chief ray" testId="spots-airy" />
        <Toggle on={o.centroid} set={(v) => o.set({ centroid: v })} label="+ centroid" title="Centroid of each spot" testId="spots-centroid" />
        <Toggle on={o.poly} set={(v) => o.set({ poly: v })} label="poly" title="Polychromatic: every wavelength overlaid in one spot per field" testId="spots-poly" />
        {view === 'focus' && (
          <label className="row" style={{ gap: 3 }} title="Distance between focus planes, µm (empty: the Rayleigh half depth of focus 2 λ N_w²)">
            <span className="muted">Δ µm</span>
            <input
              className="field-input tiny-input"
              value={stepDraft}
              placeholder={tf ? String(+(tf.stepMm * 1000).toPrecision(3)) : 'auto'}
              onChange={(e) => setStepDraft(e.target.value)}
              onKeyDown={(e) => e.key === 'Enter' && o.set({ focusStepUm: Number(stepDraft) > 0 ? stepDraft.trim() : '' })}
              onBlur={() => o.set({ focusStepUm: Number(stepDraft) > 0 ? stepDraft.trim() : '' })}
              data-testid="focus-step"
            />
          </label>
        )}
      </div>
      {o.poly && (
        <div className="plot-legend" data-testid="spots-legend">
          {waves.map((w) => (
            <span key={w}>
              <span className="swatch" style={{ background: wavelengthColor(w) }} />
              {w} µm
            </span>
          ))}
        </div>
      )}
      <canvas ref={canvas} className="fill" aria-label="Spot diagrams" onClick={onClick} style={{ cursor: full && view === 'grid' ? 'zoom-in' : undefined }} />
    </div>
  );
}
