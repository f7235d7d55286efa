/** Pieces shared by the wave panels: field and wavelength pickers, the pass status, warnings. */
import type { WaveBundle } from '../../../app/contract/studioApi.ts';
import { useStudio } from '../store.ts';
import { useWave, type WaveSettings } from './waveStore.ts';

/** "F2 14°" labels of the lens's fields, as one string (stable across snapshots of the same fields). */
export function useFieldLabels(): string[] {
  const text = useStudio((s) => {
    const f = s.lens?.prescription.fields;
    const unit = f?.type === 'angle' ? '°' : ' mm';
    return (f?.points ?? []).map((p, i) => `F${i + 1} ${+Math.hypot(p.x, p.y).toFixed(3)}${unit}`).join('\n');
  });
  return text ? text.split('\n') : [];
}

export function useWavelengths(): { values: number[]; primary: number } {
  const text = useStudio((s) => (s.lens ? `${s.lens.prescription.wavelengths.primaryIndex}|${s.lens.prescription.wavelengths.valuesUm.join(',')}` : ''));
  if (!text) return { values: [], primary: 0 };
  const [p, v] = text.split('|');
  return { values: v.split(',').map(Number), primary: Number(p) };
}

export function FieldPicker() {
  const labels = useFieldLabels();
  const field = useWave((s) => s.settings.fieldIndex);
  const set = useWave((s) => s.set);
  const value = Math.min(field, Math.max(0, labels.length - 1));
  return (
    <label className="wave-ctl">
      Field
      <select className="wave-select" value={value} onChange={(e) => set({ fieldIndex: Number(e.target.value) })} data-testid="wave-field">
        {labels.map((l, i) => (
          <option key={i} value={i}>
            {l}
          </option>
        ))}
      </select>
    </label>
  );
}

export function WavelengthPicker() {
  const { values, primary } = useWavelengths();
  const w = useWave((s) => s.settings.wavelengthIndex);
  const set = useWave((s) => s.set);
  const value = w === null || w >= values.length ? primary : w;
  return (
    <label className="wave-ctl">
      λ
      <select className="wave-select" value={value} onChange={(e) => set({ wavelengthIndex: Number(e.target.value) === primary ? null : Number(e.target.value) })} data-testid="wave-wavelength">
        {values.map((v, i) => (
          <option key={i} value={i}>
            {v} µm{i === primary ? ' (primary)' : ''}
          </option>
        ))}
      </select>
    </label>
  );
}

/** A two-way switch: [a | b]. */
export function Switch<K extends string>({ value, options, onChange, testId }: { value: K; options: readonly (readonly [K, string])[]; onChange: (k: K) => void; testId: string }) {
  return (
    <span className="wave-switch" data-testid={testId}>
      {options.map(([k, label]) => (
        <button key={k} className={`btn small${value === k ? ' on' : ''}`} onClick={() => onChange(k)} data-testid={`${testId}-${k}`}>
          {label}
        </button>
      ))}
    </span>
  );
}

/** Chromatic mode switch bound to one boolean setting. */
export function ChromaticSwitch({ setting, testId }: { setting: keyof Pick<WaveSettings, 'mtfPolychromatic' | 'psfPolychromatic' | 'focusPolychromatic'>; testId: string }) {
  const poly = useWave((s) => s.settings[setting]);
  const set = useWave((s) => s.set);
  return (
    <Switch
      value={poly ? 'poly' : 'mono'}
      options={[
        ['mono', 'Primary λ'],
        ['poly', 'Polychromatic'],
      ]}
      onChange={(k) => set({ [setting]: k === 'poly' })}
      testId={testId}
    />
  );
}

/** What the panel shows: the live preview, the refined pass, or an older lens while it updates. */
export function passStatus(bundle: WaveBundle | undefined, current: boolean, pending: 'live' | 'refined' | null): { text: string; kind: 'refined' | 'live' | 'stale' } {
  if (!bundle) return { text: 'computing…', kind: 'stale' };
  if (!current) return { text: 'updating…', kind: 'stale' };
  if (bundle.quality === 'refined') return { text: 'refined', kind: 'refined' };
  return { text: pending === 'refined' ? 'live · refining…' : 'live', kind: 'live' };
}

/** The host's warnings and errors for the shown answer. */
export function WaveNotes({ bundle }: { bundle: WaveBundle | undefined }) {
  if (!bundle || (!bundle.warnings.length && !bundle.errors.length)) return null;
  return (
    <div className="wave-notes" data-testid="wave-warnings">
      {bundle.errors.map((e, i) => (
        <div key={`e${i}`} className="wave-error">
          {e}
        </div>
      ))}
      {bundle.warnings.map((w, i) => (
        <div key={`w${i}`} className="wave-warning">
          ⚠ {w}
        </div>
      ))}
    </div>
  );
}

/** A number with `digits` decimals and a typographic minus, "—" for null. */
export function num(v: number | null | undefined, digits: number): string {
  if (v === null || v === undefined || !Number.isFinite(v)) return '—';
  return v.toFixed(digits).replace('-', '−');
}
