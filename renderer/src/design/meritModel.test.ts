import { describe, expect, it } from 'vitest';
import { MeritSpec, OPERAND_TYPES as ENGINE_TYPES } from '../../../engine/io/meritSpecSchema.ts';
import { OPERAND_TYPES, changeType, optionsText, parseOptions, deleteOperand, insertOperand, moveOperand, newOperand, parseIndex, startingMerit, withDefaultMerit } from './meritModel.ts';

describe('the merit editor model', () => {
  it('offers every operand type of the merit spec, and a new one of each is a valid spec', () => {
    expect([...OPERAND_TYPES].sort()).toEqual([...ENGINE_TYPES].sort());
    for (const t of OPERAND_TYPES) expect(MeritSpec.safeParse({ operands: [newOperand(t)] }).success).toBe(true);
  });
  it('a type change keeps target, weight, kind, field and wavelength where both types have them', () => {
    const rms = changeType({ type: 'EFL', target: 50, weight: 2, kind: 'upper', wavelength: 1 }, 'RMS_SPOT');
    expect(rms).toEqual({ type: 'RMS_SPOT', field: 0, target: 50, weight: 2, kind: 'upper', wavelength: 1 });
    expect(changeType(rms, 'TOTAL_TRACK')).toEqual({ type: 'TOTAL_TRACK', target: 50, weight: 2, kind: 'upper' });
  });
  it('inserts, deletes and moves operands; an empty list is left out', () => {
    let spec: MeritSpec = { defaultMerit: {} };
    spec = insertOperand(spec, 0, { type: 'EFL', target: 50 });
    spec = insertOperand(spec, 1, { type: 'FNO', target: 5 });
    spec = moveOperand(spec, 1, -1);
    expect(spec.operands?.map((o) => o.type)).toEqual(['FNO', 'EFL']);
    expect(moveOperand(spec, 0, -1)).toBe(spec);
    spec = deleteOperand(deleteOperand(spec, 0), 0);
    expect(spec).toEqual({ defaultMerit: {} });
    expect(withDefaultMerit({ operands: [{ type: 'EFL' }], defaultMerit: {} }, null)).toEqual({ operands: [{ type: 'EFL' }] });
  });
  it('reads 1-based indices as 0-based, "all" where polychromatic is allowed', () => {
    expect(parseIndex('2', 'field')).toEqual({ ok: true, value: 1 });
    expect(parseIndex('', 'wavelength', { optional: true })).toEqual({ ok: true, value: undefined });
    expect(parseIndex('all', 'wavelength', { allowAll: true })).toEqual({ ok: true, value: 'all' });
    expect(parseIndex('0', 'field')).toMatchObject({ ok: false });
    expect(parseIndex('all', 'field')).toMatchObject({ ok: false });
  });
  it('the starting merit targets the EFL as given (6 digits) with thickness bounds; no EFL when unknown', () => {
    expect(startingMerit(52.37221718)).toEqual({ operands: [{ type: 'EFL', target: 52.3722 }], defaultMerit: { glassMin: 0.5, glassEdgeMin: 0.5, airMin: 0, airEdgeMin: 0.1 } });
    expect(startingMerit(null).operands).toBeUndefined();
    expect(MeritSpec.safeParse(startingMerit(50)).success).toBe(true);
  });
  it('edits the further settings of a type as key=value text; the schema then checks the values', () => {
    const op = { type: 'RMS_SPOT' as const, field: 1, target: 0 };
    const r = parseOptions(op, 'reference=chief rings=4 arms=8');
    expect(r).toEqual({ ok: true, value: { ...op, reference: 'chief', rings: 4, arms: 8 } });
    if (r.ok) expect(optionsText(r.value)).toBe('reference=chief rings=4 arms=8');
    expect(parseOptions({ type: 'DISTORTION', field: 0 }, 'percent=false')).toEqual({ ok: true, value: { type: 'DISTORTION', field: 0, percent: false } });
    expect(parseOptions(op, 'basis=fringe')).toEqual({ ok: false, error: 'options: RMS_SPOT has no "basis" (it has reference, rings, arms)' });
    expect(parseOptions({ type: 'EFL' }, 'rings=3')).toMatchObject({ ok: false });
    expect(parseOptions({ ...op, rings: 4 }, '')).toEqual({ ok: true, value: op });
    expect(MeritSpec.safeParse({ operands: [(parseOptions(op, 'rings=99') as { value: unknown }).value] }).success).toBe(false);
  });
});
