/** The studio window: toolbar, first-order strip, editor and analyses, status bar. */
import { useEffect, useState } from 'react';
import { useStudio } from './store.ts';
import { Toolbar } from './components/Toolbar.tsx';
import { Readouts } from './components/Readouts.tsx';
import { NoticeBar } from './components/NoticeBar.tsx';
import { StatusBar } from './components/StatusBar.tsx';
import { LensEditor } from './components/LensEditor.tsx';
import { SystemSettings } from './components/SystemSettings.tsx';
import { FirstOrderPanel } from './components/FirstOrderPanel.tsx';
import { OptimizationPanel } from './components/OptimizationPanel.tsx';
import { LayoutView } from './components/LayoutView.tsx';
import { SpotDiagrams } from './components/SpotDiagrams.tsx';
import { RayFans } from './components/RayFans.tsx';
import { WavePanel } from './wave/WavePanel.tsx';
import { LibraryDialog } from './components/LibraryDialog.tsx';
import { DeflectometryPanel } from './lab/DeflectometryPanel.tsx';
import { E2ePanel } from './lab/E2ePanel.tsx';
import { TolerancePanel } from './lab/TolerancePanel.tsx';
import { useTolerance } from './lab/toleranceStore.ts';
import { useLab } from './lab/labStore.ts';
import './lab/lab.css';

type LeftTab = 'optimize' | 'system' | 'firstOrder' | 'wave';
type RightTab = 'spots' | 'fans' | 'both';
type Workspace = 'design' | 'deflectometry' | 'e2e' | 'tolerance';

export function App() {
  const [leftTab, setLeftTab] = useState<LeftTab>('optimize');
  const [rightTab, setRightTab] = useState<RightTab>('both');
  const [workspace, setWorkspace] = useState<Workspace>('design');
  const api = useStudio((s) => s.api);
  const labRunning = useLab((s) => (s.cal.running ? 'deflectometry' : s.e2e.running ? 'e2e' : null));
  const tolRunning = useTolerance((s) => s.run.running || s.robust.running);
  useEffect(() => {
    if (api) useLab.getState().attach(api);
    if (api) useTolerance.getState().attach(api);
  }, [api]);
  const libraryOpen = useStudio((s) => s.libraryOpen);
  // A string, not the snapshot: App must not re-render (and with it everything) on every edit.
  const title = useStudio((s) => (s.lens ? `${s.lens.dirty ? '• ' : ''}${s.lens.fileName} — Lens Studio` : 'Lens Studio'));

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      const mod = e.ctrlKey || e.metaKey;
      if (!mod) return;
      const k = e.key.toLowerCase();
      const inInput = (e.target as HTMLElement)?.tagName === 'INPUT';
      if (k === 'z' && !e.shiftKey && !inInput) {
        e.preventDefault();
        void useStudio.getState().undo();
      } else if ((k === 'y' || (k === 'z' && e.shiftKey)) && !inInput) {
        e.preventDefault();
        void useStudio.getState().redo();
      } else if (k === 's') {
        e.preventDefault();
        void useStudio.getState().save();
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);

  useEffect(() => {
    document.title = title;
  }, [title]);

  return (
    <div className="app">
      <Toolbar />
      <div>
        <Readouts />
        <NoticeBar />
        <nav className="workspaces">
        {(
          [
            ['design', 'Lens design'],
            ['deflectometry', 'Deflectometry'],
            ['e2e', 'End-to-end'],
            ['tolerance', 'Tolerancing'],
          ] as const
        ).map(([k, label]) => (
          <button key={k} className={`tab${workspace === k ? ' active' : ''}`} onClick={() => setWorkspace(k)} data-testid={`workspace-${k}`}>
            {label}
            {(labRunning === k || (k === 'tolerance' && tolRunning)) && <span className="run-dot" title="running" />}
          </button>
        ))}
        </nav>
      </div>
      {workspace === 'deflectometry' && <DeflectometryPanel />}
      {workspace === 'e2e' && <E2ePanel />}
      {workspace === 'tolerance' && <TolerancePanel />}
      <div className="main" style={workspace === 'design' ? undefined : { display: 'none' }}>
        <section className="panel" data-testid="lens-editor-panel">
          <div className="panel-head">
            <h2>Lens data</h2>
          </div>
          <div className="panel-body">
            <LensEditor />
          </div>
        </section>
        <section className="panel">
          <LayoutView />
        </section>
        <section className="panel">
          <div className="panel-head">
            <div className="tabs">
              {(
                [
                  ['optimize', 'Optimization'],
                  ['system', 'System'],
                  ['firstOrder', 'First-order'],
                  ['wave', 'Wave optics'],
                ] as const
              ).map(([k, label]) => (
                <button key={k} className={`tab${leftTab === k ? ' active' : ''}`} onClick={() => setLeftTab(k)} data-testid={`tab-${k}`}>
                  {label}
                </button>
              ))}
            </div>
          </div>
          <div className="panel-body">
            {leftTab === 'optimize' && <OptimizationPanel />}
            {leftTab === 'system' && <SystemSettings />}
            {leftTab === 'firstOrder' && <FirstOrderPanel />}
            {leftTab === 'wave' && <WavePanel />}
          </div>
        </section>
        <section className="panel">
          <div className="panel-head">
            <div className="tabs">
              {(
                [
                  ['both', 'Spots + fans'],
                  ['spots', 'Spot diagrams'],
                  ['fans', 'Ray fans'],
                ] as const
              ).map(([k, label]) => (
                <button key={k} className={`tab${rightTab === k ? ' active' : ''}`} onClick={() => setRightTab(k)}>
                  {label}
                </button>
              ))}
            </div>
          </div>
          <div className="panel-body" style={{ display: 'grid', gridTemplateColumns: rightTab === 'both' ? '1fr 1fr' : '1fr', gap: 1, background: 'var(--line)' }}>
            {rightTab !== 'fans' && <SpotDiagrams />}
            {rightTab !== 'spots' && <RayFans />}
          </div>
        </section>
      </div>
      <StatusBar />
      {libraryOpen && <LibraryDialog />}
    </div>
  );
}
