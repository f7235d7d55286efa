/** System settings: name, aperture, fields, wavelengths, glass catalogs, ray aiming, image solve. */
import { useState } from 'react';
import type { Prescription, SystemField } from '../../../app/contract/studioApi.ts';
import { useStudio } from '../store.ts';
import { EditCell } from './EditCell.tsx';
import { formatNumber, parseFinite, type Parsed } from '../format.ts';
import { wavelengthColor, fieldColor } from '../colors.ts';

const positive = (what: string) => (t: string): Parsed<number> => {
  const p = parseFinite(t, what);
  return p.ok && p.value <= 0 ? { ok: false, error: `${what}: must be positive` } : p;
};

export function SystemSettings() {
  const lens = useStudio((s) => s.lens);
  const [error, setError] = useState<string | null>(null);
  if (!lens) return <div className="empty">No lens open.</div>;
  const p = lens.prescription;
  const set = (field: SystemField, value: unknown, key?: string) =>
    useStudio.getState().edit({ op: 'setSystem', field, value }, key ? { coalesceKey: key } : undefined);
  const setNow = (field: SystemField, value: unknown) => void set(field, value).then(setError);
  const box = (w: number, child: React.ReactNode) => <span style={{ width: w, display: 'inline-block', border: '1px solid var(--line-2)', background: 'var(--bg)' }}>{child}</span>;

  const fields = p.fields.points;
  const waves = p.wavelengths;
  const withField = (i: number, patch: Partial<(typeof fields)[number]>): Prescription['fields'] => ({
    ...p.fields,
    points: fields.map((f, k) => (k === i ? { ...f, ...patch } : f)),
  });
  const fieldUnit = p.fields.type === 'angle' ? '°' : 'mm';

  return (
    <div className="form" data-testid="system-settings">
      <fieldset>
        <legend>Lens</legend>
        <div className="row">
          <span className="muted">Name</span>
          {box(320, <EditCell display={p.name} parse={(t) => ({ ok: true, value: t })} commit={(v) => set('name', v)} onError={setError} testId="sys-name" />)}
        </div>
      </fieldset>
      <fieldset>
        <legend>Aperture</legend>
        <div className="row">
          <select className="field-input" style={{ width: 200 }} value={p.aperture.type} onChange={(e) => setNow('aperture', { ...p.aperture, type: e.target.value })}>
            <option value="EPD">Entrance pupil diameter</option>
            <option value="imageFNumber">Image-space F/#</option>
            <option value="objectNA">Object-space NA</option>
            <option value="floatByStop">Float by stop size</option>
          </select>
          {p.aperture.type !== 'floatByStop' &&
            box(
              100,
              <EditCell
                display={formatNumber(p.aperture.value)}
                numeric
                parse={positive('aperture value')}
                commit={(v) => set('aperture', { ...p.aperture, value: v })}
                onError={setError}
                testId="sys-aperture"
              />,
            )}
          <span className="muted">{p.aperture.type === 'EPD' ? 'mm' : ''}</span>
        </div>
      </fieldset>
      <fieldset>
        <legend>Fields</legend>
        <div className="row" style={{ marginBottom: 4 }}>
          <select className="field-input" style={{ width: 200 }} value={p.fields.type} onChange={(e) => setNow('fields', { ...p.fields, type: e.target.value })}>
            <option value="angle">Angle (°)</option>
            <option value="objectHeight">Object height (mm)</option>
            <option value="paraxialImageHeight">Paraxial image height (mm)</option>
          </select>
          <button className="btn small" onClick={() => setNow('fields', { ...p.fields, points: [...fields, { x: 0, y: fields[fields.length - 1]?.y ?? 0 }] })}>
            + Field
          </button>
        </div>
        {fields.map((f, i) => (
          <div className="row" key={i} style={{ marginBottom: 2 }}>
            <span className="swatch" style={{ background: fieldColor(i) }} />
            <span className="mono muted" style={{ width: 18 }}>{i + 1}</span>
            <span className="muted">x</span>
            {box(70, <EditCell display={formatNumber(f.x)} numeric parse={(t) => parseFinite(t, 'field x')} commit={(v) => set('fields', withField(i, { x: v }))} onError={setError} />)}
            <span className="muted">y</span>
            {box(70, <EditCell display={formatNumber(f.y)} numeric parse={(t) => parseFinite(t, 'field y')} commit={(v) => set('fields', withField(i, { y: v }))} onError={setError} testId={`sys-field-y-${i}`} />)}
            <span className="muted">{fieldUnit}</span>
            <button className="btn small" disabled={fields.length <= 1} onClick={() => setNow('fields', { ...p.fields, points: fields.filter((_, k) => k !== i) })} title="Remove this field">
              ✕
            </button>
          </div>
        ))}
      </fieldset>
      <fieldset>
        <legend>
          Wavelengths <span style={{ textTransform: 'none' }}>(µm)</span>
        </legend>
        <div className="row" style={{ marginBottom: 4 }}>
          <button
            className="btn small"
            onClick={() => setNow('wavelengths', { ...waves, valuesUm: [...waves.valuesUm, 0.5876], weights: waves.weights ? [...waves.weights, 1] : undefined })}
          >
            + Wavelength
          </button>
          <button className="btn small" onClick={() => setNow('wavelengths', { valuesUm: [0.4861327, 0.5875618, 0.6562725], primaryIndex: 1 })} title="F, d, C lines">
            F, d, C
          </button>
        </div>
        {waves.valuesUm.map((w, i) => (
          <div className="row" key={i} style={{ marginBottom: 2 }}>
            <span className="swatch" style={{ background: wavelengthColor(w) }} />
            {box(
              90,
              <EditCell
                display={formatNumber(w)}
                numeric
                parse={positive('wavelength')}
                commit={(v) => set('wavelengths', { ...waves, valuesUm: waves.valuesUm.map((x, j) => (j === i ? v : x)) })}
                onError={setError}
              />,
            )}
            <label className="row" style={{ gap: 3 }}>
              <input type="radio" checked={waves.primaryIndex === i} onChange={() => setNow('wavelengths', { ...waves, primaryIndex: i })} /> primary
            </label>
            <button
              className="btn small"
              disabled={waves.valuesUm.length <= 1}
              onClick={() =>
                setNow('wavelengths', {
                  ...waves,
                  valuesUm: waves.valuesUm.filter((_, j) => j !== i),
                  weights: waves.weights?.filter((_, j) => j !== i),
                  primaryIndex: Math.min(waves.primaryIndex > i ? waves.primaryIndex - 1 : waves.primaryIndex, waves.valuesUm.length - 2),
                })
              }
            >
              ✕
            </button>
          </div>
        ))}
      </fieldset>
      <fieldset>
        <legend>Glass and tracing</legend>
        <div className="row" style={{ marginBottom: 4 }}>
          <span className="muted">Catalogs</span>
          {box(
            240,
            <EditCell
              display={(p.glassCatalogs ?? []).join(', ')}
              parse={(t) => ({ ok: true, value: t.split(/[\s,;]+/).filter(Boolean).map((c) => c.toUpperCase()) })}
              commit={(v) => set('glassCatalogs', v.length ? v : null)}
              onError={setError}
              testId="sys-catalogs"
            />,
          )}
        </div>
        <div className="row">
          <span className="muted">Ray aiming</span>
          <select className="field-input" value={p.rayAiming ?? 'paraxial'} onChange={(e) => setNow('rayAiming', e.target.value)}>
            <option value="paraxial">paraxial</option>
            <option value="real">real</option>
          </select>
          <span className="muted">Image</span>
          <select className="field-input" style={{ width: 150 }} value={p.imageSolve ?? 'none'} onChange={(e) => setNow('imageSolve', e.target.value)}>
            <option value="none">as given</option>
            <option value="paraxialFocus">paraxial focus solve</option>
          </select>
        </div>
      </fieldset>
      {error && <div className="notice error" data-testid="system-error">{error}</div>}
    </div>
  );
}
