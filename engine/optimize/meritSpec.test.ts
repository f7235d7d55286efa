import { describe, expect, it } from 'vitest';
import type { Operand } from '../io/meritSpecSchema.ts';
import { operandResidual, operandResidualSlope, resolveDefaultMerit } from './meritSpec.ts';

describe('resolveDefaultMerit', () => {
  it('fills the documented defaults of the default merit function', () => {
    expect(resolveDefaultMerit({ glassMin: 2 })).toEqual({
      criterion: 'rmsSpot',
      reference: 'centroid',
      rings: 3,
      arms: 6,
      symmetry: 'auto',
      weight: 1,
      boundaryWeight: 1,
      glassMin: 2,
    });
  });
});

describe('operandResidual', () => {
  const op = (o: Partial<Operand>) => ({ type: 'EFL', ...o }) as Operand;
  it('is √w·(value − target) for a target operand', () => {
    expect(operandResidual(52, op({ target: 50, weight: 4 }))).toBe(4);
    expect(operandResidual(48, op({ target: 50, weight: 4 }))).toBe(-4);
    expect(operandResidualSlope(48, op({ target: 50, weight: 4 }))).toBe(2);
    expect(operandResidual(3, op({}))).toBe(3); // target 0, weight 1
  });
  it('counts only the violation of a bound', () => {
    expect(operandResidual(2, op({ target: 1, kind: 'lower' }))).toBe(0);
    expect(operandResidualSlope(2, op({ target: 1, kind: 'lower' }))).toBe(0);
    expect(operandResidual(0.5, op({ target: 1, kind: 'lower', weight: 9 }))).toBe(-1.5);
    expect(operandResidualSlope(0.5, op({ target: 1, kind: 'lower', weight: 9 }))).toBe(3);
    expect(operandResidual(0.5, op({ target: 1, kind: 'upper' }))).toBe(0);
    expect(operandResidual(1.25, op({ target: 1, kind: 'upper' }))).toBe(0.25);
    expect(operandResidualSlope(1.25, op({ target: 1, kind: 'upper' }))).toBe(1);
  });
});
