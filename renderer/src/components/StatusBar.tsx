/** Bottom status: connection, revision, host compute times, analysis errors, load warnings. */
import { useStudio } from '../store.ts';
import { locateMessage } from '../messages.ts';

export function StatusBar() {
  const connection = useStudio((s) => s.connection);
  const lens = useStudio((s) => s.lens);
  const analysis = useStudio((s) => s.analysis);
  const t = analysis?.timingsMs;
  const total = t ? Object.values(t).reduce((a, b) => a + b, 0) : 0;
  const problems = [...(analysis?.errors ?? []), ...(analysis?.report?.warnings ?? [])].map((m) => locateMessage(m).text);
  return (
    <footer className="status">
      <span style={{ color: connection === 'open' ? 'var(--good)' : connection === 'closed' ? 'var(--bad)' : 'var(--warn)' }}>● {connection}</span>
      {lens && <span>rev {lens.revision}</span>}
      {lens && <span>{lens.prescription.surfaces.length} surfaces</span>}
      {t && <span title={Object.entries(t).map(([k, v]) => `${k} ${v.toFixed(2)} ms`).join('\n')}>engine {total.toFixed(1)} ms</span>}
      {lens?.warnings.length ? <span style={{ color: 'var(--warn)' }} title={lens.warnings.map((m) => locateMessage(m).text).join('\n')}>{lens.warnings.length} load warning(s)</span> : null}
      {problems.length > 0 && (
        <span className="err" title={problems.join('\n')} data-testid="analysis-errors">
          {problems[0]}
          {problems.length > 1 ? ` (+${problems.length - 1})` : ''}
        </span>
      )}
    </footer>
  );
}
