/**
 * The message bar: errors (a bad file, a failed run) stay until dismissed; notes ("Saved …",
 * "Nothing to redo") are transient and go by themselves after a few seconds.
 */
import { useEffect } from 'react';
import { useStudio } from '../store.ts';

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
      <span className="msg">{notice.message}</span>
      <button className="btn small" onClick={() => useStudio.getState().dismissNotice()} aria-label="Dismiss">
        ✕
      </button>
    </div>
  );
}
