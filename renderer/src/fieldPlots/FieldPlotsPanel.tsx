/**
 * The Field plots panel: field curvature (T and S) and f-tan distortion, lateral colour,
 * longitudinal aberration and chromatic focal shift of the current lens, every wavelength in its
 * colour, as OpticStudio's analyses of the same names. All of them at once, or one view at a time
 * (field curvature beside distortion, as OpticStudio's "Field Curvature and Distortion" window).
 * The numbers are the host's (engine/analysis/fieldPlots.ts), asked for only while this panel is
 * open (fieldPlotsStore.ts).
 */
import { useEffect, useMemo, useState } from 'react';
import { useStudio } from '../store.ts';
import { useTheme } from '../theme.ts';
import { wavelengthColor } from '../colors.ts';
import { Switch, num, useWavelengths } from '../wave/waveCommon.tsx';
import { useFieldPlots } from './fieldPlotsStore.ts';
import { plotCurves, summary, type FieldPlotId } from './fieldPlotData.ts';
import { FieldPlot } from './FieldPlot.tsx';
import './fieldPlots.css';

type View = 'all' | 'curvature' | 'lateral' | 'longitudinal' | 'chromatic';

const VIEWS: readonly (readonly [View, string])[] = [
  ['all', 'All'],
  ['curvature', 'Curvature + distortion'],
  ['lateral', 'Lateral colour'],
  ['longitudinal', 'Longitudinal'],
  ['chromatic', 'Chromatic focal shift'],
];

const SHOWN: Record<View, FieldPlotId[]> = {
  all: ['curvature', 'distortion', 'lateral', 'longitudinal', 'chromatic'],
  curvature: ['curvature', 'distortion'],
  lateral: ['lateral'],
  longitudinal: ['longitudinal'],
  chromatic: ['chromatic'],
};

function Legend({ view, airyUm }: { view: View; airyUm: number | null }) {
  const { values, primary } = useWavelengths();
  return (
    <div className="fp-legend" data-testid="field-plots-legend">
      {values.map((w, i) => (
        <span key={i}>
          <span className="swatch" style={{ background: wavelengthColor(w) }} />
          {w} µm{i === primary ? ' (primary)' : ''}
        </span>
      ))}
      {(view === 'all' || view === 'curvature') && <span className="muted">field curvature: T solid · S dashed</span>}
      {(view === 'all' || view === 'lateral') && airyUm !== null && (
        <span className="muted" data-testid="field-plots-airy" data-um={airyUm}>
          lateral colour: Airy radius ±{num(airyUm, 2)} µm dashed
        </span>
      )}
    </div>
  );
}

/**
 * The Airy radius 1.22 λ N_w at the primary wavelength, µm, as the host gives it with the on-axis
 * spot (OpticStudio draws it on the lateral colour plot); null until there is one.
 */
function useAiryUm(): number | null {
  return useStudio((s) => {
    const p = s.lens?.prescription.wavelengths.primaryIndex ?? 0;
    const r = s.analysis?.spots.find((sp) => sp.fieldIndex === 0 && sp.wavelengthIndex === p)?.airyRadius;
    return r !== undefined && Number.isFinite(r) ? r * 1000 : null;
  });
}

function Summary() {
  const plots = useFieldPlots((s) => s.plots);
  const { values, primary } = useWavelengths();
  if (!plots) return null;
  const s = summary(plots, values[primary]);
  return (
    <div className="fp-summary mono" data-testid="field-plots-summary">
      <span title="Largest |f-tan distortion| over the field, all wavelengths">
        max distortion <b data-testid="fp-max-distortion" data-value={String(s.maxDistortionPercent)}>{num(s.maxDistortionPercent, 4)}</b> %
      </span>
      <span title="Largest |lateral colour| over the field (against the primary wavelength's chief ray)">
        max lateral colour <b>{num(s.maxLateralColorUm, 3)}</b> µm
      </span>
      <span title="Range of the paraxial focus over the spectrum, as OpticStudio's 'maximum focal shift range'">
        focal shift range <b data-testid="fp-focal-shift-range">{num(s.focalShiftRangeUm, 2)}</b> µm
      </span>
      <span title="Tangential and sagittal focus at the largest field, primary wavelength, mm from the image plane">
        full field T / S <b>{num(s.fullFieldTS[0], 4)} / {num(s.fullFieldTS[1], 4)}</b> mm
      </span>
    </div>
  );
}

export function FieldPlotsPanel() {
  const [view, setView] = useState<View>('all');
  const plots = useFieldPlots((s) => s.plots);
  const revision = useFieldPlots((s) => s.revision);
  const error = useFieldPlots((s) => s.error);
  const lensRevision = useStudio((s) => s.lens?.revision ?? -1);
  const airyUm = useAiryUm();
  const airyMarks = useMemo(() => (airyUm === null ? [] : [-airyUm, airyUm]), [airyUm]);
  useTheme((s) => s.theme); // legend colours follow the theme
  useEffect(() => {
    useFieldPlots.getState().setVisible(true);
    return () => useFieldPlots.getState().setVisible(false);
  }, []);
  const curves = useMemo(() => (plots ? SHOWN[view].map((id) => plotCurves(plots, id)) : []), [plots, view]);
  const current = revision >= lensRevision;
  const cols = curves.length >= 3 ? 3 : curves.length;
  return (
    <div className="fp-panel" data-testid="field-plots-panel">
      <div className="fp-bar">
        <Switch value={view} options={VIEWS} onChange={setView} testId="field-plots-view" />
        <span className="spacer" />
        <span className={`wave-status ${current ? 'refined' : 'stale'}`} data-testid="field-plots-status" data-revision={revision}>
          {plots ? (current ? 'current' : 'updating…') : 'computing…'}
        </span>
      </div>
      <Legend view={view} airyUm={airyUm} />
      <div className="fp-grid" style={{ gridTemplateColumns: `repeat(${Math.max(1, cols)}, minmax(0, 1fr))` }} data-testid={`field-plots-${view}`}>
        {plots ? curves.map((c) => <FieldPlot key={c.id} plot={c} revision={revision} marks={c.id === 'lateral' ? airyMarks : undefined} />) : <div className="empty">{error ?? 'Computing the field plots…'}</div>}
        {plots && view === 'all' && <Summary />}
      </div>
      {plots && view !== 'all' && <Summary />}
      {error && plots && <div className="wave-notes"><div className="wave-error">{error}</div></div>}
    </div>
  );
}
