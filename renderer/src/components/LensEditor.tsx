/**
 * The lens data editor: one row per surface (object and image rows included), with type, radius,
 * thickness, glass, semi-diameter, conic, type parameters (asphere terms, coordinate-break
 * decenters and tilts, ...), variable flags (V) and the stop. Cells edit the host's lens live.
 */
import { memo, useState } from 'react';
import type { LensEdit, MaterialRef, SurfaceField, SurfaceSpec } from '../../../app/contract/studioApi.ts';
import { useStudio } from '../store.ts';
import { EditCell } from './EditCell.tsx';
import { MessagesList } from './MessagesList.tsx';
import {
  formatNumber,
  parseFinite,
  parseNumberList,
  parseOptionalPositive,
  parseRadius,
  type Parsed,
} from '../format.ts';

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

export function LensEditor() {
  const lens = useStudio((s) => s.lens);
  const selected = useStudio((s) => s.selectedSurface);
  const [error, setError] = useState<string | null>(null);
  const st = useStudio.getState;
  if (!lens) return <div className="empty">Open a lens from the library or a file.</div>;
  const p = lens.prescription;
  const edit = (e: LensEdit, key?: string) => st().edit(e, key ? { coalesceKey: key } : undefined);
  const objDistance = p.object.distance;

  return (
    <>
      <div className="row" style={{ padding: '4px 8px', borderBottom: '1px solid var(--line)', position: 'sticky', top: 0, background: 'var(--panel)', zIndex: 2 }}>
        <button className="btn small" onClick={() => void edit({ op: 'insertSurface', index: selected }).then(setError)} title="Insert a plane air surface before the selected one">
          + Insert
        </button>
        <button
          className="btn small"
          onClick={() => void edit({ op: 'deleteSurface', index: selected }).then(setError)}
          disabled={p.surfaces.length <= 1}
          title="Delete the selected surface"
        >
          − Delete
        </button>
        <span className="muted">Surface {selected + 1} selected · radius empty or "inf" = plane · glass NAME, CATALOG:NAME or nd/Vd</span>
      </div>
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
            <th style={{ textAlign: 'right' }}>Semi-diam</th>
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
                parse={(t): Parsed<number | 'infinity'> => (/^\s*(inf|infinity|∞)\s*$/i.test(t) ? { ok: true, value: 'infinity' } : parseFinite(t, 'object distance'))}
                commit={(v, key) => edit({ op: 'setSystem', field: 'object', value: { ...p.object, distance: v } }, key)}
                onError={setError}
              />
            </td>
            <td />
            <td className="fixed">{materialText(p.object.material)}</td>
            <td />
            <td />
            <td />
            <td />
          </tr>
          {p.surfaces.map((s, i) => (
            <SurfaceRow key={i} s={s} i={i} json={JSON.stringify(s)} selected={selected === i} onError={setError} />
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
            <td className="fixed num">{formatNumber(p.image?.semiDiameter)}</td>
            <td />
            <td />
            <td className="fixed muted">{p.imageSolve === 'paraxialFocus' ? 'paraxial focus solve' : ''}</td>
          </tr>
        </tbody>
      </table>
      <MessagesList />
      {error && (
        <div className="cell-error" data-testid="cell-error">
          {error}
        </div>
      )}
    </>
  );
}

/** One surface row; re-rendered only when that surface (or the selection) changes. */
const SurfaceRow = memo(
  function SurfaceRow({ s, i, selected, onError: setError }: { s: SurfaceSpec; i: number; json: string; selected: boolean; onError: (m: string | null) => void }) {
    const st = useStudio.getState;
    const edit = (e: LensEdit, key?: string) => st().edit(e, key ? { coalesceKey: key } : undefined);
    const setSurface = (index: number, field: SurfaceField) => (value: unknown, key: string) => edit({ op: 'setSurface', index, field, value }, key);
    const vflag = (i: number, s: SurfaceSpec, param: string) => {
      const on = !!s.variables?.[param];
      return (
        <button
          className={`vflag${on ? ' on' : ''}`}
          title={`${on ? 'Fix' : 'Vary'} ${param} of surface ${i + 1} in optimization`}
          data-testid={`var-${i}-${param}`}
          onClick={() => void edit({ op: 'setVariable', index: i, param, on: !on }).then((e) => setError(e))}
        >
          V
        </button>
      );
    };

    const hasRadius = 'radius' in s;
    const params = paramsOf(s);
    return (
      <tr className={selected ? 'selected' : ''} onMouseDown={() => !selected && st().setSelectedSurface(i)}>
        <td className="rowhead" title={s.stop ? 'aperture stop' : undefined}>
          {s.stop ? <span className="stopmark">STO</span> : i + 1}
        </td>
        <td style={{ minWidth: 86 }}>
          <select
            className="cell"
            value={s.type}
            data-testid={`type-${i}`}
            onChange={(e) => void edit({ op: 'setSurface', index: i, field: 'type', value: e.target.value }).then(setError)}
          >
            {Object.entries(TYPE_LABELS).map(([k, label]) => (
              <option key={k} value={k}>
                {label}
              </option>
            ))}
          </select>
        </td>
        <td style={{ minWidth: 70 }}>
          <EditCell display={s.comment ?? ''} parse={(t) => ({ ok: true, value: t })} commit={setSurface(i, 'comment')} onError={setError} testId={`comment-${i}`} />
        </td>
        <td className="num" style={{ minWidth: 96 }}>
          {hasRadius ? (
            <EditCell
              display={s.radius === null ? 'Infinity' : formatNumber(s.radius)}
              numeric
              parse={parseRadius}
              commit={setSurface(i, 'radius')}
              onError={setError}
              testId={`radius-${i}`}
            />
          ) : (
            <span className="muted" style={{ padding: '0 6px' }}>
              —
            </span>
          )}
        </td>
        <td>{hasRadius && vflag(i, s, 'radius')}</td>
        <td className="num" style={{ minWidth: 84 }}>
          <EditCell
            display={formatNumber(s.thickness)}
            numeric
            parse={(t) => parseFinite(t, 'thickness')}
            commit={setSurface(i, 'thickness')}
            onError={setError}
            testId={`thickness-${i}`}
          />
        </td>
        <td>{vflag(i, s, 'thickness')}</td>
        <td style={{ minWidth: 78 }}>
          {s.type === 'coordinateBreak' ? (
            <span className="muted" style={{ padding: '0 6px' }}>
              —
            </span>
          ) : (
            <EditCell
              display={materialText(s.material)}
              parse={parseMaterial}
              commit={setSurface(i, 'material')}
              onError={setError}
              testId={`material-${i}`}
              title={typeof s.material === 'object' && s.material && 'catalog' in s.material ? `${s.material.catalog ?? ''} ${s.material.name}` : undefined}
            />
          )}
        </td>
        <td className="num" style={{ minWidth: 70 }}>
          <EditCell
            display={formatNumber(s.semiDiameter)}
            numeric
            placeholder="auto"
            parse={(t) => parseOptionalPositive(t, 'semi-diameter')}
            commit={setSurface(i, 'semiDiameter')}
            onError={setError}
            testId={`semidiameter-${i}`}
          />
        </td>
        <td className="num" style={{ minWidth: 60 }}>
          {hasRadius ? (
            <EditCell
              display={formatNumber(s.conic ?? 0)}
              numeric
              parse={(t) => (t.trim() === '' ? { ok: true, value: 0 } : parseFinite(t, 'conic'))}
              commit={setSurface(i, 'conic')}
              onError={setError}
              testId={`conic-${i}`}
            />
          ) : null}
        </td>
        <td>{hasRadius && vflag(i, s, 'conic')}</td>
        <td style={{ minWidth: 120 }}>
          {s.type === 'coordinateBreak' ? (
            <CoordinateBreakCells s={s} index={i} onError={setError} />
          ) : params.field && params.parse ? (
            <EditCell display={params.text} parse={params.parse} commit={setSurface(i, params.field)} onError={setError} title={params.hint} testId={`params-${i}`} />
          ) : null}
        </td>
      </tr>
    );
  },
  (a, b) => a.json === b.json && a.selected === b.selected && a.i === b.i,
);

function CoordinateBreakCells({ s, index, onError }: { s: Extract<SurfaceSpec, { type: 'coordinateBreak' }>; index: number; onError: (m: string | null) => void }) {
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
              commit={(v, key) => useStudio.getState().edit({ op: 'setSurface', index, field: f, value: v }, { coalesceKey: key })}
              onError={onError}
              testId={`${f}-${index}`}
            />
          </span>
        </span>
      ))}
    </span>
  );
}
