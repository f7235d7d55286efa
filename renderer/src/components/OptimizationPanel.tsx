/**
 * Optimization: the variables (the lens's V flags), the merit function in effect (the lens's saved
 * merit, else the starting merit: design/designStore.ts; edited in the merit editor), run / stop,
 * the run's status in words with the bounds it could not meet in red (design/RunStatus.tsx), the
 * live loss curve (uPlot, log scale) and the operand values as the host streams them. The layout, spots and fans follow the run on their own, since
 * the host pushes the lens as it changes.
 */
import { useEffect, useRef, useState } from 'react';
import uPlot from 'uplot';
import type { MeritSpec } from '../../../app/contract/studioApi.ts';
import { API_LIMITS } from '../../../app/contract/apiLimits.ts';
import { useStudio } from '../store.ts';
import { useElementSize } from './useCanvasSize.ts';
import { plotAxes } from './plotTheme.ts';
import { formatNumber } from '../format.ts';
import { useEffectiveMerit } from '../design/designStore.ts';
import { RunStatus } from '../design/RunStatus.tsx';
import { formatPercent, formatSig, formatSigTrim } from '../design/sigFormat.ts';
import { hasBounds } from '../design/meritModel.ts';

/** The merit in one line: "EFL = 50 · default merit (RMS spot, centroid, 3 × 6) with thickness bounds". */
function meritSummary(spec: MeritSpec): string {
  const ops = (spec.operands ?? []).map((o) => (o.type === 'EFL' ? `EFL ${o.kind === 'lower' ? '≥' : o.kind === 'upper' ? '≤' : '='} ${formatNumber(o.target ?? 0)}` : o.type));
  const shown = ops.length > 3 ? [...ops.slice(0, 3), `+${ops.length - 3} more`] : ops;
  const dm = spec.defaultMerit;
  const dmText = dm ? `default merit (RMS spot, ${dm.reference ?? 'centroid'}, ${dm.rings ?? 3} × ${dm.arms ?? 6})${hasBounds(dm) ? ' with thickness bounds' : ''}` : '';
  return [...shown, dmText].filter(Boolean).join(' · ');
}

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
  const opt = useStudio((s) => s.opt);
  const { spec, saved } = useEffectiveMerit();
  const [iterations, setIterations] = useState('50');
  const [method, setMethod] = useState<'dls' | 'adam'>('dls');
  const [busy, setBusy] = useState(false);
  const st = useStudio.getState;
  if (!lens) return <div className="empty">No lens open.</div>;
  const p = lens.prescription;
  const variables = p.surfaces.flatMap((s, i) => Object.entries(s.variables ?? {}).filter(([, on]) => on).map(([k]) => `S${i + 1} ${k}`));
  const canRun = !opt.running && !busy && variables.length > 0 && !!spec;

  /** Varies (or, with `on` false, fixes) every radius or thickness no solve sets, as one undo step each. */
  const setAll = (params: ('radius' | 'thickness')[], on: boolean) => {
    setBusy(true);
    void (async () => {
      for (const param of params) {
        const err = await st().edit({ op: 'varyAll', param, on });
        if (err) return st().notify('error', err);
      }
    })().finally(() => setBusy(false));
  };

  const run = () => {
    if (!spec) return;
    void st().startOptimization({
      method,
      maxIterations: Math.max(1, Math.min(API_LIMITS.optimize.maxIterations[1], Math.floor(Number(iterations)) || 50)),
      merit: spec,
    });
  };

  const last = opt.last;
  const violated = new Set(last?.phase === 'finished' || last?.phase === 'stopped' ? (last.violations ?? []).map((v) => v.name) : []);
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
          <button className="btn small" disabled={opt.running || busy} onClick={() => setAll(['radius', 'thickness'], false)}>
            Clear
          </button>
        </div>
        <b style={{ marginTop: 4 }}>Merit function</b>
        <div className="muted" style={{ fontSize: 11.5 }} data-testid="merit-summary">
          {spec ? meritSummary(spec) : '…'}
          <br />
          <span className={saved ? '' : 'mf-unsaved'}>{saved ? 'saved with the lens' : 'starting merit'}</span> · edit it in the Merit function tab
        </div>
        <div className="row">
          <span className="muted">Method</span>
          <select className="field-input" style={{ width: 150 }} value={method} onChange={(e) => setMethod(e.target.value as 'dls' | 'adam')} data-testid="opt-method">
            <option value="dls">Damped least squares</option>
            <option value="adam">Adam</option>
          </select>
        </div>
        <div className="row">
          <span className="muted">Max iterations</span>
          <input className="field-input" style={{ width: 60 }} value={iterations} onChange={(e) => setIterations(e.target.value)} data-testid="opt-iterations" />
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
        <RunStatus last={last} running={opt.running} />
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
                <tr key={i} className={violated.has(o.name) ? 'violated' : undefined}>
                  <td>{o.name}</td>
                  <td>{formatSigTrim(o.target, 10)}</td>
                  <td>{formatSig(o.value, 11)}</td>
                  <td>{formatSigTrim(o.weight, 7)}</td>
                  <td>{formatPercent(o.contribution)}</td>
                </tr>
              ))}
              {last && last.variables.length > 0 && (
                <tr>
                  <td colSpan={5} className="muted" style={{ textAlign: 'left' }}>
                    {last.variables.map((v) => `${v.name} = ${formatSig(v.value, 11)}`).join(' · ')}
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
