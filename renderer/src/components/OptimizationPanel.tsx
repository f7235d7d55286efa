/**
 * Optimization: the variables (the lens's V flags), the merit function (OpticStudio-style default
 * merit plus an EFL target), run / stop, the live loss curve (uPlot, log scale) and the operand
 * values as the host streams them. The layout, spots and fans follow the run on their own, since
 * the host pushes the lens as it changes.
 */
import { useEffect, useRef, useState } from 'react';
import uPlot from 'uplot';
import type { LensEdit } from '../../../app/contract/studioApi.ts';
import { API_LIMITS } from '../../../app/contract/apiLimits.ts';
import { useStudio } from '../store.ts';
import { useElementSize } from './useCanvasSize.ts';
import { plotAxes } from './plotTheme.ts';
import { fixed, formatNumber } from '../format.ts';

function LossCurve() {
  const history = useStudio((s) => s.opt.history);
  const host = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | null>(null);
  const size = useElementSize(host);

  useEffect(() => {
    const el = host.current;
    if (!el || size.width < 40 || size.height < 40) return;
    const p = new uPlot(
      {
        width: size.width,
        height: size.height,
        legend: { show: false },
        cursor: { points: { show: false }, drag: { x: false, y: false } },
        scales: { x: { time: false }, y: { distr: 3 } },
        axes: plotAxes('iteration', 'merit', { yLog: true }),
        series: [{}, { stroke: '#f0b429', width: 1.5, points: { show: true, size: 4, fill: '#f0b429' } }],
      },
      [[], []],
      el,
    );
    plot.current = p;
    return () => {
      p.destroy();
      plot.current = null;
    };
  }, [size.width, size.height]);

  useEffect(() => {
    const pos = history.filter((h) => h.merit > 0 && Number.isFinite(h.merit));
    plot.current?.setData([pos.map((h) => h.iteration), pos.map((h) => h.merit)]);
  }, [history, size.width, size.height]);

  return (
    <div
      className="loss-host"
      ref={host}
      data-testid="loss-curve"
      data-points={history.length}
      data-first-merit={history[0]?.merit ?? ''}
      data-last-merit={history[history.length - 1]?.merit ?? ''}
    >
      {history.length === 0 && <div className="empty" style={{ position: 'absolute', inset: 0 }}>Run an optimization to see the merit fall.</div>}
    </div>
  );
}

export function OptimizationPanel() {
  const lens = useStudio((s) => s.lens);
  // The EFL rounded to 6 digits (the default target): the panel re-renders only when it changes.
  const currentEfl = useStudio((s) => (s.analysis?.report ? Number(s.analysis.report.paraxial.efl.toPrecision(6)) : NaN));
  const opt = useStudio((s) => s.opt);
  const [useDefault, setUseDefault] = useState(true);
  const [useEfl, setUseEfl] = useState(true);
  const [useBounds, setUseBounds] = useState(true);
  const [eflTarget, setEflTarget] = useState<string>('');
  const [iterations, setIterations] = useState('50');
  const [method, setMethod] = useState<'dls' | 'adam'>('dls');
  const [busy, setBusy] = useState(false);
  const st = useStudio.getState;
  if (!lens) return <div className="empty">No lens open.</div>;
  const p = lens.prescription;
  const variables = p.surfaces.flatMap((s, i) => Object.entries(s.variables ?? {}).filter(([, on]) => on).map(([k]) => `S${i + 1} ${k}`));
  const efl = eflTarget === '' ? currentEfl : Number(eflTarget);
  const eflValid = Number.isFinite(efl) && efl !== 0;
  const canRun = !opt.running && !busy && variables.length > 0 && (useDefault || (useEfl && eflValid));

  /** Sets the flag of every radius (of a curved surface) or every thickness, as one undo step. */
  const setAll = (params: ('radius' | 'thickness')[], on: boolean) => {
    const changes = p.surfaces.flatMap((s, i) =>
      params
        .filter((param) => (param === 'radius' ? 'radius' in s && s.radius !== null : true))
        .filter((param) => !!s.variables?.[param] !== on)
        .map((param) => ({ index: i, param, on })),
    );
    if (!changes.length) return;
    setBusy(true);
    void st()
      .edit({ op: 'setVariables', changes })
      .then((err) => {
        if (err) st().notify('error', err);
      })
      .finally(() => setBusy(false));
  };

  const run = () => {
    const operands = useEfl && eflValid ? [{ type: 'EFL' as const, target: efl, weight: 1 }] : [];
    void st().startOptimization({
      method,
      maxIterations: Math.max(1, Math.min(API_LIMITS.optimize.maxIterations[1], Math.floor(Number(iterations)) || 50)),
      merit: {
        // OpticStudio-style boundaries keep elements physical: edges of glass ≥ 0.5 mm, air ≥ 0.1 mm.
        ...(useDefault && { defaultMerit: useBounds ? { glassEdgeMin: 0.5, airEdgeMin: 0.1, glassMin: 0.5, airMin: 0 } : {} }),
        ...(operands.length && { operands }),
      },
    });
  };

  const last = opt.last;
  return (
    <div className="opt" data-testid="optimization-panel">
      <div className="opt-side">
        <div className="row" style={{ justifyContent: 'space-between' }}>
          <b>Variables</b>
          <span className="badge" data-testid="variable-count">
            {variables.length}
          </span>
        </div>
        <div className="mono muted" style={{ fontSize: 11, maxHeight: 64, overflow: 'auto' }}>
          {variables.length ? variables.join(' · ') : 'None: click V in the lens data, or:'}
        </div>
        <div className="row">
          <button className="btn small" onClick={() => setAll(['radius'], true)} data-testid="vary-radii" disabled={opt.running || busy}>
            Vary radii
          </button>
          <button className="btn small" onClick={() => setAll(['thickness'], true)} disabled={opt.running || busy}>
            Vary thicknesses
          </button>
          <button
            className="btn small"
            disabled={opt.running || busy}
            onClick={() => setAll(['radius', 'thickness'], false)}
          >
            Clear
          </button>
        </div>
        <b style={{ marginTop: 4 }}>Merit function</b>
        <label className="row">
          <input type="checkbox" checked={useDefault} onChange={(e) => setUseDefault(e.target.checked)} /> Default: RMS spot, all fields × λ
        </label>
        <label className="row" title="Thickness boundaries: glass centre and edge ≥ 0.5 mm, air edge ≥ 0.1 mm">
          <input type="checkbox" checked={useBounds} disabled={!useDefault} onChange={(e) => setUseBounds(e.target.checked)} /> Edge / centre thickness bounds
        </label>
        <label className="row">
          <input type="checkbox" checked={useEfl} onChange={(e) => setUseEfl(e.target.checked)} /> EFL =
          <input
            className={`field-input${useEfl && !eflValid ? ' invalid' : ''}`}
            style={{ width: 80 }}
            value={eflTarget === '' && Number.isFinite(currentEfl) ? formatNumber(currentEfl) : eflTarget}
            onChange={(e) => setEflTarget(e.target.value)}
            data-testid="efl-target"
          />
          mm
        </label>
        <div className="row">
          <span className="muted">Method</span>
          <select className="field-input" value={method} onChange={(e) => setMethod(e.target.value as 'dls' | 'adam')}>
            <option value="dls">Damped least squares</option>
            <option value="adam">Adam</option>
          </select>
        </div>
        <div className="row">
          <span className="muted">Max iterations</span>
          <input className="field-input" style={{ width: 60 }} value={iterations} onChange={(e) => setIterations(e.target.value)} />
        </div>
        <div className="row">
          {opt.running ? (
            <button className="btn danger" onClick={() => void st().stopOptimization()} data-testid="stop-optimization">
              ■ Stop
            </button>
          ) : (
            <button className="btn primary" disabled={!canRun} onClick={run} data-testid="run-optimization">
              ▶ Optimize
            </button>
          )}
          <span className="muted" data-testid="opt-phase">
            {opt.phase ?? ''}
          </span>
        </div>
        {last && (
          <div className="mono" style={{ fontSize: 11 }} data-testid="opt-status">
            iter {last.iteration} · merit {last.merit.toExponential(4)}
            <br />
            <span className="muted">start {Number.isFinite(last.initialMerit) ? last.initialMerit.toExponential(4) : '—'}</span>
            {last.message && (
              <>
                <br />
                <span className="muted">{last.message}</span>
              </>
            )}
          </div>
        )}
      </div>
      <div className="opt-main">
        <LossCurve />
        <div className="ops-wrap">
          <table className="ops" data-testid="operands">
            <thead>
              <tr>
                <th>Operand</th>
                <th>Target</th>
                <th>Value</th>
                <th>Weight</th>
                <th>% merit</th>
              </tr>
            </thead>
            <tbody>
              {(last?.operands ?? []).slice(0, 60).map((o, i) => (
                <tr key={i}>
                  <td>{o.name}</td>
                  <td>{formatNumber(Number(o.target.toPrecision(6)))}</td>
                  <td>{formatNumber(Number(o.value.toPrecision(6)))}</td>
                  <td>{formatNumber(o.weight)}</td>
                  <td>{fixed(o.contribution * 100, 2)}</td>
                </tr>
              ))}
              {last && last.variables.length > 0 && (
                <tr>
                  <td colSpan={5} className="muted" style={{ textAlign: 'left' }}>
                    {last.variables.map((v) => `${v.name} = ${formatNumber(Number(v.value.toPrecision(7)))}`).join(' · ')}
                  </td>
                </tr>
              )}
            </tbody>
          </table>
        </div>
      </div>
    </div>
  );
}
