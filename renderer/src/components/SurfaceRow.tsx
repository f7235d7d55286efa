/**
 * One surface row of the lens data editor: type, comment, radius, thickness, glass, semi-diameter
 * (the user's value, or the automatic one in grey as OpticStudio shows it), conic, type parameters
 * and the markers of variables and solves (V, P, M, C, F, E: design/SolveMarker.tsx). Cells sit on the editor's navigation grid: row = surface + 1 (the
 * object row is 0), columns as `NAV_COLS`.
 */
import { memo } from 'react';
import type { LensEdit, MaterialRef, SurfaceField, SurfaceSpec } from '../../../app/contract/studioApi.ts';
import { useStudio } from '../store.ts';
import { EditCell } from './EditCell.tsx';
import { SolveMarker } from '../design/SolveMarker.tsx';
import type { CellMarker } from '../../../app/contract/studioApi.ts';
import { moveFocus } from './gridNav.ts';
import { formatNumber, parseFinite, parseNumberList, parseOptionalPositive, parseRadius, type Parsed } from '../format.ts';

/** Grid columns of the editor's navigable cells. */
export const NAV_COLS = { type: 0, comment: 1, radius: 2, thickness: 3, glass: 4, semiDiameter: 5, conic: 6, params: 7 } as const;

const TYPE_LABELS: Record<SurfaceSpec['type'], string> = {
  standard: 'Standard',
  evenAsphere: 'Even Asph',
  xyPolynomial: 'XY Poly',
  coordinateBreak: 'Coord Brk',
  paraxial: 'Paraxial',
};

/** How a material shows in its cell: air empty, catalog glass by name, model glass as nd/Vd. */
export function materialText(m: MaterialRef | undefined): string {
  if (m === null || m === undefined) return '';
  if (typeof m === 'string') return m;
  if ('model' in m) return `${m.model.nd}/${m.model.vd}`;
  if ('offset' in m) return `${materialText(m.glass)} (Δnd ${m.offset.nd}, ΔVd ${m.offset.vd})`;
  return m.name;
}

function parseMaterial(text: string): Parsed<string | null> {
  const t = text.trim();
  if (t === '' || /^air$/i.test(t)) return { ok: true, value: null };
  if (/\s/.test(t)) return { ok: false, error: `glass: "${t}" has a space (use NAME or CATALOG:NAME)` };
  return { ok: true, value: t };
}

/** A computed length as OpticStudio shows it: 6 significant digits. */
export function computedText(v: number | undefined): string {
  return v === undefined || !Number.isFinite(v) ? '' : String(Number(v.toPrecision(6)));
}

/** The type-parameter column of a surface: its text and how to parse and apply it. */
function paramsOf(s: SurfaceSpec): { text: string; field: SurfaceField | null; hint: string; parse?: (t: string) => Parsed<unknown> } {
  switch (s.type) {
    case 'evenAsphere':
      return {
        text: s.asphere.map((v) => formatNumber(v)).join(', '),
        field: 'asphere',
        hint: 'A2, A4, A6, … coefficients of r², r⁴, r⁶ …',
        parse: (t) => parseNumberList(t, 'asphere'),
      };
    case 'paraxial':
      return { text: formatNumber(s.focalLength), field: 'focalLength', hint: 'focal length, mm', parse: (t) => parseFinite(t, 'focal length') };
    case 'xyPolynomial':
      return { text: s.xy.map((v) => formatNumber(v)).join(', '), field: 'xy', hint: 'a(j,i) in dO order', parse: (t) => parseNumberList(t, 'xy') };
    case 'coordinateBreak':
      return { text: '', field: null, hint: '' };
    default:
      return { text: '', field: 'asphere', hint: 'type asphere terms to make it an even asphere', parse: (t) => parseNumberList(t, 'asphere') };
  }
}

const edit = (e: LensEdit) => useStudio.getState().edit(e);

/** The surface-type picker, a grid cell: arrows, Enter and Tab move; Space or a click opens it. */
function TypeCell({ s, i }: { s: SurfaceSpec; i: number }) {
  return (
    <select
      className="cell"
      value={s.type}
      data-testid={`type-${i}`}
      data-nav-row={i + 1}
      data-nav-col={NAV_COLS.type}
      data-editing="false"
      onChange={(e) => void edit({ op: 'setSurface', index: i, field: 'type', value: e.target.value }).then((err) => err && useStudio.getState().setCellError(`type-${i}`, err))}
      onKeyDown={(e) => {
        const moves: Record<string, [number, number]> = { ArrowUp: [-1, 0], ArrowDown: [1, 0], ArrowLeft: [0, -1], ArrowRight: [0, 1], Enter: [e.shiftKey ? -1 : 1, 0], Tab: [0, e.shiftKey ? -1 : 1] };
        const m = moves[e.key];
        if (!m) return;
        e.preventDefault();
        moveFocus(e.currentTarget, m[0], m[1]);
      }}
    >
      {Object.entries(TYPE_LABELS).map(([k, label]) => (
        <option key={k} value={k}>
          {label}
        </option>
      ))}
    </select>
  );
}

function CoordinateBreakCells({ s, index }: { s: Extract<SurfaceSpec, { type: 'coordinateBreak' }>; index: number }) {
  const fields = ['decenterX', 'decenterY', 'tiltX', 'tiltY', 'tiltZ'] as const;
  const labels = ['dx', 'dy', 'tx', 'ty', 'tz'];
  return (
    <span style={{ display: 'flex' }}>
      {fields.map((f, k) => (
        <span key={f} style={{ display: 'flex', alignItems: 'center' }}>
          <span className="muted" style={{ padding: '0 2px' }}>
            {labels[k]}
          </span>
          <span style={{ width: 46 }}>
            <EditCell
              display={formatNumber(s[f] ?? 0)}
              numeric
              parse={(t) => parseFinite(t, f)}
              commit={(v) => edit({ op: 'setSurface', index, field: f, value: v })}
              where={`Surface ${index + 1}`}
              nav={{ row: index + 1, col: NAV_COLS.params + k }}
              testId={`${f}-${index}`}
            />
          </span>
        </span>
      ))}
    </span>
  );
}

/**
 * The semi-diameter cell: the user's value, or the automatic one (from the analysis) in grey.
 * It alone follows the analysis: an edit re-renders this cell, not the row.
 */
function SemiDiameterCell({ s, i }: { s: SurfaceSpec; i: number }) {
  const auto = useStudio((st) => st.analysis?.layout?.semiDiameters[i]);
  return (
    <EditCell
      display={formatNumber(s.semiDiameter)}
      numeric
      placeholder={computedText(auto) || 'auto'}
      title={
        s.semiDiameter === undefined
          ? 'Automatic: the largest height of the chief and pupil-edge rays of every field and wavelength (grey). Type a value to fix the clear aperture; empty it for automatic.'
          : 'Clear semi-aperture set by the user (rays beyond it are clipped); empty it for automatic.'
      }
      parse={(t) => parseOptionalPositive(t, 'semi-diameter')}
      commit={(value) => edit({ op: 'setSurface', index: i, field: 'semiDiameter', value })}
      where={`Surface ${i + 1}`}
      nav={{ row: i + 1, col: NAV_COLS.semiDiameter }}
      testId={`semidiameter-${i}`}
    />
  );
}

/** A solved value (marker other than V) as OpticStudio shows it: 8 significant digits. */
function solvedShown(v: number, marker: CellMarker | undefined): number {
  return marker && marker !== 'V' ? Number(v.toPrecision(8)) : v;
}

/** One surface row; re-rendered only when that surface, the selection or its messages change. */
export const SurfaceRow = memo(
  function SurfaceRow({ s, i, selected, flagged, marks, imageSolve }: { s: SurfaceSpec; i: number; json: string; selected: boolean; flagged?: string; marks: string; imageSolve: boolean }) {
    /** The solve / variable markers of this row's cells (LensSnapshot.cells). */
    const mark: Record<string, CellMarker> = JSON.parse(marks);
    const setSurface = (field: SurfaceField) => (value: unknown) => edit({ op: 'setSurface', index: i, field, value });
    const where = `Surface ${i + 1}`;
    const nav = (col: number) => ({ row: i + 1, col });
    const hasRadius = 'radius' in s;
    const params = paramsOf(s);
    const dash = (
      <span className="muted" style={{ padding: '0 6px' }}>
        —
      </span>
    );
    return (
      <tr className={`${selected ? 'selected' : ''}${flagged ? ' flagged' : ''}`} data-testid={`surface-row-${i}`}>
        <td className="rowhead" title={flagged ?? (s.stop ? 'aperture stop' : undefined)}>
          {s.stop ? <span className="stopmark">STO</span> : i + 1}
        </td>
        <td style={{ minWidth: 86 }}>
          <TypeCell s={s} i={i} />
        </td>
        <td style={{ minWidth: 70 }}>
          <EditCell display={s.comment ?? ''} parse={(t) => ({ ok: true, value: t })} commit={setSurface('comment')} where={where} nav={nav(NAV_COLS.comment)} testId={`comment-${i}`} />
        </td>
        <td className="num" style={{ minWidth: 96 }}>
          {hasRadius ? (
            <EditCell
              display={s.radius === null ? 'Infinity' : formatNumber(solvedShown(s.radius, mark.radius))}
              numeric
              parse={parseRadius}
              commit={setSurface('radius')}
              where={where}
              nav={nav(NAV_COLS.radius)}
              testId={`radius-${i}`}
            />
          ) : (
            dash
          )}
        </td>
        <td>{hasRadius && <SolveMarker s={s} i={i} param="radius" marker={mark.radius} imageSolve={imageSolve} />}</td>
        <td className="num" style={{ minWidth: 84 }}>
          <EditCell display={formatNumber(solvedShown(s.thickness, mark.thickness))} numeric parse={(t) => parseFinite(t, 'thickness')} commit={setSurface('thickness')} where={where} nav={nav(NAV_COLS.thickness)} testId={`thickness-${i}`} />
        </td>
        <td>
          <SolveMarker s={s} i={i} param="thickness" marker={mark.thickness} imageSolve={imageSolve} />
        </td>
        <td style={{ minWidth: 78 }}>
          {s.type === 'coordinateBreak' ? (
            dash
          ) : (
            <EditCell
              display={materialText(s.material)}
              parse={parseMaterial}
              commit={setSurface('material')}
              where={where}
              nav={nav(NAV_COLS.glass)}
              testId={`material-${i}`}
              title={typeof s.material === 'object' && s.material && 'catalog' in s.material ? `${s.material.catalog ?? ''} ${s.material.name}` : undefined}
            />
          )}
        </td>
        <td>{s.type !== 'coordinateBreak' && <SolveMarker s={s} i={i} param="material" marker={mark.material} imageSolve={imageSolve} />}</td>
        <td className="num" style={{ minWidth: 70 }}>
          <SemiDiameterCell s={s} i={i} />
        </td>
        <td className="num" style={{ minWidth: 60 }}>
          {hasRadius ? (
            <EditCell
              display={formatNumber(s.conic ?? 0)}
              numeric
              parse={(t) => (t.trim() === '' ? { ok: true, value: 0 } : parseFinite(t, 'conic'))}
              commit={setSurface('conic')}
              where={where}
              nav={nav(NAV_COLS.conic)}
              testId={`conic-${i}`}
            />
          ) : null}
        </td>
        <td>{hasRadius && <SolveMarker s={s} i={i} param="conic" marker={mark.conic} imageSolve={imageSolve} />}</td>
        <td style={{ minWidth: 120 }}>
          {s.type === 'coordinateBreak' ? (
            <CoordinateBreakCells s={s} index={i} />
          ) : params.field && params.parse ? (
            <EditCell display={params.text} parse={params.parse} commit={setSurface(params.field)} where={where} nav={nav(NAV_COLS.params)} title={params.hint} testId={`params-${i}`} />
          ) : null}
        </td>
      </tr>
    );
  },
  (a, b) => a.json === b.json && a.selected === b.selected && a.i === b.i && a.flagged === b.flagged && a.marks === b.marks && a.imageSolve === b.imageSolve,
);
