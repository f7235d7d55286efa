/**
 * How the optimization goes, in the words an engineer reports it: while it runs, the iteration
 * and the merit against its start; when it ends, the host's one-line account ("merit 1.23e-3 →
 * 4.56e-4 in 37 iterations, stopped: no further improvement"; "converged" only when the optimizer
 * says so, engine/optimize/run.ts describeRun), and in red the bounds the final lens does not meet
 * (thickness boundaries, variable bounds: OptimizationEvent.violations).
 */
import type { BoundViolationValue, OptimizationEvent } from '../../../app/contract/studioApi.ts';
import { formatMerit } from './runWords.ts';
import './design.css';

/** 5 significant digits, no trailing zeros, typographic minus. */
const short = (v: number) => (Number.isFinite(v) ? String(Number(v.toPrecision(5))).replace('-', '−') : '—');

/** "CT s3 = 0.0213 < 0.5": a violated bound in words. */
export function violationText(v: BoundViolationValue): string {
  return `${v.name} = ${short(v.value)} ${v.kind === 'lower' ? '<' : '>'} ${short(v.bound)}`;
}

export function RunStatus({ last, running }: { last: OptimizationEvent | null; running: boolean }) {
  if (!last) return null;
  const done = last.phase === 'finished' || last.phase === 'stopped';
  const violations = done ? (last.violations ?? []) : [];
  return (
    <div className="run-words" data-testid="opt-status">
      {running || !done ? (
        <div className="headline" data-testid="opt-progress">
          {last.phase === 'failed' ? (
            <span style={{ color: 'var(--bad)' }}>failed: {last.message}</span>
          ) : (
            <>
              iteration {last.iteration} · merit {formatMerit(last.merit)}
              {Number.isFinite(last.initialMerit) && <span className="muted"> (from {formatMerit(last.initialMerit)})</span>}
            </>
          )}
        </div>
      ) : (
        <div className={`headline ${last.stopReason === 'converged' ? 'converged' : 'stopped'}`} data-testid="opt-words" data-stop-reason={last.stopReason ?? ''}>
          {last.message}
        </div>
      )}
      {violations.length > 0 && (
        <div className="violations" data-testid="opt-violations" role="alert">
          <b>Bounds not met:</b> {violations.map(violationText).join(' · ')}
        </div>
      )}
    </div>
  );
}
