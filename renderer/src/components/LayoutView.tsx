/**
 * The layout panel: the three.js scene (3D solids or the y–z section) with ray fans per field, a
 * field legend and a scale bar (a round length in mm; in 3D it holds at the orbit centre on the
 * axis). Without WebGL (a machine with no GPU and no software GL), it falls back to drawing the
 * section on a 2D canvas, so the studio still shows the lens. Follows the colour theme.
 */
import { useEffect, useRef, useState } from 'react';
import { useStudio } from '../store.ts';
import { fieldColor, fieldColors } from '../colors.ts';
import { useTheme, cssVar } from '../theme.ts';
import { niceCeil } from './SpotDiagrams.tsx';
import { LayoutScene, type LayoutMode } from '../three/layoutScene.ts';
import { drawSectionCanvas } from '../three/sectionCanvas.ts';
import { perfDrawn } from '../perf.ts';
import { useElementSize } from './useCanvasSize.ts';

export function LayoutView() {
  const analysis = useStudio((s) => s.analysis);
  const fields = useStudio((s) => s.lens?.prescription.fields);
  const host = useRef<HTMLDivElement>(null);
  const fallback = useRef<HTMLCanvasElement>(null);
  const scene = useRef<LayoutScene | null>(null);
  const fileName = useStudio((s) => s.lens?.fileName);
  const lensRevision = useStudio((s) => s.lens?.revision ?? 0);
  const fittedFor = useRef<string | undefined>(undefined);
  const [mode, setMode] = useState<LayoutMode>('3d');
  const [webgl, setWebgl] = useState(true);
  const [pxPerMm, setPxPerMm] = useState(0);
  const theme = useTheme((t) => t.theme);
  const size = useElementSize(host);

  useEffect(() => {
    const el = host.current;
    if (!el) return;
    if (new URLSearchParams(location.search).get('webgl') === '0') {
      setWebgl(false);
      return;
    }
    try {
      scene.current = new LayoutScene(el);
      let pending = false;
      scene.current.onCameraChange = () => {
        if (pending) return;
        pending = true;
        requestAnimationFrame(() => {
          pending = false;
          if (scene.current) setPxPerMm(scene.current.pixelsPerMm());
        });
      };
    } catch {
      setWebgl(false);
      return;
    }
    return () => {
      scene.current?.dispose();
      scene.current = null;
    };
  }, []);

  useEffect(() => {
    scene.current?.setSize(size.width, size.height);
  }, [size.width, size.height]);

  useEffect(() => {
    scene.current?.setMode(mode);
    if (scene.current) setPxPerMm(scene.current.pixelsPerMm());
  }, [mode]);

  useEffect(() => {
    scene.current?.setTheme(theme, cssVar('--panel', theme === 'light' ? '#ffffff' : '#161a20'));
  }, [theme]);

  useEffect(() => {
    if (!analysis?.layout) return;
    const s = scene.current;
    const revision = analysis.revision;
    if (s) {
      // Refit the camera for a newly opened lens, not for edits of this one.
      const refit = fittedFor.current !== fileName && revision >= lensRevision;
      if (refit) fittedFor.current = fileName;
      s.setData(analysis.layout, fieldColors(), refit);
      // Draw now (not at the next frame) so the frame after this one shows the new rays.
      s.renderNow();
      perfDrawn('layout', revision);
      if (refit) setPxPerMm(s.pixelsPerMm());
    } else if (fallback.current) {
      setPxPerMm(drawSectionCanvas(fallback.current, analysis.layout, fieldColors()));
      perfDrawn('layout', revision);
    }
  }, [analysis, webgl, size.width, size.height, theme]);

  useEffect(() => {
    if (scene.current) setPxPerMm(scene.current.pixelsPerMm());
  }, [size.width, size.height]);

  const unit = fields?.type === 'angle' ? '°' : ' mm';
  return (
    <>
      <div className="panel-head">
        <h2>Layout</h2>
        <div className="tabs" style={{ marginLeft: 8 }}>
          <button className={`tab${mode === '3d' ? ' active' : ''}`} onClick={() => setMode('3d')} disabled={!webgl} data-testid="layout-3d">
            3D
          </button>
          <button className={`tab${mode === 'section' ? ' active' : ''}`} onClick={() => setMode('section')} data-testid="layout-section">
            Section y–z
          </button>
        </div>
        <span className="spacer" />
        <span className="muted">{webgl ? (mode === '3d' ? 'drag: orbit · right-drag: pan · wheel: zoom' : 'right-drag: pan · wheel: zoom') : 'no WebGL: 2D section'}</span>
        <button className="btn small" onClick={() => scene.current?.fit()} disabled={!webgl}>
          Fit
        </button>
      </div>
      <div className="panel-body" data-testid="layout" data-revision={analysis?.revision ?? -1}>
        <div ref={host} className="layout-host" style={{ display: webgl ? 'block' : 'none' }} />
        {!webgl && <canvas ref={fallback} className="fill" style={{ position: 'absolute', inset: 0 }} />}
        <ScaleBar pxPerMm={pxPerMm} perspective={webgl && mode === '3d'} />
        <div className="overlay-legend">
          {(fields?.points ?? []).map((f, i) => (
            <div key={i}>
              <span className="swatch" style={{ background: fieldColor(i) }} />
              F{i + 1} {+Math.hypot(f.x, f.y).toFixed(3)}
              {unit}
            </div>
          ))}
        </div>
      </div>
    </>
  );
}

/** A bar of a round length (1, 2 or 5 × 10ⁿ mm) about 60–150 px long. */
function ScaleBar({ pxPerMm, perspective }: { pxPerMm: number; perspective: boolean }) {
  if (!(pxPerMm > 0) || !Number.isFinite(pxPerMm)) return null;
  const mm = niceCeil(60 / pxPerMm);
  const px = mm * pxPerMm;
  const label = mm >= 1 ? `${+mm.toPrecision(3)} mm` : `${+(mm * 1000).toPrecision(3)} µm`;
  return (
    <div className="scale-bar" data-testid="layout-scale-bar" data-mm={mm} title={perspective ? 'Length at the orbit centre on the optical axis (perspective view)' : 'Length in the y–z section'}>
      <div className="bar" style={{ width: px }} />
      <span>
        {label}
        {perspective ? ' at axis' : ''}
      </span>
    </div>
  );
}
