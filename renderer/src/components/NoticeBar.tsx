/** The message bar: errors (a bad file, a failed run) and notes, dismissable. */
import { useStudio } from '../store.ts';

export function NoticeBar() {
  const notice = useStudio((s) => s.notice);
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
