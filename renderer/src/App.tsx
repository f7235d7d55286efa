/**
 * The studio window: toolbar, first-order strip, editor and analyses, status bar. The four design
 * panels sit in resizable groups (react-resizable-panels): drag a splitter, or focus it and use
 * the arrow keys; sizes are remembered in localStorage across reloads, as the theme is.
 */
import { useEffect, useState } from 'react';
import { Group, Panel, Separator, useDefaultLayout } from 'react-resizable-panels';
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
import { GlassMap } from './components/GlassMap.tsx';
import { WavePanel } from './wave/WavePanel.tsx';
import { FieldPlotsPanel } from './fieldPlots/FieldPlotsPanel.tsx';
import { MeritEditor } from './design/MeritEditor.tsx';
import { VariablesPanel } from './design/VariablesPanel.tsx';
import { LibraryDialog } from './components/LibraryDialog.tsx';
import { OpenGuard } from './components/OpenGuard.tsx';
import { DeflectometryPanel } from './lab/DeflectometryPanel.tsx';
import { E2ePanel } from './lab/E2ePanel.tsx';
import { TolerancePanel } from './lab/TolerancePanel.tsx';
import { useTolerance } from './lab/toleranceStore.ts';
import { useLab } from './lab/labStore.ts';
import './lab/lab.css';
import './components/panels.css';

/** The tools pane's tabs (key, label), in order. */
const LEFT_TABS = [
  ['optimize', 'Optimize'],
  ['merit', 'Merit'],
  ['variables', 'Variables'],
  ['system', 'System'],
  ['firstOrder', 'First-order'],
  ['glassMap', 'Glass map'],
  ['wave', 'Wave optics'],
  ['fieldPlots', 'Field plots'],
] as const;
/** The plots pane's tabs (key, label), in order. */
const RIGHT_TABS = [
  ['both', 'Spots + fans'],
  ['spots', 'Spot diagrams'],
  ['fans', 'Ray fans'],
] as const;
type LeftTab = (typeof LEFT_TABS)[number][0];
type RightTab = (typeof RIGHT_TABS)[number][0];
type Workspace = 'design' | 'deflectometry' | 'e2e' | 'tolerance';

/** A panel group whose sizes persist in localStorage under `id`. */
function SavedGroup({ id, orientation, children }: { id: string; orientation: 'horizontal' | 'vertical'; children: React.ReactNode }) {
  const saved = useDefaultLayout({ id: `lens-studio.${id}`, storage: localStorage });
  return (
    <Group id={id} orientation={orientation} defaultLayout={saved.defaultLayout} onLayoutChanged={saved.onLayoutChanged} className="split-group">
      {children}
    </Group>
  );
}

function Splitter({ id, orientation }: { id: string; orientation: 'horizontal' | 'vertical' }) {
  return <Separator id={id} className={`splitter ${orientation}`} data-testid={`splitter-${id}`} />;
}

/** Keys of the whole window: undo / redo (not while a text is being edited) and save. */
function useGlobalKeys() {
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      const mod = e.ctrlKey || e.metaKey;
      if (!mod) return;
      const k = e.key.toLowerCase();
      const t = e.target as HTMLElement | null;
      // A text being typed keeps the browser's own undo; a selected spreadsheet cell does not.
      const typing = !!t && (t.tagName === 'TEXTAREA' || (t.tagName === 'INPUT' && t.dataset.editing !== 'false'));
      if (k === 'z' && !e.shiftKey && !typing) {
        e.preventDefault();
        void useStudio.getState().undo();
      } else if ((k === 'y' || (k === 'z' && e.shiftKey)) && !typing) {
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
}

function TabBar<K extends string>({ tabs, active, set, prefix }: { tabs: readonly (readonly [K, string])[]; active: K; set: (k: K) => void; prefix: string }) {
  return (
    <div className="tabs">
      {tabs.map(([k, label]) => (
        <button key={k} className={`tab${active === k ? ' active' : ''}`} onClick={() => set(k)} data-testid={`${prefix}${k}`}>
          {label}
        </button>
      ))}
    </div>
  );
}

/** A panel whose head is a tab bar (test ids `tab-<key>`); the body holds the active tab's content. */
function TabbedPanel<K extends string>(props: {
  tabs: readonly (readonly [K, string])[];
  active: K;
  set: (k: K) => void;
  bodyClassName?: string;
  bodyStyle?: React.CSSProperties;
  children: React.ReactNode;
}) {
  return (
    <section className="panel">
      <div className="panel-head">
        <TabBar tabs={props.tabs} active={props.active} set={props.set} prefix="tab-" />
      </div>
      <div className={props.bodyClassName ?? 'panel-body'} style={props.bodyStyle}>
        {props.children}
      </div>
    </section>
  );
}

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
  useGlobalKeys();

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
        <SavedGroup id="group-columns" orientation="horizontal">
          <Panel id="pane-left" defaultSize="46" minSize={320}>
            <SavedGroup id="group-left-rows" orientation="vertical">
              <Panel id="pane-editor" defaultSize="50" minSize={90}>
                <section className="panel" data-testid="lens-editor-panel">
                  <div className="panel-head">
                    <h2>Lens data</h2>
                  </div>
                  <div className="panel-body">
                    <LensEditor />
                  </div>
                </section>
              </Panel>
              <Splitter id="left-rows" orientation="vertical" />
              <Panel id="pane-tools" defaultSize="50" minSize={90}>
                <TabbedPanel tabs={LEFT_TABS} active={leftTab} set={setLeftTab}>
                  {leftTab === 'optimize' && <OptimizationPanel />}
                  {leftTab === 'merit' && <MeritEditor />}
                  {leftTab === 'variables' && <VariablesPanel />}
                  {leftTab === 'system' && <SystemSettings />}
                  {leftTab === 'firstOrder' && <FirstOrderPanel />}
                  {leftTab === 'glassMap' && <GlassMap />}
                  {leftTab === 'wave' && <WavePanel />}
                  {leftTab === 'fieldPlots' && <FieldPlotsPanel />}
                </TabbedPanel>
              </Panel>
            </SavedGroup>
          </Panel>
          <Splitter id="columns" orientation="horizontal" />
          <Panel id="pane-right" minSize={320}>
            <SavedGroup id="group-right-rows" orientation="vertical">
              <Panel id="pane-layout" defaultSize="50" minSize={90}>
                <section className="panel">
                  <LayoutView />
                </section>
              </Panel>
              <Splitter id="right-rows" orientation="vertical" />
              <Panel id="pane-plots" defaultSize="50" minSize={90}>
                <TabbedPanel
                  tabs={RIGHT_TABS}
                  active={rightTab}
                  set={setRightTab}
                  bodyClassName="panel-body plots-body"
                  bodyStyle={{ gridTemplateColumns: rightTab === 'both' ? 'minmax(0, 1fr) minmax(0, 1fr)' : 'minmax(0, 1fr)', gridTemplateRows: 'minmax(0, 1fr)' }}
                >
                  {rightTab !== 'fans' && <SpotDiagrams full={rightTab === 'spots'} />}
                  {rightTab !== 'spots' && <RayFans />}
                </TabbedPanel>
              </Panel>
            </SavedGroup>
          </Panel>
        </SavedGroup>
      </div>
      <StatusBar />
      {libraryOpen && <LibraryDialog />}
      <OpenGuard />
    </div>
  );
}
