/**
 * End-to-end workspace: start / stop a run on the current lens or on a task preset (edof,
 * edof-wide: the three arms nominal, sequential, joint one after the other; dead-leaves scenes,
 * small steps and patches), the training loss and PSNR live, held-out PSNR against object distance
 * for each arm, the PSFs through depth, the PSF grid and held-out restorations (blurred / restored /
 * ground truth), and "Use trained lens" to move the joint lens into the editor. The run is in the
 * engine host (TensorFlow.js there), never on this thread.
 */
import { useEffect, useMemo, useState } from 'react';
import { useStudio } from '../store.ts';
import { useLab } from './labStore.ts';
import { LiveCurve, PreviewCanvas } from './labPlots.tsx';
import { PsfGridFigure } from './PsfGridFigure.tsx';

/** EMA weights offered for the loss and PSNR curves (TensorBoard's default is 0.6). */
const SMOOTHING = [0, 0.6, 0.8, 0.9, 0.95];

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
  const [task, setTask] = useState('');
  const [recon, setRecon] = useState('');
  const [smoothing, setSmoothing] = useState(0.6);
  const tasks = useLab((s) => s.tasks);
  const lab = useLab.getState;
  useEffect(() => void lab().loadTasks(), [lab]);
  const depthArms = (['nominal', 'sequential', 'joint', 'lens'] as const).filter((a) => run.perDepth[a]);
  const depthX = useMemo(() => run.depthsMm.map((_, i) => i + 1), [run.depthsMm]);
  const ARM_COLOR = { nominal: '#e5534b', sequential: '#4ea1ff', joint: '#57ab5a', lens: '#f0b429' } as const;
  const depthSeries = useMemo(
    () => [
      ...depthArms.map((a) => ({ label: a, color: ARM_COLOR[a], values: run.perDepth[a]!.map((d) => d.psnr) })),
      // each trained arm's lens with the Wiener filter of the true-depth PSF (a depth-aware linear bound)
      ...depthArms
        .filter((a) => run.wienerBounds[a])
        .map((a) => ({ label: `${a} (Wiener, z known)`, color: `${ARM_COLOR[a]}99`, dash: [5, 4], legend: false, values: run.wienerBounds[a]!.trueDepth })),
    ],
    [run.perDepth, run.wienerBounds],
  );
  const boundArms = depthArms.filter((a) => run.wienerBounds[a]);
  const avg = (v: number[]) => v.reduce((s, x) => s + x, 0) / v.length;
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
      ...(task ? { task } : {}),
      ...(recon ? { recon: recon as 'wiener' | 'unet' | 'wiener+unet' } : {}),
    });
  const depthLabel = (z: number | null) => (z === null ? '∞' : z >= 1000 ? `${Number((z / 1000).toPrecision(3))} m` : `${Math.round(z)} mm`);
  return (
    <div className="lab" data-testid="e2e-panel">
      <div className="lab-side">
        <fieldset className="lab-box">
          <legend>Joint lens + network run</legend>
          <label className="row">
            <span className="muted" style={{ width: 92 }}>Task</span>
            <select className="field-input" value={task} onChange={(e) => setTask(e.target.value)} data-testid="e2e-task">
              <option value="">current lens</option>
              {tasks.map((t) => (
                <option key={t.name} value={t.name} title={t.description}>
                  {t.name}
                </option>
              ))}
            </select>
          </label>
          <label className="row">
            <span className="muted" style={{ width: 92 }}>Reconstruction</span>
            <select className="field-input" value={recon} onChange={(e) => setRecon(e.target.value)} data-testid="e2e-recon">
              <option value="">{task ? "task's" : 'unet'}</option>
              <option value="wiener">wiener</option>
              <option value="unet">unet</option>
              <option value="wiener+unet">wiener+unet</option>
            </select>
          </label>
          <div className="mono" style={{ fontSize: 11 }}>
            {task ? (
              <>
                Task {task}: {tasks.find((t) => t.name === task)?.description ?? ''}
                <br />
                <span className="muted">arms (a) nominal, (b) sequential, (c) joint, each for the steps below · dead-leaves scenes</span>
              </>
            ) : (
              <>
                Lens: {lensName ?? '— (open a lens)'}
                <br />
                <span className="muted">varies curvatures + image distance · U-Net 2 levels, 8 filters · dead-leaves scenes</span>
              </>
            )}
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
              <button className="btn primary" disabled={!lensName && !task} onClick={start} data-testid="run-e2e">
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
            {run.arm && <span className="mono muted" data-testid="e2e-arm">{run.arm}</span>}
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
        {boundArms.length > 0 && (
          <fieldset className="lab-box">
            <legend>Held-out PSNR (dB)</legend>
            <table className="mono lab-table" data-testid="e2e-wiener-bounds">
              <thead>
                <tr>
                  <th>lens</th>
                  <th title="the trained reconstruction">trained</th>
                  <th title="the Wiener filter alone with the PSF averaged over the training distances (a depth-blind reconstruction), κ chosen on these patches">Wiener</th>
                  <th title="the Wiener filter alone with each patch's own PSF (the object distance known), κ chosen on these patches">z known</th>
                </tr>
              </thead>
              <tbody>
                {boundArms.map((a) => (
                  <tr key={a}>
                    <td>{a}</td>
                    <td>{avg(run.perDepth[a]!.map((d) => d.psnr)).toFixed(2)}</td>
                    <td>{avg(run.wienerBounds[a]!.depthAveraged).toFixed(2)}</td>
                    <td>{avg(run.wienerBounds[a]!.trueDepth).toFixed(2)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
            <div className="muted" style={{ fontSize: 10 }}>
              Wiener: the filter alone through each trained lens with the depth-averaged PSF (depth-blind); z known: with each patch&apos;s own PSF. κ chosen on these patches.
            </div>
          </fieldset>
        )}
      </div>
      <div className="lab-grid e2e-grid">
        <section className="panel lab-wide">
          <div className="panel-head">
            <h2>Training loss and PSNR</h2>
            <span className="mono muted">{run.history.length ? `${run.history.length} steps` : ''}</span>
            <label className="lab-smoothing muted" title="Exponential moving average over the raw values (debiased, as TensorBoard's smoothing)">
              smoothing
              <select className="field-input" value={smoothing} onChange={(e) => setSmoothing(Number(e.target.value))} data-testid="e2e-smoothing">
                {SMOOTHING.map((w) => (
                  <option key={w} value={w}>
                    {w === 0 ? 'off' : `EMA ${w}`}
                  </option>
                ))}
              </select>
            </label>
          </div>
          <div className="panel-body">
            <LiveCurve x={x} series={series} xLabel="step" yLabel="loss" y2Label="PSNR dB" smoothing={smoothing} testId="e2e-loss" empty="Start a run to see the loss and PSNR." />
          </div>
        </section>
        <section className="panel">
          <div className="panel-head">
            <h2>Held-out PSNR vs object distance</h2>
            <span className="mono muted">{run.depthsMm.length ? run.depthsMm.map(depthLabel).join(' · ') : ''}</span>
          </div>
          <div className="panel-body">
            <LiveCurve
              x={depthX}
              series={depthSeries}
              xTicks={run.depthsMm.map(depthLabel)}
              legendNote={boundArms.length ? 'dashed: Wiener, z known' : undefined}
              xLabel="object distance (far → near)"
              yLabel="PSNR dB"
              testId="e2e-depth-psnr"
              empty="Held-out PSNR per object distance appears with the images."
            />
          </div>
        </section>
        <section className="panel">
          <div className="panel-head">
            <h2>PSF through depth</h2>
            <span className="mono muted">far → near, per-PSF peak</span>
          </div>
          <div className="panel-body psf-depth-rows">
            {Object.keys(run.psfDepth).length ? (
              (['nominal', 'sequential', 'joint', 'lens'] as const)
                .filter((a) => run.psfDepth[a])
                .map((a) => (
                  <div key={a} className="row">
                    <span className="mono muted" style={{ width: 70 }}>{a === 'lens' ? 'lens' : a}</span>
                    <PreviewCanvas image={run.psfDepth[a]!} testId={`psf-depth-${a}`} className="psf-strip" />
                  </div>
                ))
            ) : (
              <div className="empty">The PSFs at the held-out object distances appear when a run starts.</div>
            )}
          </div>
        </section>
        <section className="panel">
          <div className="panel-head">
            <h2>PSF grid</h2>
            <span className="mono muted">{run.psfGrid ? `step ${run.imagesStep} · √ intensity, per-PSF peak` : ''}</span>
          </div>
          <div className="panel-body">
            {run.psfGrid ? <PsfGridFigure image={run.psfGrid} layout={run.psfGridLayout} /> : <div className="empty">The PSFs across the sensor appear when a run starts.</div>}
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
