/**
 * Everything the engine had to say about the current lens (analysis errors, analysis warnings,
 * load warnings), with surfaces numbered as the editor numbers its rows (messages.ts). A message
 * about a surface links to its row: a click selects the cell it names.
 */
import { useMemo } from 'react';
import { useStudio } from '../store.ts';
import { locateMessage, type LocatedMessage } from '../messages.ts';

export interface LensMessage extends LocatedMessage {
  kind: 'error' | 'analysis' | 'file';
}

/**
 * The lens's messages, located. Subscribes to their text only (one string), so a new analysis
 * with the same messages re-renders nothing: the editor's cells depend on these.
 */
export function useLensMessages(): LensMessage[] {
  const text = useStudio((s) =>
    [
      ...(s.analysis?.errors ?? []).map((m) => `error\t${m}`),
      ...(s.analysis?.report?.warnings ?? []).map((m) => `analysis\t${m}`),
      ...(s.lens?.warnings ?? []).map((m) => `file\t${m}`),
    ].join('\n'),
  );
  return useMemo(
    () =>
      text
        ? text.split('\n').map((line) => {
            const tab = line.indexOf('\t');
            return { kind: line.slice(0, tab) as LensMessage['kind'], ...locateMessage(line.slice(tab + 1)) };
          })
        : [],
    [text],
  );
}

/** Selects the cell a message names (or the first cell of its row) in the lens data editor. */
export function revealMessage(m: LocatedMessage): void {
  if (m.surface === undefined) return;
  useStudio.getState().setSelectedSurface(m.surface);
  const el = document.querySelector<HTMLElement>(`[data-testid="${m.cellId ?? `type-${m.surface}`}"]`);
  if (!el) return;
  el.scrollIntoView({ block: 'nearest' });
  el.focus();
}

export function MessagesList({ messages }: { messages: LensMessage[] }) {
  return (
    <div className="messages" data-testid="messages">
      <div className="messages-head">Messages {messages.length ? <span className="badge">{messages.length}</span> : <span className="muted">— none</span>}</div>
      {messages.map((m, i) => (
        <div key={i} className={`message ${m.kind}`} data-testid="message">
          <span className="kind">{m.kind}</span>{' '}
          {m.surface !== undefined ? (
            <button className="linklike" onClick={() => revealMessage(m)} title={`Go to surface ${m.surface + 1} in the lens data`} data-testid={`message-link-${m.surface}`}>
              {m.text}
            </button>
          ) : (
            m.text
          )}
        </div>
      ))}
    </div>
  );
}
