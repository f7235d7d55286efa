import { describe, expect, it } from 'vitest';
import { formatPercent, formatSig, formatSigTrim } from './sigFormat.ts';

describe('formatSig: significant digits that fit a column', () => {
  it('keeps the most digits the width allows', () => {
    expect(formatSig(50.000123456, 10)).toBe('50.00012');
    expect(formatSig(50, 10)).toBe('50.00000');
    expect(formatSig(-21.899, 10)).toBe('−21.89900');
    expect(formatSig(0.0123456789, 9)).toBe('0.0123457');
    expect(formatSig(123456.789, 8)).toBe('123456.8');
  });
  it('switches to scientific notation when plain digits would not fit', () => {
    expect(formatSig(1.234567e-5, 9)).toBe('1.2346e-5');
    expect(formatSig(4.5649e-4, 8)).toBe('4.565e-4');
    expect(formatSig(3.2e12, 8)).toBe('3.200e12');
    for (const v of [1.234567e-5, -9.87654321e-9, 6.02e23, 123.456, 0.5]) expect(formatSig(v, 8).length).toBeLessThanOrEqual(8);
  });
  it('drops trailing zeros for typed values', () => {
    expect(formatSigTrim(50, 10)).toBe('50');
    expect(formatSigTrim(1 / 9, 7)).toBe('0.11111');
    expect(formatSigTrim(2e-6, 10)).toBe('2e-6');
    expect(formatSigTrim(1200, 10)).toBe('1200');
  });
  it('names what is not a number', () => {
    expect(formatSig(NaN)).toBe('—');
    expect(formatSig(-Infinity)).toBe('−∞');
    expect(formatSig(0)).toBe('0');
    expect(formatPercent(0.123456)).toBe('12.35');
  });
});
