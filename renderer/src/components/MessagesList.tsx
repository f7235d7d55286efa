/** Everything the engine had to say about the current lens: load warnings, analysis warnings and errors. */
import { useStudio } from '../store.ts';

export function MessagesList() {
  const warnings = useStudio((s) => s.lens?.warnings);
  const errors = useStudio((s) => s.analysis?.errors);
  const reportWarnings = useStudio((s) => s.analysis?.report?.warnings);
  const items: [string, string][] = [
    ...(errors ?? []).map((m): [string, string] => ['error', m]),
    ...(reportWarnings ?? []).map((m): [string, string] => ['analysis', m]),
    ...(warnings ?? []).map((m): [string, string] => ['file', m]),
  ];
  return (
    <div className="messages" data-testid="messages">
      <div className="messages-head">Messages {items.length ? <span className="badge">{items.length}</span> : <span className="muted">— none</span>}</div>
      {items.map(([kind, m], i) => (
        <div key={i} className={`message ${kind}`}>
          <span className="kind">{kind}</span> {m}
        </div>
      ))}
    </div>
  );
}
