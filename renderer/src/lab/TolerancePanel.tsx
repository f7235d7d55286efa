/**
 * Tolerancing workspace: the tolerance table of the current lens (its own, or the defaults; limits
 * editable), the sensitivity table sorted by impact with bars, the Monte Carlo histogram and
 * cumulative distribution filling in live, "open worst trial", and robust design with the
 * nominal-vs-robust comparison. The analyses run in the engine host (engine/tolerance/).
 */
import { useEffect, useMemo, useState } from 'react';
import { useStudio } from '../store.ts';
import { useTolerance } from './toleranceStore.ts';
import { CdfPlot, HistogramPlot } from './tolerancePlots.tsx';

const um = (mm: number | null | undefined, digits = 3) => (mm === null || mm === undefined || !Number.isFinite(mm) ? '—' : (mm * 1000).toFixed(digits));

function Field(props: { label: string; value: string; set: (v: string) => void; testId?: string }) {
  return (
    <label className="row">
      <span className="muted" style={{ width: 92 }}>{props.label}</span>
      <input className="field-input" style={{ width: 64 }} value={props.value} onChange={(e) => props.set(e.target.value)} data-testid={props.testId} />
    </label>
  );
}

export function TolerancePanel() {
  const { spec, run, robust } = useTolerance();
  const t = useTolerance.getState;
  const lensName = useStudio((s) => s.lens?.prescription.name ?? null);
  const lensFile = useStudio((s) => s.lens?.fileName ?? null);
  const [trials, setTrials] = useState('200');
  const [seed, setSeed] = useState('1');
  const [samples, setSamples] = useState('8');
  const [iterations, setIterations] = useState('10');
  const [robustTrials, setRobustTrials] = useState('100');
  // A new lens file brings its own tolerances (or the defaults); edits of the same file keep the table.
  useEffect(() => {
    if (lensFile) void t().loadSpec('lens');
  }, [lensFile, t]);

  const valuesUm = useMemo(() => run.values.map((v) => v * 1000), [run.values]);
  const markers = useMemo(() => {
    const m: { x: number; label: string }[] = [];
    if (run.nominal !== null) m.push({ x: run.nominal * 1000, label: 'nominal' });
    if (run.statistics) m.push({ x: run.statistics.p90 * 1000, label: '90%' });
    return m;
  }, [run.nominal, run.statistics]);
  const sens = run.sensitivity;
  const nominal = run.nominal ?? 0;
  const degradation = (i: number) => (sens ? Math.max(sens.rows[i].criterionMinus - nominal, sens.rows[i].criterionPlus - nominal, 0) : 0);
  const maxDeg = sens ? Math.max(1e-30, ...sens.worstFirst.map(degradation)) : 1;
  const st = run.statistics;
  const cmp = robust.comparison;
  const lastObjective = robust.history.length ? robust.history[robust.history.length - 1].objective : NaN;

  return (
    <div className="lab" data-testid="tolerance-panel">
      <div className="lab-side">
        <fieldset className="lab-box">
          <legend>Tolerances</legend>
          <div className="row">
            <button className="btn" disabled={!lensName} onClick={() => void t().loadSpec('defaults')} data-testid="tolerance-defaults">
              Defaults
            </button>
            <button className="btn" disabled={!lensName} onClick={() => void t().loadSpec('lens')}>
              From lens
            </button>
            <span className="muted mono">{spec ? `${spec.operands.length} operands` : ''}</span>
          </div>
          <div className="tol-table-wrap">
            <table className="tol-table mono" data-testid="tolerance-table">
              <thead>
                <tr>
                  <th>type</th>
                  <th>surf</th>
                  <th>± limit</th>
                </tr>
              </thead>
              <tbody>
                {spec?.operands.map((o, i) => (
                  <tr key={i}>
                    <td>{o.type}</td>
                    <td>{o.lastSurface !== undefined ? `${o.surface + 1}–${o.lastSurface + 1}` : o.surface + 1}</td>
                    <td>
                      <input
                        className="field-input"
                        style={{ width: 70 }}
                        defaultValue={String(Math.max(Math.abs(o.min), Math.abs(o.max)))}
                        onBlur={(e) => t().setLimit(i, Number(e.target.value))}
                        data-testid={`tolerance-limit-${i}`}
                      />
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </fieldset>
        <fieldset className="lab-box">
          <legend>Monte Carlo</legend>
          <Field label="Trials" value={trials} set={setTrials} testId="tolerance-trials" />
          <Field label="Seed" value={seed} set={setSeed} />
          <div className="row">
            {run.running ? (
              <button className="btn danger" onClick={() => void t().stop()} data-testid="stop-tolerance">
                ■ Stop
              </button>
            ) : (
              <button className="btn primary" disabled={!spec} onClick={() => void t().start(Math.max(0, Number(trials) || 0), Math.max(0, Number(seed) || 0))} data-testid="run-tolerance">
                ▶ Analyse
              </button>
            )}
            <button className="btn" disabled={!run.hasWorst || run.running} onClick={() => void t().openWorst()} data-testid="open-worst">
              Open worst trial
            </button>
          </div>
          <div className="muted mono" data-testid="tolerance-phase">
            {run.phase ? `${run.phase} ${run.values.length}/${run.total}` : ''}
          </div>
          {run.nominal !== null && (
            <div className="kv mono lab-facts" data-testid="tolerance-stats">
              <span className="k">nominal</span>
              <span className="v">{um(run.nominal)} µm (as designed {um(run.nominalAsDesigned)})</span>
              <span className="k">compensators</span>
              <span className="v">{run.compensators.join(', ') || 'none'}</span>
              {st && (
                <>
                  <span className="k">mean ± σ</span>
                  <span className="v">
                    {um(st.mean)} ± {um(st.std)} µm
                  </span>
                  <span className="k">10/50/90/98 %</span>
                  <span className="v" data-testid="tolerance-p90" data-p90={st.p90}>
                    {um(st.p10, 2)} / {um(st.p50, 2)} / {um(st.p90, 2)} / {um(st.p98, 2)} µm
                  </span>
                  <span className="k">yield</span>
                  <span className="v">{st.yield === null ? '—' : `${(100 * st.yield).toFixed(1)} % ≤ ${um(st.threshold)} µm`}</span>
                </>
              )}
            </div>
          )}
        </fieldset>
        <fieldset className="lab-box">
          <legend>Robust design (curvatures)</legend>
          <Field label="Samples" value={samples} set={setSamples} testId="robust-samples" />
          <Field label="Iterations" value={iterations} set={setIterations} testId="robust-iterations" />
          <Field label="MC trials" value={robustTrials} set={setRobustTrials} testId="robust-trials" />
          <div className="row">
            {robust.running ? (
              <button className="btn danger" onClick={() => void t().stopRobust()} data-testid="stop-robust">
                ■ Stop
              </button>
            ) : (
              <button
                className="btn primary"
                disabled={!spec}
                onClick={() => void t().startRobust({ samples: Math.max(1, Number(samples) || 8), iterations: Math.max(1, Number(iterations) || 10), monteCarlo: Math.max(1, Number(robustTrials) || 100) })}
                data-testid="run-robust"
              >
                ▶ Robust design
              </button>
            )}
            <button className="btn" disabled={!cmp || robust.running} onClick={() => void t().useRobust()} data-testid="use-robust">
              Use design
            </button>
          </div>
          <div className="muted mono" data-testid="robust-phase">
            {robust.phase ? `${robust.phase}${robust.history.length ? ` · iteration ${robust.history[robust.history.length - 1].iteration} · objective ${um(lastObjective)} µm` : ''}` : ''}
          </div>
          {cmp && (
            <table className="tol-table mono" data-testid="robust-comparison">
              <thead>
                <tr>
                  <th>µm</th>
                  <th>nominal</th>
                  <th>robust</th>
                </tr>
              </thead>
              <tbody>
                {(['nominal', 'mean', 'p50', 'p90', 'p98'] as const).map((k) => (
                  <tr key={k}>
                    <td>{k === 'nominal' ? 'nominal' : k === 'mean' ? 'MC mean' : `${k.slice(1)}% ≤`}</td>
                    <td>{um(cmp.nominal[k])}</td>
                    <td data-testid={`robust-${k}`}>{um(cmp.robust[k])}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </fieldset>
      </div>
      <div className="lab-grid">
        <section className="panel lab-wide">
          <div className="panel-head">
            <h2>Sensitivity (worst first)</h2>
            <span className="mono muted">{sens ? `RSS change ${um(sens.rssChange)} µm → estimated ${um(sens.estimatedCriterion)} µm · exact ${sens.exactMs.toFixed(0)} ms, linear ${sens.linearMs.toFixed(0)} ms` : ''}</span>
          </div>
          <div className="panel-body tol-sens-wrap">
            {sens ? (
              <table className="tol-table mono" data-testid="sensitivity-table">
                <thead>
                  <tr>
                    <th>operand</th>
                    <th>min</th>
                    <th>criterion µm</th>
                    <th>max</th>
                    <th>criterion µm</th>
                    <th>linear µm</th>
                    <th>impact</th>
                  </tr>
                </thead>
                <tbody>
                  {sens.worstFirst.map((i) => {
                    const r = sens.rows[i];
                    return (
                      <tr key={i} data-testid="sensitivity-row">
                        <td>{r.label}</td>
                        <td>{r.limitMinus.toPrecision(3)}</td>
                        <td>{um(r.criterionMinus)}</td>
                        <td>{r.limitPlus.toPrecision(3)}</td>
                        <td>{um(r.criterionPlus)}</td>
                        <td>
                          {um(r.linearMinus)} / {um(r.linearPlus)}
                        </td>
                        <td style={{ width: 120 }}>
                          <div className="tol-bar" style={{ width: `${(100 * degradation(i)) / maxDeg}%` }} />
                        </td>
                      </tr>
                    );
                  })}
                </tbody>
              </table>
            ) : (
              <div className="empty">Analyse to see each tolerance's effect on the RMS spot, compensated.</div>
            )}
          </div>
        </section>
        <section className="panel">
          <div className="panel-head">
            <h2>Monte Carlo histogram</h2>
            <span className="mono muted">{run.values.length ? `${run.values.length} trials` : ''}</span>
          </div>
          <div className="panel-body">
            <HistogramPlot values={valuesUm} markers={markers} xLabel="RMS spot radius µm" testId="tolerance-histogram" />
          </div>
        </section>
        <section className="panel">
          <div className="panel-head">
            <h2>Cumulative probability</h2>
          </div>
          <div className="panel-body">
            <CdfPlot values={valuesUm} markers={markers} xLabel="RMS spot radius µm" testId="tolerance-cdf" />
          </div>
        </section>
      </div>
    </div>
  );
}
