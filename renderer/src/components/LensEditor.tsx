/**
 * The lens data editor: one row per surface (object and image rows included), with type, radius,
 * thickness, glass, semi-diameter, conic, type parameters (asphere terms, coordinate-break
 * decenters and tilts, ...), variable flags (V) and the stop. It works as a spreadsheet (see
 * EditCell): arrows, Enter and Tab move, typing edits, a value reaches the lens when committed;
 * Insert inserts a surface before the current row (Ctrl+Insert after it), Delete removes it.
 * Messages about the lens name rows as the editor numbers them and highlight their cells.
 */
import { useMemo, useRef, useState } from 'react';
import type { LensEdit } from '../../../app/contract/studioApi.ts';
import { useStudio } from '../store.ts';
import { CellFlags, EditCell } from './EditCell.tsx';
import { MessagesList, useLensMessages } from './MessagesList.tsx';
import { NAV_COLS, SurfaceRow, computedText, materialText } from './SurfaceRow.tsx';
import { cellAt, navPosition } from './gridNav.ts';
import { isDesignCell } from '../design/cellIds.ts';
import { formatNumber, parseFinite, type Parsed } from '../format.ts';

export { materialText };

export function LensEditor() {
  const lens = useStudio((s) => s.lens);
  const selected = useStudio((s) => s.selectedSurface);
  const imageSemiDiameter = useStudio((s) => s.analysis?.layout?.semiDiameters[s.analysis.layout.semiDiameters.length - 1]);
  // Rejected entries of the merit editor and variables window show there, not here.
  const lastError = useStudio((s) => (s.lastCellError && !isDesignCell(s.lastCellError.id) ? s.lastCellError : null));
  const [rowError, setRowError] = useState<string | null>(null);
  const grid = useRef<HTMLDivElement>(null);
  const messages = useLensMessages();
  const flags = useMemo(() => {
    const cells: Record<string, string> = {};
    const rows: Record<number, string> = {};
    for (const m of messages) {
      if (m.cellId) cells[m.cellId] ??= m.text;
      if (m.surface !== undefined) rows[m.surface] ??= m.text;
    }
    return { cells, rows };
  }, [messages]);
  const st = useStudio.getState;
  if (!lens) return <div className="empty">Open a lens from the library or a file.</div>;
  const p = lens.prescription;
  const n = p.surfaces.length;
  const objDistance = p.object.distance;

  /** Insert / delete a surface, keeping the focus on the same grid cell. */
  const structural = (e: LensEdit, focus?: { row: number; col: number }) =>
    void st()
      .edit(e)
      .then((err) => {
        setRowError(err);
        if (!err && focus && grid.current) requestAnimationFrame(() => cellAt(grid.current!, focus.row, focus.col)?.focus());
      });

  const onKeyDown = (e: React.KeyboardEvent) => {
    const target = e.target as HTMLElement;
    if (target.dataset.editing !== 'false') return; // editing text: the keys are the text's
    const pos = navPosition(target);
    if (!pos) return;
    if (e.key === 'Insert') {
      e.preventDefault();
      // Before the current row (Ctrl+Insert: after it); on the object row, before surface 1.
      const index = Math.min(n, Math.max(0, pos.row - 1 + (e.ctrlKey || e.metaKey ? 1 : 0)));
      structural({ op: 'insertSurface', index }, { row: index + 1, col: pos.col });
    } else if (e.key === 'Delete' && pos.row >= 1 && pos.row <= n) {
      e.preventDefault();
      if (n <= 1) return setRowError('the last surface cannot be deleted');
      structural({ op: 'deleteSurface', index: pos.row - 1 }, { row: Math.min(pos.row, n - 1), col: pos.col });
    }
  };

  const errorText = rowError ?? lastError?.message ?? null;
  return (
    <>
      <div className="row lde-tools">
        <button className="btn small" onClick={() => structural({ op: 'insertSurface', index: selected })} title="Insert a plane air surface before the selected one (Insert key)" data-testid="insert-surface">
          + Insert
        </button>
        <button className="btn small" onClick={() => structural({ op: 'deleteSurface', index: selected })} disabled={n <= 1} title="Delete the selected surface (Delete key)" data-testid="delete-surface">
          − Delete
        </button>
        <span className="muted">
          Surface {selected + 1} · arrows, Enter, Tab move · type to edit, F2 in place, Esc cancels · Ins / Del surfaces · radius "inf" = plane
        </span>
      </div>
      <CellFlags.Provider value={flags.cells}>
        <div
          ref={grid}
          data-nav-grid="lde"
          onKeyDown={onKeyDown}
          onFocus={(e) => {
            const pos = navPosition(e.target);
            if (pos && pos.row >= 1 && pos.row <= n && pos.row - 1 !== useStudio.getState().selectedSurface) st().setSelectedSurface(pos.row - 1);
          }}
        >
          <table className="lde" data-testid="lde">
            <thead>
              <tr>
                <th>#</th>
                <th>Type</th>
                <th>Comment</th>
                <th style={{ textAlign: 'right' }}>Radius</th>
                <th />
                <th style={{ textAlign: 'right' }}>Thickness</th>
                <th />
                <th>Glass</th>
                <th />
                <th style={{ textAlign: 'right' }} title="Clear semi-aperture, mm: grey = automatic (computed from the rays), black = set by the user">
                  Semi-diam
                </th>
                <th style={{ textAlign: 'right' }}>Conic</th>
                <th />
                <th>Parameters</th>
              </tr>
            </thead>
            <tbody>
              <tr>
                <td className="rowhead">OBJ</td>
                <td className="fixed">Standard</td>
                <td className="fixed" />
                <td className="fixed num">Infinity</td>
                <td />
                <td className="num">
                  <EditCell
                    display={objDistance === 'infinity' ? 'Infinity' : formatNumber(objDistance)}
                    numeric
                    testId="object-distance"
                    where="Object"
                    nav={{ row: 0, col: NAV_COLS.thickness }}
                    parse={(t): Parsed<number | 'infinity'> => (/^\s*(inf|infinity|∞)\s*$/i.test(t) ? { ok: true, value: 'infinity' } : parseFinite(t, 'distance'))}
                    commit={(v) => st().edit({ op: 'setSystem', field: 'object', value: { ...p.object, distance: v } })}
                  />
                </td>
                <td />
                <td className="fixed">{materialText(p.object.material)}</td>
                <td />
                <td />
                <td />
                <td />
                <td />
              </tr>
              {p.surfaces.map((s, i) => (
                <SurfaceRow
                  key={i}
                  s={s}
                  i={i}
                  json={JSON.stringify(s)}
                  selected={selected === i}
                  flagged={flags.rows[i]}
                  marks={JSON.stringify(lens.cells[i] ?? {})}
                  imageSolve={i === n - 1 && p.imageSolve === 'paraxialFocus'}
                />
              ))}
              <tr>
                <td className="rowhead">IMA</td>
                <td className="fixed">Standard</td>
                <td className="fixed" />
                <td className="fixed num">{p.image?.radius ? formatNumber(p.image.radius) : 'Infinity'}</td>
                <td />
                <td className="fixed" />
                <td />
                <td className="fixed" />
                <td />
                <td className={`fixed num${p.image?.semiDiameter === undefined ? ' computed' : ''}`} data-testid="semidiameter-image">
                  {p.image?.semiDiameter !== undefined ? formatNumber(p.image.semiDiameter) : computedText(imageSemiDiameter)}
                </td>
                <td />
                <td />
                <td className="fixed muted">{p.imageSolve === 'paraxialFocus' ? 'paraxial focus solve' : ''}</td>
              </tr>
            </tbody>
          </table>
        </div>
      </CellFlags.Provider>
      <MessagesList messages={messages} />
      {errorText && (
        <div className="cell-error" data-testid="cell-error" role="alert">
          <span>{errorText}</span>
          <button
            className="btn small"
            aria-label="Dismiss"
            onClick={() => {
              setRowError(null);
              if (lastError) st().setCellError(lastError.id, null);
            }}
          >
            ✕
          </button>
        </div>
      )}
    </>
  );
}
