/**
 * The variables window: every variable of the lens (its V flags) with its current value and its
 * bounds in the variable's unit (a radius varies as the curvature c = 1/R, 1/mm; thicknesses mm),
 * editable as spreadsheet cells (setVariable with lower / upper); "vary all" and "fix all" radii,
 * thicknesses and conics (varyAll: one undo step, solved cells skipped); and the solves and
 * pickups of the lens (the cells marked P, M, C, F, E in the lens data), each removable.
 */
import type { LensEdit, Prescription, SurfaceSpec } from '../../../app/contract/studioApi.ts';
import { useStudio } from '../store.ts';
import { EditCell } from '../components/EditCell.tsx';
import { formatNumber, type Parsed } from '../format.ts';
import { formatSig } from './sigFormat.ts';
import { isVariableCell } from './cellIds.ts';
import './design.css';

type Bounds = { lower?: number; upper?: number };

/** The current value of a variable in its own unit, and that unit. */
function valueOf(s: SurfaceSpec, param: string): { value: number; unit: string; name: string } {
  const r = s as Record<string, unknown>;
  if (param === 'radius' || param === 'curvature') {
    const R = r.radius as number | null;
    return { value: R ? 1 / R : 0, unit: 'c, 1/mm', name: 'curvature' };
  }
  if (param === 'thickness') return { value: s.thickness, unit: 'mm', name: 'thickness' };
  if (param === 'conic') return { value: (r.conic as number | undefined) ?? 0, unit: '', name: 'conic' };
  if (param.startsWith('tilt')) return { value: (r[param] as number | undefined) ?? 0, unit: '°', name: param };
  if (param.startsWith('decenter')) return { value: (r[param] as number | undefined) ?? 0, unit: 'mm', name: param };
  const v = r[param];
  return { value: typeof v === 'number' ? v : NaN, unit: '', name: param };
}

function parseBound(text: string, what: string): Parsed<number | undefined> {
  const t = text.trim();
  if (t === '' || t === '—') return { ok: true, value: undefined };
  const v = Number(t);
  return Number.isFinite(v) ? { ok: true, value: v } : { ok: false, error: `${what}: "${t}" is not a number (empty: no bound)` };
}

const SOLVE_WORDS: Record<string, string> = {
  pickup: 'pickup',
  marginalRayAngle: 'marginal ray angle',
  chiefRayAngle: 'chief ray angle',
  fNumber: 'F-number',
  marginalRayHeight: 'marginal ray height',
  chiefRayHeight: 'chief ray height',
  edgeThickness: 'edge thickness',
};

/** A solve in words: "pickup of surface 1 × −1", "marginal ray height 0 mm". */
function solveText(solve: Record<string, unknown>): string {
  const n = (k: string) => formatNumber(solve[k] as number);
  switch (solve.type) {
    case 'pickup':
      return `pickup of surface ${(solve.surface as number) + 1}${solve.scale !== undefined ? ` × ${n('scale')}` : ''}${solve.offset ? ` + ${n('offset')}` : ''}`;
    case 'fNumber':
      return `F-number ${n('fNumber')}`;
    case 'edgeThickness':
      return `edge thickness ${n('thickness')} mm${solve.heightMm !== undefined ? ` at ${n('heightMm')} mm` : ''}`;
    case 'marginalRayHeight':
    case 'chiefRayHeight':
      return `${SOLVE_WORDS[solve.type as string]} ${formatNumber((solve.height as number | undefined) ?? 0)} mm${solve.pupilZone ? `, pupil zone ${n('pupilZone')}` : ''}`;
    default:
      return `${SOLVE_WORDS[solve.type as string] ?? String(solve.type)} ${n('angle')} rad`;
  }
}

/** The solves of a lens, one per solved cell, the paraxial-focus image solve included. */
function solvesOf(p: Prescription): { i: number; param: string; text: string; edit: LensEdit }[] {
  const out: { i: number; param: string; text: string; edit: LensEdit }[] = [];
  p.surfaces.forEach((s, i) => {
    for (const [param, solve] of Object.entries(s.solves ?? {})) {
      if (solve) out.push({ i, param, text: solveText(solve as Record<string, unknown>), edit: { op: 'setSolve', index: i, param: param as 'radius', solve: null } });
    }
  });
  const last = p.surfaces.length - 1;
  if (p.imageSolve === 'paraxialFocus' && !p.surfaces[last]?.solves?.thickness) {
    out.push({ i: last, param: 'thickness', text: 'marginal ray height 0 mm (paraxial focus image solve)', edit: { op: 'setSystem', field: 'imageSolve', value: null } });
  }
  return out;
}

export function VariablesPanel() {
  const lens = useStudio((s) => s.lens);
  const running = useStudio((s) => s.opt.running);
  const cellError = useStudio((s) => (s.lastCellError && isVariableCell(s.lastCellError.id) ? s.lastCellError.message : null));
  if (!lens) return <div className="empty">No lens open.</div>;
  const p = lens.prescription;
  const st = useStudio.getState;
  const edit = (e: LensEdit) => st().edit(e);
  const act = (e: LensEdit) => void edit(e).then((err) => err && st().notify('error', err));
  const vars = p.surfaces.flatMap((s, i) =>
    Object.entries(s.variables ?? {})
      .filter(([, flag]) => flag)
      .map(([param, flag]) => ({ i, param, bounds: (flag === true ? {} : flag) as Bounds, ...valueOf(s, param) })),
  );
  const solves = solvesOf(p);
  const groups = [
    ['radius', 'radii'],
    ['thickness', 'thicknesses'],
    ['conic', 'conics'],
  ] as const;
  return (
    <div className="vars" data-testid="variables-panel">
      <div className="row lde-tools">
        {groups.map(([param, plural]) => (
          <span key={param} className="row" style={{ gap: 2 }}>
            <button className="btn small" disabled={running} onClick={() => act({ op: 'varyAll', param, on: true })} data-testid={`vary-all-${param}`} title={`Vary every ${param} that no solve sets (one undo step)`}>
              Vary all {plural}
            </button>
            <button className="btn small" disabled={running} onClick={() => act({ op: 'varyAll', param, on: false })} data-testid={`fix-all-${param}`} title={`Fix every ${param}`}>
              Fix
            </button>
          </span>
        ))}
        <span className="badge" data-testid="vars-count" title="Variables">
          {vars.length}
        </span>
      </div>
      <div className="vars-body">
        <div className="vars-section">Variables · bounds in the variable's unit (a radius varies as its curvature c = 1/R); empty = unbounded</div>
        <table className="lde vars-table" data-testid="vars-table" data-nav-grid="vars">
          <thead>
            <tr>
              <th>Surf</th>
              <th>Parameter</th>
              <th style={{ textAlign: 'right' }}>Value</th>
              <th>Unit</th>
              <th style={{ textAlign: 'right' }}>Lower</th>
              <th style={{ textAlign: 'right' }}>Upper</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {vars.map((v, k) => {
              const setBound = (which: 'lower' | 'upper') => (value: number | undefined) =>
                edit({ op: 'setVariable', index: v.i, param: v.param, on: true, ...{ ...v.bounds, [which]: value } });
              return (
                <tr key={`${v.i}-${v.param}`} data-testid={`var-row-${v.i}-${v.param}`}>
                  <td className="rowhead">{v.i + 1}</td>
                  <td className="fixed">{v.name}</td>
                  <td className="fixed num" data-testid={`var-value-${v.i}-${v.param}`}>
                    {formatSig(v.value, 11)}
                  </td>
                  <td className="fixed">{v.unit}</td>
                  {(['lower', 'upper'] as const).map((which, c) => (
                    <td key={which} className="num" style={{ minWidth: 80 }}>
                      <EditCell
                        display={formatNumber(v.bounds[which])}
                        numeric
                        placeholder="—"
                        parse={(t) => parseBound(t, `${which} bound`)}
                        commit={setBound(which)}
                        where={`Surface ${v.i + 1} ${v.param}`}
                        nav={{ row: k, col: c }}
                        testId={`var-${which}-${v.i}-${v.param}`}
                      />
                    </td>
                  ))}
                  <td>
                    <button className="btn small" disabled={running} onClick={() => act({ op: 'setVariable', index: v.i, param: v.param, on: false })} title="Fix this parameter">
                      Fix
                    </button>
                  </td>
                </tr>
              );
            })}
            {vars.length === 0 && (
              <tr>
                <td colSpan={7} className="fixed muted">
                  No variables: click a V box in the lens data, or Vary all above.
                </td>
              </tr>
            )}
          </tbody>
        </table>
        <div className="vars-section">Solves and pickups · right click a marker box in the lens data to set one</div>
        <table className="lde vars-table" data-testid="solves-table">
          <tbody>
            {solves.map((s) => (
              <tr key={`${s.i}-${s.param}`} data-testid={`solve-row-${s.i}-${s.param}`}>
                <td className="rowhead">{s.i + 1}</td>
                <td className="fixed" style={{ width: 90 }}>
                  {s.param === 'material' ? 'glass' : s.param}
                </td>
                <td className="fixed mono">{lens.cells[s.i]?.[s.param] ?? ''}</td>
                <td className="fixed" style={{ width: '100%' }}>
                  {s.text}
                </td>
                <td>
                  <button className="btn small" disabled={running} onClick={() => act(s.edit)} title="Remove the solve (the cell keeps its last solved value)">
                    Remove
                  </button>
                </td>
              </tr>
            ))}
            {solves.length === 0 && (
              <tr>
                <td className="fixed muted">No solves or pickups.</td>
              </tr>
            )}
          </tbody>
        </table>
      </div>
      {cellError && (
        <div className="cell-error" role="alert" data-testid="vars-error">
          <span>{cellError}</span>
        </div>
      )}
    </div>
  );
}
