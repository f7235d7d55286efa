/**
 * Deflectometry workspace: open a session folder chosen in the browser (sent to the host file by
 * file; the host never takes a path from the page), a recent one, or simulate one of the bundled rig;
 * look at the camera fringe images, the measured and modelled screen intersections, run the
 * self-calibration with a live loss curve (cancellable), see the per-pixel error map, and load the
 * fitted lens into the lens editor (one undo step).
 */
import { useEffect, useMemo, useRef, useState } from 'react';
import type { CalibrationOptionsApi, PreviewImage } from '../../../app/contract/studioApi.ts';
import { API_LIMITS } from '../../../app/contract/apiLimits.ts';
import { useStudio } from '../store.ts';
import { useLab } from './labStore.ts';
import { LiveCurve, PreviewCanvas } from './labPlots.tsx';
import { ScreenOverlay } from './ScreenOverlay.tsx';
import { ErrorMap } from './ErrorMap.tsx';

type Vary = NonNullable<CalibrationOptionsApi['vary']>[number];
const VARY: [Vary, string][] = [
  ['curvatures', 'Curvatures'],
  ['thickness', 'Thickness'],
  ['pose', 'Pose (x, y, z, tilts)'],
  ['screen-offset', 'Screen offset'],
];

function SessionBox() {
  const session = useLab((s) => s.session);
  const recent = useLab((s) => s.recentSessions);
  const busy = useLab((s) => s.busy);
  const running = useLab((s) => s.cal.running);
  const [binning, setBinning] = useState('16');
  const folderInput = useRef<HTMLInputElement>(null);
  const lab = useLab.getState;
  useEffect(() => {
    // The folder chooser: not in React's attribute list, so set on the element.
    folderInput.current?.setAttribute('webkitdirectory', '');
  }, []);
  const disabled = !!busy || running;
  return (
    <fieldset className="lab-box">
      <legend>Session</legend>
      <div className="row">
        <input
          className="field-input mono"
          style={{ flex: 1, minWidth: 0 }}
          placeholder="no session open"
          value={session?.dir ?? ''}
          readOnly
          title="The open session folder (on the studio host)"
          data-testid="session-path"
        />
        <button className="btn small" disabled={disabled} onClick={() => folderInput.current?.click()} data-testid="open-session" title="Choose a session folder (with session.json) to send to the studio">
          Open folder…
        </button>
        <input
          ref={folderInput}
          type="file"
          multiple
          style={{ display: 'none' }}
          data-testid="session-folder-input"
          onChange={(e) => {
            const files = Array.from(e.target.files ?? []);
            e.target.value = '';
            if (files.length) void lab().uploadSession(files);
          }}
        />
      </div>
      <div className="row">
        <button className="btn small" disabled={disabled} onClick={() => void lab().simulateSession(Number(binning))} data-testid="simulate-session">
          Simulate bundled rig
        </button>
        <select className="field-input" value={binning} onChange={(e) => setBinning(e.target.value)} title="Sensor binning of the 2048² cameras" data-testid="sim-binning">
          <option value="32">64² px (bin 32)</option>
          <option value="16">128² px (bin 16)</option>
          <option value="8">256² px (bin 8)</option>
        </select>
      </div>
      <div className="muted" style={{ fontSize: 11 }}>LE1234-A meniscus in the Wang et al. 2021 rig, 16-bit fringes with sensor noise.</div>
      {busy && <div className="lab-busy" data-testid="lab-busy">{busy}</div>}
      {recent.length > 0 && (
        <div className="lab-recent">
          <div className="muted">Recent</div>
          {recent.slice(0, 4).map((r) => (
            <button key={r} className="linklike mono" title={r} disabled={disabled} onClick={() => void lab().openSession(r)}>
              {r.length > 44 ? `…${r.slice(-43)}` : r}
            </button>
          ))}
        </div>
      )}
      {session && (
        <div className="kv mono lab-facts" data-testid="session-facts">
          <span className="k">cameras</span>
          <span className="v">{session.cameras.map((c) => `${c.name} ${c.width}×${c.height}`).join(', ')}</span>
          <span className="k">patterns</span>
          <span className="v">periods {session.periodsPx.join('/')} px × {session.steps} steps</span>
          <span className="k">decoded</span>
          <span className="v">{session.cameras.map((c) => `${c.pixels.length} px`).join(' · ')} ({session.decodeMs.toFixed(0)} ms)</span>
          <span className="k">nominal</span>
          <span className="v">{session.nominalLensName ?? '—'}</span>
        </div>
      )}
    </fieldset>
  );
}

function CalibrationBox() {
  const session = useLab((s) => s.session);
  const cal = useLab((s) => s.cal);
  const [vary, setVary] = useState<Vary[]>(['curvatures', 'thickness', 'pose', 'screen-offset']);
  const [start, setStart] = useState<'flat' | 'nominal'>('flat');
  const [iterations, setIterations] = useState('100');
  const lab = useLab.getState;
  const r = cal.result;
  const last = cal.last;
  return (
    <fieldset className="lab-box">
      <legend>Self-calibration</legend>
      {VARY.map(([k, label]) => (
        <label key={k} className="row">
          <input type="checkbox" checked={vary.includes(k)} disabled={cal.running} onChange={(e) => setVary(e.target.checked ? [...vary, k] : vary.filter((v) => v !== k))} /> {label}
        </label>
      ))}
      <div className="row">
        <span className="muted">Start</span>
        <select className="field-input" value={start} onChange={(e) => setStart(e.target.value as 'flat' | 'nominal')}>
          <option value="flat">flat surfaces</option>
          <option value="nominal">nominal lens</option>
        </select>
        <span className="muted">Max it.</span>
        <input className="field-input" style={{ width: 44 }} value={iterations} onChange={(e) => setIterations(e.target.value)} />
      </div>
      <div className="row">
        {cal.running ? (
          <button className="btn danger" onClick={() => void lab().stopCalibration()} data-testid="stop-calibration">
            ■ Stop
          </button>
        ) : (
          <button
            className="btn primary"
            disabled={!session || vary.length === 0}
            onClick={() => void lab().startCalibration({ vary, start, maxIterations: Math.max(1, Math.min(API_LIMITS.calibration.maxIterations[1], Math.floor(Number(iterations)) || 100)) })}
            data-testid="run-calibration"
          >
            ▶ Calibrate
          </button>
        )}
        <button className="btn" disabled={!r || cal.running} onClick={() => void lab().useFittedLens()} data-testid="use-fitted-lens">
          Use fitted lens
        </button>
      </div>
      {last && (
        <div className="mono" style={{ fontSize: 11 }} data-testid="calibration-status">
          {cal.phase} · round {last.round} · iter {last.iteration} · RMS {Number.isFinite(last.rmsUm) ? last.rmsUm.toFixed(3) : '—'} µm
          {last.message && <div className="muted">{last.message}</div>}
        </div>
      )}
      {r && (
        <table className="ops lab-vars" data-testid="fitted-variables">
          <thead>
            <tr>
              <th>Fit</th>
              <th>Start</th>
              <th>Fitted</th>
              {r.truth && <th>Truth</th>}
            </tr>
          </thead>
          <tbody>
            {r.prescription.surfaces.map((s, i) => (
              <tr key={`R${i}`}>
                <td>R{i + 1} mm</td>
                <td>{start === 'flat' ? '∞' : '—'}</td>
                <td>{'radius' in s && s.radius !== null ? s.radius.toFixed(4) : '∞'}</td>
                {r.truth && <td>{r.truth.radiiMm[i] === null || r.truth.radiiMm[i] === undefined ? '∞' : r.truth.radiiMm[i]!.toFixed(4)}</td>}
              </tr>
            ))}
            <tr>
              <td>CT mm</td>
              <td>{r.variables.find((v) => v.label === 't1')?.initial.toFixed(4) ?? '—'}</td>
              <td>{r.prescription.surfaces[0].thickness.toFixed(4)}</td>
              {r.truth && <td>{r.truth.thicknessMm.toFixed(4)}</td>}
            </tr>
            {r.variables
              .filter((v) => v.unit !== '1/mm' && v.label !== 't1')
              .map((v) => (
                <tr key={v.label}>
                  <td>
                    {v.label} {v.unit === 'deg' ? '°' : v.unit}
                  </td>
                  <td>{v.initial.toFixed(4)}</td>
                  <td>{v.value.toFixed(4)}</td>
                  {r.truth && <td />}
                </tr>
              ))}
          </tbody>
        </table>
      )}
    </fieldset>
  );
}

function CameraImages() {
  const session = useLab((s) => s.session);
  const api = useStudio((s) => s.api);
  const [cam, setCam] = useState(0);
  const [capture, setCapture] = useState<'lens' | 'reference'>('lens');
  const [frame, setFrame] = useState(0);
  const [image, setImage] = useState<(PreviewImage & { min: number; max: number }) | null>(null);
  useEffect(() => {
    if (!session || !api) return;
    let live = true;
    api
      .deflectometryImage(Math.min(cam, session.cameras.length - 1), capture, Math.min(frame, session.frames.length - 1))
      .then((im) => live && setImage(im))
      .catch((e) => useStudio.getState().notify('error', `Image: ${(e as Error).message}`));
    return () => {
      live = false;
    };
  }, [session, api, cam, capture, frame]);
  if (!session) return <div className="empty">Open or simulate a session to see its fringe images.</div>;
  return (
    <div className="lab-images">
      <div className="row lab-controls">
        <select className="field-input" value={cam} onChange={(e) => setCam(Number(e.target.value))} data-testid="image-camera">
          {session.cameras.map((c, i) => (
            <option key={c.name} value={i}>
              {c.name}
            </option>
          ))}
        </select>
        <select className="field-input" value={capture} onChange={(e) => setCapture(e.target.value as 'lens' | 'reference')}>
          <option value="lens">with lens</option>
          <option value="reference">reference (no lens)</option>
        </select>
        <input type="range" min={0} max={session.frames.length - 1} value={frame} onChange={(e) => setFrame(Number(e.target.value))} style={{ flex: 1 }} />
        <span className="mono muted" style={{ width: 86 }}>{session.frames[frame]}</span>
      </div>
      <PreviewCanvas image={image} testId="fringe-image" className="fringe" />
      <div className="mono muted lab-caption">{image ? `16-bit DN ${image.min}–${image.max}, shown ${image.width}×${image.height}` : ''}</div>
    </div>
  );
}

export function DeflectometryPanel() {
  const session = useLab((s) => s.session);
  const cal = useLab((s) => s.cal);
  const [overlayCam, setOverlayCam] = useState(0);
  const x = useMemo(() => cal.history.map((h) => h.k), [cal.history]);
  const series = useMemo(
    () => [
      { label: 'merit Σr² (mm²)', color: '#f0b429', values: cal.history.map((h) => h.merit) },
    ],
    [cal.history],
  );
  const camera = session?.cameras[overlayCam] ?? null;
  const result = cal.result?.cameras[overlayCam] ?? null;
  return (
    <div className="lab" data-testid="deflectometry-panel">
      <div className="lab-side">
        <SessionBox />
        <CalibrationBox />
      </div>
      <div className="lab-grid">
        <section className="panel">
          <div className="panel-head">
            <h2>Camera images</h2>
          </div>
          <div className="panel-body">
            <CameraImages />
          </div>
        </section>
        <section className="panel">
          <div className="panel-head">
            <h2>Screen intersections</h2>
            <div className="tabs">
              {session?.cameras.map((c, i) => (
                <button key={c.name} className={`tab${overlayCam === i ? ' active' : ''}`} onClick={() => setOverlayCam(i)}>
                  {c.name}
                </button>
              ))}
            </div>
          </div>
          <div className="panel-body">{session ? <ScreenOverlay camera={camera} result={result} /> : <div className="empty">No session.</div>}</div>
        </section>
        <section className="panel">
          <div className="panel-head">
            <h2>Calibration loss</h2>
            <span className="mono muted">{cal.history.length ? `${cal.history.length} evaluations` : ''}</span>
          </div>
          <div className="panel-body">
            <LiveCurve x={x} series={series} xLabel="iteration (all rounds)" yLabel="Σ r² (mm²)" yLog testId="calibration-loss" empty="Run the calibration to see the loss fall." />
          </div>
        </section>
        <section className="panel">
          <div className="panel-head">
            <h2>Reprojection error map</h2>
            {cal.result && <span className="mono muted">all cameras RMS {cal.result.lensRmsUm.toFixed(3)} µm</span>}
          </div>
          <div className="panel-body">
            {cal.result ? (
              <div className="errmaps">
                {cal.result.cameras.map((c) => (
                  <ErrorMap key={c.name} camera={c} />
                ))}
              </div>
            ) : (
              <div className="empty">The per-pixel error |measured − modelled| appears after a calibration.</div>
            )}
          </div>
        </section>
      </div>
    </div>
  );
}
