/** The lens library: the bundled classic designs with their EFL, F/# and field. Escape or a click beside it closes it. */
import { useEffect } from 'react';
import { useStudio } from '../store.ts';
import { fixed } from '../format.ts';

export function LibraryDialog() {
  const library = useStudio((s) => s.library);
  const lens = useStudio((s) => s.lens);
  const st = useStudio.getState;
  useEffect(() => {
    if (!lens) return;
    const onKey = (e: KeyboardEvent) => {
      // The unsaved-changes question above it takes its own Escape.
      if (e.key === 'Escape' && !useStudio.getState().pendingOpen) st().setLibraryOpen(false);
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [lens !== null]);
  return (
    <div className="modal-back" onMouseDown={(e) => e.target === e.currentTarget && lens && st().setLibraryOpen(false)}>
      <div className="modal" role="dialog" aria-label="Lens library" data-testid="library-dialog">
        <div className="panel-head">
          <h2>Lens library</h2>
          <span className="spacer" />
          {lens && (
            <button className="btn small" onClick={() => st().setLibraryOpen(false)}>
              Close
            </button>
          )}
        </div>
        <div className="panel-body">
          <table className="lib">
            <thead>
              <tr>
                <th>Design</th>
                <th className="num">EFL mm</th>
                <th className="num">F/#</th>
                <th className="num">½ field °</th>
                <th>Source</th>
              </tr>
            </thead>
            <tbody>
              {library.map((e) => (
                <tr key={e.id} className="item" onClick={() => void st().openLibraryLens(e.id)} data-testid={`library-${e.id}`}>
                  <td>
                    <b>{e.name}</b>
                    <div className="muted mono">{e.fileName}</div>
                  </td>
                  <td className="num">{fixed(e.efl, 2)}</td>
                  <td className="num">{fixed(e.fno, 2)}</td>
                  <td className="num">{fixed(e.halfFieldDeg, 1)}</td>
                  <td className="muted" style={{ maxWidth: 300, fontSize: 11 }}>
                    {e.source && e.source.length > 140 ? `${e.source.slice(0, 140)}…` : e.source}
                  </td>
                </tr>
              ))}
              {library.length === 0 && (
                <tr>
                  <td colSpan={5} className="muted">
                    The library is empty.
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
