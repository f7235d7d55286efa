/**
 * The merit function editor (OpticStudio's Merit Function Editor): one row per operand of the
 * lens's merit spec — type, surface or Zernike term, field, wavelength, kind (= target, ≥ lower
 * bound, ≤ upper bound), target, weight — with its value and share of the merit as the host
 * evaluates them on the current lens (StudioApi.evaluateMerit), then the default merit as a
 * generated block (grey, regenerated from its settings below the table).
 *
 * Targets are what the user typed: nothing here or in the host fills one in from the lens. The
 * spec is saved with the lens (setSystem "merit", one undo step per change). A lens with no saved
 * merit shows the starting merit (designStore.ts); the first change saves it.
 *
 * Spreadsheet keys as in the lens data editor (gridNav.ts, EditCell): arrows, Enter, Tab move,
 * typing edits; Insert inserts an operand before the current row (Ctrl+Insert after), Delete
 * removes it; ↑ / ↓ buttons move it.
 */
import { useEffect, useRef, useState } from 'react';
import type { MeritRow, MeritSpec, Operand, OperandType } from '../../../app/contract/studioApi.ts';
import { useStudio } from '../store.ts';
import { EditCell } from '../components/EditCell.tsx';
import { cellAt, navPosition } from '../components/gridNav.ts';
import { formatNumber, parseFinite } from '../format.ts';
import { useDesign, useEffectiveMerit } from './designStore.ts';
import { DefaultMeritSettings } from './DefaultMeritSettings.tsx';
import { GridSelect } from './GridSelect.tsx';
import {
  OPERAND_HELP,
  OPERAND_TYPES,
  changeType,
  deleteOperand,
  describeDefaultMerit,
  hasBounds,
  hasField,
  hasSurfOrTerm,
  hasWave,
  indexText,
  insertOperand,
  moveOperand,
  newOperand,
  OPTION_KEYS,
  optionsText,
  parseIndex,
  parseOptions,
  replaceOperand,
  setKey,
} from './meritModel.ts';
import { formatPercent, formatSig, formatSigTrim } from './sigFormat.ts';
import { isMeritCell } from './cellIds.ts';
import './design.css';

const COL = { type: 0, surf: 1, field: 2, wave: 3, kind: 4, target: 5, weight: 6, options: 7 } as const;
const KINDS = [
  ['target', '='],
  ['lower', '≥'],
  ['upper', '≤'],
] as const;
const KIND_GLYPH = { target: '=', lower: '≥', upper: '≤' } as const;

/** True when a bound operand ('lower' / 'upper') is not met: its figures are shown in red. */
function violated(row: MeritRow | undefined): boolean {
  return !!row && (row.kind === 'lower' ? row.value < row.target : row.kind === 'upper' ? row.value > row.target : false);
}

/** Value and share cells of one row: the host's figures, formatted to fit their columns. */
function Figures({ row, k }: { row: MeritRow | undefined; k: string }) {
  return (
    <>
      <td className="num fig" data-testid={`mf-value-${k}`} data-value={row?.value ?? ''} title={row ? String(row.value) : undefined}>
        {row ? formatSig(row.value, 11) : ''}
      </td>
      <td className="num fig" data-testid={`mf-share-${k}`} data-value={row?.contribution ?? ''}>
        {row ? formatPercent(row.contribution) : ''}
      </td>
    </>
  );
}

function OperandRow({ op, k, row, save, spec }: { op: Operand; k: number; row: MeritRow | undefined; spec: MeritSpec; save: (s: MeritSpec) => Promise<string | null> }) {
  const set = (key: string) => (value: unknown) => save(replaceOperand(spec, k, setKey(op, key, value)));
  const where = `Operand ${k + 1}`;
  const nav = (col: number) => ({ row: k, col });
  const rec = op as Record<string, unknown>;
  const surfKey = op.type === 'ZERNIKE' ? 'term' : 'surface';
  return (
    <tr data-testid={`mf-row-${k}`} data-label={row?.label ?? ''} className={violated(row) ? 'violated' : undefined}>
      <td className="rowhead">{k + 1}</td>
      <td style={{ minWidth: 128 }}>
        <GridSelect
          value={op.type}
          options={OPERAND_TYPES.map((t) => [t, t] as const)}
          onChange={(t: OperandType) => void save(replaceOperand(spec, k, changeType(op, t)))}
          nav={nav(COL.type)}
          testId={`mf-type-${k}`}
          title={OPERAND_HELP[op.type]}
        />
      </td>
      <td className="num idx">
        {hasSurfOrTerm(op.type) ? (
          <EditCell
            display={op.type === 'ZERNIKE' ? String(op.term) : indexText(rec.surface as number)}
            numeric
            parse={(t) => {
              if (op.type === 'ZERNIKE') {
                const v = Number(t.trim());
                return Number.isInteger(v) && v >= 1 ? { ok: true, value: v } : { ok: false, error: `Zernike term: "${t.trim()}" is not a term number from 1` };
              }
              return parseIndex(t, 'surface');
            }}
            commit={set(surfKey)}
            where={where}
            nav={nav(COL.surf)}
            testId={`mf-surf-${k}`}
          />
        ) : null}
      </td>
      <td className="num idx">
        {hasField(op.type) ? (
          <EditCell display={indexText(rec.field as number)} numeric parse={(t) => parseIndex(t, 'field')} commit={set('field')} where={where} nav={nav(COL.field)} testId={`mf-field-${k}`} />
        ) : null}
      </td>
      <td className="num idx">
        {hasWave(op.type) ? (
          <EditCell
            display={indexText(rec.wavelength as number | 'all' | undefined)}
            numeric
            placeholder="prim"
            parse={(t) => parseIndex(t, 'wavelength', { optional: true, allowAll: op.type === 'RMS_SPOT' })}
            commit={set('wavelength')}
            where={where}
            nav={nav(COL.wave)}
            testId={`mf-wave-${k}`}
          />
        ) : null}
      </td>
      <td className="kind">
        <GridSelect value={op.kind ?? 'target'} options={KINDS} onChange={(v) => void set('kind')(v === 'target' ? undefined : v)} nav={nav(COL.kind)} testId={`mf-kind-${k}`} />
      </td>
      <td className="num" style={{ minWidth: 84 }}>
        <EditCell display={formatNumber(op.target ?? 0)} numeric parse={(t) => parseFinite(t, 'target')} commit={set('target')} where={where} nav={nav(COL.target)} testId={`mf-target-${k}`} />
      </td>
      <td className="num" style={{ minWidth: 56 }}>
        <EditCell
          display={formatNumber(op.weight ?? 1)}
          numeric
          parse={(t) => {
            const p = parseFinite(t, 'weight');
            return p.ok && p.value < 0 ? { ok: false, error: 'weight: expected a number ≥ 0' } : p;
          }}
          commit={set('weight')}
          where={where}
          nav={nav(COL.weight)}
          testId={`mf-weight-${k}`}
        />
      </td>
      <Figures row={row} k={String(k)} />
      <td style={{ minWidth: 120 }}>
        {OPTION_KEYS[op.type] ? (
          <EditCell
            display={optionsText(op)}
            parse={(t) => parseOptions(op, t)}
            commit={(next) => save(replaceOperand(spec, k, next))}
            where={where}
            nav={nav(COL.options)}
            placeholder={OPTION_KEYS[op.type]!.join(', ')}
            title={`Further settings as key=value: ${OPTION_KEYS[op.type]!.join(', ')}`}
            testId={`mf-options-${k}`}
          />
        ) : null}
      </td>
    </tr>
  );
}

function GeneratedRow({ row, k }: { row: MeritRow; k: number }) {
  const o = row.operand as Record<string, unknown>;
  return (
    <tr className={`generated${violated(row) ? ' violated' : ''}`} data-testid={`mf-gen-${k}`} data-label={row.label}>
      <td className="rowhead" />
      <td className="fixed">{row.label}</td>
      <td className="fixed num">{typeof o.surface === 'number' ? o.surface + 1 : ''}</td>
      <td className="fixed num">{typeof o.field === 'number' ? o.field + 1 : ''}</td>
      <td className="fixed num">{o.wavelength === 'all' ? 'all' : typeof o.wavelength === 'number' ? o.wavelength + 1 : ''}</td>
      <td className="fixed">{KIND_GLYPH[row.kind]}</td>
      <td className="fixed num">{formatSigTrim(row.target, 10)}</td>
      <td className="fixed num">{formatSigTrim(row.weight, 7)}</td>
      <Figures row={row} k={`g${k}`} />
      {/* The RMS rows' reference and sampling are the block's (its header says them). */}
      <td className="fixed">{row.operand.type === 'RMS_SPOT' ? '' : optionsText(row.operand)}</td>
    </tr>
  );
}

export function MeritEditor() {
  const lens = useStudio((s) => s.lens);
  const running = useStudio((s) => s.opt.running);
  const { spec, saved } = useEffectiveMerit();
  const table = useDesign((s) => s.table);
  const cellError = useStudio((s) => (s.lastCellError && isMeritCell(s.lastCellError.id) ? s.lastCellError.message : null));
  const [sel, setSel] = useState(0);
  const [error, setError] = useState<string | null>(null);
  const grid = useRef<HTMLDivElement>(null);
  const specJson = spec ? JSON.stringify(spec) : '';
  const revision = lens?.revision ?? -1;
  useEffect(() => {
    if (spec) useDesign.getState().requestTable(spec);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [specJson, revision]);
  if (!lens) return <div className="empty">No lens open.</div>;
  if (!spec) return <div className="empty">Evaluating the lens…</div>;

  const st = useStudio.getState;
  const save = async (next: MeritSpec): Promise<string | null> => {
    const err = await st().edit({ op: 'setSystem', field: 'merit', value: next });
    setError(err);
    return err;
  };
  const ops = spec.operands ?? [];
  const fresh = table && table.specJson === specJson ? table : null;
  const rows = fresh?.table?.rows ?? [];
  const userRows = rows.filter((r) => !r.generated);
  const generated = rows.filter((r) => r.generated);
  /** A structural change, then the focus back on a cell of row `focusRow`. */
  const structural = (next: MeritSpec, focusRow: number, col = COL.type) =>
    void save(next).then((err) => {
      if (!err) {
        setSel(focusRow);
        requestAnimationFrame(() => grid.current && cellAt(grid.current, focusRow, col)?.focus());
      }
    });
  const insert = (at: number) => structural(insertOperand(spec, at, { ...newOperand('EFL'), weight: 0 }), at);
  const remove = (at: number) => at < ops.length && structural(deleteOperand(spec, at), Math.max(0, Math.min(at, ops.length - 2)));
  const move = (by: number) => sel + by >= 0 && sel + by < ops.length && structural(moveOperand(spec, sel, by), sel + by);

  const onKeyDown = (e: React.KeyboardEvent) => {
    const target = e.target as HTMLElement;
    if (target.dataset.editing !== 'false' || running) return;
    const pos = navPosition(target);
    if (!pos) return;
    if (e.key === 'Insert') {
      e.preventDefault();
      insert(pos.row + (e.ctrlKey || e.metaKey ? 1 : 0));
    } else if (e.key === 'Delete') {
      e.preventDefault();
      remove(pos.row);
    }
  };
  const hostError = fresh?.error ?? null;
  return (
    <div className="mfe" data-testid="merit-editor">
      <div className="row lde-tools">
        <button className="btn small" disabled={running} onClick={() => insert(ops.length ? sel : 0)} title="Insert an operand before the selected one (Insert key; Ctrl+Insert after)" data-testid="mf-insert">
          + Insert
        </button>
        <button className="btn small" disabled={running || !ops.length} onClick={() => remove(sel)} title="Delete the selected operand (Delete key)" data-testid="mf-delete">
          − Delete
        </button>
        <button className="btn small" disabled={running || sel <= 0} onClick={() => move(-1)} title="Move the selected operand up" data-testid="mf-up">
          ↑
        </button>
        <button className="btn small" disabled={running || sel >= ops.length - 1} onClick={() => move(1)} title="Move the selected operand down" data-testid="mf-down">
          ↓
        </button>
        <span className={saved ? 'muted' : 'mf-unsaved'} data-testid="mf-saved" title={saved ? 'This merit function is saved with the lens' : 'The lens has no merit function yet: this is the starting merit; any change saves it with the lens'}>
          {saved ? 'saved with the lens' : 'starting merit (not saved yet)'}
        </span>
        <span className="mf-total mono" data-testid="mf-total" data-value={fresh?.table?.merit ?? ''}>
          merit Σ r² {fresh?.table ? formatSig(fresh.table.merit, 10) : '…'}
        </span>
      </div>
      <div
        className="mfe-grid"
        ref={grid}
        data-nav-grid="mfe"
        onKeyDown={onKeyDown}
        onFocus={(e) => {
          const pos = navPosition(e.target);
          if (pos) setSel(pos.row);
        }}
      >
        <table className="lde mf" data-testid="merit-table">
          <thead>
            <tr>
              <th>#</th>
              <th>Type</th>
              <th title="Surface (thickness operands) or Zernike term">Surf/Term</th>
              <th>Field</th>
              <th title="Wavelength (empty: primary; RMS spot: &quot;all&quot; = polychromatic)">Wave</th>
              <th title="= target, ≥ lower bound, ≤ upper bound">Kind</th>
              <th style={{ textAlign: 'right' }}>Target</th>
              <th style={{ textAlign: 'right' }}>Weight</th>
              <th style={{ textAlign: 'right' }}>Value</th>
              <th style={{ textAlign: 'right' }}>% Contrib</th>
              <th title="Further settings of the type as key=value (RMS spot: reference, rings, arms; distortion: percent; edge thickness: heightMm, heightFrom; wavefront: rings, arms; Zernike: basis, rings, arms)">Options</th>
            </tr>
          </thead>
          <tbody>
            {ops.map((op, k) => (
              <OperandRow key={k} op={op} k={k} row={userRows[k]} spec={spec} save={save} />
            ))}
            {ops.length === 0 && (
              <tr>
                <td colSpan={11} className="fixed muted">
                  No operands of your own: Insert adds one.
                </td>
              </tr>
            )}
            {fresh?.table?.defaultMerit && (
              <tr className="block-head">
                <td className="rowhead">DMFS</td>
                <td colSpan={10} data-testid="mf-dmfs">
                  {describeDefaultMerit(fresh.table.defaultMerit, hasBounds(spec.defaultMerit))} · {generated.length} generated operands
                </td>
              </tr>
            )}
            {generated.map((r, k) => (
              <GeneratedRow key={k} row={r} k={k} />
            ))}
          </tbody>
        </table>
      </div>
      {(error || hostError || cellError) && (
        <div className="cell-error" role="alert" data-testid="mf-error">
          <span>{cellError ?? error ?? hostError}</span>
        </div>
      )}
      <DefaultMeritSettings spec={spec} save={save} disabled={running} />
    </div>
  );
}
