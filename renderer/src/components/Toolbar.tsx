/** Top toolbar: files (library, open, recent, save, export), undo/redo, the lens title. */
import { useRef, useState } from 'react';
import { useStudio } from '../store.ts';

export function Toolbar() {
  const lens = useStudio((s) => s.lens);
  const recent = useStudio((s) => s.recent);
  const s = useStudio.getState;
  const fileInput = useRef<HTMLInputElement>(null);
  const [recentOpen, setRecentOpen] = useState(false);
  const [theme, setTheme] = useState<'dark' | 'light'>('dark');

  return (
    <header className="toolbar">
      <span className="brand">◎ Lens Studio</span>
      <button className="btn" onClick={() => s().setLibraryOpen(true)} data-testid="open-library" title="Open a lens from the bundled library">
        Library…
      </button>
      <button className="btn" onClick={() => fileInput.current?.click()} data-testid="open-file" title="Open a .json, .zmx or dO .txt lens file">
        Open…
      </button>
      <input
        ref={fileInput}
        type="file"
        accept=".json,.zmx,.txt"
        style={{ display: 'none' }}
        data-testid="file-input"
        onChange={(e) => {
          const f = e.target.files?.[0];
          e.target.value = '';
          if (f) void s().openFile(f);
        }}
      />
      <div className="dropdown">
        <button
          className="btn"
          onClick={() => {
            setRecentOpen(!recentOpen);
            void s().refreshRecent();
          }}
          data-testid="recent-files"
        >
          Recent ▾
        </button>
        {recentOpen && (
          <div className="menu" onMouseLeave={() => setRecentOpen(false)}>
            {recent.length === 0 && <div style={{ padding: '6px 10px' }} className="muted">No recent files</div>}
            {recent.map((r) => (
              <button
                key={r.id}
                onClick={() => {
                  setRecentOpen(false);
                  void s().openRecent(r.id);
                }}
                title={r.path ?? r.label}
              >
                {r.label} <span className="muted">· {r.kind}</span>
              </button>
            ))}
          </div>
        )}
      </div>
      <span className="sep" />
      <button className="btn" disabled={!lens} onClick={() => void s().save()} title="Save (Ctrl+S): to its file when opened from disk, else download JSON" data-testid="save">
        Save
      </button>
      <button className="btn" disabled={!lens} onClick={() => void s().exportLens('json')} data-testid="export-json">
        Export JSON
      </button>
      <button className="btn" disabled={!lens} onClick={() => void s().exportLens('zmx')} data-testid="export-zmx">
        Export .zmx
      </button>
      <span className="sep" />
      <button className="btn" disabled={!lens?.canUndo} onClick={() => void s().undo()} title={lens?.undoLabel ? `Undo ${lens.undoLabel} (Ctrl+Z)` : 'Undo'} data-testid="undo">
        ↶ Undo
      </button>
      <button className="btn" disabled={!lens?.canRedo} onClick={() => void s().redo()} title={lens?.redoLabel ? `Redo ${lens.redoLabel} (Ctrl+Y)` : 'Redo'} data-testid="redo">
        ↷ Redo
      </button>
      <span className="title" data-testid="lens-title">
        {lens ? (
          <>
            <b>{lens.prescription.name}</b> — {lens.fileName}
            {lens.dirty ? ' •' : ''}
          </>
        ) : (
          'No lens open'
        )}
      </span>
      <span className="spacer" />
      <button
        className="btn small"
        onClick={() => {
          const t = theme === 'dark' ? 'light' : 'dark';
          setTheme(t);
          document.documentElement.dataset.theme = t;
        }}
        title="Switch between dark and light theme"
      >
        {theme === 'dark' ? '☀' : '☾'}
      </button>
    </header>
  );
}
