/**
 * The question asked before another lens replaces one with unsaved changes: Save (to its file, or
 * a JSON download when it has none), Don't save, or Cancel. Opening keeps the undo history, and
 * the dialog says so: Ctrl+Z after opening brings the replaced lens back.
 */
import { useEffect, useRef } from 'react';
import { useStudio } from '../store.ts';

export function OpenGuard() {
  const pending = useStudio((s) => s.pendingOpen);
  const lens = useStudio((s) => s.lens);
  const saveButton = useRef<HTMLButtonElement>(null);
  const answer = useStudio.getState().answerPendingOpen;
  useEffect(() => {
    if (!pending) return;
    saveButton.current?.focus();
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape') {
        e.stopPropagation();
        void answer('cancel');
      }
    };
    window.addEventListener('keydown', onKey, true);
    return () => window.removeEventListener('keydown', onKey, true);
  }, [pending, answer]);
  if (!pending || !lens) return null;
  const savesToFile = lens.source.kind === 'path';
  return (
    <div className="modal-back guard-back">
      <div className="modal guard" role="alertdialog" aria-modal="true" aria-labelledby="guard-title" data-testid="unsaved-dialog">
        <div className="panel-head">
          <h2 id="guard-title">Unsaved changes</h2>
        </div>
        <div className="guard-body">
          <p>
            <b>{lens.fileName}</b> has changes that are not saved. Save them before opening <b>{pending.target}</b>?
          </p>
          <p className="muted">
            {savesToFile ? 'Save writes them to its file.' : 'It has no file on this computer: Save downloads it as JSON.'} The undo history is kept: after
            opening, Undo (Ctrl+Z) brings this lens back as it is now.
          </p>
        </div>
        <div className="row guard-actions">
          <span className="spacer" />
          <button className="btn" onClick={() => void answer('cancel')} data-testid="unsaved-cancel">
            Cancel
          </button>
          <button className="btn" onClick={() => void answer('discard')} data-testid="unsaved-discard">
            Don't save
          </button>
          <button ref={saveButton} className="btn primary" onClick={() => void answer('save')} data-testid="unsaved-save">
            {savesToFile ? 'Save' : 'Download JSON'}
          </button>
        </div>
      </div>
    </div>
  );
}
