/**
 * End-to-end workspace: start / stop a joint lens + U-Net run on the current lens (dead-leaves
 * scenes, small steps and patches), the training loss and PSNR live, the current PSF grid, and
 * held-out restorations (blurred / restored / ground truth) as training goes. The run is in the
 * engine host (TensorFlow.js there), never on this thread.
 */
import { useMemo, useState } from 'react';
import { useStudio } from '../store.ts';
import { useLab } from './labStore.ts';
import { LiveCurve, PreviewCanvas } from './labPlots.tsx';

function NumberField(props: { label: string; value: string; set: (v: string) => void; testId?: string; width?: number }) {
  return (
    <label className="row">
      <span className="muted" style={{ width: 92 }}>{props.label}</span>
      <input className="field-input" style={{ width: props.width ?? 56 }} value={props.value} onChange={(e) => props.set(e.target.value)} data-testid={props.testId} />
    </label>
  );
}

export function E2ePanel() {
  const run = useLab((s) => s.e2e);
  const lensName = useStudio((s) => s.lens?.prescription.name ?? null);
  const [steps, setSteps] = useState('40');
  const [batch, setBatch] = useState('2');
  const [patch, setPatch] = useState('32');
  const [imagesEvery, setImagesEvery] = useState('5');
  const lab = useLab.getState;
  const x = useMemo(() => run.history.map((h) => h.step), [run.history]);
  const series = useMemo(
    () => [
      { label: 'loss (L1 + 0.1·(1−SSIM))', color: '#f0b429', values: run.history.map((h) => h.loss) },
      { label: 'PSNR (dB)', color: '#4ea1ff', values: run.history.map((h) => h.psnr), right: true },
    ],
    [run.history],
  );
  const last = run.last;
  const start = () =>
    void lab().startE2e({
      steps: Math.max(1, Number(steps) || 40),
      batch: Math.max(1, Number(batch) || 2),
      patch: Math.max(16, Number(patch) || 32),
      imagesEvery: Math.max(1, Number(imagesEvery) || 5),
    });
  return (
    <div className="lab" data-testid="e2e-panel">
      <div className="lab-side">
        <fieldset className="lab-box">
          <legend>Joint lens + network run</legend>
          <div className="mono" style={{ fontSize: 11 }}>
            Lens: {lensName ?? '— (open a lens)'}
            <br />
            <span className="muted">varies curvatures + image distance · U-Net 2 levels, 8 filters · dead-leaves scenes</span>
          </div>
          <NumberField label="Steps" value={steps} set={setSteps} testId="e2e-steps" />
          <NumberField label="Batch" value={batch} set={setBatch} />
          <NumberField label="Patch (px)" value={patch} set={setPatch} />
          <NumberField label="Images every" value={imagesEvery} set={setImagesEvery} />
          <div className="row">
            {run.running ? (
              <button className="btn danger" onClick={() => void lab().stopE2e()} data-testid="stop-e2e">
                ■ Stop
              </button>
            ) : (
              <button className="btn primary" disabled={!lensName} onClick={start} data-testid="run-e2e">
                ▶ Train
              </button>
            )}
            <button
              className="btn"
              disabled={run.running || (run.phase !== 'finished' && run.phase !== 'stopped')}
              onClick={() => void lab().useTrainedLens()}
              title="Load the trained lens into the lens editor as a new untitled lens (one undo step)"
              data-testid="use-trained-lens"
            >
              Use trained lens
            </button>
            <span className="muted" data-testid="e2e-phase">{run.phase ?? ''}</span>
          </div>
          {run.backend && <div className="mono muted" style={{ fontSize: 10 }} data-testid="e2e-backend">{run.backend}</div>}
          {last && (
            <div className="kv mono lab-facts" data-testid="e2e-status">
              <span className="k">step</span>
              <span className="v">
                {last.step} / {last.totalSteps} {last.trainingPhase ? `(${last.trainingPhase})` : ''}
              </span>
              <span className="k">loss</span>
              <span className="v">{Number.isFinite(last.loss) ? last.loss.toFixed(4) : '—'}</span>
              <span className="k">PSNR</span>
              <span className="v">{Number.isFinite(last.psnr) ? `${last.psnr.toFixed(2)} dB` : '—'}</span>
              <span className="k">EFL</span>
              <span className="v">{last.efl.toFixed(4)} mm</span>
              {last.lens.map((v) => (
                <span key={v.label} style={{ display: 'contents' }}>
                  <span className="k">{v.label}</span>
                  <span className="v">{v.value.toPrecision(7)}</span>
                </span>
              ))}
            </div>
          )}
          {last?.message && <div className="muted mono" style={{ fontSize: 11 }}>{last.message}</div>}
        </fieldset>
      </div>
      <div className="lab-grid">
        <section className="panel lab-wide">
          <div className="panel-head">
            <h2>Training loss and PSNR</h2>
            <span className="mono muted">{run.history.length ? `${run.history.length} steps` : ''}</span>
          </div>
          <div className="panel-body">
            <LiveCurve x={x} series={series} xLabel="step" yLabel="loss" y2Label="PSNR dB" testId="e2e-loss" empty="Start a run to see the loss and PSNR." />
          </div>
        </section>
        <section className="panel">
          <div className="panel-head">
            <h2>PSF grid</h2>
            <span className="mono muted">{run.psfGrid ? `step ${run.imagesStep} · √ intensity, per-PSF peak` : ''}</span>
          </div>
          <div className="panel-body lab-center">
            {run.psfGrid ? <PreviewCanvas image={run.psfGrid} testId="psf-grid" className="psf" /> : <div className="empty">The PSFs across the sensor appear when a run starts.</div>}
          </div>
        </section>
        <section className="panel">
          <div className="panel-head">
            <h2>Held-out restorations</h2>
            <span className="mono muted">{run.examples ? `step ${run.imagesStep}` : ''}</span>
          </div>
          <div className="panel-body">
            {run.examples ? (
              <table className="restorations" data-testid="restorations">
                <thead>
                  <tr>
                    <th>blurred (sensor)</th>
                    <th>restored</th>
                    <th>ground truth</th>
                  </tr>
                </thead>
                <tbody>
                  {run.examples.map((ex, i) => (
                    <tr key={i}>
                      <td>
                        <PreviewCanvas image={ex.blurred} testId={`example-blurred-${i}`} />
                        <div className="mono muted">{ex.blurredPsnr.toFixed(2)} dB</div>
                      </td>
                      <td>
                        <PreviewCanvas image={ex.restored} testId={`example-restored-${i}`} />
                        <div className="mono muted">{ex.psnr.toFixed(2)} dB</div>
                      </td>
                      <td>
                        <PreviewCanvas image={ex.truth} testId={`example-truth-${i}`} />
                        <div className="mono muted">&nbsp;</div>
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            ) : (
              <div className="empty">Restorations of held-out dead-leaves patches appear as training goes.</div>
            )}
          </div>
        </section>
      </div>
    </div>
  );
}
