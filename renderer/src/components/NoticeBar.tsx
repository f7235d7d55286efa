/**
 * The message bar: errors (a bad file, a failed run) stay until dismissed; notes ("Saved …",
 * "Nothing to redo") are transient and go by themselves after a few seconds. Surfaces are
 * numbered as the lens data editor numbers its rows.
 */
import { useEffect } from 'react';
import { useStudio } from '../store.ts';
import { locateMessage } from '../messages.ts';

/** How long a note stays, ms. */
export const NOTE_MS = 5000;

export function NoticeBar() {
  const notice = useStudio((s) => s.notice);
  useEffect(() => {
    if (notice?.kind !== 'info') return;
    const id = notice.id;
    const timer = setTimeout(() => {
      if (useStudio.getState().notice?.id === id) useStudio.getState().dismissNotice();
    }, NOTE_MS);
    return () => clearTimeout(timer);
  }, [notice]);
  if (!notice) return null;
  return (
    <div className={`notice ${notice.kind}`} role={notice.kind === 'error' ? 'alert' : 'status'} data-testid={notice.kind === 'error' ? 'error-banner' : 'info-banner'}>
      <span>{notice.kind === 'error' ? '⚠' : 'ℹ'}</span>
      <span className="msg">{locateMessage(notice.message).text}</span>
      <button className="btn small" onClick={() => useStudio.getState().dismissNotice()} aria-label="Dismiss">
        ✕
      </button>
    </div>
  );
}
