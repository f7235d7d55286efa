/**
 * The wave-optics panel: MTF, wavefront map, diffraction PSF, Zernike coefficients and
 * through-focus MTF of the current lens, one view at a time, with its settings. Everything shown
 * comes from the host's `analyzeWave` (waveStore.ts): a live preview while the lens changes, then
 * the refined pass (the command line's numbers) when it stays the same; the status chip says which.
 * Undersampled results are not drawn; the host's warning says why.
 */
import { useCallback, useEffect, useState } from 'react';
import type { WaveBundle } from '../../../app/contract/studioApi.ts';
import { useStudio } from '../store.ts';
import { useTheme } from '../theme.ts';
import { fieldColor } from '../colors.ts';
import { requestKey, useWave, type WaveView } from './waveStore.ts';
import { ChromaticSwitch, FieldPicker, Switch, WaveNotes, WavelengthPicker, num, passStatus, useFieldLabels } from './waveCommon.tsx';
import { MtfPlot, MtfTable } from './MtfPlot.tsx';
import { WavefrontMap } from './WavefrontMap.tsx';
import { PsfView } from './PsfView.tsx';
import { ZernikeChart } from './ZernikeChart.tsx';
import { ThroughFocusPlot } from './ThroughFocusPlot.tsx';
import { waveDrawn } from './wavePerf.ts';
import './wave.css';

const VIEWS: readonly (readonly [WaveView, string])[] = [
  ['mtf', 'MTF'],
  ['wavefront', 'Wavefront'],
  ['psf', 'PSF'],
  ['zernike', 'Zernike'],
  ['focus', 'Through focus'],
];

/** A number box committed on Enter or blur; empty gives null when `allowEmpty`. */
function NumberBox({ value, onCommit, placeholder, testId, width = 56, list = false }: { value: string; onCommit: (text: string) => string | null; placeholder?: string; testId: string; width?: number; list?: boolean }) {
  const [text, setText] = useState(value);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => setText(value), [value]);
  const commit = () => {
    if (text === value) return setError(null);
    setError(onCommit(text));
  };
  return (
    <input
      className={`field-input wave-input${error ? ' invalid' : ''}`}
      style={{ width }}
      value={text}
      placeholder={placeholder}
      title={error ?? undefined}
      inputMode={list ? 'text' : 'decimal'}
      onChange={(e) => setText(e.target.value)}
      onBlur={commit}
      onKeyDown={(e) => {
        if (e.key === 'Enter') commit();
        if (e.key === 'Escape') {
          setText(value);
          setError(null);
        }
      }}
      data-testid={testId}
    />
  );
}

function Controls({ view }: { view: WaveView }) {
  const s = useWave((st) => st.settings);
  const set = useWave((st) => st.set);
  switch (view) {
    case 'mtf':
      return (
        <>
          <ChromaticSwitch setting="mtfPolychromatic" testId="mtf-chromatic" />
          <label className="wave-ctl" title="Largest frequency drawn: a number, 'cutoff', or empty for 1.25 × the largest exact frequency">
            to
            <NumberBox
              value={s.mtfMaxFrequency === null ? '' : String(s.mtfMaxFrequency)}
              placeholder="auto"
              testId="mtf-max"
              onCommit={(t) => {
                const v = t.trim().toLowerCase();
                if (v === '') return set({ mtfMaxFrequency: null }), null;
                if (v === 'cutoff' || v === 'c') return set({ mtfMaxFrequency: 'cutoff' }), null;
                const f = Number(v);
                if (!(f > 0 && f <= 10000)) return "a frequency > 0 (cycles/mm), 'cutoff', or empty";
                set({ mtfMaxFrequency: f });
                return null;
              }}
            />
            c/mm
          </label>
          <label className="wave-ctl" title="Frequencies of the exact values (table and markers), as the command line's --frequencies">
            exact at
            <NumberBox
              list
              width={150}
              value={s.frequencies.join(', ')}
              testId="mtf-frequencies"
              onCommit={(t) => {
                const v = t.split(/[\s,;]+/).filter(Boolean).map(Number);
                if (!v.length || v.length > 16 || v.some((f) => !(f >= 0 && f <= 10000))) return '1 to 16 frequencies ≥ 0, cycles/mm';
                set({ frequencies: v });
                return null;
              }}
            />
          </label>
        </>
      );
    case 'wavefront':
      return (
        <>
          <FieldPicker />
          <WavelengthPicker />
        </>
      );
    case 'psf':
      return (
        <>
          <FieldPicker />
          <ChromaticSwitch setting="psfPolychromatic" testId="psf-chromatic" />
          <Switch
            value={s.psfLog ? 'log' : 'linear'}
            options={[
              ['linear', 'Linear'],
              ['log', 'Log'],
            ]}
            onChange={(k) => set({ psfLog: k === 'log' })}
            testId="psf-scale"
          />
        </>
      );
    case 'zernike':
      return (
        <>
          <FieldPicker />
          <WavelengthPicker />
          <Switch
            value={s.basis}
            options={[
              ['fringe', 'Fringe'],
              ['standard', 'Standard'],
            ]}
            onChange={(basis) => set({ basis })}
            testId="zernike-basis"
          />
        </>
      );
    case 'focus':
      return (
        <>
          <label className="wave-ctl">
            at
            <NumberBox
              value={String(s.focusFrequency)}
              testId="focus-frequency"
              onCommit={(t) => {
                const v = Number(t);
                if (!(v > 0 && v <= 10000)) return 'a frequency > 0, cycles/mm';
                set({ focusFrequency: v });
                return null;
              }}
            />
            c/mm
          </label>
          <ChromaticSwitch setting="focusPolychromatic" testId="focus-chromatic" />
          <label className="wave-ctl">
            ±
            <NumberBox
              value={s.focusHalfRangeMm === null ? '' : String(s.focusHalfRangeMm)}
              placeholder="auto"
              testId="focus-range"
              onCommit={(t) => {
                if (t.trim() === '') return set({ focusHalfRangeMm: null }), null;
                const v = Number(t);
                if (!(v > 0 && v <= 100)) return 'a half range > 0 and ≤ 100 mm';
                set({ focusHalfRangeMm: v });
                return null;
              }}
            />
            mm
          </label>
        </>
      );
  }
}

/** Field swatches with the line styles of the plots. */
function LineLegend({ labels, exact }: { labels: string[]; exact: boolean }) {
  return (
    <div className="wave-summary">
      {labels.map((l, i) => (
        <span key={l}>
          <span className="swatch" style={{ background: fieldColor(i) }} />
          {l}
        </span>
      ))}
      <span className="muted">T solid · S dashed · diffraction limit long dashes{exact ? ' · ● T ○ S exact values' : ''}</span>
    </div>
  );
}

function Summary({ view, bundle }: { view: WaveView; bundle: WaveBundle }) {
  const labels = useFieldLabels();
  if (view === 'mtf' || view === 'focus') {
    return <LineLegend labels={labels} exact={view === 'mtf' && !!bundle.mtf?.fields.some((m) => m.exact)} />;
  }
  if (view === 'wavefront' && bundle.wavefront) {
    const w = bundle.wavefront;
    return (
      <div className="wave-summary mono" data-testid="wavefront-summary">
        <span>
          {labels[w.fieldIndex]} · {w.wavelengthUm} µm
        </span>
        <span>
          P-V <b data-testid="wavefront-pv" data-value={String(w.pvWaves)}>{num(w.pvWaves, 4)}</b> λ{w.pvRefined ? '' : ' (sampled)'}
        </span>
        <span>
          RMS <b data-testid="wavefront-rms" data-value={String(w.rmsWaves)}>{num(w.rmsWaves, 4)}</b> λ
        </span>
        <span className="muted">RMS tilt removed {num(w.rmsPistonTiltWaves, 4)} λ</span>
        {w.transmittedFraction < 0.999 && <span className="muted">transmitted {(100 * w.transmittedFraction).toFixed(1)} %</span>}
      </div>
    );
  }
  if (view === 'psf' && bundle.psf) {
    const p = bundle.psf;
    return (
      <div className="wave-summary mono" data-testid="psf-summary">
        <span>
          {labels[p.fieldIndex]} · {p.wavelengthsUm.join(', ')} µm
        </span>
        {!p.polychromatic && (
          <span>
            Strehl <b data-testid="psf-strehl" data-value={String(p.strehl)}>{p.strehl === null ? (bundle.quality === 'live' ? '…' : '—') : num(p.strehl, 4)}</b>
          </span>
        )}
        <span>peak {num(p.peak, 4)}</span>
        <span>
          EE r50 / r80 <b data-testid="psf-ee">{num(p.r50Um, 2)} / {num(p.r80Um, 2)}</b> µm
        </span>
        <span className="muted">
          {p.undersampled
            ? `undersampled: OPD step ${num(p.maxPhaseStepWaves, 3)} waves between pupil samples at ${p.pupilSamples}`
            : `pixel ${num(p.pixelUm, 3)} µm · ${p.gridSize}² FFT · ${p.pupilSamples} pupil samples · dashed ring 0.61λ/NA`}
        </span>
      </div>
    );
  }
  if (view === 'zernike' && bundle.zernike) {
    const z = bundle.zernike;
    return (
      <div className="wave-summary mono">
        <span>
          {labels[z.fieldIndex]} · {z.wavelengthUm} µm · {z.basis === 'fringe' ? 'Fringe (unit peak)' : 'Standard / Noll (unit RMS)'}
        </span>
        <span className="muted">
          fit on {z.quadrature[0]} × {z.quadrature[1]} quadrature · residual RMS {num(z.residualRmsWaves, 5)} λ
        </span>
      </div>
    );
  }
  return null;
}

function Body({ view, bundle, onDrawn }: { view: WaveView; bundle: WaveBundle; onDrawn: () => void }) {
  const s = useWave((st) => st.settings);
  const labels = useFieldLabels();
  if (view === 'mtf' && bundle.mtf) {
    return (
      <div className="wave-stack">
        <div className="wave-plot">
          <MtfPlot data={bundle.mtf} maxFrequency={s.mtfMaxFrequency} frequencies={s.frequencies} onDrawn={onDrawn} />
        </div>
        <MtfTable data={bundle.mtf} labels={labels} />
      </div>
    );
  }
  if (view === 'wavefront' && bundle.wavefront) return <WavefrontMap data={bundle.wavefront} onDrawn={onDrawn} />;
  if (view === 'psf' && bundle.psf) return bundle.psf.data ? <PsfView data={bundle.psf} log={s.psfLog} onDrawn={onDrawn} /> : <div className="empty">The PSF is undersampled: see the note below.</div>;
  if (view === 'zernike' && bundle.zernike) return <ZernikeChart data={bundle.zernike} onDrawn={onDrawn} />;
  if (view === 'focus' && bundle.throughFocus) return <ThroughFocusPlot data={bundle.throughFocus} onDrawn={onDrawn} />;
  return <div className="empty">{bundle.errors.length ? 'Not computable for this lens: see below.' : 'No result.'}</div>;
}

export function WavePanel() {
  const view = useWave((s) => s.view);
  const setView = useWave((s) => s.setView);
  const result = useWave((s) => s.results[s.view]);
  const pending = useWave((s) => s.pending);
  const error = useWave((s) => s.error);
  const revision = useStudio((s) => s.analysis?.revision ?? -1);
  const key = useWave((s) => requestKey(s.view, s.settings));
  useTheme((s) => s.theme); // field colours of the legend and table follow the theme
  useEffect(() => {
    useWave.getState().setVisible(true);
    return () => useWave.getState().setVisible(false);
  }, []);
  const bundle = result?.bundle;
  const current = !!bundle && result.key === key && bundle.revision >= revision;
  const status = passStatus(bundle, current, pending);
  const onDrawn = useCallback(() => {
    if (bundle) waveDrawn(view, bundle.revision, bundle.quality);
  }, [bundle, view]);
  return (
    <div className="wave-panel" data-testid="wave-panel">
      <div className="wave-bar">
        <Switch value={view} options={VIEWS} onChange={setView} testId="wave-view" />
        <Controls view={view} />
      </div>
      <div className="wave-summary-row">
        {bundle ? <Summary view={view} bundle={bundle} /> : <div className="wave-summary" />}
        <span className={`wave-status ${status.kind}`} data-testid="wave-status" title="live: quick preview while the lens changes; refined: the command line's sampling">
          {status.text}
        </span>
      </div>
      <div className="wave-body" data-testid={`wave-body-${view}`} data-revision={bundle?.revision ?? -1} data-quality={bundle?.quality ?? ''}>
        {bundle ? <Body view={view} bundle={bundle} onDrawn={onDrawn} /> : <div className="empty">Computing…</div>}
      </div>
      {error && <div className="wave-notes"><div className="wave-error">{error}</div></div>}
      <WaveNotes bundle={bundle} />
    </div>
  );
}
