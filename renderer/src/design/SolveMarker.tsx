/**
 * The marker cell beside a radius, thickness, conic or glass in the lens data editor, as
 * OpticStudio's solve box: "V" variable, "P" pickup, "M" marginal ray (the paraxial focus image
 * solve included), "C" chief ray, "F" F-number, "E" edge thickness (engine/io/cellMarkers.ts, as
 * the host reports them in LensSnapshot.cells). A click on an empty or "V" box varies or fixes the
 * parameter; a click on a solve, or a right click on any box, opens the solve editor: fixed,
 * variable, or a solve with its parameters (setSolve), applied as one undo step.
 */
import { useCallback, useRef, useState } from 'react';
import type { CellMarker, LensEdit, SurfaceSolves, SurfaceSpec } from '../../../app/contract/studioApi.ts';
import { useStudio } from '../store.ts';
import { useDismiss } from '../components/useDismiss.ts';
import { formatNumber } from '../format.ts';

export type SolveParam = keyof SurfaceSolves;

type Choice = 'fixed' | 'variable' | 'pickup' | 'marginalRayAngle' | 'chiefRayAngle' | 'fNumber' | 'marginalRayHeight' | 'chiefRayHeight' | 'edgeThickness';

const CHOICES: Record<SolveParam, [Choice, string][]> = {
  radius: [
    ['fixed', 'Fixed'],
    ['variable', 'Variable'],
    ['pickup', 'Pickup (P)'],
    ['marginalRayAngle', 'Marginal ray angle (M)'],
    ['chiefRayAngle', 'Chief ray angle (C)'],
    ['fNumber', 'F-number (F)'],
  ],
  thickness: [
    ['fixed', 'Fixed'],
    ['variable', 'Variable'],
    ['pickup', 'Pickup (P)'],
    ['marginalRayHeight', 'Marginal ray height (M)'],
    ['chiefRayHeight', 'Chief ray height (C)'],
    ['edgeThickness', 'Edge thickness (E)'],
  ],
  conic: [
    ['fixed', 'Fixed'],
    ['variable', 'Variable'],
    ['pickup', 'Pickup (P)'],
  ],
  material: [
    ['fixed', 'Fixed'],
    ['pickup', 'Pickup (P)'],
  ],
};

/** The inputs each choice has: key, label, default text. */
const INPUTS: Partial<Record<Choice, [string, string, string][]>> = {
  marginalRayAngle: [['angle', 'angle u′ (rad)', '0']],
  chiefRayAngle: [['angle', 'angle u′ (rad)', '0']],
  fNumber: [['fNumber', 'F-number', '4']],
  marginalRayHeight: [
    ['height', 'height (mm)', '0'],
    ['pupilZone', 'pupil zone (0: paraxial)', ''],
  ],
  chiefRayHeight: [['height', 'height (mm)', '0']],
  edgeThickness: [
    ['thickness', 'edge thickness (mm)', '1'],
    ['heightMm', 'at height (mm; empty: semi-diameter)', ''],
  ],
};

/** Solve parameters the schema defaults (engine/io/solves.ts): left out when they have that value. */
const SCHEMA_DEFAULTS: Record<string, number> = { scale: 1, offset: 0, height: 0 };

interface Current {
  choice: Choice;
  values: Record<string, string>;
}

/** The cell's present state as the editor's form starts it. */
function currentOf(s: SurfaceSpec, param: SolveParam, imageSolve: boolean): Current {
  const solve = s.solves?.[param] as Record<string, unknown> | undefined;
  if (solve) {
    const values: Record<string, string> = {};
    for (const [k, v] of Object.entries(solve)) if (k !== 'type') values[k] = k === 'surface' ? String((v as number) + 1) : String(v);
    return { choice: solve.type as Choice, values };
  }
  if (imageSolve && param === 'thickness') return { choice: 'marginalRayHeight', values: { height: '0' } };
  return { choice: s.variables?.[param] ? 'variable' : 'fixed', values: {} };
}

/** The solve the form describes, or an error naming the bad input. */
function solveOf(choice: Choice, values: Record<string, string>, param: SolveParam): { solve: SurfaceSolves[SolveParam] } | { error: string } {
  const num = (k: string, label: string, optional = false): number | undefined | string => {
    const t = (values[k] ?? '').trim();
    if (t === '') return optional ? undefined : `${label}: enter a number`;
    const v = Number(t);
    return Number.isFinite(v) ? v : `${label}: "${t}" is not a number`;
  };
  const out: Record<string, unknown> = { type: choice };
  if (choice === 'pickup') {
    const src = Number((values.surface ?? '').trim());
    if (!Number.isInteger(src) || src < 1) return { error: 'pickup: the source surface is a number from 1' };
    out.surface = src - 1;
    if (param !== 'material') {
      for (const [k, label] of [['scale', 'scale'], ['offset', 'offset']] as const) {
        const v = num(k, label, true);
        if (typeof v === 'string') return { error: v };
        if (v !== undefined && v !== SCHEMA_DEFAULTS[k]) out[k] = v;
      }
    }
  } else {
    for (const [k, label, def] of INPUTS[choice] ?? []) {
      const v = num(k, label, def === '');
      if (typeof v === 'string') return { error: v };
      if (v !== undefined && v !== SCHEMA_DEFAULTS[k]) out[k] = v;
    }
  }
  return { solve: out as SurfaceSolves[SolveParam] };
}

function SolveEditor({ s, i, param, imageSolve, at, close }: { s: SurfaceSpec; i: number; param: SolveParam; imageSolve: boolean; at: DOMRect; close: () => void }) {
  const start = currentOf(s, param, imageSolve);
  const [choice, setChoice] = useState<Choice>(start.choice);
  const [values, setValues] = useState<Record<string, string>>(start.values);
  const [error, setError] = useState<string | null>(null);
  const ref = useRef<HTMLDivElement>(null);
  useDismiss(ref, true, close);
  const st = useStudio.getState;

  const inputs: [string, string, string][] = choice === 'pickup' ? [['surface', 'from surface', ''], ...(param === 'material' ? [] : ([['scale', 'scale', '1'], ['offset', 'offset', '0']] as [string, string, string][]))] : (INPUTS[choice] ?? []);
  const apply = async () => {
    const edits: LensEdit[] = [];
    const hasSolve = !!s.solves?.[param];
    const hasImageSolve = imageSolve && param === 'thickness' && !hasSolve;
    if (hasImageSolve) edits.push({ op: 'setSystem', field: 'imageSolve', value: null });
    if (choice === 'fixed' || choice === 'variable') {
      if (hasSolve) edits.push({ op: 'setSolve', index: i, param, solve: null });
      const on = choice === 'variable';
      if (!!s.variables?.[param] !== on) edits.push({ op: 'setVariable', index: i, param, on });
    } else {
      const defaults = Object.fromEntries(inputs.map(([k, , def]) => [k, def]));
      const r = solveOf(choice, { ...defaults, ...values }, param);
      if ('error' in r) return setError(r.error);
      edits.push({ op: 'setSolve', index: i, param, solve: r.solve });
    }
    for (const e of edits) {
      const err = await st().edit(e);
      if (err) return setError(err);
    }
    close();
  };

  return (
    <div className="solve-pop" ref={ref} style={{ left: Math.min(at.left, window.innerWidth - 290), top: at.bottom + 4 }} data-testid="solve-pop" role="dialog" aria-label={`Solve on surface ${i + 1} ${param}`}>
      <h3>
        Surface {i + 1} {param === 'material' ? 'glass' : param}
      </h3>
      <select className="field-input" style={{ width: '100%' }} value={choice} onChange={(e) => setChoice(e.target.value as Choice)} data-testid="solve-type">
        {CHOICES[param].map(([k, label]) => (
          <option key={k} value={k}>
            {label}
          </option>
        ))}
      </select>
      {inputs.map(([k, label, def]) => (
        <label key={`${choice}-${k}`} className="row" style={{ justifyContent: 'space-between' }}>
          <span className="muted">{label}</span>
          <input
            className="field-input"
            value={values[k] ?? def}
            placeholder={def === '' ? '—' : undefined}
            data-testid={`solve-${k}`}
            onChange={(e) => setValues({ ...values, [k]: e.target.value })}
            onKeyDown={(e) => e.key === 'Enter' && void apply()}
          />
        </label>
      ))}
      {error && (
        <div className="violations" role="alert" data-testid="solve-error">
          {error}
        </div>
      )}
      <div className="row" style={{ justifyContent: 'flex-end' }}>
        <button className="btn small" onClick={close}>
          Cancel
        </button>
        <button className="btn small primary" onClick={() => void apply()} data-testid="solve-apply">
          Apply
        </button>
      </div>
    </div>
  );
}

/** What a marker means, for its tooltip. */
const MEANING: Record<CellMarker, string> = {
  V: 'variable',
  P: 'pickup',
  M: 'marginal ray solve',
  C: 'chief ray solve',
  F: 'F-number solve',
  E: 'edge thickness solve',
};

export function SolveMarker({ s, i, param, marker, imageSolve }: { s: SurfaceSpec; i: number; param: SolveParam; marker: CellMarker | undefined; imageSolve: boolean }) {
  const [at, setAt] = useState<DOMRect | null>(null);
  const close = useCallback(() => setAt(null), []);
  const solved = !!marker && marker !== 'V';
  const solve = s.solves?.[param] as Record<string, unknown> | undefined;
  const detail = solve?.type === 'pickup' ? ` of surface ${(solve.surface as number) + 1}${solve.scale !== undefined ? ` × ${formatNumber(solve.scale as number)}` : ''}${solve.offset ? ` + ${formatNumber(solve.offset as number)}` : ''}` : '';
  const open = (el: HTMLElement) => setAt(el.getBoundingClientRect());
  return (
    <>
      <button
        className={`vflag${marker === 'V' ? ' on' : solved ? ' solve' : ''}`}
        tabIndex={-1}
        title={`${marker ? `${MEANING[marker]}${detail}` : 'fixed'} · click: ${solved || param === 'material' ? 'edit the solve' : marker === 'V' ? 'fix' : 'vary'} · right click: solves and pickups`}
        data-testid={`var-${i}-${param}`}
        data-marker={marker ?? ''}
        onClick={(e) => {
          if (solved || param === 'material') return open(e.currentTarget);
          void useStudio
            .getState()
            .edit({ op: 'setVariable', index: i, param, on: marker !== 'V' })
            .then((err) => err && useStudio.getState().notify('error', err));
        }}
        onContextMenu={(e) => {
          e.preventDefault();
          open(e.currentTarget);
        }}
      >
        {marker ?? (param === 'material' ? '' : 'V')}
      </button>
      {at && <SolveEditor s={s} i={i} param={param} imageSolve={imageSolve} at={at} close={close} />}
    </>
  );
}
